#pragma once
// Matrix products for MatMul, BatchMatMul, Einsum and Conv2D: row-major C[M,N] = op(A) * op(B)
// where A is [M,K] ([K,M] if transA) and B is [K,N] ([N,K] if transB).
//
//   gemm(ctx, a, b, c, m, k, n, false, false);       // thread pool for large products
//   gemmSerial(a, b, c, m, k, n, false, false);       // the calling thread only
//
// float runs on the packed AVX-512 or AVX2/FMA GEMM where the CPU has it (sgemm.h), else, like
// double, on an Eigen tensor contraction (instantiated once, in gemm.cpp); half and bfloat16 are
// widened to float and rounded once; integers and complex use a plain loop. An optional GemmEpilogue
// (gemm_epilogue.h) adds a per-column bias, batch norm and Relu for the fused Conv2D/MatMul kernels.

#include <vector>

#include "model/kernels/gemm_epilogue.h"
#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

// ctx == nullptr runs on the calling thread. Defined in gemm.cpp.
void gemmFloat(KernelContext* ctx, const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n, bool transA, bool transB,
               const GemmEpilogue& ep = {});
void gemmEigen(KernelContext* ctx, const double* a, const double* b, double* c, int64_t m, int64_t k, int64_t n, bool transA, bool transB);

template <typename T>
void gemmLoop(KernelContext* ctx, const T* a, const T* b, T* c, int64_t m, int64_t k, int64_t n, bool transA, bool transB) {
    auto rows = [&](int64_t r0, int64_t r1) {
        std::vector<T> acc(static_cast<size_t>(n));
        for (int64_t i = r0; i < r1; ++i) {
            std::fill(acc.begin(), acc.end(), T(0));
            for (int64_t q = 0; q < k; ++q) {
                const T av = transA ? a[q * m + i] : a[i * k + q];
                for (int64_t j = 0; j < n; ++j) acc[size_t(j)] += av * (transB ? b[j * k + q] : b[q * n + j]);
            }
            std::copy(acc.begin(), acc.end(), c + i * n);
        }
    };
    if (ctx) parallelFor(*ctx, m, double(k * n), rows);
    else rows(0, m);
}

// `ep` (the fused kernels' bias / batch norm / Relu) applies to float, half and bfloat16 products;
// REQUIRES: ep == nullptr for other types.
template <typename T>
void gemmAny(KernelContext* ctx, const T* a, const T* b, T* c, int64_t m, int64_t k, int64_t n, bool transA, bool transB,
             const GemmEpilogue* ep = nullptr) {
    if constexpr (std::is_same_v<T, float>) {
        gemmFloat(ctx, a, b, c, m, k, n, transA, transB, ep ? *ep : GemmEpilogue{});
    } else if constexpr (std::is_same_v<T, double>) {
        gemmEigen(ctx, a, b, c, m, k, n, transA, transB);
    } else if constexpr (kIsHalfLike<T>) {
        std::vector<float> fa(static_cast<size_t>(m * k)), fb(static_cast<size_t>(k * n)), fc(static_cast<size_t>(m * n));
        for (size_t i = 0; i < fa.size(); ++i) fa[i] = float(a[i]);
        for (size_t i = 0; i < fb.size(); ++i) fb[i] = float(b[i]);
        gemmFloat(ctx, fa.data(), fb.data(), fc.data(), m, k, n, transA, transB, ep ? *ep : GemmEpilogue{});
        for (size_t i = 0; i < fc.size(); ++i) c[i] = T(fc[i]);
    } else {
        gemmLoop(ctx, a, b, c, m, k, n, transA, transB);
    }
}

template <typename T>
void gemm(KernelContext& ctx, const T* a, const T* b, T* c, int64_t m, int64_t k, int64_t n, bool transA, bool transB,
          const GemmEpilogue* ep = nullptr) {
    gemmAny(&ctx, a, b, c, m, k, n, transA, transB, ep);
}
template <typename T>
void gemmSerial(const T* a, const T* b, T* c, int64_t m, int64_t k, int64_t n, bool transA, bool transB) {
    gemmAny<T>(nullptr, a, b, c, m, k, n, transA, transB);
}

}  // namespace tfscope::kernels
