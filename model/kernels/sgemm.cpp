// The packed AVX2/FMA and AVX-512 single-precision GEMM (see sgemm.h). Only the functions marked
// kAvx2 use AVX2/FMA instructions, and only those marked kAvx512 use AVX-512; they run only after
// sgemmIsa() said the CPU has them. No template or inline function of a header is compiled for a
// wider ISA here (the marked functions are static leaves, and the tile templates have internal
// linkage), so the linker can never pick an AVX2 or AVX-512 copy for code that runs on any CPU.
#include "model/kernels/sgemm.h"

#include "model/exec/derived_cache.h"
#include "model/kernels/isa_target.h"

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

#define EIGEN_USE_THREADS
#include <unsupported/Eigen/CXX11/Tensor>


namespace tfscope::kernels {
namespace {

constexpr int64_t kMR = 6;                             // AVX2 micro-tile rows
constexpr int64_t kMR512 = 8;                          // AVX-512 micro-tile rows
constexpr int kNP512 = 2;                              // AVX-512 micro-tile columns, in 16-column panels
constexpr int64_t kMRWide = 6;                         // AVX-512 wide tile (64-column products): 6 rows ...
constexpr int kNPWide = 4;                             // ... x 4 panels, 24 sums
constexpr int64_t kNR = 16;                            // micro-tile columns (two 8-float registers, or one 16-float one)
constexpr int64_t kNG512 = 256;                        // AVX-512 columns that each row tile meets in turn (multiplyBlockRows512)
constexpr int64_t kAheadC512 = 16;                     // rows ahead whose C the AVX-512 tiles prefetch (multiplyBlockRows512)
constexpr int64_t kPrefetchCBytes = int64_t(1) << 20;  // ... when a thread's rows of C span this much
// Depth of a packed block, at most kKCMax: a tile's A rows and B panels fit L1 (AVX2: 6x320 +
// 320x16 floats; AVX-512: 8x320 + 320x32 floats, 50 KiB at most, 40 KiB at the usual 256-288).
// Both paths must cut the depth the same way to give the same bits.
constexpr int64_t kKCMax = 320;

// The depth of the blocks a product of depth k is cut into: k itself up to kKCMax, else the fewest
// equal blocks of at most kKCMax, so that no thin last block costs a pass over C (a depth of 288 is
// one block, not 256 + 32; 1152 is four of 288). Every path cuts the same way.
constexpr int64_t depthBlock(int64_t k) {
    if (k <= kKCMax) return k;
    const int64_t blocks = (k + kKCMax - 1) / kKCMax;
    return (k + blocks - 1) / blocks;
}
static_assert(depthBlock(288) == 288 && depthBlock(576) == 288 && depthBlock(4608) == 308 && depthBlock(321) == 161);

// How far ahead (floats of one panel: 64 depth steps) a tile that streams B first prefetches it.
constexpr int64_t kPrefetchB = 64 * 16;
constexpr int64_t kMC = 144;   // rows of a packed A block (144 x 320 floats = 180 KiB, in L2)
constexpr int64_t kNC = 3072;  // columns of a packed B block (320 x 3072 floats = 3.75 MiB, in L3)
static_assert(kMC % kMR == 0 && kMC % kMR512 == 0 && 48 % kMR == 0 && 48 % kMR512 == 0);

bool cpuHas(SgemmIsa isa) {
    static const bool avx2 = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }();
    static const bool avx512 = avx2 && __builtin_cpu_supports("avx512f");
    switch (isa) {
    case SgemmIsa::Portable: return true;
    case SgemmIsa::Avx2: return avx2;
    case SgemmIsa::Avx512: return avx512;
    }
    return false;
}

// The widest path the CPU has, no wider than TFSCOPE_ISA asks for (avx512, avx2 or portable).
SgemmIsa defaultIsa() {
    static const SgemmIsa isa = [] {
        SgemmIsa want = SgemmIsa::Avx512;
        if (const char* env = std::getenv("TFSCOPE_ISA")) {
            const std::string_view v(env);
            if (v == "portable") want = SgemmIsa::Portable;
            else if (v == "avx2") want = SgemmIsa::Avx2;
        }
        while (!cpuHas(want)) want = SgemmIsa(int(want) - 1);
        return want;
    }();
    return isa;
}

// The path in use; -1 until the first call of sgemmIsa() or a setter.
std::atomic<int> g_isa{-1};

// A matrix operand: element (i, j) at p[i * rs + j * cs].
struct Operand {
    const float* p;
    int64_t rs, cs;
};

// Packs depth [0, kc) x columns [0, nc) of `b` into 16-column panels; columns past nc are zero.
kAvx2 void packB(Operand b, int64_t kc, int64_t nc, float* out) {
    for (int64_t j0 = 0; j0 < nc; j0 += kNR, out += kc * kNR) {
        const int64_t nr = std::min(kNR, nc - j0);
        const float* base = b.p + j0 * b.cs;
        if (nr == kNR && b.cs == 1) {
            for (int64_t p = 0; p < kc; ++p) {
                const float* src = base + p * b.rs;
                _mm256_store_ps(out + p * kNR, _mm256_loadu_ps(src));
                _mm256_store_ps(out + p * kNR + 8, _mm256_loadu_ps(src + 8));
            }
            continue;
        }
        for (int64_t p = 0; p < kc; ++p) {
            float* dst = out + p * kNR;
            int64_t j = 0;
            for (; j < nr; ++j) dst[j] = base[p * b.rs + j * b.cs];
            for (; j < kNR; ++j) dst[j] = 0.0f;
        }
    }
}

// The epilogue in the packed kernels: the batch norm's v * scale + shift is one fused multiply-add,
// written out (not left to the compiler's contraction, which GCC and Clang decide differently), so
// that the 8-float, 16-float and scalar forms give the same bits; otherwise as epilogueValue().
kAvx2 inline float epilogue1(const GemmEpilogue& ep, float v, int64_t j, const float* at) {
    if (ep.bias) v += ep.bias[j];
    if (ep.scale) v = std::fmaf(v, ep.scale[j], ep.shift[j]);
    if (ep.residual) v += ep.residual[at - ep.out];
    if (ep.act == GemmActivation::None || std::isnan(v)) return v;
    v = std::max(v, 0.0f);
    return ep.act == GemmActivation::Relu6 ? std::min(v, 6.0f) : v;
}

kAvx2 inline __m256 epilogue8(const GemmEpilogue& ep, __m256 v, int64_t j, const float* at) {
    if (ep.bias) v = _mm256_add_ps(v, _mm256_loadu_ps(ep.bias + j));
    if (ep.scale) v = _mm256_fmadd_ps(v, _mm256_loadu_ps(ep.scale + j), _mm256_loadu_ps(ep.shift + j));
    if (ep.residual) v = _mm256_add_ps(v, _mm256_loadu_ps(ep.residual + (at - ep.out)));
    // max(0, v) returns its second operand when either is NaN, so NaN stays NaN as in TF's Relu.
    if (ep.act == GemmActivation::Relu) v = _mm256_max_ps(_mm256_setzero_ps(), v);
    else if (ep.act == GemmActivation::Relu6) v = _mm256_min_ps(_mm256_set1_ps(6.0f), _mm256_max_ps(_mm256_setzero_ps(), v));
    return v;
}

kAvx2 inline void storeRow(float* c, __m256 lo, __m256 hi, bool accumulate, const GemmEpilogue* ep, int64_t j) {
    if (accumulate) {
        lo = _mm256_add_ps(lo, _mm256_loadu_ps(c));
        hi = _mm256_add_ps(hi, _mm256_loadu_ps(c + 8));
    }
    if (ep) {
        lo = epilogue8(*ep, lo, j, c);
        hi = epilogue8(*ep, hi, j + 8, c + 8);
    }
    _mm256_storeu_ps(c, lo);
    _mm256_storeu_ps(c + 8, hi);
}

// c[0..mr) x [0..nr) (+)= rows of A times the packed kc x 16 B panel; `ep` (if not null) is
// applied after the sum, with j the output column of c's first column. Row r of A is at
// a + r * lda with contiguous depth (rows past mr repeat row 0 and are not stored).
kAvx2 void microKernel(int64_t kc, const float* a, int64_t lda, const float* b, float* c, int64_t ldc, int64_t mr, int64_t nr,
                       bool accumulate, const GemmEpilogue* ep, int64_t j) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    const float* a0 = a;
    const float* a1 = mr > 1 ? a + lda : a;
    const float* a2 = mr > 2 ? a + 2 * lda : a;
    const float* a3 = mr > 3 ? a + 3 * lda : a;
    const float* a4 = mr > 4 ? a + 4 * lda : a;
    const float* a5 = mr > 5 ? a + 5 * lda : a;
    for (int64_t p = 0; p < kc; ++p, b += kNR) {
        const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
        __m256 x = _mm256_broadcast_ss(a0 + p);
        c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a1 + p);
        c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a2 + p);
        c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a3 + p);
        c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
        x = _mm256_broadcast_ss(a4 + p);
        c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);
        x = _mm256_broadcast_ss(a5 + p);
        c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);
    }
    if (mr == kMR && nr == kNR) {
        storeRow(c, c00, c01, accumulate, ep, j);
        storeRow(c + ldc, c10, c11, accumulate, ep, j);
        storeRow(c + 2 * ldc, c20, c21, accumulate, ep, j);
        storeRow(c + 3 * ldc, c30, c31, accumulate, ep, j);
        storeRow(c + 4 * ldc, c40, c41, accumulate, ep, j);
        storeRow(c + 5 * ldc, c50, c51, accumulate, ep, j);
        return;
    }
    alignas(32) float tile[kMR * kNR];
    const __m256 rows[kMR * 2] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
    for (int64_t i = 0; i < kMR * 2; ++i) _mm256_store_ps(tile + i * 8, rows[i]);
    for (int64_t r = 0; r < mr; ++r) {
        for (int64_t q = 0; q < nr; ++q) {
            float v = tile[r * kNR + q];
            if (accumulate) v += c[r * ldc + q];
            c[r * ldc + q] = ep ? epilogue1(*ep, v, j + q, c + r * ldc + q) : v;
        }
    }
}

