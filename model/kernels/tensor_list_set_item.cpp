// TensorListSetItem: a new list with item i replaced. When the node holds the only handle to the
// input list (a While loop's list variable at its last use in the body), the list is changed in
// place instead of copied: writing T steps' outputs then costs O(T), not O(T^2).
#include "model/kernels/registry.h"
#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {
namespace {

// The list in `handle` if `handle` is its only holder (so changing it changes no one else's).
TensorList* ownedList(Tensor& handle) {
    if (handle.dtype() != DType::Variant || handle.numElements() != 1) return nullptr;
    auto& objects = handle.mutableObjects();  // unshares the object vector if other tensors share it
    if (!objects[0] || objects[0].use_count() != 1) return nullptr;
    return dynamic_cast<TensorList*>(static_cast<VariantValue*>(objects[0].get()));
}

Status evalSetItem(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(int64_t i, indexArg(ctx, 1, "index"));
    TFS_ASSIGN_OR_RETURN(const Tensor* item, inputOf(ctx, 2));
    TFS_RETURN_IF_ERROR(checkItem(ctx, *list, *item));
    const bool resize = ctx.attrBool("resize_if_index_out_of_bounds", false);
    if (i < 0 || (i >= int64_t(list->items.size()) && !resize))
        return ctx.error("Trying to modify element " + std::to_string(i) + " in a list with " + std::to_string(list->items.size()) + " elements.");
    list.reset();
    Tensor handle = ctx.takeInput(0);
    if (TensorList* own = ownedList(handle)) {
        if (i >= int64_t(own->items.size())) own->items.resize(size_t(i) + 1);
        own->items[size_t(i)] = *item;
        return ctx.setOutput(0, std::move(handle));
    }
    TFS_ASSIGN_OR_RETURN(list, tensorListOf(ctx, handle));
    auto next = std::make_shared<TensorList>(*list);
    if (i >= int64_t(next->items.size())) next->items.resize(size_t(i) + 1);
    next->items[size_t(i)] = *item;
    return emitList(ctx, 0, std::move(next));
}

}  // namespace

void registerTensorListSetItem(KernelList& list) {
    static const KernelDef defs[] = {{"TensorListSetItem", evalSetItem}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
