#pragma once
// TensorStats: summary statistics and a histogram of a numeric tensor, computed in one pass (plus
// one for the histogram) off the GUI thread; checks Progress every 64 Ki elements.
//
//   TFS_ASSIGN_OR_RETURN(TensorStats s, computeTensorStats(t, &progress));

#include <cstdint>
#include <vector>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope {

class Progress;

struct TensorStats {
    int64_t count = 0;          // elements
    int64_t finite = 0;
    double min = 0, max = 0;    // over finite values
    double mean = 0, stddev = 0;  // population std over finite values
    int64_t zeros = 0, nans = 0, infs = 0;
    std::vector<int64_t> histogram;  // kBins bins over [min, max] of finite values
    bool numeric = false;       // false for strings, resources, variants
    static constexpr int kBins = 64;
};

Result<TensorStats> computeTensorStats(const Tensor& t, Progress* progress = nullptr);

}  // namespace tfscope
