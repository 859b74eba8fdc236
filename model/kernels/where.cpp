// Where (one input): the int64 coordinates [num_true, rank] of the true / non-zero elements in
// row-major order.
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalWhere(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    using WhereTypes = decltype(NumberTypes{} + TypeList<bool>{});
    return dispatch(WhereTypes{}, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        const T* p = dataOf<T>(*x);
        std::vector<int64_t> hits;
        for (int64_t i = 0; i < x->numElements(); ++i) {
            bool nonZero;
            if constexpr (kIsHalfLike<T>) nonZero = float(p[i]) != 0.0f;
            else nonZero = p[i] != T(0);
            if (nonZero) hits.push_back(i);
        }
        const int rank = x->rank();
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, DType::Int64, {int64_t(hits.size()), rank}));
        int64_t* po = mutableDataOf<int64_t>(*out);
        for (size_t k = 0; k < hits.size(); ++k) {
            int64_t rem = hits[k];
            for (int d = rank - 1; d >= 0; --d) {
                po[k * size_t(rank) + size_t(d)] = rem % x->dim(d);
                rem /= x->dim(d);
            }
        }
        return Status::OK();
    });
}

}  // namespace

void registerWhere(KernelList& list) {
    static const KernelDef def{"Where", evalWhere};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
