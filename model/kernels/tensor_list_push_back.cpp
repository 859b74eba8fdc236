// TensorListPushBack: a new list with one more item at the end.
#include "model/kernels/registry.h"
#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {
namespace {

Status evalPushBack(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* item, inputOf(ctx, 1));
    TFS_RETURN_IF_ERROR(checkItem(ctx, *list, *item));
    auto next = std::make_shared<TensorList>(*list);
    next->items.push_back(*item);
    return emitList(ctx, 0, std::move(next));
}

}  // namespace

void registerTensorListPushBack(KernelList& list) {
    static const KernelDef defs[] = {{"TensorListPushBack", evalPushBack}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
