#pragma once
// Window geometry shared by Conv2D, DepthwiseConv2dNative and the pooling kernels: output size
// and leading padding per spatial dim for SAME / VALID / EXPLICIT padding (TF's rules).

#include <string>

#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

struct Window {
    int64_t out = 0;
    int64_t padBefore = 0;
};

// effectiveK = (k - 1) * dilation + 1.
inline bool computeWindow(int64_t in, int64_t k, int64_t stride, int64_t dilation, const std::string& padding,
                          int64_t explicitBefore, int64_t explicitAfter, Window& w) {
    if (stride < 1 || dilation < 1 || k < 1) return false;
    const int64_t eff = (k - 1) * dilation + 1;
    if (padding == "VALID") {
        if (in < eff) { w.out = 0; w.padBefore = 0; return true; }
        w.out = (in - eff) / stride + 1;
        w.padBefore = 0;
    } else if (padding == "SAME") {
        w.out = (in + stride - 1) / stride;
        const int64_t total = std::max<int64_t>((w.out - 1) * stride + eff - in, 0);
        w.padBefore = total / 2;
    } else if (padding == "EXPLICIT") {
        if (explicitBefore < 0 || explicitAfter < 0) return false;
        const int64_t padded = in + explicitBefore + explicitAfter;
        w.out = padded < eff ? 0 : (padded - eff) / stride + 1;
        w.padBefore = explicitBefore;
    } else {
        return false;
    }
    return true;
}

// Index of H, W and C in a 4-D tensor of the given data_format ("NHWC" or "NCHW").
struct Layout4 {
    int n = 0, h = 1, w = 2, c = 3;
    static bool parse(const std::string& format, Layout4& l) {
        if (format == "NHWC") { l = {0, 1, 2, 3}; return true; }
        if (format == "NCHW") { l = {0, 2, 3, 1}; return true; }
        return false;
    }
};

}  // namespace tfscope::kernels
