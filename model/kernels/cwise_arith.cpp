// Elementwise arithmetic with broadcasting: Add, AddV2, Sub, Mul, Maximum, Minimum,
// SquaredDifference.
#include <cmath>

#include "model/kernels/cwise_binary.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

// Integer add/sub/mul wrap around like TF's (two's complement) instead of being UB.
template <typename T> T wrapAdd(T a, T b) {
    if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
        using U = std::make_unsigned_t<T>;
        return T(U(a) + U(b));
    } else {
        return T(a + b);
    }
}
template <typename T> T wrapSub(T a, T b) {
    if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
        using U = std::make_unsigned_t<T>;
        return T(U(a) - U(b));
    } else {
        return T(a - b);
    }
}
template <typename T> T wrapMul(T a, T b) {
    if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
        using U = std::make_unsigned_t<T>;
        return T(U(a) * U(b));
    } else {
        return T(a * b);
    }
}

struct AddOp { template <typename T> T operator()(const T& a, const T& b) const { return wrapAdd(a, b); } };
struct SubOp { template <typename T> T operator()(const T& a, const T& b) const { return wrapSub(a, b); } };
struct MulOp { template <typename T> T operator()(const T& a, const T& b) const { return wrapMul(a, b); } };
struct MaxOp {
    template <typename T> T operator()(T a, T b) const {
        if constexpr (std::is_floating_point_v<T>) {
            if (std::isnan(a)) return a;
            if (std::isnan(b)) return b;
        }
        return a < b ? b : a;
    }
};
struct MinOp {
    template <typename T> T operator()(T a, T b) const {
        if constexpr (std::is_floating_point_v<T>) {
            if (std::isnan(a)) return a;
            if (std::isnan(b)) return b;
        }
        return b < a ? b : a;
    }
};
struct SquaredDifferenceOp {
    template <typename T> T operator()(T a, T b) const {
        T d = wrapSub(a, b);
        if constexpr (kIsComplex<T>) return d * std::conj(d);
        else return wrapMul(d, d);
    }
};

using AddTypes = decltype(NumberTypes{} + TypeList<std::string>{});
using MinMaxTypes = RealTypes;
using SqDiffTypes = decltype(FloatTypes{} + TypeList<int32_t, int64_t>{} + ComplexTypes{});

Status evalAdd(KernelContext& ctx) { return evalBinary<false>(ctx, AddTypes{}, AddOp{}); }
Status evalAddV2(KernelContext& ctx) { return evalBinary<false>(ctx, NumberTypes{}, AddOp{}); }
Status evalSub(KernelContext& ctx) { return evalBinary<false>(ctx, NumberTypes{}, SubOp{}); }
Status evalMul(KernelContext& ctx) { return evalBinary<false>(ctx, NumberTypes{}, MulOp{}); }
Status evalMaximum(KernelContext& ctx) { return evalBinary<false>(ctx, MinMaxTypes{}, MaxOp{}); }
Status evalMinimum(KernelContext& ctx) { return evalBinary<false>(ctx, MinMaxTypes{}, MinOp{}); }
Status evalSquaredDifference(KernelContext& ctx) { return evalBinary<false>(ctx, SqDiffTypes{}, SquaredDifferenceOp{}); }

}  // namespace

void registerCwiseArith(KernelList& list) {
    static const KernelDef defs[] = {
        {"Add", evalAdd},         {"AddV2", evalAddV2},     {"Sub", evalSub},
        {"Mul", evalMul},         {"Maximum", evalMaximum}, {"Minimum", evalMinimum},
        {"SquaredDifference", evalSquaredDifference},
    };
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