// Rows [0, m) of A (row i at a + i * lda, already offset to the block's depth) times one packed
// kc x nc block of B into c; j is the output column of c's first column.
kAvx2 void multiplyBlock(const float* a, int64_t lda, const float* packedB, int64_t kc, int64_t nc, float* c, int64_t ldc, int64_t m,
                         bool accumulate, const GemmEpilogue* ep, int64_t j) {
    for (int64_t ic = 0; ic < m; ic += kMC) {
        const int64_t mc = std::min(kMC, m - ic);
        for (int64_t jr = 0; jr < nc; jr += kNR) {
            const int64_t nr = std::min(kNR, nc - jr);
            for (int64_t ir = 0; ir < mc; ir += kMR)
                microKernel(kc, a + (ic + ir) * lda, lda, packedB + jr * kc, c + (ic + ir) * ldc + jr, ldc, std::min(kMR, mc - ir), nr,
                            accumulate, ep, j + jr);
        }
    }
}

// One depth step's row of NP (1, 2 or 4) packed B panels, at bp[0..NP), into bv; with `prefetch`,
// the rows kPrefetchB floats on are asked for too (a tile that streams B first, see tile512).
template <int NP>
kAvx512 inline void loadPanels(const float* const* bp, bool prefetch, __m512* bv) {
    if (prefetch) {
#pragma GCC unroll 4
        for (int q = 0; q < NP; ++q) _mm_prefetch(reinterpret_cast<const char*>(bp[q] + kPrefetchB), _MM_HINT_T0);
    }
#pragma GCC unroll 4
    for (int q = 0; q < NP; ++q) bv[q] = _mm512_load_ps(bp[q]);
}

