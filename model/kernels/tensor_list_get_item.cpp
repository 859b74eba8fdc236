// TensorListGetItem: item i of a list (zeros when unset).
#include "model/kernels/registry.h"
#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {
namespace {

Status evalGetItem(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(int64_t i, indexArg(ctx, 1, "index"));
    if (i < 0 || i >= int64_t(list->items.size()))
        return ctx.error("Trying to access element " + std::to_string(i) + " in a list with " + std::to_string(list->items.size()) + " elements.");
    const Tensor& item = list->items[size_t(i)];
    if (item.valid()) return ctx.setOutput(0, item);
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(PartialShape requested, shapeArg(ctx, *shapeT));
    TFS_ASSIGN_OR_RETURN(Shape shape, zeroShape(ctx, *list, requested));
    TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutput(0, list->elementDtype, shape));
    (void)out;  // zero-filled
    return Status::OK();
}

}  // namespace

void registerTensorListGetItem(KernelList& list) {
    static const KernelDef defs[] = {{"TensorListGetItem", evalGetItem}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
