// ReverseV2 (axis vector, negative allowed) and InvertPermutation.
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalReverseV2(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* a, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> axes, indexValues(ctx, *a, "axis"));
    const int rank = x->rank();
    std::vector<bool> rev(size_t(rank), false);
    for (int64_t ax : axes) {
        TFS_ASSIGN_OR_RETURN(int d, normalizeAxis(ctx, ax, rank));
        if (rev[size_t(d)]) return ctx.error("axis " + std::to_string(d) + " specified more than once.");
        rev[size_t(d)] = true;
    }
    return dispatchCopy(ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, x->dtype(), x->shape()));
        const int64_t total = x->numElements();
        if (total == 0) return Status::OK();
        const T* in = dataOf<T>(*x);
        T* po = mutableDataOf<T>(*out);
        for (int64_t i = 0; i < total; ++i) {
            int64_t rem = i, src = 0, stride = 1;
            for (int d = rank - 1; d >= 0; --d) {
                int64_t idx = rem % x->dim(d);
                rem /= x->dim(d);
                if (rev[size_t(d)]) idx = x->dim(d) - 1 - idx;
                src += idx * stride;
                stride *= x->dim(d);
            }
            po[i] = in[src];
        }
        return Status::OK();
    });
}

Status evalInvertPermutation(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    if (x->rank() != 1) return ctx.error("invert_permutation expects a 1D vector, got shape '" + shapeToString(x->shape()) + "'.");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> p, indexValues(ctx, *x, "x"));
    const int64_t n = int64_t(p.size());
    std::vector<int64_t> inv(p.size(), -1);
    for (int64_t i = 0; i < n; ++i) {
        if (p[size_t(i)] < 0 || p[size_t(i)] >= n) return ctx.error(std::to_string(p[size_t(i)]) + " is not between 0 and " + std::to_string(n) + ".");
        if (inv[size_t(p[size_t(i)])] != -1) return ctx.error(std::to_string(p[size_t(i)]) + " is duplicated in the input.");
        inv[size_t(p[size_t(i)])] = i;
    }
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, x->dtype(), x->shape()));
    for (int64_t i = 0; i < n; ++i) {
        if (x->dtype() == DType::Int32) mutableDataOf<int32_t>(*out)[i] = int32_t(inv[size_t(i)]);
        else mutableDataOf<int64_t>(*out)[i] = inv[size_t(i)];
    }
    return Status::OK();
}

}  // namespace

void registerReverse(KernelList& list) {
    static const KernelDef defs[] = {{"ReverseV2", evalReverseV2}, {"InvertPermutation", evalInvertPermutation}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
