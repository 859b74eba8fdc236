// MaxPool / MaxPoolV2 (ksize and strides as inputs) and AvgPool over H and W: ksize and strides
// [1,kh,kw,1], SAME, VALID or EXPLICIT padding. The SAME average divides by the number of
// in-bounds elements only. NCHW inputs are transposed to NHWC and back.
// _TfsZeroPaddedMaxPool (model/exec/optimize/fold_pad.h): MaxPool over the input zero-padded by
// explicit_paddings, without the padded copy: a window that reaches into the padding starts from
// 0 instead of the lowest value.
#include <algorithm>
#include <limits>
#include <type_traits>

#include "model/kernels/conv_util.h"
#include "model/kernels/isa_target.h"
#include "model/kernels/registry.h"
#include "model/kernels/sgemm.h"

#include <immintrin.h>

// Only the functions marked kAvx2 use AVX2 instructions; they run only when sgemmIsa() chose a
// path the CPU has AVX2 for.

namespace tfscope::kernels {
namespace {

// Max of one window over an image [h, w, c] into dst[c]: the same comparisons as the generic path
// (acc = x > acc ? x : acc, from the lowest float), four channels at a time.
void maxWindowFloat(const float* image, int64_t h, int64_t w, int64_t c, int64_t y0, int64_t y1, int64_t x0, int64_t x1, float init,
                    float* dst) {
    std::fill(dst, dst + c, init);
    for (int64_t iy = std::max<int64_t>(y0, 0); iy < std::min(y1, h); ++iy) {
        for (int64_t ix = std::max<int64_t>(x0, 0); ix < std::min(x1, w); ++ix) {
            const float* src = image + (iy * w + ix) * c;
            int64_t ch = 0;
            // maxps(x, acc) returns acc unless x > acc, as std::max(acc, x) does (NaNs included).
            for (; ch + 4 <= c; ch += 4) _mm_storeu_ps(dst + ch, _mm_max_ps(_mm_loadu_ps(src + ch), _mm_loadu_ps(dst + ch)));
            for (; ch < c; ++ch) dst[ch] = std::max(dst[ch], src[ch]);
        }
    }
}

// maxWindowFloat with 8-float registers, a block of up to 32 channels kept in registers across
// the window's taps: the same max(x, acc) per element, so the same result.
kAvx2 void maxWindowFloatAvx2(const float* image, int64_t h, int64_t w, int64_t c, int64_t y0, int64_t y1, int64_t x0, int64_t x1,
                              float init, float* dst) {
    const int64_t ya = std::max<int64_t>(y0, 0), yb = std::min(y1, h), xa = std::max<int64_t>(x0, 0), xb = std::min(x1, w);
    const __m256 lowest = _mm256_set1_ps(init);
    int64_t ch = 0;
    for (; ch + 32 <= c; ch += 32) {
        __m256 a0 = lowest, a1 = lowest, a2 = lowest, a3 = lowest;
        for (int64_t iy = ya; iy < yb; ++iy)
            for (int64_t ix = xa; ix < xb; ++ix) {
                const float* src = image + (iy * w + ix) * c + ch;
                a0 = _mm256_max_ps(_mm256_loadu_ps(src), a0);
                a1 = _mm256_max_ps(_mm256_loadu_ps(src + 8), a1);
                a2 = _mm256_max_ps(_mm256_loadu_ps(src + 16), a2);
                a3 = _mm256_max_ps(_mm256_loadu_ps(src + 24), a3);
            }
        _mm256_storeu_ps(dst + ch, a0);
        _mm256_storeu_ps(dst + ch + 8, a1);
        _mm256_storeu_ps(dst + ch + 16, a2);
        _mm256_storeu_ps(dst + ch + 24, a3);
    }
    for (; ch + 8 <= c; ch += 8) {
        __m256 a0 = lowest;
        for (int64_t iy = ya; iy < yb; ++iy)
            for (int64_t ix = xa; ix < xb; ++ix) a0 = _mm256_max_ps(_mm256_loadu_ps(image + (iy * w + ix) * c + ch), a0);
        _mm256_storeu_ps(dst + ch, a0);
    }
    for (; ch < c; ++ch) {
        float acc = init;
        for (int64_t iy = ya; iy < yb; ++iy)
            for (int64_t ix = xa; ix < xb; ++ix) acc = std::max(acc, image[(iy * w + ix) * c + ch]);
        dst[ch] = acc;
    }
}

// zeroPadded (max only): the padding holds zeros, which a window reaching into it takes too.
template <bool kMax>
Status poolImpl(KernelContext& ctx, const std::vector<int64_t>& ksize, const std::vector<int64_t>& strides, bool zeroPadded = false) {
    TFS_ASSIGN_OR_RETURN(const Tensor* input, inputOf(ctx, 0));
    if (input->rank() != 4) return ctx.error("input must be 4-dimensional, got shape '" + shapeToString(input->shape()) + "'.");
    TFS_ASSIGN_OR_RETURN(Layout4 l, layoutAttr(ctx));
    if (ksize.size() != 4 || strides.size() != 4)
        return ctx.error("Sliding window ksize and strides must have 4 elements.");
    if (ksize[size_t(l.n)] != 1 || ksize[size_t(l.c)] != 1 || strides[size_t(l.n)] != 1 || strides[size_t(l.c)] != 1)
        return ctx.error("Pooling is not yet supported on the batch or depth dimensions.");
    const int64_t n = input->dim(l.n), h = input->dim(l.h), w = input->dim(l.w), c = input->dim(l.c);
    const int64_t kh = ksize[size_t(l.h)], kw = ksize[size_t(l.w)];
    TFS_ASSIGN_OR_RETURN(Windows2D win, windows2D(ctx, *input, l, kh, kw, strides, {1, 1, 1, 1}));
    const Window wh = win.h, ww = win.w;
    using PoolTypes = std::conditional_t<kMax, RealTypes, FloatTypes>;
    const bool avx2 = sgemmIsa() != SgemmIsa::Portable;
    return dispatch(PoolTypes{}, ctx, input->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = ComputeType<T>;
        return computeNhwc<T>(ctx, *input, l, {n, wh.out, ww.out, c}, [&](const T* in, T* po) {
            parallelFor(ctx, n * wh.out, double(ww.out * kh * kw * c), [&](int64_t r0, int64_t r1) {
                std::vector<C> acc(static_cast<size_t>(c));
                for (int64_t r = r0; r < r1; ++r) {
                    const int64_t oy = r % wh.out, img = r / wh.out;
                    const int64_t y0 = oy * win.sh - wh.padBefore;
                    for (int64_t ox = 0; ox < ww.out; ++ox) {
                        const int64_t x0 = ox * win.sw - ww.padBefore;
                        const bool fromZero = zeroPadded && (y0 < 0 || y0 + kh > h || x0 < 0 || x0 + kw > w);
                        if constexpr (kMax && std::is_same_v<T, float>) {
                            (avx2 ? maxWindowFloatAvx2 : maxWindowFloat)(in + img * h * w * c, h, w, c, y0, y0 + kh, x0, x0 + kw,
                                                                         fromZero ? 0.0f : std::numeric_limits<float>::lowest(),
                                                                         po + ((img * wh.out + oy) * ww.out + ox) * c);
                            continue;
                        }
                        std::fill(acc.begin(), acc.end(), kMax && !fromZero ? std::numeric_limits<C>::lowest() : C(0));
                        int64_t count = 0;
                        for (int64_t iy = std::max<int64_t>(y0, 0); iy < std::min(y0 + kh, h); ++iy) {
                            for (int64_t ix = std::max<int64_t>(x0, 0); ix < std::min(x0 + kw, w); ++ix) {
                                const T* src = in + ((img * h + iy) * w + ix) * c;
                                for (int64_t ch = 0; ch < c; ++ch) {
                                    if constexpr (kMax) acc[size_t(ch)] = std::max(acc[size_t(ch)], C(src[ch]));
                                    else acc[size_t(ch)] += C(src[ch]);
                                }
                                ++count;
                            }
                        }
                        T* dst = po + ((img * wh.out + oy) * ww.out + ox) * c;
                        for (int64_t ch = 0; ch < c; ++ch) {
                            if constexpr (kMax) dst[ch] = T(acc[size_t(ch)]);
                            else dst[ch] = T(count ? acc[size_t(ch)] / C(count) : C(0));
                        }
                    }
                }
            });
        });
    });
}

Status evalMaxPool(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    return poolImpl<true>(ctx, ctx.attrIntList("ksize"), ctx.attrIntList("strides"));
}
Status evalZeroPaddedMaxPool(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    if (ctx.attrString("padding", "") != "EXPLICIT") return ctx.error("_TfsZeroPaddedMaxPool needs padding 'EXPLICIT'.");
    return poolImpl<true>(ctx, ctx.attrIntList("ksize"), ctx.attrIntList("strides"), true);
}
Status evalAvgPool(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    return poolImpl<false>(ctx, ctx.attrIntList("ksize"), ctx.attrIntList("strides"));
}
Status evalMaxPoolV2(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* k, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* s, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> ksize, indexValues(ctx, *k, "ksize"));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> strides, indexValues(ctx, *s, "strides"));
    return poolImpl<true>(ctx, ksize, strides);
}

}  // namespace

void registerPooling(KernelList& list) {
    static const KernelDef defs[] = {{"MaxPool", evalMaxPool}, {"MaxPoolV2", evalMaxPoolV2}, {"_TfsZeroPaddedMaxPool", evalZeroPaddedMaxPool}, {"AvgPool", evalAvgPool}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
