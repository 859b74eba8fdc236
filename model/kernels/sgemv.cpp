// The AVX2/FMA and AVX-512 matrix-vector products (see sgemv.h). As in sgemm.cpp, only the
// functions marked kAvx2 / kAvx512 use AVX2/FMA / AVX-512 instructions, and they are static leaves
// called after the CPU check (sgemmIsa()). Both widths give the same bits: every element sums the
// same products in the same order.
#include "model/kernels/sgemv.h"

#include "model/kernels/isa_target.h"
#include "model/kernels/sgemm.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace tfscope::kernels {
namespace {

constexpr int64_t kBlock = 64;  // output columns per unit of work (a multiple of the 8-float vector)

// c[j0, j1) of a[k] * B[k, n]: the rows of B stream by in memory order (what the hardware prefetcher
// follows best), four at a time, into the output slice, which stays in L1. Every element still sums
// its products in row order.
kAvx2 void rowsOfB(const float* a, const float* b, float* c, int64_t k, int64_t n, int64_t j0, int64_t j1) {
    const int64_t vec = j0 + (j1 - j0) / 8 * 8;
    for (int64_t j = j0; j < j1; ++j) c[j] = 0;
    int64_t p = 0;
    for (; p + 4 <= k; p += 4) {
        const float* r0 = b + p * n;
        const float* r1 = r0 + n;
        const float* r2 = r1 + n;
        const float* r3 = r2 + n;
        const __m256 x0 = _mm256_broadcast_ss(a + p), x1 = _mm256_broadcast_ss(a + p + 1);
        const __m256 x2 = _mm256_broadcast_ss(a + p + 2), x3 = _mm256_broadcast_ss(a + p + 3);
        for (int64_t j = j0; j < vec; j += 8) {
            __m256 s = _mm256_loadu_ps(c + j);
            s = _mm256_fmadd_ps(x0, _mm256_loadu_ps(r0 + j), s);
            s = _mm256_fmadd_ps(x1, _mm256_loadu_ps(r1 + j), s);
            s = _mm256_fmadd_ps(x2, _mm256_loadu_ps(r2 + j), s);
            s = _mm256_fmadd_ps(x3, _mm256_loadu_ps(r3 + j), s);
            _mm256_storeu_ps(c + j, s);
        }
        for (int64_t j = vec; j < j1; ++j)
            c[j] = std::fmaf(a[p + 3], r3[j], std::fmaf(a[p + 2], r2[j], std::fmaf(a[p + 1], r1[j], std::fmaf(a[p], r0[j], c[j]))));
    }
    for (; p < k; ++p) {
        const float* r0 = b + p * n;
        const __m256 x0 = _mm256_broadcast_ss(a + p);
        for (int64_t j = j0; j < vec; j += 8) _mm256_storeu_ps(c + j, _mm256_fmadd_ps(x0, _mm256_loadu_ps(r0 + j), _mm256_loadu_ps(c + j)));
        for (int64_t j = vec; j < j1; ++j) c[j] = std::fmaf(a[p], r0[j], c[j]);
    }
}

// rowsOfB with the output in registers: 64 columns (eight 8-float registers) at a time take every
// row of B, so the output is written once instead of loaded and stored for every four rows.
// Each element sums its products in row order from zero, as in rowsOfB: the same bits.
kAvx2 void rowsOfBInRegisters(const float* a, const float* b, float* c, int64_t k, int64_t n, int64_t j0, int64_t j1) {
    int64_t j = j0;
    for (; j + 64 <= j1; j += 64) {
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
        __m256 s4 = _mm256_setzero_ps(), s5 = _mm256_setzero_ps(), s6 = _mm256_setzero_ps(), s7 = _mm256_setzero_ps();
        const float* r = b + j;
        for (int64_t p = 0; p < k; ++p, r += n) {
            const __m256 x = _mm256_broadcast_ss(a + p);
            s0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r), s0);
            s1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r + 8), s1);
            s2 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r + 16), s2);
            s3 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r + 24), s3);
            s4 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r + 32), s4);
            s5 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r + 40), s5);
            s6 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r + 48), s6);
            s7 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r + 56), s7);
        }
        _mm256_storeu_ps(c + j, s0);
        _mm256_storeu_ps(c + j + 8, s1);
        _mm256_storeu_ps(c + j + 16, s2);
        _mm256_storeu_ps(c + j + 24, s3);
        _mm256_storeu_ps(c + j + 32, s4);
        _mm256_storeu_ps(c + j + 40, s5);
        _mm256_storeu_ps(c + j + 48, s6);
        _mm256_storeu_ps(c + j + 56, s7);
    }
    if (j < j1) rowsOfB(a, b, c, k, n, j, j1);
}

