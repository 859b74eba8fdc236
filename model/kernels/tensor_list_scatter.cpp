// TensorListScatterIntoExistingList: a new list with the rows of a tensor set at some indices.
#include "model/kernels/registry.h"
#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {
namespace {

Status evalScatterIntoExisting(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* idxT, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> indices, indexValues(ctx, *idxT, "indices"));
    if (t->rank() < 1 || t->dim(0) != int64_t(indices.size()))
        return ctx.error("Expected len(indices) == tensor.shape[0], but saw " + std::to_string(indices.size()) + " vs. " + shapeToString(t->shape()) + ".");
    auto next = std::make_shared<TensorList>(*list);
    for (size_t k = 0; k < indices.size(); ++k) {
        const int64_t i = indices[k];
        if (i < 0) return ctx.error("Indices in TensorListScatter must all be non-negative, got '" + std::to_string(i) + "'.");
        Tensor row = rowOf(*t, int64_t(k));
        TFS_RETURN_IF_ERROR(checkItem(ctx, *next, row));
        if (i >= int64_t(next->items.size())) next->items.resize(size_t(i) + 1);
        next->items[size_t(i)] = std::move(row);
    }
    return emitList(ctx, 0, std::move(next));
}

}  // namespace

void registerTensorListScatter(KernelList& list) {
    static const KernelDef defs[] = {{"TensorListScatterIntoExistingList", evalScatterIntoExisting}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
