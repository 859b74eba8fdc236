// Fill (dims, value), ZerosLike, OnesLike and Range (start, limit, delta; ints or floats).
#include <cmath>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalFill(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* dims, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* value, inputOf(ctx, 1));
    if (dims->rank() != 1) return ctx.error("dims must be a vector, got shape '" + shapeToString(dims->shape()) + "'.");
    if (value->rank() != 0) return ctx.error("value must be a scalar, got shape '" + shapeToString(value->shape()) + "'.");
    TFS_ASSIGN_OR_RETURN(Shape shape, indexValues(ctx, *dims, "dims"));
    for (int64_t d : shape)
        if (d < 0) return ctx.error("dims must be non-negative, got '" + shapeToString(shape) + "'.");
    return dispatchCopy(ctx, value->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, value->dtype(), shape));
        T* po = mutableDataOf<T>(*out);
        std::fill(po, po + out->numElements(), dataOf<T>(*value)[0]);
        return Status::OK();
    });
}

template <bool kOnes>
Status evalLike(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    return dispatch(PodTypes{}, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, x->dtype(), x->shape()));
        if constexpr (kOnes) {
            T* po = mutableDataOf<T>(*out);
            std::fill(po, po + out->numElements(), T(1));
        }
        return Status::OK();  // allocateOutput zero-fills
    });
}

Status evalZerosLike(KernelContext& ctx) { return evalLike<false>(ctx); }
Status evalOnesLike(KernelContext& ctx) { return evalLike<true>(ctx); }

Status evalRange(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* ts, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* tl, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* td, inputOf(ctx, 2));
    for (const Tensor* t : {ts, tl, td})
        if (t->numElements() != 1) return ctx.error("start, limit and delta must be scalars, got shape '" + shapeToString(t->shape()) + "'.");
    TFS_RETURN_IF_ERROR(checkSameDType(ctx, *ts, *tl));
    TFS_RETURN_IF_ERROR(checkSameDType(ctx, *ts, *td));
    using RangeTypes = TypeList<float, double, Eigen::half, Eigen::bfloat16, int8_t, int16_t, int32_t, int64_t, uint16_t, uint32_t>;
    return dispatch(RangeTypes{}, ctx, ts->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = ComputeType<T>;
        const C start = C(dataOf<T>(*ts)[0]), limit = C(dataOf<T>(*tl)[0]), delta = C(dataOf<T>(*td)[0]);
        if (delta == C(0)) return ctx.error("Requires delta != 0: " + std::to_string(double(delta)) + ".");
        if (delta > C(0) ? start > limit : start < limit)
            return ctx.error("Requires start <= limit when delta > 0 (or start >= limit when delta < 0): " +
                             std::to_string(double(start)) + "/" + std::to_string(double(limit)) + ".");
        int64_t size;
        if constexpr (std::is_integral_v<C>) {
            const double span = std::abs(double(limit) - double(start)), step = std::abs(double(delta));
            size = int64_t((int64_t(span) + int64_t(step) - 1) / int64_t(step));
        } else {
            size = int64_t(std::ceil(std::abs(C(C(limit - start) / delta))));
        }
        if (size > (int64_t(1) << 40)) return ctx.error("Requires the range size to be reasonable, got " + std::to_string(size) + ".");
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, ts->dtype(), {size}));
        T* po = mutableDataOf<T>(*out);
        C v = start;
        for (int64_t i = 0; i < size; ++i, v = C(v + delta)) po[i] = T(v);
        return Status::OK();
    });
}

}  // namespace

void registerFill(KernelList& list) {
    static const KernelDef defs[] = {
        {"Fill", evalFill}, {"ZerosLike", evalZerosLike}, {"OnesLike", evalOnesLike}, {"Range", evalRange}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