// c[j0, j1) of a[k] * B^T for B [n, k]: a dot product over each contiguous row, 16 lanes at a time.
kAvx2 void dotsWithRows(const float* a, const float* b, float* c, int64_t k, int64_t j0, int64_t j1) {
    for (int64_t j = j0; j < j1; ++j) {
        const float* row = b + j * k;
        __m256 s0 = _mm256_setzero_ps(), s1 = s0;
        int64_t p = 0;
        for (; p + 16 <= k; p += 16) {
            s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p), _mm256_loadu_ps(row + p), s0);
            s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p + 8), _mm256_loadu_ps(row + p + 8), s1);
        }
        for (; p + 8 <= k; p += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p), _mm256_loadu_ps(row + p), s0);
        s0 = _mm256_add_ps(s0, s1);
        const __m128 h = _mm_add_ps(_mm256_castps256_ps128(s0), _mm256_extractf128_ps(s0, 1));
        const __m128 q = _mm_add_ps(h, _mm_movehl_ps(h, h));
        float s = _mm_cvtss_f32(_mm_add_ss(q, _mm_shuffle_ps(q, q, 1)));
        for (; p < k; ++p) s = std::fmaf(a[p], row[p], s);
        c[j] = s;
    }
}

// rowsOfB with 16-float vectors and a masked tail.
kAvx512 void rowsOfB512(const float* a, const float* b, float* c, int64_t k, int64_t n, int64_t j0, int64_t j1) {
    const int64_t vec = j0 + (j1 - j0) / 16 * 16;
    const __mmask16 tail = __mmask16((1u << (j1 - vec)) - 1);
    for (int64_t j = j0; j < j1; ++j) c[j] = 0;
    int64_t p = 0;
    for (; p + 4 <= k; p += 4) {
        const float* r0 = b + p * n;
        const float* r1 = r0 + n;
        const float* r2 = r1 + n;
        const float* r3 = r2 + n;
        const __m512 x0 = _mm512_set1_ps(a[p]), x1 = _mm512_set1_ps(a[p + 1]);
        const __m512 x2 = _mm512_set1_ps(a[p + 2]), x3 = _mm512_set1_ps(a[p + 3]);
        for (int64_t j = j0; j < vec; j += 16) {
            __m512 s = _mm512_loadu_ps(c + j);
            s = _mm512_fmadd_ps(x0, _mm512_loadu_ps(r0 + j), s);
            s = _mm512_fmadd_ps(x1, _mm512_loadu_ps(r1 + j), s);
            s = _mm512_fmadd_ps(x2, _mm512_loadu_ps(r2 + j), s);
            s = _mm512_fmadd_ps(x3, _mm512_loadu_ps(r3 + j), s);
            _mm512_storeu_ps(c + j, s);
        }
        if (tail) {
            __m512 s = _mm512_maskz_loadu_ps(tail, c + vec);
            s = _mm512_fmadd_ps(x0, _mm512_maskz_loadu_ps(tail, r0 + vec), s);
            s = _mm512_fmadd_ps(x1, _mm512_maskz_loadu_ps(tail, r1 + vec), s);
            s = _mm512_fmadd_ps(x2, _mm512_maskz_loadu_ps(tail, r2 + vec), s);
            s = _mm512_fmadd_ps(x3, _mm512_maskz_loadu_ps(tail, r3 + vec), s);
            _mm512_mask_storeu_ps(c + vec, tail, s);
        }
    }
    for (; p < k; ++p) {
        const float* r0 = b + p * n;
        const __m512 x0 = _mm512_set1_ps(a[p]);
        for (int64_t j = j0; j < vec; j += 16) _mm512_storeu_ps(c + j, _mm512_fmadd_ps(x0, _mm512_loadu_ps(r0 + j), _mm512_loadu_ps(c + j)));
        if (tail)
            _mm512_mask_storeu_ps(c + vec, tail,
                                  _mm512_fmadd_ps(x0, _mm512_maskz_loadu_ps(tail, r0 + vec), _mm512_maskz_loadu_ps(tail, c + vec)));
    }
}

