#pragma once
// Value edits on numeric tensors: set one cell, fill, scale, add a constant, cast to another dtype.
// Used by EditSet (edit_set.h); every function works on an owned copy (Tensor detaches on write),
// so a mapped source is never written.
//
//   TFS_RETURN_IF_ERROR(value_ops::setCell(t, {0, 1}, 2.5));
//   TFS_ASSIGN_OR_RETURN(Tensor h, value_ops::cast(t, DType::Half));
//
// Supported dtypes: bool, int8..int64, uint8..uint64, half, bfloat16, float, double. Values travel as
// double (integers beyond 2^53 lose precision); conversions to integers truncate toward zero and
// saturate at the type's range, NaN becomes 0, bool is `value != 0`.

#include <cstdint>
#include <vector>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope::value_ops {

bool isEditable(DType dtype);
// InvalidArgument "Values of dtype 'string' cannot be edited." when !isEditable.
Status checkEditable(DType dtype);

// Row-major flat index of `index` in `shape`, or InvalidArgument naming both.
Result<int64_t> flatIndex(const Shape& shape, const std::vector<int64_t>& index);

double get(const Tensor& t, int64_t i);
// REQUIRES: isEditable(t.dtype()), 0 <= i < numElements.
void set(Tensor& t, int64_t i, double value);

Status setCell(Tensor& t, const std::vector<int64_t>& index, double value);
Status fill(Tensor& t, double value);
Status scale(Tensor& t, double factor);
Status addScalar(Tensor& t, double value);
Result<Tensor> cast(const Tensor& t, DType to);

}  // namespace tfscope::value_ops
