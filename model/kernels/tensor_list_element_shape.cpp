// TensorListElementShape: a list's element shape (-1 for unknown dims; scalar -1 for an unknown rank).
#include "model/kernels/registry.h"
#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {
namespace {

Status evalElementShape(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    const DType type = ctx.attrType("shape_type", DType::Int32);
    if (type != DType::Int32 && type != DType::Int64) return unsupportedType(ctx, type);
    const PartialShape& s = list->elementShape;
    Shape outShape = s.unknownRank ? Shape{} : Shape{int64_t(s.dims.size())};
    TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutput(0, type, outShape));
    const std::vector<int64_t> values = s.unknownRank ? std::vector<int64_t>{-1} : s.dims;
    for (size_t i = 0; i < values.size(); ++i) {
        if (type == DType::Int32) mutableDataOf<int32_t>(*out)[i] = int32_t(values[i]);
        else mutableDataOf<int64_t>(*out)[i] = values[i];
    }
    return Status::OK();
}

}  // namespace

void registerTensorListElementShape(KernelList& list) {
    static const KernelDef defs[] = {{"TensorListElementShape", evalElementShape}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
