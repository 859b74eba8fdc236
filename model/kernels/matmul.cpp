// MatMul: a [M,K] x b [K,N] with transpose_a / transpose_b, on the thread pool.
#include "model/kernels/matmul.h"

#include "model/kernels/fused_epilogue.h"
#include "model/kernels/gemm.h"
#include "model/kernels/registry.h"
#include "model/kernels/sgemm.h"

namespace tfscope::kernels {
namespace {

using MatMulTypes = decltype(FloatTypes{} + TypeList<int32_t, int64_t>{} + ComplexTypes{});

Status evalMatMul(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    return computeMatMul(ctx, nullptr);
}

}  // namespace

Status computeMatMul(KernelContext& ctx, const GemmEpilogue* ep, const Tensor* residual) {
    TFS_ASSIGN_OR_RETURN(const Tensor* a, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* b, inputOf(ctx, 1));
    TFS_RETURN_IF_ERROR(checkSameDType(ctx, *a, *b));
    const bool ta = ctx.attrBool("transpose_a", false), tb = ctx.attrBool("transpose_b", false);
    if (a->rank() != 2 || b->rank() != 2)
        return ctx.error("Inputs must be 2-D, got shapes '" + shapeToString(a->shape()) + "' and '" +
                         shapeToString(b->shape()) + "'.");
    const int64_t m = a->dim(ta ? 1 : 0), k = a->dim(ta ? 0 : 1);
    const int64_t k2 = b->dim(tb ? 1 : 0), n = b->dim(tb ? 0 : 1);
    if (k != k2)
        return ctx.error("Matrix size-incompatible: In[0]: '" + shapeToString(a->shape()) + "', In[1]: '" +
                         shapeToString(b->shape()) + "'.");
    if (ep && a->dtype() != DType::Float) return ctx.error("Fused matrix products support only float inputs.");
    GemmEpilogue beforeResidual;  // a residual is added after the product, then the activation
    const GemmActivation residualAct = ep ? ep->act : GemmActivation::None;
    Tensor product;
    if (ep && residual) {
        beforeResidual = *ep;
        beforeResidual.act = GemmActivation::None;
        ep = &beforeResidual;
    }
    TFS_RETURN_IF_ERROR(dispatch(MatMulTypes{}, ctx, a->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, a->dtype(), {m, n}));
        product = *out;  // shares the storage the product is written to
        if (m == 0 || n == 0) return Status::OK();
        if constexpr (std::is_same_v<T, float>) {
            // B (usually a layer's weights) packed once per Session, kept in the DerivedCache.
            if (!ta && m >= 4 && k > 0 && packedSgemmAvailable()) {
                SgemmRowsA rowsA;
                rowsA.a = dataOf<float>(*a);
                rowsA.lda = k;
                packedSgemmParallel(ctx, rowsA, *packedSgemmB(ctx, *b, k, n, tb), mutableDataOf<float>(*out), m, ep ? *ep : GemmEpilogue{});
                return Status::OK();
            }
            // One row: B streams by in place (sgemv.h), from 64-byte aligned storage.
            if (m == 1 && k > 0 && packedSgemmAvailable()) {
                const Tensor weights = alignedForStreaming(ctx, *b);
                gemm(ctx, dataOf<float>(*a), dataOf<float>(weights), mutableDataOf<float>(*out), m, k, n, ta, tb, ep);
                return Status::OK();
            }
        }
        gemm(ctx, dataOf<T>(*a), dataOf<T>(*b), mutableDataOf<T>(*out), m, k, n, ta, tb, ep);
        return Status::OK();
    }));
    if (residual && ep) return addResidual(ctx, product, *residual, residualAct);
    return Status::OK();
}

void registerMatMul(KernelList& list) {
    static const KernelDef def{"MatMul", evalMatMul};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