// The AVX-512 tile: rows [0, MR) of A times NP adjacent packed kc x 16 B panels, one 16-float
// register per row and panel. Every element sums the same products in the same order as
// microKernel (one FMA per depth step, then + c when accumulating, then the epilogue), so both
// paths give the same bits. Columns past nr are masked off (the panels are zero there), so edge
// tiles need no scalar loop.
//
// Indirect (`rows` not null, a convolution without im2col): row r of A is read in place, its depth
// element p at rows[r][offsets[p]] (`a` and `lda` unused); the sums are the same.
//
// prefetchB: this tile is the first to read these panels (they may still be in L3 or memory), so it
// asks for them kPrefetchB floats ahead; the tiles after it find them in L1 or L2.
template <int MR, int NP>
kAvx512 void tile512(int64_t kc, const float* a, int64_t lda, const float* b, float* c, int64_t ldc, int64_t nr, bool accumulate,
                     const GemmEpilogue* ep, int64_t j, const float* const* rows, const int64_t* offsets, bool prefetchB) {
    __m512 acc[MR][NP];
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
        for (int q = 0; q < NP; ++q) acc[r][q] = _mm512_setzero_ps();
    const float* bp[NP];  // the panels
#pragma GCC unroll 4
    for (int q = 0; q < NP; ++q) bp[q] = b + q * kc * kNR;
    if (rows) {
        const float* rp[MR];
#pragma GCC unroll 16
        for (int r = 0; r < MR; ++r) rp[r] = rows[r];
#pragma GCC unroll 2
        for (int64_t p = 0; p < kc; ++p) {
            const int64_t o = offsets[p];
            __m512 bv[NP];
            loadPanels<NP>(bp, prefetchB, bv);
#pragma GCC unroll 4
            for (int q = 0; q < NP; ++q) bp[q] += kNR;
#pragma GCC unroll 16
            for (int r = 0; r < MR; ++r) {
                const __m512 x = _mm512_set1_ps(rp[r][o]);
#pragma GCC unroll 4
                for (int q = 0; q < NP; ++q) acc[r][q] = _mm512_fmadd_ps(x, bv[q], acc[r][q]);
            }
        }
    } else {
        // Rows 4g..4g+3 are read from a pointer per group of four, at offsets 0, lda, 2 lda, 3 lda,
        // which x86 addresses as [base + index * 4 or 8]: few registers for many rows.
        const int64_t l1 = lda, l2 = 2 * lda, l3 = 3 * lda;
        const float* g0 = a;
        const float* g1 = MR > 4 ? a + 4 * lda : a;
        const float* g2 = MR > 8 ? a + 8 * lda : a;
#pragma GCC unroll 4
        for (int64_t p = 0; p < kc; ++p, ++g0, ++g1, ++g2) {
            __m512 bv[NP];
            loadPanels<NP>(bp, prefetchB, bv);
#pragma GCC unroll 4
            for (int q = 0; q < NP; ++q) bp[q] += kNR;
#pragma GCC unroll 16
            for (int r = 0; r < MR; ++r) {
                const float* g = r < 4 ? g0 : r < 8 ? g1
                                                    : g2;
                const __m512 x = _mm512_set1_ps(r % 4 == 0 ? g[0] : r % 4 == 1 ? g[l1]
                                                                : r % 4 == 2   ? g[l2]
                                                                               : g[l3]);
#pragma GCC unroll 4
                for (int q = 0; q < NP; ++q) acc[r][q] = _mm512_fmadd_ps(x, bv[q], acc[r][q]);
            }
        }
    }
    const __m512 zero = _mm512_setzero_ps();
#pragma GCC unroll 4
    for (int q = 0; q < NP; ++q) {
        const int64_t cols = std::min<int64_t>(kNR, nr - q * kNR), jq = j + q * kNR;
        const __mmask16 mask = __mmask16((1u << cols) - 1);
        __m512 bias = zero, scale = zero, shift = zero;
        if (ep && ep->bias) bias = _mm512_maskz_loadu_ps(mask, ep->bias + jq);
        if (ep && ep->scale) {
            scale = _mm512_maskz_loadu_ps(mask, ep->scale + jq);
            shift = _mm512_maskz_loadu_ps(mask, ep->shift + jq);
        }
#pragma GCC unroll 16
        for (int r = 0; r < MR; ++r) {
            float* at = c + r * ldc + q * kNR;
            __m512 v = acc[r][q];
            if (accumulate) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, at));
            if (ep) {
                if (ep->bias) v = _mm512_add_ps(v, bias);
                if (ep->scale) v = _mm512_fmadd_ps(v, scale, shift);
                if (ep->residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, ep->residual + (at - ep->out)));
                // As in epilogue8: max(0, v) keeps a NaN v.
                if (ep->act == GemmActivation::Relu) v = _mm512_max_ps(zero, v);
                else if (ep->act == GemmActivation::Relu6) v = _mm512_min_ps(_mm512_set1_ps(6.0f), _mm512_max_ps(zero, v));
            }
            _mm512_mask_storeu_ps(at, mask, v);
        }
    }
}