// dotsWithRows with one 16-float register: lane l sums the products p = l (mod 16), as the two
// 8-float registers of dotsWithRows do, and the lanes are added up in the same order.
kAvx512 void dotsWithRows512(const float* a, const float* b, float* c, int64_t k, int64_t j0, int64_t j1) {
    for (int64_t j = j0; j < j1; ++j) {
        const float* row = b + j * k;
        __m512 s16 = _mm512_setzero_ps();
        int64_t p = 0;
        for (; p + 16 <= k; p += 16) s16 = _mm512_fmadd_ps(_mm512_loadu_ps(a + p), _mm512_loadu_ps(row + p), s16);
        if (p + 8 <= k) {
            const __mmask16 low = 0x00FF;
            s16 = _mm512_mask3_fmadd_ps(_mm512_maskz_loadu_ps(low, a + p), _mm512_maskz_loadu_ps(low, row + p), s16, low);
            p += 8;
        }
        const __m256 s0 = _mm256_add_ps(_mm512_castps512_ps256(s16), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(s16), 1)));
        const __m128 h = _mm_add_ps(_mm256_castps256_ps128(s0), _mm256_extractf128_ps(s0, 1));
        const __m128 q = _mm_add_ps(h, _mm_movehl_ps(h, h));
        float s = _mm_cvtss_f32(_mm_add_ss(q, _mm_shuffle_ps(q, q, 1)));
        for (; p < k; ++p) s = std::fmaf(a[p], row[p], s);
        c[j] = s;
    }
}

}  // namespace

void sgemv(KernelContext* ctx, const float* a, const float* b, float* c, int64_t k, int64_t n, bool transB, const GemmEpilogue& ep) {
    if (n == 0) return;
    // Work in units of 64 columns, so the threads' slices start on whole vectors.
    const int64_t units = (n + kBlock - 1) / kBlock;
    // 512-bit vectors only for B of 1M elements (4 MB) and more: they are faster in a tight loop
    // over one product in L2, but the Keras MLP 784-512-256-10 at batch 1 ran 3 % slower with them
    // (0.065 against 0.063 ms, interleaved runs), and products that large are bound by memory.
    const bool avx512 = sgemmIsa() == SgemmIsa::Avx512 && k * n >= int64_t(1) << 20;
    auto part = [&](int64_t u0, int64_t u1) {
        const int64_t j0 = u0 * kBlock, j1 = std::min(n, u1 * kBlock);
        if (transB) (avx512 ? dotsWithRows512 : dotsWithRows)(a, b, c, k, j0, j1);
        else (avx512 ? rowsOfB512 : rowsOfBInRegisters)(a, b, c, k, n, j0, j1);
        applyEpilogue(ep, c + j0, 1, j1 - j0, n, j0);
    };
    // Matrices from 128K elements (512 KB) are split among the threads so that each streams one
    // contiguous part of B, the same part each run (and may keep it in its cache between runs).
    // A transposed B splits by output columns (whole rows of B). A row-major B splits by rows: each
    // part sums its rows into its own partial result (the first into c), and the parts are added
    // in order, so a given thread count always gives the same bits. Splitting the columns of a
    // row-major B instead leaves each thread a strided share of every row, which the prefetcher
    // follows poorly: the CNN's 4096x128 dense layer at batch 1 took as long on two threads as on
    // one (0.09 ms against 0.065 split by rows, busy machine, interleaved runs).
    const int threads = ctx ? numThreads(*ctx) : 1;
    const bool split = ctx && threads > 1 && k * n >= int64_t(128) << 10;
    if (split && !transB && k >= 8 * threads) {
        std::vector<float> partial(size_t((threads - 1) * n));
        auto rowAt = [&](int64_t t) { return t == threads ? k : t * k / threads / 4 * 4; };
        parallelFor(*ctx, threads, 1e9, [&](int64_t t0, int64_t t1) {
            for (int64_t t = t0; t < t1; ++t) {
                const int64_t p0 = rowAt(t), p1 = rowAt(t + 1);
                float* out = t == 0 ? c : partial.data() + (t - 1) * n;
                (avx512 ? rowsOfB512 : rowsOfBInRegisters)(a + p0, b + p0 * n, out, p1 - p0, n, 0, n);
            }
        });
        for (int t = 1; t < threads; ++t) {
            const float* q = partial.data() + (t - 1) * n;
            for (int64_t j = 0; j < n; ++j) c[j] += q[j];
        }
        applyEpilogue(ep, c, 1, n, n, 0);
        return;
    }
    if (split && units >= threads) {
        parallelFor(*ctx, threads, 1e9, [&](int64_t t0, int64_t t1) { part(t0 * units / threads, t1 * units / threads); });
    } else {
        part(0, units);
    }
}

}  // namespace tfscope::kernels
