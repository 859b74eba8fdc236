// Winograd F(2x2, 3x3) convolutions on the packed GEMM (see conv_winograd.h). With
// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1] and
// A^T = [1 1 1 0; 0 1 -1 -1], a 2x2 output block is A^T [(G g G^T) .* (B^T d B)] A for the 4x4
// input block d and each 3x3 filter slice g; summed over input channels, each of the 16 positions
// of the middle product is one GEMM over all blocks. The transforms only add, subtract and halve, in
// the same order on every path, so the AVX2 and AVX-512 GEMMs still give the same bits.
#include "model/kernels/conv_winograd.h"

#include "model/kernels/isa_target.h"
#include "model/kernels/sgemm.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace tfscope::kernels {
namespace {

constexpr int kPositions = 16;                            // 4x4 transformed positions, one GEMM each
constexpr int64_t kGroupBytes = int64_t(3) << 20;         // transformed inputs + products of one group of blocks
constexpr int64_t kLocalGroupBytes = int64_t(512) << 10;  // ... of a group one thread does alone
constexpr int64_t kLocalFilterBytes = int64_t(1) << 20;   // transformed filters that threads each read whole
constexpr int64_t kMinHarmonic = 64;                      // see winogradSuits
constexpr int64_t kMinHarmonicLocal = 16;                 // ... with each thread's groups its own
constexpr int64_t kMinBlocks = 32;                        // 2x2 blocks per run, below which the filter's extra bytes dominate
constexpr int64_t kMaxFilterBytes = int64_t(64) << 20;    // transformed filters larger than this are not made

std::atomic<int> g_enabled{-1};  // -1: not decided yet

bool defaultEnabled() {
    const char* env = std::getenv("TFSCOPE_WINOGRAD");
    return !(env && std::string_view(env) == "0");
}

// The 16 transformed filter matrices U[e] = (G g G^T)[e] over [c, f], packed for the GEMM.
struct WinogradFilter {
    std::vector<PackedSgemmB> u;
    size_t bytes = 0;
};

// G g G^T for one input channel: r[3 * y + x] points at the filter's row of f output channels at
// tap (y, x), w[e] at transformed position e's.
kAvx2 void transformFilterRows(const float* const* r, float* const* w, int64_t f) {
    const __m256 half = _mm256_set1_ps(0.5f);
    int64_t o = 0;
    for (; o + 8 <= f; o += 8) {
        __m256 t[4][3];  // G g
        for (int b = 0; b < 3; ++b) {
            const __m256 g0 = _mm256_loadu_ps(r[b] + o), g1 = _mm256_loadu_ps(r[3 + b] + o), g2 = _mm256_loadu_ps(r[6 + b] + o);
            t[0][b] = g0;
            t[1][b] = _mm256_mul_ps(_mm256_add_ps(_mm256_add_ps(g0, g1), g2), half);
            t[2][b] = _mm256_mul_ps(_mm256_add_ps(_mm256_sub_ps(g0, g1), g2), half);
            t[3][b] = g2;
        }
        for (int a = 0; a < 4; ++a) {  // (G g) G^T
            _mm256_storeu_ps(w[a * 4 + 0] + o, t[a][0]);
            _mm256_storeu_ps(w[a * 4 + 1] + o, _mm256_mul_ps(_mm256_add_ps(_mm256_add_ps(t[a][0], t[a][1]), t[a][2]), half));
            _mm256_storeu_ps(w[a * 4 + 2] + o, _mm256_mul_ps(_mm256_add_ps(_mm256_sub_ps(t[a][0], t[a][1]), t[a][2]), half));
            _mm256_storeu_ps(w[a * 4 + 3] + o, t[a][2]);
        }
    }
    for (; o < f; ++o) {  // the same operations, one output channel at a time
        float t[4][3];
        for (int b = 0; b < 3; ++b) {
            const float g0 = r[b][o], g1 = r[3 + b][o], g2 = r[6 + b][o];
            t[0][b] = g0;
            t[1][b] = (g0 + g1 + g2) * 0.5f;
            t[2][b] = (g0 - g1 + g2) * 0.5f;
            t[3][b] = g2;
        }
        for (int a = 0; a < 4; ++a) {
            w[a * 4 + 0][o] = t[a][0];
            w[a * 4 + 1][o] = (t[a][0] + t[a][1] + t[a][2]) * 0.5f;
            w[a * 4 + 2][o] = (t[a][0] - t[a][1] + t[a][2]) * 0.5f;
            w[a * 4 + 3][o] = t[a][2];
        }
    }
}

std::shared_ptr<const WinogradFilter> transformFilter(const float* g, int64_t c, int64_t f) {
    std::unique_ptr<float[]> u(new float[size_t(kPositions * c * f)]);
    const int64_t plane = c * f;
    for (int64_t ch = 0; ch < c; ++ch) {  // the filter is [3, 3, c, f]
        const float* r[9];
        float* w[kPositions];
        for (int k = 0; k < 9; ++k) r[k] = g + k * plane + ch * f;
        for (int e = 0; e < kPositions; ++e) w[e] = u.get() + e * plane + ch * f;
        transformFilterRows(r, w, f);
    }
    auto out = std::make_shared<WinogradFilter>();
    out->u.reserve(kPositions);
    for (int e = 0; e < kPositions; ++e) {
        out->u.emplace_back(u.get() + e * plane, c, f, false);
        out->bytes += out->u.back().bytes();
    }
    return out;
}

// The transformed filter, from the context's DerivedCache when made before; null when the cache
// has no room for it (the caller convolves directly instead of transforming it every run).
std::shared_ptr<const WinogradFilter> filterFor(KernelContext& ctx, const Tensor& filter, int64_t c, int64_t f) {
    const size_t room = size_t(kPositions * c * f) * sizeof(float);
    auto made = derivedFromWeights(ctx, filter, "conv.winograd_filter", room, [c, f](const float* values) {  // kept in place by the std::function
        auto transformed = transformFilter(values, c, f);
        const size_t bytes = transformed->bytes;
        return std::pair<std::shared_ptr<const void>, size_t>(std::move(transformed), bytes);
    });
    return std::static_pointer_cast<const WinogradFilter>(made);
}

// B^T d B for `count` channels: d[k] (k = 4 * row + column of the 4x4 block) points at the block's
// pixel (a zero row outside the image), v[k] at where transformed position k goes.
kAvx2 void transformInput(const float* const* d, float* const* v, int64_t count) {
    int64_t ch = 0;
    for (; ch + 8 <= count; ch += 8) {
        __m256 x[16];
        for (int k = 0; k < 16; ++k) x[k] = _mm256_loadu_ps(d[k] + ch);
        __m256 r[16];  // B^T d: rows
        for (int col = 0; col < 4; ++col) {
            r[0 + col] = _mm256_sub_ps(x[0 + col], x[8 + col]);
            r[4 + col] = _mm256_add_ps(x[4 + col], x[8 + col]);
            r[8 + col] = _mm256_sub_ps(x[8 + col], x[4 + col]);
            r[12 + col] = _mm256_sub_ps(x[4 + col], x[12 + col]);
        }
        for (int row = 0; row < 4; ++row) {  // (B^T d) B: columns
            const __m256* q = r + 4 * row;
            _mm256_storeu_ps(v[4 * row + 0] + ch, _mm256_sub_ps(q[0], q[2]));
            _mm256_storeu_ps(v[4 * row + 1] + ch, _mm256_add_ps(q[1], q[2]));
            _mm256_storeu_ps(v[4 * row + 2] + ch, _mm256_sub_ps(q[2], q[1]));
            _mm256_storeu_ps(v[4 * row + 3] + ch, _mm256_sub_ps(q[1], q[3]));
        }
    }
    for (; ch < count; ++ch) {  // the same operations, one channel at a time
        float r[16];
        for (int col = 0; col < 4; ++col) {
            r[0 + col] = d[0 + col][ch] - d[8 + col][ch];
            r[4 + col] = d[4 + col][ch] + d[8 + col][ch];
            r[8 + col] = d[8 + col][ch] - d[4 + col][ch];
            r[12 + col] = d[4 + col][ch] - d[12 + col][ch];
        }
        for (int row = 0; row < 4; ++row) {
            const float* q = r + 4 * row;
            v[4 * row + 0][ch] = q[0] - q[2];
            v[4 * row + 1][ch] = q[1] + q[2];
            v[4 * row + 2][ch] = q[2] - q[1];
            v[4 * row + 3][ch] = q[1] - q[3];
        }
    }
}

// A^T m A for `count` output channels: m[k] points at transformed position k's products, y[0..3]
// at the block's output pixels (row-major 2x2; null when outside the image). false, with the block
// partly written, at a sum for a pixel in the image that is not finite (see conv3x3Winograd).
kAvx2 bool transformOutput(const float* const* m, float* const* y, int64_t count) {
    const __m256 magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)), infinity = _mm256_set1_ps(INFINITY);
    int64_t o = 0;
    for (; o + 8 <= count; o += 8) {
        __m256 s[8];  // A^T m: two rows of four
        for (int col = 0; col < 4; ++col) {
            const __m256 m0 = _mm256_loadu_ps(m[col] + o), m1 = _mm256_loadu_ps(m[4 + col] + o);
            const __m256 m2 = _mm256_loadu_ps(m[8 + col] + o), m3 = _mm256_loadu_ps(m[12 + col] + o);
            s[col] = _mm256_add_ps(_mm256_add_ps(m0, m1), m2);
            s[4 + col] = _mm256_sub_ps(_mm256_sub_ps(m1, m2), m3);
        }
        for (int row = 0; row < 2; ++row) {
            const __m256* q = s + 4 * row;
            __m256 out[2] = {_mm256_add_ps(_mm256_add_ps(q[0], q[1]), q[2]), _mm256_sub_ps(_mm256_sub_ps(q[1], q[2]), q[3])};
            for (int col = 0; col < 2; ++col) {
                float* at = y[2 * row + col];
                if (!at) continue;
                // |v| < inf is false for an infinity and for NaN.
                if (_mm256_movemask_ps(_mm256_cmp_ps(_mm256_and_ps(out[col], magnitude), infinity, _CMP_LT_OQ)) != 0xff) return false;
                _mm256_storeu_ps(at + o, out[col]);
            }
        }
    }
    for (; o < count; ++o) {
        float s[8];
        for (int col = 0; col < 4; ++col) {
            s[col] = (m[col][o] + m[4 + col][o]) + m[8 + col][o];
            s[4 + col] = (m[4 + col][o] - m[8 + col][o]) - m[12 + col][o];
        }
        for (int row = 0; row < 2; ++row) {
            const float* q = s + 4 * row;
            const float out[2] = {(q[0] + q[1]) + q[2], (q[1] - q[2]) - q[3]};
            for (int col = 0; col < 2; ++col) {
                float* at = y[2 * row + col];
                if (!at) continue;
                if (!std::isfinite(out[col])) return false;
                at[o] = out[col];
            }
        }
    }
    return true;
}

}  // namespace

