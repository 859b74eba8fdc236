// Reshape (one -1 allowed), Squeeze (squeeze_dims, all size-1 dims if empty) and ExpandDims:
// all forward the input's storage with a new shape.
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalReshape(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* s, inputOf(ctx, 1));
    if (s->rank() > 1) return ctx.error("Shape must be a vector, got shape '" + shapeToString(s->shape()) + "'.");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> dims, indexValues(ctx, *s, "shape"));
    int unknown = -1;
    int64_t known = 1;
    for (size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] == -1) {
            if (unknown >= 0) return ctx.error("Only one input size may be -1, not both " + std::to_string(unknown) + " and " + std::to_string(i) + ".");
            unknown = int(i);
        } else if (dims[i] < 0) {
            return ctx.error("Size " + std::to_string(i) + " must be non-negative, not " + std::to_string(dims[i]) + ".");
        } else {
            if (dims[i] != 0 && known > (int64_t(1) << 62) / dims[i]) return ctx.error("Requested shape is too large.");
            known *= dims[i];
        }
    }
    const int64_t n = x->numElements();
    if (unknown >= 0) {
        if (known == 0 || n % known != 0)
            return ctx.error("Input to reshape is a tensor with " + std::to_string(n) +
                             " values, but the requested shape requires a multiple of " + std::to_string(known) + ".");
        dims[size_t(unknown)] = n / known;
    } else if (known != n) {
        return ctx.error("Input to reshape is a tensor with " + std::to_string(n) + " values, but the requested shape has " +
                         std::to_string(known) + ".");
    }
    return forwardAs(ctx, 0, *x, dims);
}

Status evalSqueeze(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    std::vector<int64_t> axes = ctx.attrIntList("squeeze_dims", ctx.attrIntList("axis"));
    const int rank = x->rank();
    std::vector<bool> drop(size_t(rank), false);
    for (int64_t a : axes) {
        TFS_ASSIGN_OR_RETURN(int d, normalizeAxis(ctx, a, rank));
        if (x->dim(d) != 1)
            return ctx.error("Can not squeeze dim[" + std::to_string(d) + "], expected a dimension of 1, got " +
                             std::to_string(x->dim(d)) + " in shape '" + shapeToString(x->shape()) + "'.");
        drop[size_t(d)] = true;
    }
    Shape out;
    for (int d = 0; d < rank; ++d) {
        const bool squeeze = axes.empty() ? x->dim(d) == 1 : drop[size_t(d)];
        if (!squeeze) out.push_back(x->dim(d));
    }
    return forwardAs(ctx, 0, *x, out);
}

Status evalExpandDims(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* a, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(int64_t axis, indexScalar(ctx, *a, "dim"));
    const int rank = x->rank();
    if (axis < -rank - 1 || axis > rank)
        return ctx.error("Tried to expand dim index " + std::to_string(axis) + " for tensor with " + std::to_string(rank) + " dimensions.");
    if (axis < 0) axis += rank + 1;
    Shape out = x->shape();
    out.insert(out.begin() + axis, 1);
    return forwardAs(ctx, 0, *x, out);
}

}  // namespace

void registerReshape(KernelList& list) {
    static const KernelDef defs[] = {{"Reshape", evalReshape}, {"Squeeze", evalSqueeze}, {"ExpandDims", evalExpandDims}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