// c[0..mr) x [0..nr) (+)= rows of A times the packed kc x 16 B panels from b on (nr <= 16 * kNP512),
// as microKernel, with the tile of mr rows and as many panels as nr needs.
kAvx512 void microKernel512(int64_t kc, const float* a, int64_t lda, const float* b, float* c, int64_t ldc, int64_t mr, int64_t nr,
                            bool accumulate, const GemmEpilogue* ep, int64_t j, const float* const* rows, const int64_t* offsets,
                            bool prefetchB) {
    using Tile = void (*)(int64_t, const float*, int64_t, const float*, float*, int64_t, int64_t, bool, const GemmEpilogue*, int64_t,
                          const float* const*, const int64_t*, bool);
    static constexpr auto table = []<int... R>(std::integer_sequence<int, R...>) {
        return std::array<std::array<Tile, 2>, sizeof...(R)>{{{tile512<R + 1, 1>, tile512<R + 1, kNP512>}...}};
    }
    (std::make_integer_sequence<int, kMR512>());
    if (mr == kMR512 && nr > kNR * (kNP512 - 1)) tile512<kMR512, kNP512>(kc, a, lda, b, c, ldc, nr, accumulate, ep, j, rows, offsets, prefetchB);
    else table[size_t(mr - 1)][nr > kNR ? 1 : 0](kc, a, lda, b, c, ldc, nr, accumulate, ep, j, rows, offsets, prefetchB);
}

