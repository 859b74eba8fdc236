// Elementwise division family with broadcasting: RealDiv, Div, DivNoNan, FloorDiv, FloorMod,
// TruncateDiv, TruncateMod, Pow. Integer rules follow TF: Div/TruncateDiv truncate toward zero,
// FloorDiv/FloorMod round toward negative infinity, a zero integer divisor is an error.
#include <cmath>
#include <limits>

#include "model/kernels/cwise_binary.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

// a / b truncating, without the INT_MIN / -1 overflow trap.
template <typename T> T truncDiv(T a, T b) {
    if constexpr (std::is_signed_v<T>) {
        if (b == T(-1)) return T(std::make_unsigned_t<T>(0) - std::make_unsigned_t<T>(a));
    }
    return T(a / b);
}
template <typename T> T truncMod(T a, T b) {
    if constexpr (std::is_signed_v<T>) {
        if (b == T(-1)) return T(0);
    }
    return T(a % b);
}

struct DivOp {
    static constexpr bool kIntDivision = true;
    template <typename T> T operator()(T a, T b) const {
        if constexpr (std::is_integral_v<T>) return truncDiv(a, b);
        else return a / b;
    }
};
struct RealDivOp {
    template <typename T> T operator()(T a, T b) const { return a / b; }
};
struct DivNoNanOp {
    template <typename T> T operator()(T a, T b) const { return b == T(0) ? T(0) : a / b; }
};
struct TruncateDivOp {
    static constexpr bool kIntDivision = true;
    template <typename T> T operator()(T a, T b) const {
        if constexpr (std::is_integral_v<T>) return truncDiv(a, b);
        else return std::trunc(a / b);
    }
};
struct TruncateModOp {
    static constexpr bool kIntDivision = true;
    template <typename T> T operator()(T a, T b) const {
        if constexpr (std::is_integral_v<T>) return truncMod(a, b);
        else return std::fmod(a, b);
    }
};
struct FloorDivOp {
    static constexpr bool kIntDivision = true;
    template <typename T> T operator()(T a, T b) const {
        if constexpr (std::is_integral_v<T>) {
            if constexpr (std::is_signed_v<T>) {
                T q = truncDiv(a, b);
                if (truncMod(a, b) != 0 && ((a < 0) != (b < 0))) q = T(q - 1);
                return q;
            } else {
                return T(a / b);
            }
        } else {
            return std::floor(a / b);
        }
    }
};
struct FloorModOp {
    static constexpr bool kIntDivision = true;
    template <typename T> T operator()(T a, T b) const {
        if constexpr (std::is_integral_v<T>) {
            if constexpr (std::is_signed_v<T>) {
                T r = truncMod(a, b);
                if (r != 0 && ((r < 0) != (b < 0))) r = T(r + b);
                return r;
            } else {
                return T(a % b);
            }
        } else {
            T r = std::fmod(a, b);
            if (r != 0 && ((b < 0) != (r < 0))) r += b;
            return r;
        }
    }
};
struct PowOp {
    static constexpr bool kIntPower = true;
    template <typename T> T operator()(T a, T b) const {
        if constexpr (std::is_integral_v<T>) {
            using U = std::make_unsigned_t<T>;
            U result = 1, base = U(a);
            for (T e = b; e > 0; e = T(e >> 1)) {
                if (e & 1) result = U(result * base);
                base = U(base * base);
            }
            return T(result);
        } else {
            return std::pow(a, b);
        }
    }
};

using DivIntTypes = TypeList<int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t>;
using FloatComplexTypes = decltype(FloatTypes{} + ComplexTypes{});
using DivTypes = decltype(FloatComplexTypes{} + DivIntTypes{});
using FloorTypes = decltype(FloatTypes{} + DivIntTypes{});
using TruncModTypes = TypeList<int32_t, int64_t, float, double>;
using PowTypes = decltype(FloatComplexTypes{} + TypeList<int8_t, int16_t, int32_t, int64_t>{});

Status evalRealDiv(KernelContext& ctx) { return evalBinary<false>(ctx, FloatComplexTypes{}, RealDivOp{}); }
Status evalDiv(KernelContext& ctx) { return evalBinary<false>(ctx, DivTypes{}, DivOp{}); }
Status evalDivNoNan(KernelContext& ctx) { return evalBinary<false>(ctx, FloatComplexTypes{}, DivNoNanOp{}); }
Status evalTruncateDiv(KernelContext& ctx) { return evalBinary<false>(ctx, FloorTypes{}, TruncateDivOp{}); }
Status evalTruncateMod(KernelContext& ctx) { return evalBinary<false>(ctx, TruncModTypes{}, TruncateModOp{}); }
Status evalFloorDiv(KernelContext& ctx) { return evalBinary<false>(ctx, FloorTypes{}, FloorDivOp{}); }
Status evalFloorMod(KernelContext& ctx) { return evalBinary<false>(ctx, FloorTypes{}, FloorModOp{}); }
Status evalPow(KernelContext& ctx) { return evalBinary<false>(ctx, PowTypes{}, PowOp{}, 20); }

}  // namespace

void registerCwiseDiv(KernelList& list) {
    static const KernelDef defs[] = {
        {"RealDiv", evalRealDiv},         {"Div", evalDiv},           {"DivNoNan", evalDivNoNan},
        {"TruncateDiv", evalTruncateDiv}, {"TruncateMod", evalTruncateMod},
        {"FloorDiv", evalFloorDiv},       {"FloorMod", evalFloorMod}, {"Pow", evalPow},
    };
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
