#pragma once
// A packed single-precision GEMM for x86-64 CPUs with AVX2 and FMA, chosen at run time: the
// binary stays runnable on any x86-64, and float MatMul/Conv2D/Einsum get the 256-bit FMA units
// that the baseline (SSE2) Eigen build cannot use. C[m,n] = op(A)[m,k] * op(B)[k,n], row-major,
// then an optional per-column epilogue (bias, batch norm, Relu) applied while the tile is in cache.
//
//   if (packedSgemmAvailable()) packedSgemm(&ctx, a, b, c, m, k, n, false, false, epilogue);
//
// Blocking follows the usual Goto/BLIS scheme: B in KC x NC blocks packed into 16-column panels,
// A in MC x KC blocks (read in place when its rows are contiguous, else packed into 6-row
// panels), a 6x16 register-tile micro-kernel. Threads split
// the rows (or, for short and wide products, the columns); each packs its own blocks.

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "model/kernels/gemm_epilogue.h"
#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

// True when the CPU has AVX2 and FMA and the packed GEMM is enabled (the default; tests switch it
// off to compare with the Eigen path). Thread-safe.
bool packedSgemmAvailable();
void setPackedSgemmEnabled(bool enabled);

// REQUIRES: packedSgemmAvailable(). ctx == nullptr runs on the calling thread. `a`, `b` and `c`
// must not overlap.
void packedSgemm(KernelContext* ctx, const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n,
                 bool transA, bool transB, const GemmEpilogue& ep);

struct FreeDeleter {
    void operator()(float* p) const { std::free(p); }
};

// B [k,n] (or [n,k] if transB) packed once for products with many row blocks of A: a
// convolution multiplies its filter by one im2col block after another, each still in cache.
// REQUIRES: packedSgemmAvailable(). Throws std::bad_alloc.
class PackedSgemmB {
public:
    PackedSgemmB(const float* b, int64_t k, int64_t n, bool transB);
    int64_t k() const { return m_k; }
    int64_t n() const { return m_n; }

private:
    friend void packedSgemmRows(const float*, int64_t, const PackedSgemmB&, float*, int64_t, int64_t, const GemmEpilogue&);
    std::unique_ptr<float, FreeDeleter> m_data;
    int64_t m_k, m_n;
};

// C[m, n] (row stride ldc) = A[m, k] (row stride lda, contiguous depth) * B, then `ep`, on the
// calling thread.
void packedSgemmRows(const float* a, int64_t lda, const PackedSgemmB& b, float* c, int64_t ldc, int64_t m, const GemmEpilogue& ep);

}  // namespace tfscope::kernels
