// TensorListPopBack: a new list without its last item, and that item.
#include "model/kernels/registry.h"
#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {
namespace {

Status evalPopBack(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    if (list->items.empty()) return ctx.error("Trying to pop from an empty list.");
    auto next = std::make_shared<TensorList>(*list);
    Tensor item = next->items.back();
    next->items.pop_back();
    if (!item.valid()) {
        TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 1));
        TFS_ASSIGN_OR_RETURN(PartialShape requested, shapeArg(ctx, *shapeT));
        TFS_ASSIGN_OR_RETURN(Shape shape, zeroShape(ctx, *list, requested));
        item = Tensor(list->elementDtype, shape);
    }
    TFS_RETURN_IF_ERROR(emitList(ctx, 0, std::move(next)));
    return ctx.setOutput(1, item);
}

}  // namespace

void registerTensorListPopBack(KernelList& list) {
    static const KernelDef defs[] = {{"TensorListPopBack", evalPopBack}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
