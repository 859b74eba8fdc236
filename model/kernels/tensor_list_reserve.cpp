// TensorListReserve: a list of n unset items (read as zeros).
#include "model/kernels/registry.h"
#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {
namespace {

Status evalReserve(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(int64_t n, indexArg(ctx, 1, "num_elements"));
    if (n < 0) return ctx.error("The num_elements to reserve must be a non negative number, but got '" + std::to_string(n) + "'.");
    auto list = std::make_shared<TensorList>();
    TFS_ASSIGN_OR_RETURN(list->elementShape, shapeArg(ctx, *shapeT));
    TFS_ASSIGN_OR_RETURN(list->elementDtype, ctx.attrType("element_dtype"));
    list->items.resize(size_t(n));
    return emitList(ctx, 0, std::move(list));
}

}  // namespace

void registerTensorListReserve(KernelList& list) {
    static const KernelDef defs[] = {{"TensorListReserve", evalReserve}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
