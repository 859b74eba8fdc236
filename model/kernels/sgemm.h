#pragma once
// A packed single-precision GEMM for x86-64 CPUs with AVX2 and FMA, or AVX-512, chosen at run time:
// the binary stays runnable on any x86-64, and float MatMul/Conv2D/Einsum get the 256- or 512-bit
// FMA units that the baseline (SSE2) Eigen build cannot use. C[m,n] = op(A)[m,k] * op(B)[k,n],
// row-major, then an optional per-column epilogue (bias, batch norm, Relu, residual add) applied
// while the tile is in cache.
//
//   if (packedSgemmAvailable()) packedSgemm(&ctx, a, b, c, m, k, n, false, false, epilogue);
//
// Blocking follows the usual Goto/BLIS scheme: B in KC x NC blocks packed into 16-column panels
// (PackedSgemmB, once per product; KC: the depth cut into equal blocks of at most 320, the same on
// every path), A in MC x KC blocks read in place (rows with contiguous depth;
// a transposed A is gathered a block at a time), and a register-tile micro-kernel: 6x16 (two
// 8-float registers per row) with AVX2, 8x32 (two 16-float registers per row, over two adjacent
// panels; masked edge columns; 6x64 over four panels for a block of exactly 64 columns) with
// AVX-512F. Both paths read the same packed B and sum each element's products in the same
// order, so they give the same bits. Threads split the rows, or, for few rows, the columns
// (packedSgemmParallel).
//
// The path (SgemmIsa) is the widest the CPU has, unless the environment variable TFSCOPE_ISA
// (avx512, avx2 or portable) asks for a narrower one; setSgemmIsa() switches it (tests, benchmarks).
// `portable` leaves float products to the Eigen contraction (gemm.cpp).
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
#include <utility>

#include "model/kernels/gemm_epilogue.h"
#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

// The instruction sets the float GEMM and GEMV (sgemv.h) may use, narrowest first.
enum class SgemmIsa { Portable,
                      Avx2,
                      Avx512 };

// True when the CPU (and OS) can run `isa`: AVX2 needs AVX2 and FMA, AVX-512 needs those and AVX-512F.
bool sgemmIsaSupported(SgemmIsa isa);
// The path in use (see above). Thread-safe, like the setters; a switch applies to products started after it.
SgemmIsa sgemmIsa();
// Uses `isa` from now on; false (and no change) when the CPU does not support it.
bool setSgemmIsa(SgemmIsa isa);
// "portable", "avx2" or "avx512", as TFSCOPE_ISA spells them.
const char* sgemmIsaName(SgemmIsa isa);

// True when the packed GEMM is in use: sgemmIsa() is AVX2 or AVX-512.
bool packedSgemmAvailable();
// false: the portable path; true: back to the default choice (the widest path, or TFSCOPE_ISA's).
void setPackedSgemmEnabled(bool enabled);

// REQUIRES: packedSgemmAvailable(). ctx == nullptr runs on the calling thread. `a`, `b` and `c`
// must not overlap.
void packedSgemm(KernelContext* ctx, const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n,
                 bool transA, bool transB, const GemmEpilogue& ep);

struct FreeDeleter {
    void operator()(float* p) const { std::free(p); }
};

// What a thread's scratch buffer is for: each use has its own, so that one may hold its data while
// calling code that uses another.
enum class ScratchUse { GemmBlocks,
                        WinogradGroups };

// The calling thread's 64-byte-aligned buffer for `use`, of at least `floats` floats: grown on
// demand and kept for the thread's life, so that a kernel run again and again allocates nothing.
// Throws std::bad_alloc.
float* threadScratch(ScratchUse use, size_t floats);

