// Pad (zeros), PadV2 (constant_values) and MirrorPad (mode REFLECT or SYMMETRIC); paddings is an
// int32/int64 [rank, 2] tensor of (before, after) counts.
#include "model/kernels/pad.h"
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

enum class Mode { Constant, Reflect, Symmetric };

// Source index along one dim, or -1 for a constant-padded position.
inline int64_t sourceIndex(int64_t o, int64_t before, int64_t dim, Mode mode) {
    int64_t i = o - before;
    if (i >= 0 && i < dim) return i;
    if (mode == Mode::Constant) return -1;
    const int64_t shift = mode == Mode::Reflect ? 1 : 0;  // REFLECT skips the edge element
    if (i < 0) return -i - 1 + shift;
    return 2 * dim - i - 1 - shift;
}

Status padImpl(KernelContext& ctx, Mode mode, bool hasConstant) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, hasConstant ? 3 : 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* p, inputOf(ctx, 1));
    const int rank = x->rank();
    if (p->rank() != 2 || p->dim(0) != rank || p->dim(1) != 2)
        return ctx.error("The first dimension of paddings must be the rank of inputs '" + shapeToString(x->shape()) +
                         "', got paddings of shape '" + shapeToString(p->shape()) + "'.");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> pads, indexValues(ctx, *p, "paddings"));
    Shape outShape(static_cast<size_t>(rank));
    for (int d = 0; d < rank; ++d) {
        const int64_t b = pads[size_t(2 * d)], a = pads[size_t(2 * d + 1)];
        if (b < 0 || a < 0) return ctx.error("Paddings must be non-negative: " + std::to_string(b) + " " + std::to_string(a) + ".");
        if (mode != Mode::Constant) {
            const int64_t limit = mode == Mode::Reflect ? x->dim(d) - 1 : x->dim(d);
            if (b > limit || a > limit)
                return ctx.error("Paddings must be no greater than the dimension size: " + std::to_string(b) + ", " +
                                 std::to_string(a) + " greater than " + std::to_string(limit) + ".");
        }
        outShape[size_t(d)] = x->dim(d) + b + a;
    }
    const Tensor* constant = nullptr;
    if (hasConstant) {
        TFS_ASSIGN_OR_RETURN(constant, inputOf(ctx, 2));
        if (constant->numElements() != 1) return ctx.error("constant_values must be a scalar, got shape '" + shapeToString(constant->shape()) + "'.");
        TFS_RETURN_IF_ERROR(checkSameDType(ctx, *x, *constant));
    }
    return dispatchCopy(ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, x->dtype(), outShape));
        if (out->numElements() == 0) return Status::OK();
        const T fillValue = constant ? dataOf<T>(*constant)[0] : T();
        const T* in = dataOf<T>(*x);
        T* po = mutableDataOf<T>(*out);
        if (rank == 0) { po[0] = in[0]; return Status::OK(); }
        std::vector<int64_t> inStrides(size_t(rank), 1);
        for (int d = rank - 1; d-- > 0;) inStrides[size_t(d)] = inStrides[size_t(d) + 1] * x->dim(d + 1);
        if (mode == Mode::Constant) {
            padConstant(ctx, in, po, x->shape(), outShape, pads, fillValue);
            return Status::OK();
        }
        const int64_t inner = outShape[size_t(rank - 1)];
        const int64_t rows = out->numElements() / inner;
        const int64_t lastBefore = pads[size_t(2 * rank - 2)], lastDim = x->dim(rank - 1);
        parallelFor(ctx, rows, double(inner), [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                int64_t rem = r, src = 0;
                bool padded = false;
                for (int d = rank - 1; d-- > 0;) {
                    const int64_t s = sourceIndex(rem % outShape[size_t(d)], pads[size_t(2 * d)], x->dim(d), mode);
                    rem /= outShape[size_t(d)];
                    if (s < 0) padded = true;
                    else src += s * inStrides[size_t(d)];
                }
                T* dst = po + r * inner;
                if (padded) {
                    std::fill(dst, dst + inner, fillValue);
                    continue;
                }
                for (int64_t i = 0; i < inner; ++i) {
                    const int64_t s = sourceIndex(i, lastBefore, lastDim, mode);
                    dst[i] = s < 0 ? fillValue : in[src + s];
                }
            }
        });
        return Status::OK();
    });
}

Status evalPad(KernelContext& ctx) { return padImpl(ctx, Mode::Constant, false); }
Status evalPadV2(KernelContext& ctx) { return padImpl(ctx, Mode::Constant, true); }
Status evalMirrorPad(KernelContext& ctx) {
    const std::string mode = ctx.attrString("mode", "");
    if (mode == "REFLECT") return padImpl(ctx, Mode::Reflect, false);
    if (mode == "SYMMETRIC") return padImpl(ctx, Mode::Symmetric, false);
    return ctx.error("mode must be either REFLECT or SYMMETRIC, got '" + mode + "'.");
}

}  // namespace

void registerPad(KernelList& list) {
    static const KernelDef defs[] = {{"Pad", evalPad}, {"PadV2", evalPadV2}, {"MirrorPad", evalMirrorPad}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
