// Softmax and LogSoftmax over the last axis (inputs of rank >= 1), max-subtracted for stability.
// Only the functions marked kAvx2 use AVX2 instructions; they run only when sgemmIsa() chose a
// path the CPU has AVX2 for.
#include <immintrin.h>

#include <cmath>

#include "model/kernels/isa_target.h"
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"
#include "model/kernels/sgemm.h"
#include "model/kernels/vector_math.h"

namespace tfscope::kernels {
namespace {

kAvx2 float horizontalSum(__m256 v) {
    const __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 q = _mm_add_ps(h, _mm_movehl_ps(h, h));
    return _mm_cvtss_f32(_mm_add_ss(q, _mm_shuffle_ps(q, q, 1)));
}

// One float row of Softmax with 8-float vectors: the maximum (a NaN element is skipped there, as
// std::max skips it, and makes its own row NaN through the sum), the shifted values' exp, their sum
// in eight lanes (TensorFlow's Eigen sums in vector lanes too), the quotients. `tmp` holds depth floats.
kAvx2 void softmaxRow(const float* src, float* dst, float* tmp, int64_t depth) {
    const int64_t vec = depth / 8 * 8;
    float mx = src[0];
    if (vec > 0) {
        __m256 m = _mm256_loadu_ps(src);
        for (int64_t i = 8; i < vec; i += 8) m = _mm256_max_ps(_mm256_loadu_ps(src + i), m);
        alignas(32) float lanes[8];
        _mm256_store_ps(lanes, m);
        for (float v : lanes) mx = std::max(mx, v);
    }
    for (int64_t i = vec; i < depth; ++i) mx = std::max(mx, src[i]);
    const __m256 shift = _mm256_set1_ps(mx);
    for (int64_t i = 0; i < vec; i += 8) _mm256_storeu_ps(tmp + i, _mm256_sub_ps(_mm256_loadu_ps(src + i), shift));
    for (int64_t i = vec; i < depth; ++i) tmp[i] = src[i] - mx;
    expFloats(tmp, tmp, depth);
    __m256 s8 = _mm256_setzero_ps();
    for (int64_t i = 0; i < vec; i += 8) s8 = _mm256_add_ps(s8, _mm256_loadu_ps(tmp + i));
    float sum = horizontalSum(s8);
    for (int64_t i = vec; i < depth; ++i) sum += tmp[i];
    const __m256 total = _mm256_set1_ps(sum);
    for (int64_t i = 0; i < vec; i += 8) _mm256_storeu_ps(dst + i, _mm256_div_ps(_mm256_loadu_ps(tmp + i), total));
    for (int64_t i = vec; i < depth; ++i) dst[i] = tmp[i] / sum;
}

template <bool kLog>
Status evalSoftmaxImpl(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    if (x->rank() < 1) return ctx.error("Logits must have rank >= 1, got shape '" + shapeToString(x->shape()) + "'.");
    return dispatch(FloatTypes{}, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, x->dtype(), x->shape()));
        const int64_t depth = x->dim(x->rank() - 1);
        if (depth == 0 || x->numElements() == 0) return Status::OK();
        const int64_t rows = x->numElements() / depth;
        const T* in = dataOf<T>(*x);
        T* y = mutableDataOf<T>(*out);
        parallelFor(ctx, rows, double(depth) * 25, [&](int64_t r0, int64_t r1) {
            std::vector<C> tmp(static_cast<size_t>(depth));
            if constexpr (!kLog && std::is_same_v<T, float>) {
                if (sgemmIsa() != SgemmIsa::Portable) {
                    for (int64_t r = r0; r < r1; ++r) softmaxRow(in + r * depth, y + r * depth, tmp.data(), depth);
                    return;
                }
            }
            for (int64_t r = r0; r < r1; ++r) {
                const T* src = in + r * depth;
                T* dst = y + r * depth;
                C mx = C(src[0]);
                for (int64_t i = 1; i < depth; ++i) mx = std::max(mx, C(src[i]));
                for (int64_t i = 0; i < depth; ++i) tmp[size_t(i)] = C(src[i]) - mx;
                if constexpr (kLog) {
                    C sum = 0;
                    for (int64_t i = 0; i < depth; ++i) sum += std::exp(tmp[size_t(i)]);
                    const C logSum = std::log(sum);
                    for (int64_t i = 0; i < depth; ++i) dst[i] = T(tmp[size_t(i)] - logSum);
                } else {
                    // exp once per element (eight at a time for float), then the sum and the quotients
                    if constexpr (std::is_same_v<C, float>) {
                        expFloats(tmp.data(), tmp.data(), depth);
                    } else {
                        for (int64_t i = 0; i < depth; ++i) tmp[size_t(i)] = std::exp(tmp[size_t(i)]);
                    }
                    C sum = 0;
                    for (int64_t i = 0; i < depth; ++i) sum += tmp[size_t(i)];
                    for (int64_t i = 0; i < depth; ++i) dst[i] = T(tmp[size_t(i)] / sum);
                }
            }
        });
        return Status::OK();
    });
}

Status evalSoftmax(KernelContext& ctx) { return evalSoftmaxImpl<false>(ctx); }
Status evalLogSoftmax(KernelContext& ctx) { return evalSoftmaxImpl<true>(ctx); }

}  // namespace

void registerSoftmax(KernelList& list) {
    static const KernelDef defs[] = {{"Softmax", evalSoftmax}, {"LogSoftmax", evalLogSoftmax}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
