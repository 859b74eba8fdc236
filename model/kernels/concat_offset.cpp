// ConcatOffset (concat_dim, shape x N): where each input of a ConcatV2 starts in its output, as
// the gradient of a concat (kept in graphs with training ops) slices it back.
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalConcatOffset(KernelContext& ctx) {
    const int n = ctx.numInputs() - 1;
    if (n < 2) return ctx.error("ConcatOffset needs at least two shapes; got " + std::to_string(n) + ".");
    TFS_ASSIGN_OR_RETURN(const Tensor* cd, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(int64_t axis, indexScalar(ctx, *cd, "concat_dim"));
    TFS_ASSIGN_OR_RETURN(const Tensor* first, inputOf(ctx, 1));
    if (first->rank() != 1) return ctx.error("input 0 should be a vector; got shape " + shapeToString(first->shape()) + ".");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> s0, indexValues(ctx, *first, "shape"));
    const int64_t rank = int64_t(s0.size());
    const int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
        return ctx.error("Concat dim is out of range: " + std::to_string(axis) + " vs. " + std::to_string(rank));
    int64_t offset = 0;
    for (int i = 0; i < n; ++i) {
        TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, i + 1));
        TFS_ASSIGN_OR_RETURN(std::vector<int64_t> s, indexValues(ctx, *t, "shape"));
        if (t->rank() != 1 || int64_t(s.size()) != rank || t->dtype() != first->dtype())
            return ctx.error("input " + std::to_string(i) + " should contain " + std::to_string(rank) + " elements, but got " +
                             std::to_string(s.size()) + ".");
        for (int64_t d = 0; d < rank; ++d)
            if (d != a && s[size_t(d)] != s0[size_t(d)])
                return ctx.error("All dimensions except " + std::to_string(a) + " must match. Input " + std::to_string(i) + " has shape " +
                                 shapeToString(s) + " and doesn't match input 0 with shape " + shapeToString(s0) + ".");
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(i, t->dtype(), {rank}));
        for (int64_t d = 0; d < rank; ++d) {
            const int64_t v = d == a ? offset : 0;
            if (t->dtype() == DType::Int32) mutableDataOf<int32_t>(*out)[d] = int32_t(v);
            else mutableDataOf<int64_t>(*out)[d] = v;
        }
        offset += s[size_t(a)];
    }
    return Status::OK();
}

}  // namespace

void registerConcatOffset(KernelList& list) {
    static const KernelDef def{"ConcatOffset", evalConcatOffset};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
