#pragma once
// Float32 tanh and logistic sigmoid over arrays, vectorized (Eigen's packet math at the build's
// baseline ISA) instead of one libm call per element. Used by the Tanh and Sigmoid kernels.
//
//   tanhFloat(x, y, n);     // y[i] = tanh(x[i]);            at most ~3.1 eps relative error
//   sigmoidFloat(x, y, n);  // y[i] = 1 / (1 + exp(-x[i]));  at most ~1.6 eps relative error
//
// NaN stays NaN; ±inf give ±1 (tanh) and 1 / 0 (sigmoid). x and y may be the same array.

#include <cstdint>

namespace tfscope::kernels {

void tanhFloat(const float* x, float* y, int64_t n);
void sigmoidFloat(const float* x, float* y, int64_t n);

}  // namespace tfscope::kernels
