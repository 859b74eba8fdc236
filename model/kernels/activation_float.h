#pragma once
// Float32 tanh and logistic sigmoid over arrays, vectorized instead of one libm call per element:
// AVX2/FMA code (16 lanes with AVX-512 where sgemmIsa() says so, same bits) chosen at run time (own exp with a Taylor polynomial; measured at most 1.4 eps
// relative for tanh, 1.6 for sigmoid, results below the smallest normal float aside), else Eigen's
// packet math at the build's baseline ISA (at most ~3.1 eps for tanh). Used by the Tanh, Sigmoid
// and fused LSTM cell kernels.
//
//   tanhFloat(x, y, n);     // y[i] = tanh(x[i])
//   sigmoidFloat(x, y, n);  // y[i] = 1 / (1 + exp(-x[i]))
//
// NaN stays NaN; ±inf give ±1 (tanh) and 1 / 0 (sigmoid). x and y may be the same array.

#include <cstdint>

namespace tfscope::kernels {

void tanhFloat(const float* x, float* y, int64_t n);
void sigmoidFloat(const float* x, float* y, int64_t n);

}  // namespace tfscope::kernels
