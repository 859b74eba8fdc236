#pragma once
// The template behind every elementwise binary kernel (Add, Less, FloorMod, ...): two inputs of
// one dtype, numpy broadcasting, output of the same dtype (or bool for comparisons).
//
//   struct AddOp { template <typename T> T operator()(T a, T b) const { return a + b; } };
//   Status evalAdd(KernelContext& ctx) { return evalBinary<false>(ctx, NumberTypes{}, AddOp{}); }
//
// Half and bfloat16 are computed in float and rounded once. An Op may declare
// `static constexpr bool kIntDivision = true` (integer zero divisors are an error, as in TF) or
// `kIntPower` (negative integer exponents are an error).

#include <string>

#include "model/kernels/broadcast.h"
#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

template <typename Op> constexpr bool kOpIntDivision = requires { Op::kIntDivision; };
template <typename Op> constexpr bool kOpIntPower = requires { Op::kIntPower; };

template <typename T, typename Op>
Status checkIntegerOperands(KernelContext& ctx, const Tensor& y) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        const T* p = dataOf<T>(y);
        for (int64_t i = 0; i < y.numElements(); ++i) {
            if constexpr (kOpIntDivision<Op>) {
                if (p[i] == T(0)) return ctx.error("Integer division by zero.");
            }
            if constexpr (kOpIntPower<Op> && std::is_signed_v<T>) {
                if (p[i] < T(0)) return ctx.error("Integers to negative integer powers are not allowed.");
            }
        }
    }
    return Status::OK();
}

template <bool kBoolOut, typename Types, typename Op>
Status evalBinary(KernelContext& ctx, Types types, Op op, double cost = 1) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* y, inputOf(ctx, 1));
    TFS_RETURN_IF_ERROR(checkSameDType(ctx, *x, *y));
    if (x->shape() == y->shape()) {  // no broadcasting: one pass, element i with element i
        return dispatch(types, ctx, x->dtype(), [&](auto tag) -> Status {
            using T = typename decltype(tag)::type;
            using O = std::conditional_t<kBoolOut, bool, T>;
            TFS_RETURN_IF_ERROR((checkIntegerOperands<T, Op>(ctx, *y)));
            TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, dtypeOf<O>(), x->shape()));
            const T* a = dataOf<T>(*x);
            const T* b = dataOf<T>(*y);
            O* po = mutableDataOf<O>(*out);
            parallelFor(ctx, x->numElements(), cost, [&](int64_t i0, int64_t i1) {
                for (int64_t i = i0; i < i1; ++i) {
                    if constexpr (kIsHalfLike<T>) po[i] = O(op(float(a[i]), float(b[i])));
                    else po[i] = O(op(a[i], b[i]));
                }
            });
            return Status::OK();
        });
    }
    Broadcast bc;
    if (!bc.init({x->shape(), y->shape()}))
        return ctx.error("Incompatible shapes " + Broadcast::describe({x->shape(), y->shape()}) + ".");
    return dispatch(types, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using O = std::conditional_t<kBoolOut, bool, T>;
        TFS_RETURN_IF_ERROR((checkIntegerOperands<T, Op>(ctx, *y)));
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, dtypeOf<O>(), bc.outShape()));
        if (bc.numElements() == 0) return Status::OK();
        O* po = mutableDataOf<O>(*out);
        if constexpr (kIsHalfLike<T>) {
            broadcastBinary(ctx, bc, dataOf<T>(*x), dataOf<T>(*y), po,
                            [&op](T a, T b) { return O(op(float(a), float(b))); }, cost);
        } else {
            broadcastBinary(ctx, bc, dataOf<T>(*x), dataOf<T>(*y), po,
                            [&op](const T& a, const T& b) { return O(op(a, b)); }, cost);
        }
        return Status::OK();
    });
}

}  // namespace tfscope::kernels
