#pragma once
// Copying the overlap of two slices of one tensor: assembles partitioned variables and cuts
// RestoreV2 slices (any dtype with raw or string storage).
//
//   Tensor full(DType::Float, {4, 3});
//   int64_t n = copySliceOverlap(part, {{2, 2}, {0, -1}}, full, {{0, -1}, {0, -1}}, {4, 3});

#include <cstdint>

#include "model/checkpoint/checkpoint_reader.h"

namespace tfscope {

// Copies the elements where `srcSlice` and `dstSlice` (both in the coordinates of a tensor of
// shape `fullShape`) overlap from `src` (shaped as srcSlice) into `dst` (shaped as dstSlice).
// Returns the number of elements copied. REQUIRES: same dtype, both slices within fullShape,
// src/dst shapes equal to the slice shapes.
int64_t copySliceOverlap(const Tensor& src, const TensorSliceSpec& srcSlice, Tensor& dst,
                         const TensorSliceSpec& dstSlice, const Shape& fullShape);

}  // namespace tfscope
