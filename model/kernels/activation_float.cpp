#include "model/kernels/activation_float.h"

#include <Eigen/Core>

#include "model/kernels/isa_target.h"
#include "model/kernels/sgemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace tfscope::kernels {
namespace {

#if defined(__x86_64__)

bool haveAvx2() {
    static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return yes;
}

// e^x for x <= 0 (x >= -104 after clamping; below that the result is 0 in float): n = round(x /
// ln 2), r = x - n ln 2 (two FMA steps, |r| <= ln2/2), e^r by its Taylor series to r^7 (the first
// term left out is below 0.06 ulp), times 2^n in two halves so subnormal results come out too.
kAvx2 inline __m256 expNonPositive(__m256 x) {
    x = _mm256_max_ps(x, _mm256_set1_ps(-104.0f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693147180559945309f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-1.90465429995776805e-09f), r);  // ln 2 - float(ln 2)
    __m256 p = _mm256_set1_ps(1.0f / 5040);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    const __m256i ni = _mm256_cvtps_epi32(n);  // in [-150, 0]
    const __m256i n1 = _mm256_srai_epi32(ni, 1);
    const __m256i n2 = _mm256_sub_epi32(ni, n1);
    const __m256i bias = _mm256_set1_epi32(127);
    const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

// A tail shorter than 8 goes through the same 8-lane code, padded, so an element's result never
// depends on where an array was split (threads, a fused kernel's blocks).
template <typename Lanes>
kAvx2 inline void paddedTail(const float* x, float* y, int64_t i, int64_t n, Lanes lanes) {
    if (i >= n) return;
    alignas(32) float buf[8] = {};
    for (int64_t k = i; k < n; ++k) buf[k - i] = x[k];
    lanes(buf, buf);
    for (int64_t k = i; k < n; ++k) y[k] = buf[k - i];
}

kAvx2 void sigmoid8(const float* x, float* y) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 signMask = _mm256_set1_ps(-0.0f);
    {
        const int64_t i = 0;
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 negAbs = _mm256_or_ps(v, signMask);  // -|x|
        const __m256 t = expNonPositive(negAbs);          // e^-|x|
        const __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, t));
        // x >= 0: 1 / (1 + e^-x); x < 0: e^x / (1 + e^x). NaN: propagate the input.
        __m256 r = _mm256_blendv_ps(s, _mm256_mul_ps(t, s), v);
        r = _mm256_blendv_ps(r, v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        _mm256_storeu_ps(y + i, r);
    }
}

kAvx2 void sigmoidAvx2(const float* x, float* y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) sigmoid8(x + i, y + i);
    paddedTail(x, y, i, n, [](const float* a, float* b) { sigmoid8(a, b); });
}

// tanh |x|: the odd Taylor series to x^15 below 0.35 (its first term left out is under 1e-10
// relative there), (1 - e^-2|x|) / (1 + e^-2|x|) above (e^-2|x| <= 1/2: no cancellation).
kAvx2 void tanh8(const float* x, float* y) {
    const __m256 signMask = _mm256_set1_ps(-0.0f);
    const __m256 one = _mm256_set1_ps(1.0f);
    const float coef[] = {-929569.0f / 638512875, 21844.0f / 6081075, -1382.0f / 155925, 62.0f / 2835, -17.0f / 315, 2.0f / 15,
                          -1.0f / 3};
    {
        const int64_t i = 0;
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 sign = _mm256_and_ps(v, signMask);
        const __m256 a = _mm256_min_ps(_mm256_andnot_ps(signMask, v), _mm256_set1_ps(9.0f));  // NaN -> 9, fixed below
        const __m256 a2 = _mm256_mul_ps(a, a);
        __m256 p = _mm256_set1_ps(coef[0]);
        for (int k = 1; k < 7; ++k) p = _mm256_fmadd_ps(p, a2, _mm256_set1_ps(coef[k]));
        const __m256 series = _mm256_fmadd_ps(_mm256_mul_ps(p, a2), a, a);
        const __m256 t = expNonPositive(_mm256_mul_ps(a, _mm256_set1_ps(-2.0f)));
        const __m256 ratio = _mm256_div_ps(_mm256_sub_ps(one, t), _mm256_add_ps(one, t));
        __m256 r = _mm256_blendv_ps(series, ratio, _mm256_cmp_ps(a, _mm256_set1_ps(0.35f), _CMP_GE_OQ));
        r = _mm256_or_ps(r, sign);
        r = _mm256_blendv_ps(r, v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        _mm256_storeu_ps(y + i, r);
    }
}

kAvx2 void tanhAvx2(const float* x, float* y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) tanh8(x + i, y + i);
    paddedTail(x, y, i, n, [](const float* a, float* b) { tanh8(a, b); });
}

