#pragma once
// Element-wise comparison of two tensors of the same dtype and shape, in one pass without copies:
// how many elements differ and, for numeric dtypes, how much (what `tfscope diff` reports).
//
//   TFS_ASSIGN_OR_RETURN(ValueDiff d, compareValues(a, b));
//   if (d.changed) print(d.maxAbs, d.cosine);
//
// An element is changed when a != b (NaN equals NaN; -0 equals 0). Complex dtypes compare their
// real parts for the statistics and both parts for `changed`.

#include <cstdint>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope {

struct ValueDiff {
    int64_t count = 0;       // elements
    int64_t changed = 0;     // elements that differ
    bool numeric = false;    // the statistics below are meaningful
    double maxAbs = 0;       // max |b - a|
    double maxRel = 0;       // max |b - a| / max(|a|, |b|) over changed elements
    double rms = 0;          // sqrt(mean((b - a)^2))
    double cosine = 1;       // a.b / (|a| |b|); 1 when both are all zeros, 0 when only one is
    double fractionChanged() const { return count ? double(changed) / double(count) : 0.0; }
};

// InvalidArgument when dtype or shape differ.
Result<ValueDiff> compareValues(const Tensor& a, const Tensor& b);

}  // namespace tfscope
