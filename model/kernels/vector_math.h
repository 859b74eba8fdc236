#pragma once
// exp and erf over float arrays, eight lanes at a time through glibc's vector math library
// (libmvec, 2 to 3 ulp; the scalar libm is within 1) on CPUs with AVX2, else one element at a
// time through libm (tanh and sigmoid: activation_float.h). Every element of an array goes through the same routine
// (a tail shorter than eight is padded), so a result never depends on how the work was split.
//
//   expFloats(row, row, depth);   // in place is fine
#include <cstdint>

namespace tfscope::kernels {

// True when the eight-lane routines are used (libmvec linked and the CPU has AVX2).
bool vectorMathAvailable();

void expFloats(const float* in, float* out, int64_t n);
void erfFloats(const float* in, float* out, int64_t n);

}  // namespace tfscope::kernels
