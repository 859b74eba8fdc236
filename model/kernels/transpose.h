#pragma once
// Generic N-d transpose for POD or string elements: out[i_0..i_n] = in[i_perm...], used by
// Transpose, Einsum and the reductions that need reduced axes grouped together.

#include <algorithm>
#include <vector>

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
    // The input's last dim moves to output dim q < rank - 1: every output row would gather with a
    // stride. Instead, blocks of kTile x kTile of the plane (output dim q, output's last dim) are
    // read along the input's rows and written along the output's, both a cache line at a time.
    size_t q = rank;
    for (size_t i = 0; i + 1 < rank; ++i)
        if (perm[i] == int(rank - 1)) q = i;
    if (q < rank && innerStride != 1 && outShape[q] >= 8 && inner >= 8) {
        constexpr int64_t kTile = 16;
        std::vector<int64_t> outStrides(rank, 1);
        for (size_t d = rank - 1; d-- > 0;) outStrides[d] = outStrides[d + 1] * outShape[d + 1];
        const int64_t nq = outShape[q], planes = total / (nq * inner);
        const int64_t qTiles = (nq + kTile - 1) / kTile, jTiles = (inner + kTile - 1) / kTile;
        parallelFor(ctx, planes * qTiles, double(kTile * inner), [&](int64_t t0, int64_t t1) {
            for (int64_t t = t0; t < t1; ++t) {
                const int64_t plane = t / qTiles, i0 = (t % qTiles) * kTile, i1 = std::min(nq, i0 + kTile);
                // The plane's offsets: the output dims other than q and the last, in order.
                int64_t rem = plane, src = 0, dst = 0;
                for (size_t d = rank - 1; d-- > 0;) {
                    if (d == q) continue;
                    const int64_t idx = rem % outShape[d];
                    rem /= outShape[d];
                    src += idx * srcStride[d];
                    dst += idx * outStrides[d];
                }
                for (int64_t jt = 0; jt < jTiles; ++jt) {
                    const int64_t j0 = jt * kTile, j1 = std::min(inner, j0 + kTile);
                    for (int64_t i = i0; i < i1; ++i) {
                        const T* s = in + src + i * srcStride[q];
                        T* o = out + dst + i * outStrides[q];
                        for (int64_t j = j0; j < j1; ++j) o[j] = s[j * innerStride];
                    }
                }
            }
        });
        return;
    }
    // Output rows in order; the source offset follows an odometer over the output's outer dims
    // (one division per chunk, not per row), and a row whose input is contiguous is one copy.
    parallelFor(ctx, rows, double(inner) + 8.0, [&](int64_t r0, int64_t r1) {
        std::vector<int64_t> idx(rank, 0);
        int64_t rem = r0, src = 0;
        for (size_t d = rank - 1; d-- > 0;) {
            idx[d] = rem % outShape[d];
            src += idx[d] * srcStride[d];
            rem /= outShape[d];
        }
        for (int64_t r = r0; r < r1; ++r) {
            T* dst = out + r * inner;
            const T* s = in + src;
            if (innerStride == 1) std::copy(s, s + inner, dst);
            else
                for (int64_t i = 0; i < inner; ++i) dst[i] = s[i * innerStride];
            for (size_t d = rank - 1; d-- > 0;) {
                src += srcStride[d];
                if (++idx[d] < outShape[d]) break;
                src -= idx[d] * srcStride[d];
                idx[d] = 0;
            }
        }
    });
}

// The permutation `p` (an int32/int64 vector) as Transpose checks it for input `x`: one entry per
// dimension of x, each dimension once; the error names the problem otherwise.
Result<std::vector<int>> permutationOf(KernelContext& ctx, const Tensor& x, const Tensor& p);

// Transposes a whole tensor into a freshly allocated one (not an output).
Result<Tensor> transposeTensor(KernelContext& ctx, const Tensor& in, const std::vector<int>& perm);

}  // namespace tfscope::kernels
