#pragma once
// A packed single-precision GEMM for x86-64 CPUs with AVX2 and FMA, chosen at run time: the
// binary stays runnable on any x86-64, and float MatMul/Conv2D/Einsum get the 256-bit FMA units
// that the baseline (SSE2) Eigen build cannot use. C[m,n] = op(A)[m,k] * op(B)[k,n], row-major,
// then an optional per-column epilogue (bias, batch norm, Relu) applied while the tile is in cache.
//
//   if (packedSgemmAvailable()) packedSgemm(&ctx, a, b, c, m, k, n, false, false, epilogue);
//
// Blocking follows the usual Goto/BLIS scheme: B in KC x NC blocks packed into 16-column panels
// (PackedSgemmB, once per product), A in MC x KC blocks read in place (rows with contiguous depth;
// a transposed A is gathered a block at a time), a 6x16 register-tile micro-kernel. Threads split
// the rows, or, for few rows, the columns (packedSgemmParallel).
//
// For a B used again and again (a layer's weights), packedSgemmB() keeps the packing in the
// Session's DerivedCache, and packedSgemmParallel() multiplies it by rows of A that are in memory
// or made on demand a block at a time (a convolution's im2col):
//
//   SgemmRowsA a;
//   a.fill = [&](int64_t r0, int64_t rows, int64_t d0, int64_t depth, float* dst) { ... };
//   packedSgemmParallel(ctx, a, *packedSgemmB(ctx, filter, k, n, false), out, m, epilogue);

#include <cstdint>
#include <cstdlib>
#include <functional>
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

// The rows of A for packedSgemmParallel: in memory (row i at a + i * lda, contiguous depth), or made
// on demand by `fill` (a convolution's im2col), one block at a time while it fits the cache:
// fill(r0, rows, d0, depth, dst) writes rows [r0, r0 + rows) x depth [d0, d0 + depth) of A to
// dst with row stride `depth`. fill may be called from several threads at once.
struct SgemmRowsA {
    const float* a = nullptr;
    int64_t lda = 0;
    std::function<void(int64_t r0, int64_t rows, int64_t d0, int64_t depth, float* dst)> fill;
};

// B [k,n] (or [n,k] if transB) packed once for products with many row blocks of A: a
// convolution multiplies its filter by one im2col block after another, each still in cache.
// REQUIRES: packedSgemmAvailable(). Throws std::bad_alloc.
class PackedSgemmB {
public:
    PackedSgemmB(const float* b, int64_t k, int64_t n, bool transB);
    int64_t k() const { return m_k; }
    int64_t n() const { return m_n; }
    size_t bytes() const { return m_bytes; }
    const float* data() const { return m_data.get(); }  // KC x NC blocks of 16-column panels

private:
    std::unique_ptr<float, FreeDeleter> m_data;
    int64_t m_k, m_n;
    size_t m_bytes = 0;
};

// `b` (a float matrix [k,n], or [n,k] if transB, e.g. a convolution filter) packed, from the
// context's DerivedCache when the same tensor was packed before (weights: once per Session).
std::shared_ptr<const PackedSgemmB> packedSgemmB(KernelContext& ctx, const Tensor& b, int64_t k, int64_t n, bool transB);

// C[m, n] = A * B, then `ep`, on the context's threads: rows split among them, or, for few rows
// (a CNN's late layers at batch 1), columns, so each thread reads only its part of B.
void packedSgemmParallel(KernelContext& ctx, const SgemmRowsA& a, const PackedSgemmB& b, float* c, int64_t m, const GemmEpilogue& ep);

}  // namespace tfscope::kernels
