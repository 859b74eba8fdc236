#pragma once
// The template behind every elementwise unary kernel (Exp, Relu, IsNan, ...): one input, output
// of the same dtype (or bool), evaluated in chunks on the context's thread pool.
//
//   struct ExpOp { template <typename T> T operator()(T x) const { return std::exp(x); } };
//   Status evalExp(KernelContext& ctx) { return evalUnary<false>(ctx, FloatTypes{}, ExpOp{}); }
//
// Half and bfloat16 are computed in float and rounded once. An Op with a static
// `floats(const float* in, float* out, int64_t n)` computes float tensors an array at a time.

#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

// Whether Op has a static floats(in, out, n) for whole float arrays.
template <typename Op>
concept kHasFloatArray = requires(const float* in, float* out, int64_t n) { Op::floats(in, out, n); };

// Op::floats when it exists (a template of its own, so an Op without it is never looked into).
template <typename Op>
void floatArray(const float* in, float* out, int64_t n) {
    if constexpr (kHasFloatArray<Op>) Op::floats(in, out, n);
}

template <bool kBoolOut, typename Types, typename Op>
Status evalUnary(KernelContext& ctx, Types types, Op op, double cost = 4) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    return dispatch(types, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using O = std::conditional_t<kBoolOut, bool, T>;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, dtypeOf<O>(), x->shape()));
        if (x->numElements() == 0) return Status::OK();
        const T* in = dataOf<T>(*x);
        O* po = mutableDataOf<O>(*out);
        if constexpr (std::is_same_v<T, float> && kHasFloatArray<Op>) {
            // An op with an array routine for float (vector_math.h) runs it on each chunk.
            parallelFor(ctx, x->numElements(), cost, [&](int64_t b, int64_t e) { floatArray<Op>(in + b, po + b, e - b); });
            return Status::OK();
        }
        parallelFor(ctx, x->numElements(), cost, [&](int64_t b, int64_t e) {
            for (int64_t i = b; i < e; ++i) {
                if constexpr (kIsHalfLike<T>) po[i] = O(op(float(in[i])));
                else po[i] = O(op(in[i]));
            }
        });
        return Status::OK();
    });
}

}  // namespace tfscope::kernels
