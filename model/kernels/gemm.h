#pragma once
// Matrix products for MatMul, BatchMatMul, Einsum and Conv2D: row-major C[M,N] = op(A) * op(B),
// an Eigen tensor contraction on the context's thread pool (or single-threaded, for the many
// small products of a batch that is itself split across threads).

#define EIGEN_USE_THREADS
#include <unsupported/Eigen/CXX11/Tensor>

#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

template <typename T> using ConstMatrix = Eigen::TensorMap<Eigen::Tensor<const T, 2, Eigen::RowMajor, Eigen::DenseIndex>, Eigen::Unaligned>;
template <typename T> using Matrix = Eigen::TensorMap<Eigen::Tensor<T, 2, Eigen::RowMajor, Eigen::DenseIndex>, Eigen::Unaligned>;

// A is [M,K] ([K,M] if transA), B is [K,N] ([N,K] if transB), C is [M,N].
template <typename T, typename Device>
void gemm(const Device& device, const T* a, const T* b, T* c, int64_t m, int64_t k, int64_t n, bool transA, bool transB) {
    Matrix<T> out(c, m, n);
    if (k == 0) {
        out.setZero();
        return;
    }
    ConstMatrix<T> ma(a, transA ? k : m, transA ? m : k);
    ConstMatrix<T> mb(b, transB ? n : k, transB ? k : n);
    Eigen::array<Eigen::IndexPair<Eigen::DenseIndex>, 1> dims{{Eigen::IndexPair<Eigen::DenseIndex>(transA ? 0 : 1, transB ? 1 : 0)}};
    out.device(device) = ma.contract(mb, dims);
}

}  // namespace tfscope::kernels
