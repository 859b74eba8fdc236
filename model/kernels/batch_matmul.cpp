// BatchMatMul (batch dims equal), BatchMatMulV2 / V3 (batch dims broadcast; V3 only with equal
// Ta, Tb and Tout): x [..., M, K] x y [..., K, N] with adj_x / adj_y (conjugate transpose).
#include <algorithm>
#include <complex>

#include "model/kernels/broadcast.h"
#include "model/kernels/gemm.h"
#include "model/kernels/registry.h"
#include "model/kernels/sgemm.h"

namespace tfscope::kernels {
namespace {

using BatchMatMulTypes = decltype(FloatTypes{} + TypeList<int16_t, int32_t, int64_t>{} + ComplexTypes{});

template <typename T> void conjugateInPlace(std::vector<T>& v) {
    if constexpr (kIsComplex<T>) for (T& x : v) x = std::conj(x);
}

template <int kVersion>
Status evalBatchMatMulImpl(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* y, inputOf(ctx, 1));
    TFS_RETURN_IF_ERROR(checkSameDType(ctx, *x, *y));
    if constexpr (kVersion == 3) {
        if (ctx.attrType("Tout", x->dtype()) != x->dtype()) return ctx.error("Tout different from Ta is not supported.");
    }
    const bool adjX = ctx.attrBool("adj_x", false), adjY = ctx.attrBool("adj_y", false);
    if (x->rank() < 2 || y->rank() < 2)
        return ctx.error("Inputs must be at least 2-D, got shapes '" + shapeToString(x->shape()) + "' and '" +
                         shapeToString(y->shape()) + "'.");
    const int rx = x->rank(), ry = y->rank();
    const int64_t m = x->dim(adjX ? rx - 1 : rx - 2), k = x->dim(adjX ? rx - 2 : rx - 1);
    const int64_t k2 = y->dim(adjY ? ry - 1 : ry - 2), n = y->dim(adjY ? ry - 2 : ry - 1);
    if (k != k2)
        return ctx.error("Matrix size-incompatible: In[0]: '" + shapeToString(x->shape()) + "', In[1]: '" +
                         shapeToString(y->shape()) + "'.");
    Shape bx(x->shape().begin(), x->shape().end() - 2), by(y->shape().begin(), y->shape().end() - 2);
    if (kVersion == 1 && bx != by)
        return ctx.error("Batch dimensions must be equal, got '" + shapeToString(x->shape()) + "' and '" +
                         shapeToString(y->shape()) + "'.");
    Broadcast bc;
    if (!bc.init({bx, by}))
        return ctx.error("Incompatible batch dimensions in shapes '" + shapeToString(x->shape()) + "' and '" +
                         shapeToString(y->shape()) + "'.");
    Shape outShape = bc.outShape();
    outShape.push_back(m);
    outShape.push_back(n);
    // Offsets (in matrices) of x and y for every output batch entry.
    const int64_t batches = bc.numElements();
    std::vector<int64_t> offX(size_t(std::max<int64_t>(batches, 0))), offY(offX.size());
    bc.forEachRow(ctx, 0, [&](int64_t o, const int64_t* in, int64_t len) {
        for (int64_t i = 0; i < len; ++i) {
            offX[size_t(o + i)] = in[0] + i * bc.innerStride(0);
            offY[size_t(o + i)] = in[1] + i * bc.innerStride(1);
        }
    });
    return dispatch(BatchMatMulTypes{}, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, x->dtype(), outShape));
        if (out->numElements() == 0) return Status::OK();
        if constexpr (std::is_same_v<T, float>) {
            // x [..., M, K] times one y for every batch entry (a Dense layer on a sequence, as
            // Keras 3 writes it): the batch entries are the rows of a single [batches * M, K]
            // product, and y (the layer's weights) is packed once per Session.
            const bool sharedY = std::all_of(by.begin(), by.end(), [](int64_t d) { return d == 1; });
            const bool plainX = bx.size() + 2 == outShape.size() && std::equal(bx.begin(), bx.end(), outShape.begin());
            if (!adjX && sharedY && plainX && m * batches >= 4 && k > 0 && packedSgemmAvailable()) {
                SgemmRowsA rowsA;
                rowsA.a = dataOf<float>(*x);
                rowsA.lda = k;
                packedSgemmParallel(ctx, rowsA, *packedSgemmB(ctx, *y, k, n, adjY), mutableDataOf<float>(*out), m * batches, GemmEpilogue{});
                return Status::OK();
            }
        }
        const T* px = dataOf<T>(*x);
        const T* py = dataOf<T>(*y);
        T* po = mutableDataOf<T>(*out);
        auto one = [&](int64_t i, bool threaded) {
            const T* a = px + offX[size_t(i)] * m * k;
            const T* b = py + offY[size_t(i)] * k * n;
            std::vector<T> ca, cb;
            if constexpr (kIsComplex<T>) {  // adjoint = conjugate transpose
                if (adjX) { ca.assign(a, a + m * k); conjugateInPlace(ca); a = ca.data(); }
                if (adjY) { cb.assign(b, b + k * n); conjugateInPlace(cb); b = cb.data(); }
            }
            if (threaded) gemm(ctx, a, b, po + i * m * n, m, k, n, adjX, adjY);
            else gemmSerial(a, b, po + i * m * n, m, k, n, adjX, adjY);
        };
        if (batches == 1 || m * n * k >= 64 * 64 * 64) {
            for (int64_t i = 0; i < batches; ++i) one(i, true);
        } else {
            parallelFor(ctx, batches, double(m * n * k), [&](int64_t b0, int64_t b1) {
                for (int64_t i = b0; i < b1; ++i) one(i, false);
            });
        }
        return Status::OK();
    });
}

Status evalBatchMatMul(KernelContext& ctx) { return evalBatchMatMulImpl<1>(ctx); }
Status evalBatchMatMulV2(KernelContext& ctx) { return evalBatchMatMulImpl<2>(ctx); }
Status evalBatchMatMulV3(KernelContext& ctx) { return evalBatchMatMulImpl<3>(ctx); }

}  // namespace

void registerBatchMatMul(KernelList& list) {
    static const KernelDef defs[] = {
        {"BatchMatMul", evalBatchMatMul}, {"BatchMatMulV2", evalBatchMatMulV2}, {"BatchMatMulV3", evalBatchMatMulV3}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