// The rows of A for packedSgemmParallel: in memory (row i at a + i * lda, contiguous depth), or made
// on demand by `fill` (a convolution's im2col), one block at a time while it fits the cache:
// fill(r0, rows, d0, depth, dst) writes rows [r0, r0 + rows) x depth [d0, d0 + depth) of A to
// dst with row stride `depth`. fill may be called from several threads at once.
//
// A fill may come with an indirect form, which the AVX-512 path uses instead (no copies; the same
// sums, so the same bits): rowPointers(r0, rows, dst) writes where each of rows [r0, r0 + rows)
// starts, and element (r, p) of A is that pointer's [offsets[p]] (offsets: one per depth index).
// A convolution points at its input, padded beforehand so that every tap is in bounds.
struct SgemmRowsA {
    const float* a = nullptr;
    int64_t lda = 0;
    std::function<void(int64_t r0, int64_t rows, int64_t d0, int64_t depth, float* dst)> fill;
    std::function<void(int64_t r0, int64_t rows, const float** dst)> rowPointers;
    const int64_t* offsets = nullptr;
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

// What `make` builds from the values of the float tensor `b` (a layer's weights, packed or
// transformed), with the bytes it takes: from the context's DerivedCache under `kind` when made
// before, else made (a folded tensor's values computed into temporary space, not kept) and kept
// there, after which `b`'s mapped pages may leave the resident set. With `roomNeeded` > 0 and a
// cache without room for that many bytes: null, nothing made (the caller takes another way rather
// than make it again every run).
using DerivedMaker = std::function<std::pair<std::shared_ptr<const void>, size_t>(const float* values)>;
std::shared_ptr<const void> derivedFromWeights(KernelContext& ctx, const Tensor& b, const char* kind, size_t roomNeeded,
                                               const DerivedMaker& make);

// `b` (a float matrix [k,n], or [n,k] if transB, e.g. a convolution filter) packed, from the
// context's DerivedCache when the same tensor was packed before (weights: once per Session).
std::shared_ptr<const PackedSgemmB> packedSgemmB(KernelContext& ctx, const Tensor& b, int64_t k, int64_t n, bool transB);

// `b` itself when its data starts on a 64-byte boundary, is under 64 KiB, or the context keeps no
// DerivedCache (or one without room for it); else an aligned copy made once per Session and kept there (the original's mapped
// pages then leave the resident set, as packed weights' do). For B read in place with vector
// loads, a matrix-vector product's weights: Keras 3's checkpoints do not align tensors, and a
// misaligned B splits loads across cache lines (the CNN's 4096x128 layer at batch 1: 26 -> 16 us).
Tensor alignedForStreaming(KernelContext& ctx, const Tensor& b);

// Rows [r0, r1) x columns [c0, c1) (c0 a multiple of 16) of C (row stride ldc) = A * B, then `ep`,
// on the calling thread (a caller that splits the work among threads itself: lstm_sequence.cpp).
void packedSgemmRows(const SgemmRowsA& a, const PackedSgemmB& b, float* c, int64_t ldc, int64_t r0, int64_t r1, int64_t c0,
                     int64_t c1, const GemmEpilogue& ep);

// Applies `ep` in place to `count` consecutive elements of one output row whose first is column j0,
// in the packed GEMM's order and with its fused multiply-add: the same bits as the GEMM's own
// epilogue (for kernels that finish their sums another way, conv_winograd.cpp). REQUIRES:
// packedSgemmAvailable().
void packedEpilogueRow(const GemmEpilogue& ep, float* c, int64_t count, int64_t j0);

// True when the packed GEMM sums each element of a product of depth k in one pass (one depth block):
// its epilogue then reads each residual element before it writes that element of C, so C may be the
// residual itself.
bool packedSgemmOnePass(int64_t k);

// C[m, n] = A * B, then `ep`, on the context's threads: rows split among them, or, for few rows
// (a CNN's late layers at batch 1), columns, so each thread reads only its part of B.
void packedSgemmParallel(KernelContext& ctx, const SgemmRowsA& a, const PackedSgemmB& b, float* c, int64_t m, const GemmEpilogue& ep);

}  // namespace tfscope::kernels
