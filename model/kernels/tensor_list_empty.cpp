// EmptyTensorList: a new list with no items, of an element dtype and (partial) shape.
#include "model/kernels/registry.h"
#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {
namespace {

Status evalEmptyTensorList(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 0));
    auto list = std::make_shared<TensorList>();
    TFS_ASSIGN_OR_RETURN(list->elementShape, shapeArg(ctx, *shapeT));
    TFS_ASSIGN_OR_RETURN(list->elementDtype, ctx.attrType("element_dtype"));
    return emitList(ctx, 0, std::move(list));
}

}  // namespace

void registerTensorListEmpty(KernelList& list) {
    static const KernelDef defs[] = {{"EmptyTensorList", evalEmptyTensorList}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
