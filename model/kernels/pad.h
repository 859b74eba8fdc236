#pragma once
// Constant padding of a dense tensor (the Pad/PadV2 kernels, and a convolution's zero-padded input).

#include <algorithm>
#include <vector>

#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

// out (outShape) = in (inShape) with pads[2d] values of fillValue before dim d and pads[2d + 1]
// after it (outShape[d] = inShape[d] + both), a line at a time: the trailing dims without padding
// make one contiguous run, so an output line along the last padded dim is a fill, one copy of the
// input line and a fill (an NHWC image padded in H and W: a row of pixels is copied whole).
template <typename T>
void padConstant(KernelContext& ctx, const T* in, T* out, const Shape& inShape, const Shape& outShape, const std::vector<int64_t>& pads,
                 T fillValue) {
    const int rank = int(inShape.size());
    int q = rank;  // dims [q, rank) have no padding
    while (q > 0 && pads[size_t(2 * q - 2)] == 0 && pads[size_t(2 * q - 1)] == 0) --q;
    int64_t run = 1;
    for (int d = q; d < rank; ++d) run *= inShape[size_t(d)];
    if (q == 0) {
        std::copy(in, in + run, out);
        return;
    }
    const int64_t before = pads[size_t(2 * q - 2)] * run, inLine = inShape[size_t(q - 1)] * run;
    const int64_t outLine = outShape[size_t(q - 1)] * run, after = outLine - before - inLine;
    int64_t lines = 1;
    for (int d = 0; d + 1 < q; ++d) lines *= outShape[size_t(d)];
    parallelFor(ctx, lines, double(outLine), [&](int64_t l0, int64_t l1) {
        for (int64_t l = l0; l < l1; ++l) {
            T* dst = out + l * outLine;
            // The input line: the outer dims' source indices, or none if one falls in their padding.
            int64_t rem = l, src = 0, stride = inLine;
            bool padded = false;
            for (int d = q - 1; d-- > 0;) {
                const int64_t i = rem % outShape[size_t(d)] - pads[size_t(2 * d)];
                rem /= outShape[size_t(d)];
                if (i < 0 || i >= inShape[size_t(d)]) padded = true;
                src += i * stride;
                stride *= inShape[size_t(d)];
            }
            if (padded) {
                std::fill(dst, dst + outLine, fillValue);
                continue;
            }
            std::fill(dst, dst + before, fillValue);
            std::copy(in + src, in + src + inLine, dst + before);
            std::fill(dst + before + inLine, dst + before + inLine + after, fillValue);
        }
    });
}

}  // namespace tfscope::kernels
