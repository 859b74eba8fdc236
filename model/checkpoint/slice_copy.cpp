#include "model/checkpoint/slice_copy.h"

#include <algorithm>
#include <cstring>

#include "model/checkpoint/slice_key.h"

namespace tfscope {

namespace {

struct Range {
    int64_t lo, hi;
};

Range extentRange(const TensorSliceSpec& s, size_t d, int64_t dim) {
    if (d >= s.size() || s[d].length < 0) return {0, dim};
    return {s[d].start, s[d].start + s[d].length};
}

std::vector<int64_t> rowMajorStrides(const Shape& shape) {
    std::vector<int64_t> strides(shape.size(), 1);
    for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
    return strides;
}

}  // namespace

int64_t copySliceOverlap(const Tensor& src, const TensorSliceSpec& srcSlice, Tensor& dst,
                         const TensorSliceSpec& dstSlice, const Shape& fullShape) {
    const size_t rank = fullShape.size();
    const bool strings = src.dtype() == DType::String;
    const size_t elem = dtypeSize(src.dtype());
    if (rank == 0) {
        if (strings)
            dst.mutableStrings()[0] = src.strings()[0];
        else
            std::memcpy(dst.mutableRawData(), src.rawData(), elem);
        return 1;
    }
    std::vector<Range> overlap(rank);
    for (size_t d = 0; d < rank; ++d) {
        Range a = extentRange(srcSlice, d, fullShape[d]);
        Range b = extentRange(dstSlice, d, fullShape[d]);
        overlap[d] = {std::max(a.lo, b.lo), std::min(a.hi, b.hi)};
        if (overlap[d].lo >= overlap[d].hi) return 0;
    }
    const Shape srcShape = sliceShape(srcSlice, fullShape);
    const Shape dstShape = sliceShape(dstSlice, fullShape);
    const auto srcStrides = rowMajorStrides(srcShape);
    const auto dstStrides = rowMajorStrides(dstShape);
    const int64_t run = overlap[rank - 1].hi - overlap[rank - 1].lo;

    const std::byte* srcBytes = strings ? nullptr : src.rawData();
    std::byte* dstBytes = strings ? nullptr : dst.mutableRawData();
    const std::string* srcStr = strings ? src.strings().data() : nullptr;
    std::string* dstStr = strings ? dst.mutableStrings().data() : nullptr;

    std::vector<int64_t> idx(rank);
    for (size_t d = 0; d < rank; ++d) idx[d] = overlap[d].lo;
    int64_t copied = 0;
    while (true) {
        int64_t so = 0, doff = 0;
        for (size_t d = 0; d < rank; ++d) {
            so += (idx[d] - extentRange(srcSlice, d, fullShape[d]).lo) * srcStrides[d];
            doff += (idx[d] - extentRange(dstSlice, d, fullShape[d]).lo) * dstStrides[d];
        }
        if (strings)
            std::copy(srcStr + so, srcStr + so + run, dstStr + doff);
        else
            std::memcpy(dstBytes + size_t(doff) * elem, srcBytes + size_t(so) * elem, size_t(run) * elem);
        copied += run;
        // Advance the index over all but the last dimension.
        size_t d = rank - 1;
        while (d-- > 0) {
            if (++idx[d] < overlap[d].hi) break;
            idx[d] = overlap[d].lo;
        }
        if (d == size_t(-1)) break;
    }
    return copied;
}

}  // namespace tfscope
