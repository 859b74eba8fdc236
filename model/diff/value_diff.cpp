#include "model/diff/value_diff.h"

#include <cmath>
#include <cstring>

namespace tfscope {
namespace {

// Running statistics over pairs of doubles.
struct Accumulator {
    ValueDiff d;
    double sumSq = 0, dot = 0, normA = 0, normB = 0;

    void add(double a, double b, bool otherPartDiffers = false) {
        ++d.count;
        const bool same = (a == b || (std::isnan(a) && std::isnan(b))) && !otherPartDiffers;
        dot += a * b;
        normA += a * a;
        normB += b * b;
        if (same) return;
        ++d.changed;
        const double diff = std::fabs(b - a);
        d.maxAbs = std::max(d.maxAbs, diff);
        const double scale = std::max(std::fabs(a), std::fabs(b));
        if (scale > 0) d.maxRel = std::max(d.maxRel, diff / scale);
        sumSq += diff * diff;
    }
    ValueDiff finish() {
        d.numeric = true;
        d.rms = d.count ? std::sqrt(sumSq / double(d.count)) : 0.0;
        if (normA == 0 && normB == 0) d.cosine = 1;
        else if (normA == 0 || normB == 0) d.cosine = 0;
        else d.cosine = dot / (std::sqrt(normA) * std::sqrt(normB));
        return d;
    }
};

template <typename T>
ValueDiff compareTyped(const Tensor& a, const Tensor& b) {
    Accumulator acc;
    const T* x = a.data<T>();
    const T* y = b.data<T>();
    for (int64_t i = 0; i < a.numElements(); ++i) acc.add(double(x[i]), double(y[i]));
    return acc.finish();
}

}  // namespace

Result<ValueDiff> compareValues(const Tensor& a, const Tensor& b) {
    if (a.dtype() != b.dtype() || a.shape() != b.shape())
        return Status::invalidArgument("Tensors of different dtype or shape have no element-wise difference.");
    switch (a.dtype()) {
    case DType::Float: return compareTyped<float>(a, b);
    case DType::Double: return compareTyped<double>(a, b);
    case DType::Int32: return compareTyped<int32_t>(a, b);
    case DType::Int64: return compareTyped<int64_t>(a, b);
    default: break;
    }
    if (a.dtype() == DType::String) {
        ValueDiff d;
        d.count = a.numElements();
        for (int64_t i = 0; i < d.count; ++i) d.changed += a.strings()[size_t(i)] != b.strings()[size_t(i)];
        return d;
    }
    if (!isPod(a.dtype())) return Status::unimplemented("Values of dtype '" + std::string(dtypeShortName(a.dtype())) + "' are not compared.");
    const size_t width = dtypeSize(a.dtype());
    const bool complex = a.dtype() == DType::Complex64 || a.dtype() == DType::Complex128;
    Accumulator acc;
    for (int64_t i = 0; i < a.numElements(); ++i) {
        const double x = a.elementAsDouble(i), y = b.elementAsDouble(i);
        const bool imaginary =
            complex && std::memcmp(a.rawData() + size_t(i) * width + width / 2, b.rawData() + size_t(i) * width + width / 2, width / 2) != 0;
        acc.add(x, y, imaginary);
    }
    return acc.finish();
}

}  // namespace tfscope
