// TopKV2 (input, k; attr sorted): the k largest entries of the last dim, values and int32
// indices, ties broken by the lower index (TF's stable order).
#include <algorithm>
#include <numeric>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalTopK(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* kt, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(int64_t k, indexScalar(ctx, *kt, "k"));
    if (k < 0) return ctx.error("Need k >= 0, got " + std::to_string(k) + ".");
    if (x->rank() < 1) return ctx.error("input must be at least 1-D, got shape '" + shapeToString(x->shape()) + "'.");
    const int64_t n = x->dim(x->rank() - 1);
    if (n < k) return ctx.error("input must have at least k columns. Had " + std::to_string(n) + ", needed " + std::to_string(k) + ".");
    Shape outShape = x->shape();
    outShape.back() = k;
    const DType indexType = ctx.attrType("index_type", DType::Int32);
    return dispatch(RealTypes{}, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = ComputeType<T>;
        TFS_ASSIGN_OR_RETURN(Tensor* values, ctx.allocateOutput(0, x->dtype(), outShape));
        TFS_ASSIGN_OR_RETURN(Tensor* indices, ctx.allocateOutput(1, indexType, outShape));
        const int64_t rows = n == 0 ? 0 : x->numElements() / n;
        const T* in = dataOf<T>(*x);
        T* pv = mutableDataOf<T>(*values);
        std::vector<int64_t> order(static_cast<size_t>(n));
        for (int64_t r = 0; r < rows; ++r) {
            const T* row = in + r * n;
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(), [row](int64_t a, int64_t b) { return C(row[a]) > C(row[b]); });
            for (int64_t j = 0; j < k; ++j) {
                pv[r * k + j] = row[order[size_t(j)]];
                if (indexType == DType::Int64) mutableDataOf<int64_t>(*indices)[r * k + j] = order[size_t(j)];
                else mutableDataOf<int32_t>(*indices)[r * k + j] = int32_t(order[size_t(j)]);
            }
        }
        return Status::OK();
    });
}

}  // namespace

void registerTopK(KernelList& list) {
    static const KernelDef def{"TopKV2", evalTopK};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
