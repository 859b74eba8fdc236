#pragma once
// Helpers shared by the TensorList kernels (tensor_list_*.cpp, one op per file): reading a list,
// an index or an element_shape argument, checking and copying items, and stacking items.
//
//   TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));   // checks element_dtype
//   auto next = std::make_shared<TensorList>(*list);      // lists are values: copy, then change
//   return emitList(ctx, 0, std::move(next));

#include <memory>
#include <vector>

#include "model/kernels/kernel_util.h"
#include "model/kernels/tensor_list.h"

namespace tfscope::kernels {

// An element_shape argument: a scalar -1 is an unknown rank, else a vector with -1 for unknown dims.
Result<PartialShape> shapeArg(KernelContext& ctx, const Tensor& t);
// The list of input i; an error if the op's element_dtype attr differs from the list's.
Result<std::shared_ptr<const TensorList>> listInput(KernelContext& ctx, int i);
// Output i := a variant holding `list`.
Status emitList(KernelContext& ctx, int i, std::shared_ptr<TensorList> list);
// Input i as an int32/int64 scalar.
Result<int64_t> indexArg(KernelContext& ctx, int i, const char* what);
// The item's dtype and shape fit the list.
Status checkItem(KernelContext& ctx, const TensorList& list, const Tensor& item);
// Row i of t (shape t.shape()[1:]) as an owned tensor.
Tensor rowOf(const Tensor& t, int64_t i);
// Writes `item` as row i of `out` (REQUIRES: same dtype, item has out's row size).
void setRow(Tensor& out, int64_t i, const Tensor& item);
// The shape unset items take (the list's, the op's and the set items' shapes merged); an error if
// it is not fully known.
Result<Shape> zeroShape(KernelContext& ctx, const TensorList& list, const PartialShape& requested);
// Output 0 := items[indices] stacked into [len, elem...]; unset items become zeros.
Status stackItems(KernelContext& ctx, const TensorList& list, const std::vector<int64_t>& indices, const PartialShape& requested);

}  // namespace tfscope::kernels
