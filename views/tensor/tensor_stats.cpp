#include "views/tensor/tensor_stats.h"

#include <algorithm>
#include <cmath>

#include "model/progress.h"

namespace tfscope {

Result<TensorStats> computeTensorStats(const Tensor& t, Progress* progress) {
    TensorStats s;
    s.count = t.numElements();
    s.numeric = isPod(t.dtype());
    if (!s.numeric || s.count <= 0) return s;
    constexpr int64_t kChunk = 1 << 16;
    // Welford for a stable mean/variance.
    double mean = 0, m2 = 0;
    for (int64_t i = 0; i < s.count; ++i) {
        if ((i % kChunk) == 0 && progress) {
            if (progress->isCancelled()) return Status::cancelled();
            progress->report(i, 2 * s.count);
        }
        double v = t.elementAsDouble(i);
        if (std::isnan(v)) { ++s.nans; continue; }
        if (std::isinf(v)) { ++s.infs; continue; }
        if (v == 0) ++s.zeros;
        if (s.finite == 0 || v < s.min) s.min = v;
        if (s.finite == 0 || v > s.max) s.max = v;
        ++s.finite;
        double d = v - mean;
        mean += d / double(s.finite);
        m2 += d * (v - mean);
    }
    s.mean = mean;
    s.stddev = s.finite ? std::sqrt(m2 / double(s.finite)) : 0;
    s.histogram.assign(TensorStats::kBins, 0);
    if (s.finite == 0) return s;
    const double span = s.max - s.min;
    for (int64_t i = 0; i < s.count; ++i) {
        if ((i % kChunk) == 0 && progress) {
            if (progress->isCancelled()) return Status::cancelled();
            progress->report(s.count + i, 2 * s.count);
        }
        double v = t.elementAsDouble(i);
        if (!std::isfinite(v)) continue;
        int bin = span > 0 ? int((v - s.min) / span * TensorStats::kBins) : 0;
        s.histogram[size_t(std::clamp(bin, 0, TensorStats::kBins - 1))]++;
    }
    return s;
}

}  // namespace tfscope
