// ArgMax / ArgMin over one axis (scalar `dimension`, negative allowed); output_type int32 or
// int64 (default). Ties give the first index.
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

template <bool kMax>
Status evalArgImpl(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* dimension, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(int64_t axisValue, indexScalar(ctx, *dimension, "dimension"));
    if (x->rank() == 0) return ctx.error("Input must have rank >= 1, got a scalar.");
    TFS_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, axisValue, x->rank()));
    const int64_t depth = x->dim(axis);
    if (depth == 0) return ctx.error("Reduction axis " + std::to_string(axis) + " is empty in shape '" + shapeToString(x->shape()) + "'.");
    const DType outType = ctx.attrType("output_type", DType::Int64);
    if (outType != DType::Int32 && outType != DType::Int64)
        return ctx.error("output_type must be int32 or int64, got '" + std::string(dtypeShortName(outType)) + "'.");
    Shape outShape;
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < x->rank(); ++d) {
        if (d == axis) continue;
        outShape.push_back(x->dim(d));
        (d < axis ? outer : inner) *= x->dim(d);
    }
    using ArgTypes = decltype(RealTypes{} + TypeList<bool>{});
    return dispatch(ArgTypes{}, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = ComputeType<T>;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, outType, outShape));
        const T* in = dataOf<T>(*x);
        std::vector<int64_t> idx(size_t(outer * inner));
        parallelFor(ctx, outer, double(depth * inner), [&](int64_t o0, int64_t o1) {
            for (int64_t o = o0; o < o1; ++o) {
                for (int64_t i = 0; i < inner; ++i) {
                    const T* p = in + o * depth * inner + i;
                    int64_t best = 0;
                    C bv = C(p[0]);
                    for (int64_t j = 1; j < depth; ++j) {
                        const C v = C(p[j * inner]);
                        if (kMax ? v > bv : v < bv) { bv = v; best = j; }
                    }
                    idx[size_t(o * inner + i)] = best;
                }
            }
        });
        if (outType == DType::Int32) {
            int32_t* po = mutableDataOf<int32_t>(*out);
            for (size_t i = 0; i < idx.size(); ++i) po[i] = int32_t(idx[i]);
        } else {
            std::copy(idx.begin(), idx.end(), mutableDataOf<int64_t>(*out));
        }
        return Status::OK();
    });
}

Status evalArgMax(KernelContext& ctx) { return evalArgImpl<true>(ctx); }
Status evalArgMin(KernelContext& ctx) { return evalArgImpl<false>(ctx); }

}  // namespace

void registerArgMinMax(KernelList& list) {
    static const KernelDef defs[] = {{"ArgMax", evalArgMax}, {"ArgMin", evalArgMin}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