// c[0..mr) x [0..64) (+)= rows of A times four packed kc x 16 B panels from b on (mr <= kMRWide), as
// microKernel512.
kAvx512 void microKernelWide(int64_t kc, const float* a, int64_t lda, const float* b, float* c, int64_t ldc, int64_t mr,
                             bool accumulate, const GemmEpilogue* ep, int64_t j, const float* const* rows, const int64_t* offsets,
                             bool prefetchB) {
    using Tile = void (*)(int64_t, const float*, int64_t, const float*, float*, int64_t, int64_t, bool, const GemmEpilogue*, int64_t,
                          const float* const*, const int64_t*, bool);
    static constexpr auto table = []<int... R>(std::integer_sequence<int, R...>) {
        return std::array<Tile, sizeof...(R)>{{tile512<R + 1, kNPWide>...}};
    }
    (std::make_integer_sequence<int, kMRWide>());
    table[size_t(mr - 1)](kc, a, lda, b, c, ldc, kNR * kNPWide, accumulate, ep, j, rows, offsets, prefetchB);
}

// The row tiles of a block of `rows` rows, at most `most` rows each: as few as that allows, their
// heights differing by one at most (49 rows: seven of 7, not six of 8 and one of 1, whose two
// accumulators would wait on each other's latency while B streams past as for eight rows).
struct RowTiles {
    int64_t count, base, extra;
    RowTiles(int64_t rows, int64_t most) : count((rows + most - 1) / most), base(rows / count), extra(rows % count) {}
    int64_t start(int64_t t) const { return t * base + std::min(t, extra); }
    int64_t height(int64_t t) const { return base + (t < extra ? 1 : 0); }
};

// multiplyBlock with the AVX-512 tiles. With `rows`, A is indirect (tile512): row i at rows[i], its
// depth through `offsets` (already at the block's depth). The block's columns go in groups of
// kNG512; each row tile meets every panel of a group before the next tile starts, so its A rows stay
// in L1 and the group's B (at most 320 KiB) in L2. The first tile fetches that B, with prefetches: it
// may come from memory (a large layer's weights at batch 1).
kAvx512 void multiplyBlockRows512(const float* a, int64_t lda, const float* packedB, int64_t kc, int64_t nc, float* c, int64_t ldc,
                                  int64_t m, bool accumulate, const GemmEpilogue* ep, int64_t j, const float* const* rows,
                                  const int64_t* offsets, bool prefetchC) {
    constexpr int64_t width = kNR * kNP512;
    // Exactly 64 columns (ResNet's and the CNN's 64-filter layers): one 6x64 tile per row tile, so
    // each row of A is read once and each row of C written in one go. 24 sums per 10 loads instead
    // of 16; at batch 32 these layers stream their activations, and the 1x1 layer
    // [100352,256]x[256,64] ran 15.6 -> 12.5 ms (2-3 % faster in cache). With 128 columns and more
    // the 8x32 tile was as fast or faster in cache (bench/README.md).
    if (nc == kNR * kNPWide) {
        for (int64_t ic = 0; ic < m; ic += kMC) {
            const int64_t mc = std::min(kMC, m - ic);
            const RowTiles tiles(mc, kMRWide);
            for (int64_t t = 0; t < tiles.count; ++t) {
                const int64_t ir = tiles.start(t), mr = tiles.height(t);
                if (prefetchC && ir + kAheadC512 < mc) {  // as below
                    const int64_t r0 = ic + ir + kAheadC512, count = std::min(mr, mc - ir - kAheadC512);
                    for (int64_t r = 0; r < count; ++r) {
                        const float* line = c + (r0 + r) * ldc;
                        for (int64_t q = 0; q < nc; q += kNR) __builtin_prefetch(line + q, 1);
                        if (ep && ep->residual && ep->residual != ep->out) {
                            const float* res = ep->residual + (line - ep->out);
                            for (int64_t q = 0; q < nc; q += kNR) __builtin_prefetch(res + q);
                        }
                    }
                }
                microKernelWide(kc, rows ? nullptr : a + (ic + ir) * lda, lda, packedB, c + (ic + ir) * ldc, ldc, mr,
                                accumulate, ep, j, rows ? rows + ic + ir : nullptr, offsets, ir == 0);
            }
        }
        return;
    }
    for (int64_t ic = 0; ic < m; ic += kMC) {
        const int64_t mc = std::min(kMC, m - ic);
        const RowTiles tiles(mc, kMR512);
        for (int64_t jg = 0; jg < nc; jg += kNG512)
            for (int64_t t = 0; t < tiles.count; ++t)
                for (int64_t jr = jg, ir = tiles.start(t), mr = tiles.height(t); jr < std::min(nc, jg + kNG512); jr += width) {
                    const int64_t nr = std::min(width, nc - jr);
                    // The lines of C (and of the residual) that the row tile kAheadC512 rows on will write
                    // (and read) here: a large product's C comes from memory, and the tile's epilogue would
                    // wait for each line. (ResNet-50 at batch 32: 845-855 -> 805-840 ms; a small C is in
                    // cache already, and batch 1 was no faster with it.)
                    if (prefetchC && ir + kAheadC512 < mc) {
                        const int64_t r0 = ic + ir + kAheadC512, count = std::min(mr, mc - ir - kAheadC512);
                        for (int64_t r = 0; r < count; ++r) {
                            const float* line = c + (r0 + r) * ldc + jr;
                            __builtin_prefetch(line, 1);
                            __builtin_prefetch(line + kNR, 1);
                            if (ep && ep->residual) {
                                const float* res = ep->residual + (line - ep->out);
                                __builtin_prefetch(res);
                                __builtin_prefetch(res + kNR);
                            }
                        }
                    }
                    microKernel512(kc, rows ? nullptr : a + (ic + ir) * lda, lda, packedB + jr * kc, c + (ic + ir) * ldc + jr, ldc,
                                   mr, nr, accumulate, ep, j + jr, rows ? rows + ic + ir : nullptr, offsets,
                                   ir == 0);
                }
    }
}

