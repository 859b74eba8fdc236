// Cumsum and Cumprod along `axis` with the exclusive and reverse attrs.
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

template <bool kProd>
Status evalCumImpl(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* a, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(int64_t axisValue, indexScalar(ctx, *a, "axis"));
    if (x->rank() == 0) return ctx.error("Input must have rank >= 1, got a scalar.");
    TFS_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, axisValue, x->rank()));
    const bool exclusive = ctx.attrBool("exclusive", false), reverse = ctx.attrBool("reverse", false);
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    for (int d = axis + 1; d < x->rank(); ++d) inner *= x->dim(d);
    const int64_t n = x->dim(axis);
    return dispatch(NumberTypes{}, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = ComputeType<T>;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, x->dtype(), x->shape()));
        const T* in = dataOf<T>(*x);
        T* po = mutableDataOf<T>(*out);
        for (int64_t o = 0; o < outer; ++o)
            for (int64_t i = 0; i < inner; ++i) {
                C acc = kProd ? C(1) : C(0);
                for (int64_t s = 0; s < n; ++s) {
                    const int64_t j = reverse ? n - 1 - s : s;
                    const int64_t at = (o * n + j) * inner + i;
                    const C v = C(in[at]);
                    if (exclusive) { po[at] = T(acc); acc = kProd ? C(acc * v) : C(acc + v); }
                    else { acc = kProd ? C(acc * v) : C(acc + v); po[at] = T(acc); }
                }
            }
        return Status::OK();
    });
}

Status evalCumsum(KernelContext& ctx) { return evalCumImpl<false>(ctx); }
Status evalCumprod(KernelContext& ctx) { return evalCumImpl<true>(ctx); }

}  // namespace

void registerCumsum(KernelList& list) {
    static const KernelDef defs[] = {{"Cumsum", evalCumsum}, {"Cumprod", evalCumprod}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
