#pragma once
// 3x3 stride-1 float convolutions by Winograd's minimal filtering F(2x2, 3x3): each 2x2 block of
// output pixels is computed from the 4x4 input block under it with 16 products per input/output
// channel pair instead of 36. The input blocks and the filter are transformed (adds and halvings),
// then the 16 transformed positions are 16 independent products [tiles, C] x [C, F] on the packed
// GEMM (sgemm.h), then each 4x4 result is folded back to its 2x2 pixels, with the fused epilogue
// (bias, batch norm, residual, Relu) applied as each pixel is written.
//
//   if (winogradSuits(g, numThreads(ctx)) && conv3x3Winograd(ctx, g, input, filter, output, epilogue)) return;
//
// 2.25 times fewer multiply-adds; the sums are reassociated, within a float sum's rounding of the
// direct convolution (tst_gemm checks them against a double-precision loop). The transformed filter
// (16 x C x F floats, 1.8 times the filter) is made once per Session and kept in the DerivedCache.
// TFSCOPE_WINOGRAD=0 in the environment turns the path off (comparisons); setWinogradEnabled too.

#include <cstdint>

#include "model/kernels/gemm_epilogue.h"
#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

// A 3x3, stride-1, undilated convolution of an NHWC float input [n, h, w, c] with a [3, 3, c, f]
// filter into [n, oh, ow, f]; input row iy = 2 * ty + dy - padTop for output block row ty (zeros
// outside the image), likewise for columns.
struct Winograd3x3 {
    int64_t n, h, w, c, f, oh, ow, padTop, padLeft;
    int64_t blockRows() const { return (oh + 1) / 2; }  // 2x2 output blocks down an image
    int64_t blockCols() const { return (ow + 1) / 2; }  // ... and across
    int64_t blocks() const { return n * blockRows() * blockCols(); }
};

// True when the path is enabled and pays for this convolution on `threads` threads: the packed
// GEMM is in use, enough channels for the transforms to be cheap beside the products (fewer when
// the transformed filter is small and there are blocks enough for each thread to work through
// groups of them in its own cache), and at least 32 2x2 blocks.
bool winogradSuits(const Winograd3x3& g, int threads);

// Writes the convolution to `out`, applying `ep`. false when the caller must convolve another way,
// which then writes every element of `out` again: the Session's DerivedCache has no room for the
// transformed filter; `ep`'s residual is `out` itself; or a sum is not finite (an Inf or NaN in the
// input, or a sum past float's range), since the transforms subtract neighbouring pixels and turn
// an Inf into NaN where the direct sum stays Inf, as TensorFlow gives it. REQUIRES:
// packedSgemmAvailable(), `filter` a float [3, 3, c, f] tensor.
bool conv3x3Winograd(KernelContext& ctx, const Winograd3x3& g, const float* in, const Tensor& filter, float* out, const GemmEpilogue& ep);

// false: every convolution takes the other paths; true: back to the default (on unless
// TFSCOPE_WINOGRAD=0). For tests and benchmarks.
void setWinogradEnabled(bool enabled);
bool winogradEnabled();

}  // namespace tfscope::kernels
