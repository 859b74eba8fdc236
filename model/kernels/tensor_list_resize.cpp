// TensorListResize: a new list cut or padded with unset items to a size.
#include "model/kernels/registry.h"
#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {
namespace {

Status evalResize(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(int64_t n, indexArg(ctx, 1, "size"));
    if (n < 0) return ctx.error("TensorListResize expects size to be non-negative, got '" + std::to_string(n) + "'.");
    auto next = std::make_shared<TensorList>(*list);
    next->items.resize(size_t(n));
    return emitList(ctx, 0, std::move(next));
}

}  // namespace

void registerTensorListResize(KernelList& list) {
    static const KernelDef defs[] = {{"TensorListResize", evalResize}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
