// TensorListFromTensor: a list of the rows of a tensor.
#include "model/kernels/registry.h"
#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {
namespace {

Status evalFromTensor(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 1));
    if (t->rank() < 1) return ctx.error("Tensor must be at least a vector, but saw shape " + shapeToString(t->shape()) + ".");
    if (t->dtype() == DType::Variant || t->dtype() == DType::Resource) return unsupportedType(ctx, t->dtype());
    auto list = std::make_shared<TensorList>();
    TFS_ASSIGN_OR_RETURN(PartialShape declared, shapeArg(ctx, *shapeT));
    const Shape rowShape(t->shape().begin() + 1, t->shape().end());
    if (!declared.accepts(rowShape))
        return ctx.error("Specified a list with shape " + declared.toString() + " from a tensor with shape " + shapeToString(t->shape()) + ".");
    list->elementShape = declared;
    list->elementDtype = t->dtype();
    list->items.reserve(size_t(t->dim(0)));
    for (int64_t i = 0; i < t->dim(0); ++i) list->items.push_back(rowOf(*t, i));
    return emitList(ctx, 0, std::move(list));
}

}  // namespace

void registerTensorListFromTensor(KernelList& list) {
    static const KernelDef defs[] = {{"TensorListFromTensor", evalFromTensor}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
