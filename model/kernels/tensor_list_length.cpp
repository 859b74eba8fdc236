// TensorListLength: the number of items of a list.
#include "model/kernels/registry.h"
#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {
namespace {

Status evalLength(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    return ctx.setOutput(0, Tensor::scalar<int32_t>(int32_t(list->items.size())));
}

}  // namespace

void registerTensorListLength(KernelList& list) {
    static const KernelDef defs[] = {{"TensorListLength", evalLength}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
