#pragma once
// The element-wise difference of two tensors of the same dtype and shape (B − A), for showing where
// two models differ (the window's compare view): the difference tensor and the elements that
// changed most. Which elements count as changed follows value_diff.h (a != b; NaN equals NaN).
//
//   TFS_ASSIGN_OR_RETURN(ElementDiff d, elementDifferences(a, b, 100));
//   show(d.difference);  for (const ElementChange& c : d.largest) print(c.index, c.a, c.b);

#include <cstdint>
#include <vector>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope {

struct ElementChange {
    int64_t index = 0;  // flat (row-major) element index
    double a = 0, b = 0;
    double absDiff() const;  // |b - a|; +inf when exactly one side is NaN
};

struct ElementDiff {
    Tensor difference;                   // DT_DOUBLE, A's shape: b - a (real parts for complex dtypes)
    std::vector<ElementChange> largest;  // changed elements by |b - a| descending, then index; at most maxListed
    int64_t changed = 0;                 // elements that differ
};

// InvalidArgument when dtype or shape differ or the dtype is not numeric (strings, variants);
// ResourceExhausted when the difference tensor would exceed `maxBytes`.
Result<ElementDiff> elementDifferences(const Tensor& a, const Tensor& b, size_t maxListed = 100, size_t maxBytes = size_t(1) << 30);

}  // namespace tfscope
