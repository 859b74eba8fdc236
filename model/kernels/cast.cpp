// Cast: every pair of numeric, bool, half and bfloat16 dtypes (SrcT -> DstT).
// Float to integer truncates toward zero like C++; NaN and out-of-range values give the x86
// result (the most negative value of int32/int64) instead of undefined behaviour.
// The Truncate attr (bit truncation for float -> half) is not honoured; rounding is to nearest even.
#include <cmath>
#include <limits>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

template <typename I, typename F> I floatToInt(F f) {
    const double d = double(f);
    if constexpr (sizeof(I) == 8) {
        if constexpr (std::is_signed_v<I>) {
            if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return std::numeric_limits<I>::min();
            return I(d);
        } else {
            if (!(d > -1.0 && d < 18446744073709551616.0)) {
                if (d >= 9223372036854775808.0 || std::isnan(d)) return I(uint64_t(1) << 63);
                return I(int64_t(d));  // negative: wraps like int64 conversion
            }
            return I(d);
        }
    } else if constexpr (std::is_same_v<I, uint32_t>) {
        const int64_t wide = floatToInt<int64_t>(d);
        return I(uint64_t(wide));
    } else {
        // int32 conversion first (x86 cvttsd2si), then keep the low bits.
        int32_t v = (d >= -2147483648.0 && d < 2147483648.0) ? int32_t(d) : std::numeric_limits<int32_t>::min();
        return I(uint32_t(v));
    }
}

template <typename From, typename To> To convert(const From& v) {
    if constexpr (std::is_same_v<To, bool>) {
        if constexpr (kIsHalfLike<From>) return float(v) != 0.0f;
        else return v != From(0);
    } else if constexpr (kIsComplex<From>) {
        if constexpr (kIsComplex<To>) return To(typename To::value_type(v.real()), typename To::value_type(v.imag()));
        else return convert<typename From::value_type, To>(v.real());
    } else if constexpr (kIsComplex<To>) {
        return To(typename To::value_type(ComputeType<From>(v)), 0);
    } else if constexpr (kIsFloatLike<From> && std::is_integral_v<To>) {
        return floatToInt<To>(ComputeType<From>(v));
    } else if constexpr (kIsHalfLike<To>) {
        if constexpr (std::is_same_v<From, bool>) return To(v ? 1.0f : 0.0f);
        else return To(float(ComputeType<From>(v)));
    } else {
        return To(ComputeType<From>(v));
    }
}

Status evalCast(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    const DType dst = ctx.attrType("DstT", x->dtype());
    if (dst == x->dtype()) return ctx.setOutput(0, *x);
    return dispatch(PodTypes{}, ctx, x->dtype(), [&](auto fromTag) -> Status {
        using From = typename decltype(fromTag)::type;
        return dispatch(PodTypes{}, ctx, dst, [&](auto toTag) -> Status {
            using To = typename decltype(toTag)::type;
            TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, dst, x->shape()));
            const From* in = dataOf<From>(*x);
            To* po = mutableDataOf<To>(*out);
            parallelFor(ctx, x->numElements(), 2, [&](int64_t b, int64_t e) {
                for (int64_t i = b; i < e; ++i) po[i] = convert<From, To>(in[i]);
            });
            return Status::OK();
        });
    });
}

}  // namespace

void registerCast(KernelList& list) {
    static const KernelDef def{"Cast", evalCast};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
