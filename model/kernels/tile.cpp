// Tile (multiples), BroadcastTo (shape), BroadcastArgs (the broadcast shape of two shapes) and
// BroadcastGradientArgs (the axes each side's gradient is summed over).
#include <algorithm>

#include "model/kernels/broadcast.h"
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalTile(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* m, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> mult, indexValues(ctx, *m, "multiples"));
    if (m->rank() != 1 || int64_t(mult.size()) != x->rank())
        return ctx.error("Expected multiples argument to be a vector of length " + std::to_string(x->rank()) + " but got shape '" +
                         shapeToString(m->shape()) + "'.");
    const int rank = x->rank();
    Shape outShape(static_cast<size_t>(rank));
    for (int d = 0; d < rank; ++d) {
        if (mult[size_t(d)] < 0) return ctx.error("Expected multiples[" + std::to_string(d) + "] >= 0, but got " + std::to_string(mult[size_t(d)]) + ".");
        outShape[size_t(d)] = x->dim(d) * mult[size_t(d)];
    }
    return dispatchCopy(ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, x->dtype(), outShape));
        if (out->numElements() == 0) return Status::OK();
        const T* in = dataOf<T>(*x);
        T* po = mutableDataOf<T>(*out);
        if (rank == 0) { po[0] = in[0]; return Status::OK(); }
        std::vector<int64_t> inStrides(size_t(rank), 1);
        for (int d = rank - 1; d-- > 0;) inStrides[size_t(d)] = inStrides[size_t(d) + 1] * x->dim(d + 1);
        const int64_t inner = outShape[size_t(rank - 1)], inInner = x->dim(rank - 1);
        const int64_t rows = out->numElements() / inner;
        parallelFor(ctx, rows, double(inner), [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                int64_t rem = r, src = 0;
                for (int d = rank - 1; d-- > 0;) {
                    src += (rem % outShape[size_t(d)]) % x->dim(d) * inStrides[size_t(d)];
                    rem /= outShape[size_t(d)];
                }
                T* dst = po + r * inner;
                for (int64_t i = 0; i < inner; i += inInner) std::copy(in + src, in + src + inInner, dst + i);
            }
        });
        return Status::OK();
    });
}

Status evalBroadcastTo(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* s, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(Shape shape, indexValues(ctx, *s, "shape"));
    Broadcast bc;
    if (!bc.init({x->shape(), shape}) || bc.outShape() != shape)
        return ctx.error("Unable to broadcast tensor of shape '" + shapeToString(x->shape()) + "' to tensor of shape '" +
                         shapeToString(shape) + "'.");
    if (x->shape() == shape) return ctx.setOutput(0, *x);
    return dispatchCopy(ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, x->dtype(), shape));
        broadcastCopy(ctx, bc, 0, dataOf<T>(*x), mutableDataOf<T>(*out));
        return Status::OK();
    });
}

// BroadcastArgs / BroadcastGradientArgs inputs: two shape vectors s0, s1 of one integer dtype.
struct TwoShapes {
    DType dtype;
    Shape s0, s1;
};
Result<TwoShapes> twoShapeInputs(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* a, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* b, inputOf(ctx, 1));
    TFS_RETURN_IF_ERROR(checkSameDType(ctx, *a, *b));
    TFS_ASSIGN_OR_RETURN(Shape sa, indexValues(ctx, *a, "s0"));
    TFS_ASSIGN_OR_RETURN(Shape sb, indexValues(ctx, *b, "s1"));
    return TwoShapes{a->dtype(), std::move(sa), std::move(sb)};
}

// Output `slot` := `values` as an int32 or int64 vector.
Status setShapeOutput(KernelContext& ctx, int slot, DType dtype, const std::vector<int64_t>& values) {
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(slot, dtype, {int64_t(values.size())}));
    for (size_t i = 0; i < values.size(); ++i) {
        if (dtype == DType::Int32) mutableDataOf<int32_t>(*out)[i] = int32_t(values[i]);
        else mutableDataOf<int64_t>(*out)[i] = values[i];
    }
    return Status::OK();
}

Status evalBroadcastArgs(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(TwoShapes in, twoShapeInputs(ctx));
    const Shape& sa = in.s0;
    const Shape& sb = in.s1;
    Broadcast bc;
    if (!bc.init({sa, sb})) return ctx.error("Incompatible shapes " + Broadcast::describe({sa, sb}) + ".");
    return setShapeOutput(ctx, 0, in.dtype, bc.outShape());
}

// r0 / r1: the axes of the broadcast result that input 0 / input 1 was stretched along (its padded
// dim is 1), so the gradient for that input is summed over them. Identical shapes reduce nothing;
// an axis where both are 1 is listed for both (TF's answers, checked in tst_kernels_shape).
Status evalBroadcastGradientArgs(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(TwoShapes in, twoShapeInputs(ctx));
    const Shape& sa = in.s0;
    const Shape& sb = in.s1;
    const size_t rank = std::max(sa.size(), sb.size());
    std::vector<int64_t> r0, r1;
    if (sa != sb) {
        for (size_t i = 0; i < rank; ++i) {
            const int64_t x = i + sa.size() < rank ? 1 : sa[i + sa.size() - rank];
            const int64_t y = i + sb.size() < rank ? 1 : sb[i + sb.size() - rank];
            if (x != y && x != 1 && y != 1) return ctx.error("Incompatible shapes: " + shapeToString(sa) + " vs. " + shapeToString(sb) + ".");
            if (x == 1) r0.push_back(int64_t(i));
            if (y == 1) r1.push_back(int64_t(i));
        }
    }
    TFS_RETURN_IF_ERROR(setShapeOutput(ctx, 0, in.dtype, r0));
    return setShapeOutput(ctx, 1, in.dtype, r1);
}

}  // namespace

void registerTile(KernelList& list) {
    static const KernelDef defs[] = {{"Tile", evalTile}, {"BroadcastTo", evalBroadcastTo}, {"BroadcastArgs", evalBroadcastArgs},
                                     {"BroadcastGradientArgs", evalBroadcastGradientArgs}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