// All of B in KC x NC blocks of 16-column panels: the block at columns jc and depth pc starts at
// jc * k + pc * (its width rounded up to 16).
kAvx2 void packWholeB(Operand b, int64_t k, int64_t n, float* out) {
    for (int64_t jc = 0; jc < n; jc += kNC) {
        const int64_t nc = std::min(kNC, n - jc), ncr = (nc + kNR - 1) / kNR * kNR;
        for (int64_t pc = 0, kb = depthBlock(k); pc < k; pc += kb)
            packB({b.p + pc * b.rs + jc * b.cs, b.rs, b.cs}, std::min(kb, k - pc), nc, out + jc * k + pc * ncr);
    }
}

// Rows [r0, r1) x columns [c0, c1) of C = A * packed B. A in memory: each KC-deep block of B
// meets every row block in turn (the Goto order). A made by a.fill: each row block is filled one
// depth slice at a time into `buffer` and meets every column of the range while it is in cache.
kAvx2 void rowsTimesPackedB(const SgemmRowsA& a, const float* packedB, int64_t k, int64_t n, float* c, int64_t ldc, int64_t r0,
                            int64_t r1, int64_t c0, int64_t c1, const GemmEpilogue* ep, float* buffer, bool avx512) {
    const int64_t kb = depthBlock(k);
    const bool prefetchC = (r1 - r0) * ldc * int64_t(sizeof(float)) >= kPrefetchCBytes;
    for (int64_t jc = c0 / kNC * kNC; jc < c1; jc += kNC) {
        const int64_t nc = std::min(kNC, n - jc), ncr = (nc + kNR - 1) / kNR * kNR;
        const int64_t from = std::max(jc, c0), to = std::min(jc + nc, c1);  // `from` is a multiple of 16
        // Rows [ic, ic + mc) at depth [pc, pc + kc): in memory at `rows` (row stride lda), or
        // indirect through `starts` and `offsets` (AVX-512 only).
        auto block = [&](const float* rows, int64_t lda, int64_t ic, int64_t mc, int64_t pc, int64_t kc, const float* const* starts = nullptr,
                         const int64_t* offsets = nullptr) {
            const float* panels = packedB + jc * k + pc * ncr + (from - jc) * kc;
            if (avx512)
                multiplyBlockRows512(rows, lda, panels, kc, to - from, c + ic * ldc + from, ldc, mc, pc > 0, pc + kc == k ? ep : nullptr, from,
                                     starts, offsets, prefetchC);
            else multiplyBlock(rows, lda, panels, kc, to - from, c + ic * ldc + from, ldc, mc, pc > 0, pc + kc == k ? ep : nullptr, from);
        };
        if (!a.fill) {
            for (int64_t pc = 0; pc < k; pc += kb) block(a.a + r0 * a.lda + pc, a.lda, r0, r1 - r0, pc, std::min(kb, k - pc));
            continue;
        }
        // Indirect rows (AVX-512 only): the block's row starts once, then its depth slices in place.
        const bool indirect = avx512 && a.rowPointers;
        thread_local std::array<const float*, size_t(kMC)> rowStarts;
        for (int64_t ic = r0; ic < r1; ic += kMC) {
            const int64_t mc = std::min(kMC, r1 - ic);
            if (indirect) a.rowPointers(ic, mc, rowStarts.data());
            for (int64_t pc = 0; pc < k; pc += kb) {
                const int64_t kc = std::min(kb, k - pc);
                if (indirect) {
                    block(nullptr, 0, ic, mc, pc, kc, rowStarts.data(), a.offsets + pc);
                    continue;
                }
                a.fill(ic, mc, pc, kc, buffer);
                block(buffer, kc, ic, mc, pc, kc);
            }
        }
    }
}

}  // namespace

