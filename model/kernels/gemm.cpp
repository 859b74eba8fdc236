// The Eigen tensor contractions behind gemm() (see gemm.h), instantiated once for float and double,
// and the choice between them, the packed GEMM and the GEMV (AVX-512 or AVX2, sgemm.h) for float.
#include "model/kernels/gemm.h"

#include "model/kernels/sgemm.h"
#include "model/kernels/sgemv.h"

#define EIGEN_USE_THREADS
#include <unsupported/Eigen/CXX11/Tensor>

namespace tfscope::kernels {
namespace {

constexpr int64_t kPackedMinRows = 4;

template <typename T> using ConstMatrix = Eigen::TensorMap<Eigen::Tensor<const T, 2, Eigen::RowMajor, Eigen::DenseIndex>, Eigen::Unaligned>;
template <typename T> using Matrix = Eigen::TensorMap<Eigen::Tensor<T, 2, Eigen::RowMajor, Eigen::DenseIndex>, Eigen::Unaligned>;

template <typename T>
void contract(KernelContext* ctx, const T* a, const T* b, T* c, int64_t m, int64_t k, int64_t n, bool transA, bool transB) {
    Matrix<T> out(c, m, n);
    if (m == 0 || n == 0) return;
    if (k == 0) {
        std::fill(c, c + m * n, T(0));
        return;
    }
    ConstMatrix<T> ma(a, transA ? k : m, transA ? m : k);
    ConstMatrix<T> mb(b, transB ? n : k, transB ? k : n);
    const Eigen::array<Eigen::IndexPair<Eigen::DenseIndex>, 1> dims{
        {Eigen::IndexPair<Eigen::DenseIndex>(transA ? 0 : 1, transB ? 1 : 0)}};
    // Small products are not worth the thread pool's hand-off.
    if (ctx && m * n * k >= 32 * 32 * 32) {
        releasePoolHelpers(*ctx);
        out.device(ctx->device()) = ma.contract(mb, dims);
    } else out = ma.contract(mb, dims);
}

}  // namespace

void gemmFloat(KernelContext* ctx, const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n, bool transA, bool transB,
               const GemmEpilogue& ep) {
    // A product with very few rows is a matrix-vector product bound by reading B, which packing
    // would read twice: one row streams B in place (sgemv.h; A's layout does not matter then),
    // two or three go to Eigen.
    if (m >= kPackedMinRows && packedSgemmAvailable()) {
        packedSgemm(ctx, a, b, c, m, k, n, transA, transB, ep);
        return;
    }
    if (m == 1 && k > 0 && packedSgemmAvailable()) {
        sgemv(ctx, a, b, c, k, n, transB, ep);
        return;
    }
    contract(ctx, a, b, c, m, k, n, transA, transB);
    if (ep.empty()) return;
    if (ctx) parallelFor(*ctx, m, double(n) * 2, [&](int64_t r0, int64_t r1) { applyEpilogue(ep, c + r0 * n, r1 - r0, n, n, 0); });
    else applyEpilogue(ep, c, m, n, n, 0);
}

void gemmEigen(KernelContext* ctx, const double* a, const double* b, double* c, int64_t m, int64_t k, int64_t n, bool transA, bool transB) {
    contract(ctx, a, b, c, m, k, n, transA, transB);
}

}  // namespace tfscope::kernels
