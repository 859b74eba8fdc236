// TensorListGather: the items at some indices stacked into one tensor.
#include "model/kernels/registry.h"
#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {
namespace {

Status evalGather(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* idxT, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> indices, indexValues(ctx, *idxT, "indices"));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(PartialShape requested, shapeArg(ctx, *shapeT));
    return stackItems(ctx, *list, indices, requested);
}

}  // namespace

void registerTensorListGather(KernelList& list) {
    static const KernelDef defs[] = {{"TensorListGather", evalGather}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
