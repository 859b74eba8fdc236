#pragma once
// The template behind every elementwise unary kernel (Exp, Relu, IsNan, ...): one input, output
// of the same dtype (or bool), evaluated with Eigen on the context's thread pool.
//
//   struct ExpOp { template <typename T> T operator()(T x) const { return std::exp(x); } };
//   Status evalExp(KernelContext& ctx) { return evalUnary<false>(ctx, FloatTypes{}, ExpOp{}); }
//
// Half and bfloat16 are computed in float and rounded once.

#define EIGEN_USE_THREADS
#include <unsupported/Eigen/CXX11/Tensor>

#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

template <typename T>
using ConstFlat = Eigen::TensorMap<Eigen::Tensor<const T, 1, Eigen::RowMajor, Eigen::DenseIndex>, Eigen::Unaligned>;
template <typename T>
using Flat = Eigen::TensorMap<Eigen::Tensor<T, 1, Eigen::RowMajor, Eigen::DenseIndex>, Eigen::Unaligned>;

template <bool kBoolOut, typename Types, typename Op>
Status evalUnary(KernelContext& ctx, Types types, Op op, double cost = 4) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    return dispatch(types, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using O = std::conditional_t<kBoolOut, bool, T>;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, dtypeOf<O>(), x->shape()));
        if (x->numElements() == 0) return Status::OK();
        const T* in = dataOf<T>(*x);
        O* po = mutableDataOf<O>(*out);
        parallelFor(ctx, x->numElements(), cost, [&](int64_t b, int64_t e) {
            ConstFlat<T> src(in + b, e - b);
            Flat<O> dst(po + b, e - b);
            if constexpr (kIsHalfLike<T>) dst = src.unaryExpr([&op](T v) { return O(op(float(v))); });
            else dst = src.unaryExpr([&op](T v) { return O(op(v)); });
        });
        return Status::OK();
    });
}

}  // namespace tfscope::kernels
