// UpperBound / LowerBound (tf.searchsorted): positions of values in sorted rows, for bucketizing.
#include <algorithm>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

// UpperBound / LowerBound(sorted_inputs [B, N], values [B, M]) -> [B, M] positions (out_type).
template <bool kUpper>
Status evalBound(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* sorted, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* values, inputOf(ctx, 1));
    TFS_RETURN_IF_ERROR(checkSameDType(ctx, *sorted, *values));
    if (sorted->rank() != 2 || values->rank() != 2 || sorted->dim(0) != values->dim(0))
        return ctx.error("sorted_inputs " + shapeToString(sorted->shape()) + " and values " + shapeToString(values->shape()) +
                         " must be matrices with the same number of rows.");
    const DType outType = ctx.attrType("out_type", DType::Int32);
    if (outType != DType::Int32 && outType != DType::Int64) return unsupportedType(ctx, outType);
    return dispatch(RealTypes{}, ctx, sorted->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutput(0, outType, values->shape()));
        const int64_t b = sorted->dim(0), n = sorted->dim(1), m = values->dim(1);
        const T* ps = dataOf<T>(*sorted);
        const T* pv = dataOf<T>(*values);
        for (int64_t row = 0; row < b; ++row) {
            const T* first = ps + row * n;
            for (int64_t j = 0; j < m; ++j) {
                const T v = pv[row * m + j];
                const T* at = kUpper ? std::upper_bound(first, first + n, v) : std::lower_bound(first, first + n, v);
                const int64_t pos = at - first;
                if (outType == DType::Int32) mutableDataOf<int32_t>(*out)[row * m + j] = int32_t(pos);
                else mutableDataOf<int64_t>(*out)[row * m + j] = pos;
            }
        }
        return Status::OK();
    });
}

}  // namespace

void registerSearchSorted(KernelList& list) {
    static const KernelDef defs[] = {{"UpperBound", evalBound<true>}, {"LowerBound", evalBound<false>}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
