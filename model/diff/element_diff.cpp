#include "model/diff/element_diff.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace tfscope {

double ElementChange::absDiff() const {
    if (std::isnan(a) != std::isnan(b)) return std::numeric_limits<double>::infinity();
    const double d = std::fabs(b - a);
    return std::isnan(d) ? std::numeric_limits<double>::infinity() : d;  // +inf vs -inf
}

Result<ElementDiff> elementDifferences(const Tensor& a, const Tensor& b, size_t maxListed, size_t maxBytes) {
    if (a.dtype() != b.dtype() || a.shape() != b.shape())
        return Status::invalidArgument("Tensors of different dtype or shape have no element-wise difference.");
    if (!isPod(a.dtype()))
        return Status::invalidArgument("Values of dtype '" + std::string(dtypeShortName(a.dtype())) + "' have no numeric difference.");
    ElementDiff out;
    TFS_ASSIGN_OR_RETURN(out.difference, Tensor::allocateUninitialized(DType::Double, a.shape(), maxBytes));
    double* d = out.difference.mutableData<double>();
    const size_t width = dtypeSize(a.dtype());
    const bool complex = a.dtype() == DType::Complex64 || a.dtype() == DType::Complex128;
    auto larger = [](const ElementChange& l, const ElementChange& r) {
        const double dl = l.absDiff(), dr = r.absDiff();
        return dl != dr ? dl > dr : l.index < r.index;
    };
    // A bounded heap whose front is the weakest change kept: memory stays O(maxListed).
    std::vector<ElementChange> heap;
    heap.reserve(std::min<size_t>(maxListed, size_t(a.numElements())));
    for (int64_t i = 0; i < a.numElements(); ++i) {
        const double x = a.elementAsDouble(i), y = b.elementAsDouble(i);
        d[i] = y - x;
        bool same = x == y || (std::isnan(x) && std::isnan(y));
        if (same && complex)
            same = std::memcmp(a.rawData() + size_t(i) * width + width / 2, b.rawData() + size_t(i) * width + width / 2, width / 2) == 0;
        if (same) continue;
        ++out.changed;
        if (maxListed == 0) continue;
        const ElementChange c{i, x, y};
        if (heap.size() < maxListed) {
            heap.push_back(c);
            std::push_heap(heap.begin(), heap.end(), larger);
        } else if (larger(c, heap.front())) {
            std::pop_heap(heap.begin(), heap.end(), larger);
            heap.back() = c;
            std::push_heap(heap.begin(), heap.end(), larger);
        }
    }
    std::sort_heap(heap.begin(), heap.end(), larger);
    out.largest = std::move(heap);
    return out;
}

}  // namespace tfscope
