// Unpack (attr num, axis), Split (axis, value; attr num_split) and SplitV (value, size_splits
// with one -1 allowed, axis): cut a tensor along one axis into several outputs.
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

// Writes outputs of sizes[i] along axis (keeping the axis unless `dropAxis`).
Status splitAlong(KernelContext& ctx, const Tensor& x, int axis, const std::vector<int64_t>& sizes, bool dropAxis) {
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= x.dim(d);
    for (int d = axis + 1; d < x.rank(); ++d) inner *= x.dim(d);
    return dispatchCopy(ctx, x.dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        const T* in = dataOf<T>(x);
        const int64_t inRow = x.dim(axis) * inner;
        int64_t start = 0;
        for (size_t i = 0; i < sizes.size(); ++i) {
            Shape s = x.shape();
            if (dropAxis) s.erase(s.begin() + axis);
            else s[size_t(axis)] = sizes[i];
            TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(int(i), x.dtype(), s));
            T* po = mutableDataOf<T>(*out);
            const int64_t row = sizes[i] * inner;
            for (int64_t o = 0; o < outer; ++o) {
                const T* src = in + o * inRow + start * inner;
                std::copy(src, src + row, po + o * row);
            }
            start += sizes[i];
        }
        return Status::OK();
    });
}

Status evalUnpack(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    if (x->rank() == 0) return ctx.error("Cannot unpack a scalar.");
    TFS_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, ctx.attrInt("axis", 0), x->rank()));
    const int64_t num = ctx.attrInt("num", x->dim(axis));
    if (num != x->dim(axis))
        return ctx.error("Input shape axis " + std::to_string(axis) + " must equal " + std::to_string(num) + ", got shape '" +
                         shapeToString(x->shape()) + "'.");
    return splitAlong(ctx, *x, axis, std::vector<int64_t>(size_t(num), 1), true);
}

Status evalSplit(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* a, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(int64_t axisValue, indexScalar(ctx, *a, "axis"));
    if (x->rank() == 0) return ctx.error("Cannot split a scalar.");
    TFS_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, axisValue, x->rank()));
    const int64_t num = ctx.attrInt("num_split", ctx.numOutputs());
    if (num <= 0) return ctx.error("num_split must be positive, got " + std::to_string(num) + ".");
    if (x->dim(axis) % num != 0)
        return ctx.error("Number of ways to split should evenly divide the split dimension, but got split_dim " +
                         std::to_string(axis) + " (size = " + std::to_string(x->dim(axis)) + ") and num_split " +
                         std::to_string(num) + ".");
    return splitAlong(ctx, *x, axis, std::vector<int64_t>(size_t(num), x->dim(axis) / num), false);
}

Status evalSplitV(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* s, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* a, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(int64_t axisValue, indexScalar(ctx, *a, "axis"));
    if (x->rank() == 0) return ctx.error("Cannot split a scalar.");
    TFS_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, axisValue, x->rank()));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, indexValues(ctx, *s, "size_splits"));
    int unknown = -1;
    int64_t total = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
        if (sizes[i] == -1) {
            if (unknown >= 0) return ctx.error("There can only be one -1 in the input.");
            unknown = int(i);
        } else if (sizes[i] < 0) {
            return ctx.error("Split size " + std::to_string(sizes[i]) + " must be >= 0.");
        } else {
            total += sizes[i];
        }
    }
    const int64_t dim = x->dim(axis);
    if (unknown >= 0) {
        if (total > dim) return ctx.error("Split sizes exceed dimension " + std::to_string(dim) + ".");
        sizes[size_t(unknown)] = dim - total;
    } else if (total != dim) {
        return ctx.error("Determined shape must either match input shape along split_dim exactly if fully specified, "
                         "or be less than the size of the input along split_dim if not fully specified. Got: " +
                         std::to_string(total) + " vs " + std::to_string(dim) + ".");
    }
    return splitAlong(ctx, *x, axis, sizes, false);
}

}  // namespace

void registerSplit(KernelList& list) {
    static const KernelDef defs[] = {{"Unpack", evalUnpack}, {"Split", evalSplit}, {"SplitV", evalSplitV}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
