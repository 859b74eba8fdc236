// Elementwise math functions: Neg, Abs, Square, Sqrt, Rsqrt, Exp, Expm1, Log, Log1p, Reciprocal
// (Inv), Floor, Ceil, Round (half to even), Rint, Sign, Sin, Cos, Tan, Asin, Acos, Atan, Sinh,
// Cosh, Tanh, Sigmoid, Erf, Erfc, IsNan, IsInf, IsFinite, LogicalNot.
#include <cmath>

#include "model/kernels/activation_float.h"
#include "model/kernels/cwise_unary.h"
#include "model/kernels/registry.h"
#include "model/kernels/vector_math.h"

namespace tfscope::kernels {
namespace {

template <typename T> T negate(T x) {
    if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) return T(std::make_unsigned_t<T>(0) - std::make_unsigned_t<T>(x));
    else return -x;
}

// Ops with a float array routine (vector_math.h); other types still per element.
#define TFS_ARRAY_OP(Name, expr, array)                                                   \
    struct Name {                                                                         \
        template <typename T> T operator()(T x) const { return expr; }                    \
        static void floats(const float* in, float* out, int64_t n) { array(in, out, n); } \
    };
#define TFS_UNARY_OP(Name, expr) \
    struct Name { template <typename T> T operator()(T x) const { return expr; } };
TFS_UNARY_OP(NegOp, negate(x))
TFS_UNARY_OP(AbsOp, x < T(0) ? negate(x) : x)
TFS_UNARY_OP(SquareOp, T(x * x))
TFS_UNARY_OP(SqrtOp, std::sqrt(x))
TFS_UNARY_OP(RsqrtOp, T(1) / std::sqrt(x))
TFS_ARRAY_OP(ExpOp, std::exp(x), expFloats)
TFS_UNARY_OP(Expm1Op, std::expm1(x))
TFS_UNARY_OP(LogOp, std::log(x))
TFS_UNARY_OP(Log1pOp, std::log1p(x))
TFS_UNARY_OP(FloorOp, std::floor(x))
TFS_UNARY_OP(CeilOp, std::ceil(x))
TFS_UNARY_OP(RintOp, std::nearbyint(x))
TFS_UNARY_OP(SinOp, std::sin(x))
TFS_UNARY_OP(CosOp, std::cos(x))
TFS_UNARY_OP(TanOp, std::tan(x))
TFS_UNARY_OP(AsinOp, std::asin(x))
TFS_UNARY_OP(AcosOp, std::acos(x))
TFS_UNARY_OP(AtanOp, std::atan(x))
TFS_UNARY_OP(SinhOp, std::sinh(x))
TFS_UNARY_OP(CoshOp, std::cosh(x))
TFS_UNARY_OP(TanhOp, std::tanh(x))
TFS_UNARY_OP(SigmoidOp, T(1) / (T(1) + std::exp(-x)))
TFS_ARRAY_OP(ErfOp, std::erf(x), erfFloats)
TFS_UNARY_OP(ErfcOp, std::erfc(x))
#undef TFS_UNARY_OP
#undef TFS_ARRAY_OP

struct ReciprocalOp {
    template <typename T> T operator()(T x) const {
        if constexpr (std::is_integral_v<T>) return x == T(0) ? T(0) : T(T(1) / x);  // TF: 1/x truncates
        else return T(1) / x;
    }
};
struct RoundOp {  // half to even; integers unchanged
    template <typename T> T operator()(T x) const {
        if constexpr (std::is_integral_v<T>) return x;
        else return std::nearbyint(x);
    }
};
struct SignOp {
    template <typename T> T operator()(T x) const {
        if constexpr (std::is_floating_point_v<T>) {
            if (std::isnan(x)) return x;
        }
        return T((T(0) < x) - (x < T(0)));
    }
};
struct IsNanOp { template <typename T> bool operator()(T x) const { return std::isnan(x); } };
struct IsInfOp { template <typename T> bool operator()(T x) const { return std::isinf(x); } };
struct IsFiniteOp { template <typename T> bool operator()(T x) const { return std::isfinite(x); } };
struct NotOp { bool operator()(bool x) const { return !x; } };

using SignedTypes = decltype(FloatTypes{} + SignedIntTypes{});
using NegTypes = decltype(SignedTypes{} + ComplexTypes{});
using SquareTypes = decltype(FloatTypes{} + IntTypes{} + ComplexTypes{});
using ReciprocalTypes = decltype(FloatTypes{} + TypeList<int32_t, int64_t>{});
using RoundTypes = decltype(FloatTypes{} + TypeList<int8_t, int16_t, int32_t, int64_t>{});

#define TFS_EVAL(Name, boolOut, Types, Op, cost) \
    Status eval##Name(KernelContext& ctx) { return evalUnary<boolOut>(ctx, Types{}, Op{}, cost); }
TFS_EVAL(Neg, false, NegTypes, NegOp, 1)
TFS_EVAL(Abs, false, SignedTypes, AbsOp, 1)
TFS_EVAL(Square, false, SquareTypes, SquareOp, 1)
TFS_EVAL(Sqrt, false, FloatTypes, SqrtOp, 8)
TFS_EVAL(Rsqrt, false, FloatTypes, RsqrtOp, 8)
TFS_EVAL(Exp, false, FloatTypes, ExpOp, 20)
TFS_EVAL(Expm1, false, FloatTypes, Expm1Op, 20)
TFS_EVAL(Log, false, FloatTypes, LogOp, 20)
TFS_EVAL(Log1p, false, FloatTypes, Log1pOp, 20)
TFS_EVAL(Reciprocal, false, ReciprocalTypes, ReciprocalOp, 4)
TFS_EVAL(Floor, false, FloatTypes, FloorOp, 2)
TFS_EVAL(Ceil, false, FloatTypes, CeilOp, 2)
TFS_EVAL(Round, false, RoundTypes, RoundOp, 2)
TFS_EVAL(Rint, false, FloatTypes, RintOp, 2)
TFS_EVAL(Sign, false, SignedTypes, SignOp, 2)
TFS_EVAL(Sin, false, FloatTypes, SinOp, 20)
TFS_EVAL(Cos, false, FloatTypes, CosOp, 20)
TFS_EVAL(Tan, false, FloatTypes, TanOp, 20)
TFS_EVAL(Asin, false, FloatTypes, AsinOp, 20)
TFS_EVAL(Acos, false, FloatTypes, AcosOp, 20)
TFS_EVAL(Atan, false, FloatTypes, AtanOp, 20)
TFS_EVAL(Sinh, false, FloatTypes, SinhOp, 20)
TFS_EVAL(Cosh, false, FloatTypes, CoshOp, 20)
// Float32 runs vectorized (activation_float.h); the other float types element by element.
template <typename Op>
Status evalFloatFast(KernelContext& ctx, Op op, void (*fast)(const float*, float*, int64_t)) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    if (x->dtype() != DType::Float) return evalUnary<false>(ctx, FloatTypes{}, op, 20);
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, DType::Float, x->shape()));
    const float* in = dataOf<float>(*x);
    float* po = mutableDataOf<float>(*out);
    parallelFor(ctx, x->numElements(), 2, [&](int64_t b, int64_t e) { fast(in + b, po + b, e - b); });
    return Status::OK();
}
Status evalTanh(KernelContext& ctx) { return evalFloatFast(ctx, TanhOp{}, tanhFloat); }
Status evalSigmoid(KernelContext& ctx) { return evalFloatFast(ctx, SigmoidOp{}, sigmoidFloat); }
TFS_EVAL(Erf, false, FloatTypes, ErfOp, 20)
TFS_EVAL(Erfc, false, FloatTypes, ErfcOp, 20)
TFS_EVAL(IsNan, true, FloatTypes, IsNanOp, 1)
TFS_EVAL(IsInf, true, FloatTypes, IsInfOp, 1)
TFS_EVAL(IsFinite, true, FloatTypes, IsFiniteOp, 1)
TFS_EVAL(LogicalNot, true, TypeList<bool>, NotOp, 1)
#undef TFS_EVAL

}  // namespace

void registerCwiseMath(KernelList& list) {
    static const KernelDef defs[] = {
        {"Neg", evalNeg},       {"Abs", evalAbs},         {"Square", evalSquare}, {"Sqrt", evalSqrt},
        {"Rsqrt", evalRsqrt},   {"Exp", evalExp},         {"Expm1", evalExpm1},   {"Log", evalLog},
        {"Log1p", evalLog1p},   {"Reciprocal", evalReciprocal}, {"Inv", evalReciprocal},
        {"Floor", evalFloor},   {"Ceil", evalCeil},       {"Round", evalRound},   {"Rint", evalRint},
        {"Sign", evalSign},     {"Sin", evalSin},         {"Cos", evalCos},       {"Tan", evalTan},
        {"Asin", evalAsin},     {"Acos", evalAcos},       {"Atan", evalAtan},     {"Sinh", evalSinh},
        {"Cosh", evalCosh},     {"Tanh", evalTanh},       {"Sigmoid", evalSigmoid}, {"Erf", evalErf},
        {"Erfc", evalErfc},     {"IsNan", evalIsNan},     {"IsInf", evalIsInf},   {"IsFinite", evalIsFinite},
        {"LogicalNot", evalLogicalNot},
    };
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
