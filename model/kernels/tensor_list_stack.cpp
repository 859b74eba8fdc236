// TensorListStack: all items stacked into one tensor [n, element...].
#include "model/kernels/registry.h"
#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {
namespace {

Status evalStack(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(PartialShape requested, shapeArg(ctx, *shapeT));
    const int64_t n = int64_t(list->items.size()), want = ctx.attrInt("num_elements", -1);
    if (want != -1 && want != n) return ctx.error("Operation expected a list with " + std::to_string(want) + " elements but got a list with " + std::to_string(n) + " elements.");
    std::vector<int64_t> all(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) all[size_t(i)] = i;
    return stackItems(ctx, *list, all, requested);
}

}  // namespace

void registerTensorListStack(KernelList& list) {
    static const KernelDef defs[] = {{"TensorListStack", evalStack}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