void setWinogradEnabled(bool enabled) { g_enabled.store(enabled ? int(defaultEnabled()) : 0, std::memory_order_relaxed); }

bool winogradEnabled() {
    int e = g_enabled.load(std::memory_order_relaxed);
    if (e < 0) {
        g_enabled.compare_exchange_strong(e, int(defaultEnabled()), std::memory_order_relaxed);
        e = g_enabled.load(std::memory_order_relaxed);
    }
    return e == 1;
}

int64_t winogradLocalGroup(const Winograd3x3& g, int threads) {
    const int64_t perBlock = int64_t(sizeof(float)) * kPositions * (g.c + g.f);
    const int64_t blocks = g.blocks();
    const int64_t local = std::max<int64_t>(1, kLocalGroupBytes / perBlock);
    const bool fits = int64_t(sizeof(float)) * kPositions * g.c * g.f <= kLocalFilterBytes;
    return fits && blocks >= 4 * std::max(threads, 1) * local ? local : 0;
}

bool winogradSuits(const Winograd3x3& g, int threads) {
    if (!winogradEnabled() || !packedSgemmAvailable()) return false;
    if (g.oh <= 0 || g.ow <= 0) return false;
    // Few blocks (ResNet-50's 7x7 layers at batch 1: 16, each with pixels that overhang the image)
    // leave the GEMMs too few rows to pay for reading a filter 1.8 times the size.
    if (g.blocks() < kMinBlocks) return false;
    if (int64_t(sizeof(float)) * kPositions * g.c * g.f > kMaxFilterBytes) return false;
    // The products saved per 2x2 block (20 c f multiply-adds) against the transformed inputs and
    // products written and read again (16 (c + f) floats each way). Shared by all threads, a group
    // of blocks pays from c f / (c + f) = 64 on (both 128 channels); each thread's own groups in its
    // cache, from 16 (ResNet-50's 64 -> 64 layers at batch 32: 94-96 -> 71 ms; the CNN's 32 -> 64
    // at batch 32: 1.09-1.28 -> 0.92-0.97 ms; shared it was 1.45-1.55).
    if (g.c * g.f >= kMinHarmonic * (g.c + g.f)) return true;
    return g.c * g.f >= kMinHarmonicLocal * (g.c + g.f) && winogradLocalGroup(g, threads) > 0;
}

