#pragma once
// Single-precision matrix-vector products for AVX2/FMA and AVX-512 CPUs, chosen at run time like
// the packed GEMM (sgemm.h, sgemmIsa(); 512-bit vectors for large B only; both widths give the same
// bits): c[n] = a[k] * B, then the epilogue. A product with one row of A (a MatMul or Dense layer
// at batch 1) is bound by reading B once, so B is streamed in place: for B [k,n] (row-major) the
// rows go by in memory order into the output, which stays in L1; for a transposed B [n,k] each
// output is a dot product over a contiguous row. Threads split B into contiguous parts, so each
// reads only its share: by output columns for a transposed B, by rows (partial sums added in order
// afterwards) for a row-major one.
//
//   if (packedSgemmAvailable()) sgemv(&ctx, a, b, c, k, n, transB, epilogue);

#include <cstdint>

#include "model/kernels/gemm_epilogue.h"
#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

// REQUIRES: packedSgemmAvailable() (the CPU has AVX2 and FMA; AVX-512 is used where sgemmIsa() says so). ctx == nullptr runs on the calling
// thread. `a`, `b` and `c` must not overlap.
void sgemv(KernelContext* ctx, const float* a, const float* b, float* c, int64_t k, int64_t n, bool transB, const GemmEpilogue& ep);

}  // namespace tfscope::kernels