// The same operations on 16 lanes (AVX-512F): each lane computes exactly what the 8-lane code
// computes, so both paths give the same bits; the last n % 16 elements go through the 8-lane code.
kAvx512 inline __m512 orPs(__m512 a, __m512 b) { return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(a), _mm512_castps_si512(b))); }

kAvx512 inline __mmask16 signBits(__m512 v) {
    return _mm512_test_epi32_mask(_mm512_castps_si512(v), _mm512_set1_epi32(int(0x80000000u)));
}

kAvx512 inline __m512 expNonPositive16(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(-104.0f));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693147180559945309f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-1.90465429995776805e-09f), r);
    __m512 p = _mm512_set1_ps(1.0f / 5040);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    const __m512i ni = _mm512_cvtps_epi32(n);
    const __m512i n1 = _mm512_srai_epi32(ni, 1);
    const __m512i n2 = _mm512_sub_epi32(ni, n1);
    const __m512i bias = _mm512_set1_epi32(127);
    const __m512 s1 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(n1, bias), 23));
    const __m512 s2 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(n2, bias), 23));
    return _mm512_mul_ps(_mm512_mul_ps(p, s1), s2);
}

kAvx512 void sigmoidAvx512(const float* x, float* y, int64_t n) {
    const __m512 one = _mm512_set1_ps(1.0f);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 v = _mm512_loadu_ps(x + i);
        const __m512 t = expNonPositive16(orPs(v, _mm512_set1_ps(-0.0f)));
        const __m512 s = _mm512_div_ps(one, _mm512_add_ps(one, t));
        __m512 r = _mm512_mask_blend_ps(signBits(v), s, _mm512_mul_ps(t, s));
        r = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), r, v);
        _mm512_storeu_ps(y + i, r);
    }
    if (i < n) sigmoidAvx2(x + i, y + i, n - i);
}

kAvx512 void tanhAvx512(const float* x, float* y, int64_t n) {
    const __m512 one = _mm512_set1_ps(1.0f);
    const float coef[] = {-929569.0f / 638512875, 21844.0f / 6081075, -1382.0f / 155925, 62.0f / 2835, -17.0f / 315, 2.0f / 15,
                          -1.0f / 3};
    const __m512i absMask = _mm512_set1_epi32(0x7fffffff);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 v = _mm512_loadu_ps(x + i);
        const __m512i bits = _mm512_castps_si512(v);
        const __m512i sign = _mm512_andnot_si512(absMask, bits);
        const __m512 a = _mm512_min_ps(_mm512_castsi512_ps(_mm512_and_si512(bits, absMask)), _mm512_set1_ps(9.0f));
        const __m512 a2 = _mm512_mul_ps(a, a);
        __m512 p = _mm512_set1_ps(coef[0]);
        for (int k = 1; k < 7; ++k) p = _mm512_fmadd_ps(p, a2, _mm512_set1_ps(coef[k]));
        const __m512 series = _mm512_fmadd_ps(_mm512_mul_ps(p, a2), a, a);
        const __m512 t = expNonPositive16(_mm512_mul_ps(a, _mm512_set1_ps(-2.0f)));
        const __m512 ratio = _mm512_div_ps(_mm512_sub_ps(one, t), _mm512_add_ps(one, t));
        __m512 r = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, _mm512_set1_ps(0.35f), _CMP_GE_OQ), series, ratio);
        r = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(r), sign));
        r = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), r, v);
        _mm512_storeu_ps(y + i, r);
    }
    if (i < n) tanhAvx2(x + i, y + i, n - i);
}
#endif

}  // namespace

void tanhFloat(const float* x, float* y, int64_t n) {
    if (n <= 0) return;
#if defined(__x86_64__)
    if (n >= 16 && sgemmIsa() == SgemmIsa::Avx512) return tanhAvx512(x, y, n);
    if (haveAvx2()) return tanhAvx2(x, y, n);
#endif
    Eigen::Map<Eigen::ArrayXf>(y, Eigen::Index(n)) = Eigen::Map<const Eigen::ArrayXf>(x, Eigen::Index(n)).tanh();
}

void sigmoidFloat(const float* x, float* y, int64_t n) {
    if (n <= 0) return;
#if defined(__x86_64__)
    if (n >= 16 && sgemmIsa() == SgemmIsa::Avx512) return sigmoidAvx512(x, y, n);
    if (haveAvx2()) return sigmoidAvx2(x, y, n);
#endif
    // Through exp rather than Eigen's logistic(), whose approximation loses relative accuracy for
    // large negative x (thousands of eps where the result is tiny).
    Eigen::Map<Eigen::ArrayXf>(y, Eigen::Index(n)) = (1.0f + (-Eigen::Map<const Eigen::ArrayXf>(x, Eigen::Index(n))).exp()).inverse();
}

}  // namespace tfscope::kernels