bool conv3x3Winograd(KernelContext& ctx, const Winograd3x3& g, const float* in, const Tensor& filter, float* out, const GemmEpilogue& ep) {
    if (ep.residual && ep.residual == out) return false;  // a fallback would find the residual overwritten
    const std::shared_ptr<const WinogradFilter> u = filterFor(ctx, filter, g.c, g.f);
    if (!u) return false;
    const int64_t th = g.blockRows(), tw = g.blockCols(), blocks = g.blocks();
    const int64_t perBlock = int64_t(sizeof(float)) * kPositions * (g.c + g.f);  // transformed input + products of a block
    const GemmEpilogue* epp = ep.empty() ? nullptr : &ep;
    const GemmEpilogue none;
    std::atomic<bool> finite{true};

    // One group of `count` blocks from block b0 on, in `space` (group * (c + f) floats per position,
    // then a zero row): the three steps, each over part of the group.
    struct Group {
        int64_t b0, count, vStride, mStride;
        float *v, *m, *zeros;
    };
    auto makeGroup = [&](float* space, int64_t capacity, int64_t b0) {
        Group grp{b0, std::min(capacity, blocks - b0), capacity * g.c, capacity * g.f, space, nullptr, nullptr};
        grp.m = space + kPositions * grp.vStride;
        grp.zeros = grp.m + kPositions * grp.mStride;
        return grp;
    };
    auto inputs = [&](const Group& grp, int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
            const int64_t b = grp.b0 + i, img = b / (th * tw), ty = b / tw % th, tx = b % tw;
            const float* d[16];
            float* dst[16];
            for (int dy = 0; dy < 4; ++dy)
                for (int dx = 0; dx < 4; ++dx) {
                    const int64_t iy = 2 * ty + dy - g.padTop, ix = 2 * tx + dx - g.padLeft;
                    const bool inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
                    d[4 * dy + dx] = inside ? in + ((img * g.h + iy) * g.w + ix) * g.c : grp.zeros;
                    dst[4 * dy + dx] = grp.v + (4 * dy + dx) * grp.vStride + i * g.c;
                }
            transformInput(d, dst, g.c);
        }
    };
    auto products = [&](const Group& grp, int64_t e0, int64_t e1) {
        for (int64_t e = e0; e < e1; ++e) {
            SgemmRowsA a;
            a.a = grp.v + e * grp.vStride;
            a.lda = g.c;
            packedSgemmRows(a, u->u[size_t(e)], grp.m + e * grp.mStride, g.f, 0, grp.count, 0, g.f, none);
        }
    };
    auto outputs = [&](const Group& grp, int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1 && finite.load(std::memory_order_relaxed); ++i) {
            const int64_t b = grp.b0 + i, img = b / (th * tw), ty = b / tw % th, tx = b % tw;
            const float* src[16];
            for (int k = 0; k < 16; ++k) src[k] = grp.m + k * grp.mStride + i * g.f;
            float* y[4];
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx) {
                    const int64_t oy = 2 * ty + dy, ox = 2 * tx + dx;
                    y[2 * dy + dx] = oy < g.oh && ox < g.ow ? out + ((img * g.oh + oy) * g.ow + ox) * g.f : nullptr;
                }
            if (!transformOutput(src, y, g.f)) {
                finite.store(false, std::memory_order_relaxed);
                return;
            }
            if (epp)  // on the block's pixels while they are in cache
                for (float* pixel : y)
                    if (pixel) packedEpilogueRow(*epp, pixel, g.f, 0);
        }
    };

    // A filter that fits in each core's L2 beside a group, and many groups: each thread takes whole
    // groups in turn, all three steps in its own cache, no waiting on the other threads.
    if (const int64_t local = winogradLocalGroup(g, numThreads(ctx)); local > 0) {
        const size_t floats = size_t(kPositions * local * (g.c + g.f) + g.c);
        parallelFor(ctx, (blocks + local - 1) / local, double(local) * double(kPositions) * double(g.c) * double(g.f), [&](int64_t q0, int64_t q1) {
            float* space = threadScratch(ScratchUse::WinogradGroups, floats);
            for (int64_t q = q0; q < q1 && finite.load(std::memory_order_relaxed); ++q) {
                const Group grp = makeGroup(space, local, q * local);
                std::memset(grp.zeros, 0, size_t(g.c) * sizeof(float));
                inputs(grp, 0, grp.count);
                products(grp, 0, kPositions);
                outputs(grp, 0, grp.count);
            }
        });
        return finite.load(std::memory_order_relaxed);
    }
    // Otherwise groups of up to kGroupBytes one after another, each step split among the threads:
    // the products by position, so each thread reads its half of the filter.
    const int64_t group = std::clamp<int64_t>(kGroupBytes / perBlock, 1, blocks);
    float* space = threadScratch(ScratchUse::WinogradGroups, size_t(kPositions * group * (g.c + g.f) + g.c));
    for (int64_t b0 = 0; b0 < blocks; b0 += group) {
        const Group grp = makeGroup(space, group, b0);
        std::memset(grp.zeros, 0, size_t(g.c) * sizeof(float));
        parallelFor(ctx, grp.count, double(kPositions * g.c * 2), [&](int64_t i0, int64_t i1) { inputs(grp, i0, i1); });
        parallelFor(ctx, kPositions, double(grp.count) * double(g.c) * double(g.f), [&](int64_t e0, int64_t e1) { products(grp, e0, e1); });
        parallelFor(ctx, grp.count, double(kPositions * g.f * 2), [&](int64_t i0, int64_t i1) { outputs(grp, i0, i1); });
        if (!finite.load(std::memory_order_relaxed)) return false;
    }
    return true;
}

}  // namespace tfscope::kernels
