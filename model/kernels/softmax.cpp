// Softmax and LogSoftmax over the last axis (inputs of rank >= 1), max-subtracted for stability.
#include <cmath>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"
#include "model/kernels/vector_math.h"

namespace tfscope::kernels {
namespace {

template <bool kLog>
Status evalSoftmaxImpl(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    if (x->rank() < 1) return ctx.error("Logits must have rank >= 1, got shape '" + shapeToString(x->shape()) + "'.");
    return dispatch(FloatTypes{}, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, x->dtype(), x->shape()));
        const int64_t depth = x->dim(x->rank() - 1);
        if (depth == 0 || x->numElements() == 0) return Status::OK();
        const int64_t rows = x->numElements() / depth;
        const T* in = dataOf<T>(*x);
        T* y = mutableDataOf<T>(*out);
        parallelFor(ctx, rows, double(depth) * 25, [&](int64_t r0, int64_t r1) {
            std::vector<C> tmp(static_cast<size_t>(depth));
            for (int64_t r = r0; r < r1; ++r) {
                const T* src = in + r * depth;
                T* dst = y + r * depth;
                C mx = C(src[0]);
                for (int64_t i = 1; i < depth; ++i) mx = std::max(mx, C(src[i]));
                for (int64_t i = 0; i < depth; ++i) tmp[size_t(i)] = C(src[i]) - mx;
                if constexpr (kLog) {
                    C sum = 0;
                    for (int64_t i = 0; i < depth; ++i) sum += std::exp(tmp[size_t(i)]);
                    const C logSum = std::log(sum);
                    for (int64_t i = 0; i < depth; ++i) dst[i] = T(tmp[size_t(i)] - logSum);
                } else {
                    // exp once per element (eight at a time for float), then the sum and the quotients
                    if constexpr (std::is_same_v<C, float>) {
                        expFloats(tmp.data(), tmp.data(), depth);
                    } else {
                        for (int64_t i = 0; i < depth; ++i) tmp[size_t(i)] = std::exp(tmp[size_t(i)]);
                    }
                    C sum = 0;
                    for (int64_t i = 0; i < depth; ++i) sum += tmp[size_t(i)];
                    for (int64_t i = 0; i < depth; ++i) dst[i] = T(tmp[size_t(i)] / sum);
                }
            }
        });
        return Status::OK();
    });
}

Status evalSoftmax(KernelContext& ctx) { return evalSoftmaxImpl<false>(ctx); }
Status evalLogSoftmax(KernelContext& ctx) { return evalSoftmaxImpl<true>(ctx); }

}  // namespace

void registerSoftmax(KernelList& list) {
    static const KernelDef defs[] = {{"Softmax", evalSoftmax}, {"LogSoftmax", evalLogSoftmax}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
