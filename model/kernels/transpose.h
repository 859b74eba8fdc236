#pragma once
// Generic N-d transpose for POD or string elements: out[i_0..i_n] = in[i_perm...], used by
// Transpose, Einsum and the reductions that need reduced axes grouped together.

#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

// Shape of the transposed tensor: out[i] = in[perm[i]].
inline Shape permutedShape(const Shape& in, const std::vector<int>& perm) {
    Shape out(perm.size());
    for (size_t i = 0; i < perm.size(); ++i) out[i] = in[size_t(perm[i])];
    return out;
}

// REQUIRES: perm is a permutation of [0, in.size()); out has permutedShape(inShape, perm) elements.
template <typename T>
void transposeData(KernelContext& ctx, const T* in, const Shape& inShape, const std::vector<int>& perm, T* out) {
    const size_t rank = perm.size();
    const int64_t total = shapeNumElements(inShape);
    if (total <= 0) return;
    if (rank == 0) {
        out[0] = in[0];
        return;
    }
    std::vector<int64_t> inStrides(rank, 1);
    for (size_t d = rank - 1; d-- > 0;) inStrides[d] = inStrides[d + 1] * inShape[d + 1];
    const Shape outShape = permutedShape(inShape, perm);
    std::vector<int64_t> srcStride(rank);  // input stride for each output dim
    for (size_t i = 0; i < rank; ++i) srcStride[i] = inStrides[size_t(perm[i])];
    const int64_t inner = outShape[rank - 1];
    const int64_t innerStride = srcStride[rank - 1];
    const int64_t rows = total / inner;
    parallelFor(ctx, rows, double(inner), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            int64_t rem = r, src = 0;
            for (size_t d = rank - 1; d-- > 0;) {
                src += (rem % outShape[d]) * srcStride[d];
                rem /= outShape[d];
            }
            T* dst = out + r * inner;
            const T* s = in + src;
            for (int64_t i = 0; i < inner; ++i) dst[i] = s[i * innerStride];
        }
    });
}

// Transposes a whole tensor into a freshly allocated one (not an output).
Result<Tensor> transposeTensor(KernelContext& ctx, const Tensor& in, const std::vector<int>& perm);

}  // namespace tfscope::kernels
