// Dequantize (input, min_range, max_range; attrs T, mode, narrow_range, axis, dtype): quantized
// weights (qint8, quint8, qint16, quint16, qint32) back to float (or bfloat16), as quantized frozen
// graphs use them. Modes as TF's dequantize_op:
//   MIN_COMBINED  out = min + (q + half_range(T)) * (max - min) / (highest(T) - lowest(T)),
//                 half_range = (range + 1) / 2 for signed T, 0 for unsigned
//   MIN_FIRST     out = round(min / step) * step + (q - lowest(T)) * step,
//                 step = (max - min) * 2^bits / (2^bits - 1) / 2^bits (computed in double)
//   SCALED        out = q * s, s = max(min / lowest', max / highest) (lowest' = lowest + narrow_range),
//                 s = max / highest for unsigned T
// `axis` >= 0 takes one (min, max) per slice of that dimension.
#include <cmath>
#include <limits>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

template <typename Q>
struct QuantRange {
    static constexpr double lowest = double(std::numeric_limits<Q>::min());
    static constexpr double highest = double(std::numeric_limits<Q>::max());
};

template <typename Q>
float dequantizeOne(Q q, float lo, float hi, int mode, bool narrow) {
    using R = QuantRange<Q>;
    if (mode == 0) {  // MIN_COMBINED
        const float halfRange = std::is_signed_v<Q> ? float((R::highest - R::lowest + 1) / 2.0) : 0.0f;
        const float scale = (hi - lo) / float(R::highest - R::lowest);
        return ((float(q) + halfRange) * scale) + lo;
    }
    if (mode == 1) {  // MIN_FIRST
        if (lo == hi) return lo;
        const int bits = int(sizeof(Q)) * 8;
        const double steps = std::ldexp(1.0, bits);
        const double range = (double(hi) - double(lo)) * (steps / (steps - 1.0));
        const double step = range / steps;
        const double loRounded = std::round(double(lo) / float(step)) * float(step);
        return float(loRounded + (double(q) - R::lowest) * step);
    }
    const double lowest = R::lowest + (narrow ? 1 : 0);
    const float scale = R::lowest == 0 ? float(hi / R::highest) : std::max(float(lo / lowest), float(hi / R::highest));
    return float(q) * scale;
}

Status evalDequantize(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* mins, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* maxs, inputOf(ctx, 2));
    const std::string modeName = ctx.attrString("mode", "MIN_COMBINED");
    const int mode = modeName == "MIN_COMBINED" ? 0 : modeName == "MIN_FIRST" ? 1 : modeName == "SCALED" ? 2 : -1;
    if (mode < 0) return ctx.error("Unknown mode '" + modeName + "'.");
    const bool narrow = ctx.attrBool("narrow_range", false);
    const int64_t axis = ctx.attrInt("axis", -1);
    const DType outType = ctx.attrType("dtype", DType::Float);
    if (outType != DType::Float && outType != DType::BFloat16) return ctx.error("dtype must be float or bfloat16.");
    if (mins->dtype() != DType::Float || maxs->dtype() != DType::Float) return ctx.error("min_range and max_range must be float.");
    int64_t slices = 1, inner = 1;
    if (axis >= 0) {
        if (axis >= x->rank()) return ctx.error("Axis must be less than input dimension(" + std::to_string(x->rank()) + "), got " + std::to_string(axis));
        slices = x->dim(int(axis));
        for (int d = int(axis) + 1; d < x->rank(); ++d) inner *= x->dim(d);
        if (mins->numElements() != slices || maxs->numElements() != slices)
            return ctx.error("min_range and max_range must have " + std::to_string(slices) + " elements (the size of axis " +
                             std::to_string(axis) + "); got " + std::to_string(mins->numElements()) + " and " + std::to_string(maxs->numElements()) + ".");
    } else if (mins->numElements() != 1 || maxs->numElements() != 1) {
        return ctx.error("min_range and max_range must be scalars without an axis; got shapes " + shapeToString(mins->shape()) + " and " +
                         shapeToString(maxs->shape()) + ".");
    }
    const float* lo = dataOf<float>(*mins);
    const float* hi = dataOf<float>(*maxs);
    for (int64_t s = 0; s < slices; ++s)
        if (hi[s] < lo[s]) return ctx.error("max_range (" + std::to_string(hi[s]) + ") must be at least min_range (" + std::to_string(lo[s]) + ").");
    auto run = [&](auto tag) -> Status {
        using Q = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, outType, x->shape()));
        const Q* in = reinterpret_cast<const Q*>(x->rawData());
        const int64_t n = x->numElements();
        for (int64_t i = 0; i < n; ++i) {
            const int64_t s = axis >= 0 ? (i / inner) % slices : 0;
            const float v = dequantizeOne<Q>(in[i], lo[s], hi[s], mode, narrow);
            if (outType == DType::Float) mutableDataOf<float>(*out)[i] = v;
            else mutableDataOf<Eigen::bfloat16>(*out)[i] = Eigen::bfloat16(v);
        }
        return Status::OK();
    };
    switch (x->dtype()) {
    case DType::QInt8: return run(TypeTag<int8_t>{});
    case DType::QUInt8: return run(TypeTag<uint8_t>{});
    case DType::QInt16: return run(TypeTag<int16_t>{});
    case DType::QUInt16: return run(TypeTag<uint16_t>{});
    case DType::QInt32: return run(TypeTag<int32_t>{});
    default: return unsupportedType(ctx, x->dtype());
    }
}

}  // namespace

void registerDequantize(KernelList& list) {
    static const KernelDef def{"Dequantize", evalDequantize};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
