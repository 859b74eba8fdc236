// Float arrays through libmvec's AVX2 entry points (see vector_math.h). Only the functions marked
// kAvx2 use AVX2 instructions, and they run only after vectorMathAvailable() said the CPU has them.
#include "model/kernels/vector_math.h"

#include "model/kernels/isa_target.h"

#include <cmath>
#include <cstring>

#if TFSCOPE_HAVE_LIBMVEC
#include <immintrin.h>

// glibc's x86-64 vector ABI names: 'd' = AVX2, 8 lanes, one vector argument. Declared for AVX2 so
// that the vector is passed in a register (clang refuses the call otherwise).
extern "C" kAvx2 __m256 _ZGVdN8v_expf(__m256);
extern "C" kAvx2 __m256 _ZGVdN8v_erff(__m256);
#endif

namespace tfscope::kernels {
namespace {

enum class Fn { Exp,
                Erf };

float scalar(Fn fn, float x) {
    switch (fn) {
    case Fn::Exp: return std::exp(x);
    case Fn::Erf: return std::erf(x);
    }
    return x;
}

#if TFSCOPE_HAVE_LIBMVEC
kAvx2 __m256 lanes(Fn fn, __m256 x) {
    switch (fn) {
    case Fn::Exp: return _ZGVdN8v_expf(x);
    case Fn::Erf: return _ZGVdN8v_erff(x);
    }
    return x;
}

kAvx2 void vectorLoop(Fn fn, const float* in, float* out, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, lanes(fn, _mm256_loadu_ps(in + i)));
    if (i < n) {
        float tail[8] = {};
        std::memcpy(tail, in + i, size_t(n - i) * sizeof(float));
        _mm256_storeu_ps(tail, lanes(fn, _mm256_loadu_ps(tail)));
        std::memcpy(out + i, tail, size_t(n - i) * sizeof(float));
    }
}
#endif

void apply(Fn fn, const float* in, float* out, int64_t n) {
#if TFSCOPE_HAVE_LIBMVEC
    if (vectorMathAvailable()) {
        vectorLoop(fn, in, out, n);
        return;
    }
#endif
    for (int64_t i = 0; i < n; ++i) out[i] = scalar(fn, in[i]);
}

}  // namespace

bool vectorMathAvailable() {
#if TFSCOPE_HAVE_LIBMVEC
    static const bool has = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }();
    return has;
#else
    return false;
#endif
}

void expFloats(const float* in, float* out, int64_t n) { apply(Fn::Exp, in, out, n); }
void erfFloats(const float* in, float* out, int64_t n) { apply(Fn::Erf, in, out, n); }

}  // namespace tfscope::kernels