void packedSgemmRows(const SgemmRowsA& a, const PackedSgemmB& b, float* c, int64_t ldc, int64_t r0, int64_t r1, int64_t c0,
                     int64_t c1, const GemmEpilogue& ep) {
    c1 = std::min(c1, b.n());
    if (r1 <= r0 || c1 <= c0) return;
    const GemmEpilogue* epp = ep.empty() ? nullptr : &ep;
    if (b.k() <= 0) {
        for (int64_t i = r0; i < r1; ++i) {
            std::fill(c + i * ldc + c0, c + i * ldc + c1, 0.0f);
            if (epp) applyEpilogue(ep, c + i * ldc + c0, 1, c1 - c0, ldc, c0);
        }
        return;
    }
    float* buffer = a.fill ? threadScratch(ScratchUse::GemmBlocks, size_t(kMC * kKCMax)) : nullptr;
    rowsTimesPackedB(a, b.data(), b.k(), b.n(), c, ldc, r0, r1, c0, c1, epp, buffer, sgemmIsa() == SgemmIsa::Avx512);
}

kAvx2 void packedEpilogueRow(const GemmEpilogue& ep, float* c, int64_t count, int64_t j0) {
    int64_t j = 0;
    for (; j + 8 <= count; j += 8) _mm256_storeu_ps(c + j, epilogue8(ep, _mm256_loadu_ps(c + j), j0 + j, c + j));
    for (; j < count; ++j) c[j] = epilogue1(ep, c[j], j0 + j, c + j);
}

bool packedSgemmOnePass(int64_t k) { return k > 0 && depthBlock(k) == k; }

float* threadScratch(ScratchUse use, size_t floats) {
    struct Buffer {
        std::unique_ptr<float, FreeDeleter> data;
        size_t capacity = 0;
    };
    thread_local Buffer buffers[2];  // one per ScratchUse
    Buffer& b = buffers[size_t(use)];
    if (b.capacity < floats) {
        const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
        b.data.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
        if (!b.data) {
            b.capacity = 0;
            throw std::bad_alloc();
        }
        b.capacity = floats;
    }
    return b.data.get();
}

bool sgemmIsaSupported(SgemmIsa isa) { return cpuHas(isa); }

SgemmIsa sgemmIsa() {
    int isa = g_isa.load(std::memory_order_relaxed);
    if (isa < 0) {
        g_isa.compare_exchange_strong(isa, int(defaultIsa()), std::memory_order_relaxed);
        isa = g_isa.load(std::memory_order_relaxed);
    }
    return SgemmIsa(isa);
}

bool setSgemmIsa(SgemmIsa isa) {
    if (!cpuHas(isa)) return false;
    g_isa.store(int(isa), std::memory_order_relaxed);
    return true;
}

const char* sgemmIsaName(SgemmIsa isa) {
    switch (isa) {
    case SgemmIsa::Portable: return "portable";
    case SgemmIsa::Avx2: return "avx2";
    case SgemmIsa::Avx512: return "avx512";
    }
    return "?";
}

bool packedSgemmAvailable() { return sgemmIsa() != SgemmIsa::Portable; }

void setPackedSgemmEnabled(bool enabled) { g_isa.store(int(enabled ? defaultIsa() : SgemmIsa::Portable), std::memory_order_relaxed); }

void packedSgemm(KernelContext* ctx, const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n,
                 bool transA, bool transB, const GemmEpilogue& ep) {
    if (m <= 0 || n <= 0) return;
    const PackedSgemmB packed(b, k, n, transB);
    SgemmRowsA rows;
    if (!transA) {
        rows.a = a;
        rows.lda = k;
    } else {  // A is [k, m]: its rows are gathered a block at a time
        rows.fill = [a, m](int64_t r0, int64_t count, int64_t d0, int64_t depth, float* dst) {
            for (int64_t d = 0; d < depth; ++d)
                for (int64_t r = 0; r < count; ++r) dst[r * depth + d] = a[(d0 + d) * m + r0 + r];
        };
    }
    if (ctx) packedSgemmParallel(*ctx, rows, packed, c, m, ep);
    else packedSgemmRows(rows, packed, c, n, 0, m, 0, n, ep);
}

PackedSgemmB::PackedSgemmB(const float* b, int64_t k, int64_t n, bool transB) : m_k(k), m_n(n) {
    const size_t floats = size_t(std::max<int64_t>(k, 1) * ((n + kNR - 1) / kNR * kNR));
    m_bytes = (floats * sizeof(float) + 63) / 64 * 64;
    m_data.reset(static_cast<float*>(std::aligned_alloc(64, m_bytes)));
    if (!m_data) throw std::bad_alloc();
    if (k > 0 && n > 0) packWholeB(transB ? Operand{b, 1, k} : Operand{b, n, 1}, k, n, m_data.get());
}


void packedSgemmParallel(KernelContext& ctx, const SgemmRowsA& a, const PackedSgemmB& b, float* c, int64_t m, const GemmEpilogue& ep) {
    const int64_t n = b.n();
    const int threads = numThreads(ctx);
    const int64_t mr = sgemmIsa() == SgemmIsa::Avx512 ? kMR512 : kMR;  // row chunks of whole tiles
    int64_t rowChunk = m, colChunk = n;
    if (threads > 1 && m < 4 * kMC && n >= 2 * kNR * threads) colChunk = ((n + threads - 1) / threads + kNR - 1) / kNR * kNR;
    else if (threads > 1) rowChunk = std::max<int64_t>(48, ((m + 4 * threads - 1) / (4 * threads) + mr - 1) / mr * mr);
    const int64_t rowParts = (m + rowChunk - 1) / rowChunk, colParts = (n + colChunk - 1) / colChunk;
    parallelFor(ctx, rowParts * colParts, double(rowChunk) * double(colChunk) * double(b.k()), [&](int64_t t0, int64_t t1) {
        for (int64_t t = t0; t < t1; ++t) {
            const int64_t r0 = (t / colParts) * rowChunk, c0 = (t % colParts) * colChunk;
            packedSgemmRows(a, b, c, n, r0, std::min(m, r0 + rowChunk), c0, std::min(n, c0 + colChunk), ep);
        }
    });
}

Tensor alignedForStreaming(KernelContext& ctx, const Tensor& b) {
    static constexpr const char* kKind = "sgemm.aligned_b";
    exec::DerivedCache* cache = ctx.derivedCache();
    if (!cache || b.byteSize() < (size_t(64) << 10) || b.computedOnRead() || reinterpret_cast<uintptr_t>(b.rawData()) % 64 == 0) return b;
    if (auto hit = cache->find(b, kKind)) return *std::static_pointer_cast<const Tensor>(hit);
    // A copy the cache would not keep would be made again every run: reading B misaligned is cheaper.
    if (!cache->hasRoomFor(b.byteSize())) return b;
    auto copy = std::make_shared<const Tensor>(b.deepCopy());
    if (reinterpret_cast<uintptr_t>(copy->rawData()) % 64 != 0) return b;
    cache->insert(b, kKind, copy, copy->byteSize());
    b.dropResidentPages();
    return *copy;
}

std::shared_ptr<const void> derivedFromWeights(KernelContext& ctx, const Tensor& b, const char* kind, size_t roomNeeded,
                                               const DerivedMaker& make) {
    exec::DerivedCache* cache = ctx.derivedCache();
    if (cache) {
        if (auto hit = cache->find(b, kind)) return hit;
        if (roomNeeded > 0 && !cache->hasRoomFor(roomNeeded)) return nullptr;
    }
    std::pair<std::shared_ptr<const void>, size_t> made;
    if (b.computedOnRead()) {  // a folded filter: computed into scratch space, only what is made from it kept
        std::unique_ptr<float[]> values(new float[size_t(std::max<int64_t>(b.numElements(), 1))]);
        const bool computed = b.computeInto(reinterpret_cast<std::byte*>(values.get()));
        made = make(computed ? values.get() : b.data<float>());
    } else {
        made = make(b.data<float>());
    }
    if (cache) {
        cache->insert(b, kind, made.first, made.second);
        b.dropResidentPages();  // kernels read what was made from now on (weights viewing a mapped checkpoint leave the resident set)
    }
    return made.first;
}

std::shared_ptr<const PackedSgemmB> packedSgemmB(KernelContext& ctx, const Tensor& b, int64_t k, int64_t n, bool transB) {
    // The maker holds one reference, so the std::function keeps it without allocating (every run
    // of a product comes here, nearly always to find the packing made before).
    const struct {
        int64_t k, n;
        bool transB;
    } shape{k, n, transB};
    auto made = derivedFromWeights(ctx, b, transB ? "sgemm.packed_b.transposed" : "sgemm.packed_b", 0, [&shape](const float* values) {
        auto packed = std::make_shared<const PackedSgemmB>(values, shape.k, shape.n, shape.transB);
        const size_t bytes = packed->bytes();
        return std::pair<std::shared_ptr<const void>, size_t>(std::move(packed), bytes);
    });
    return std::static_pointer_cast<const PackedSgemmB>(made);
}

}  // namespace tfscope::kernels
