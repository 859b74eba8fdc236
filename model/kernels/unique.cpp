// Unique (x; attr out_idx int32/int64): the distinct values of a vector in first-seen order and,
// for each element, the index of its value in that list. L2Loss: sum(x^2) / 2.
#include <map>
#include <unordered_map>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

struct Bytes16Less {
    bool operator()(const Bytes16& a, const Bytes16& b) const { return a.lo != b.lo ? a.lo < b.lo : a.hi < b.hi; }
};

Status evalUnique(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    if (x->rank() != 1) return ctx.error("unique expects a 1D vector, got shape '" + shapeToString(x->shape()) + "'.");
    const DType idxType = ctx.attrType("out_idx", DType::Int32);
    if (idxType != DType::Int32 && idxType != DType::Int64) return ctx.error("out_idx must be int32 or int64.");
    // Floats compare by bit pattern here; TF compares values (differs only for -0.0 and NaN).
    return dispatchCopy(ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        const T* p = dataOf<T>(*x);
        const int64_t n = x->numElements();
        std::vector<int64_t> idx(static_cast<size_t>(n));
        std::vector<T> values;
        using Map = std::conditional_t<std::is_same_v<T, Bytes16>, std::map<T, int64_t, Bytes16Less>, std::unordered_map<T, int64_t>>;
        Map seen;
        for (int64_t i = 0; i < n; ++i) {
            auto [it, inserted] = seen.emplace(p[i], int64_t(values.size()));
            if (inserted) values.push_back(p[i]);
            idx[size_t(i)] = it->second;
        }
        TFS_ASSIGN_OR_RETURN(Tensor* y, ctx.allocateOutput(0, x->dtype(), {int64_t(values.size())}));
        std::copy(values.begin(), values.end(), mutableDataOf<T>(*y));
        TFS_ASSIGN_OR_RETURN(Tensor* outIdx, ctx.allocateOutput(1, idxType, {n}));
        for (int64_t i = 0; i < n; ++i) {
            if (idxType == DType::Int32) mutableDataOf<int32_t>(*outIdx)[i] = int32_t(idx[size_t(i)]);
            else mutableDataOf<int64_t>(*outIdx)[i] = idx[size_t(i)];
        }
        return Status::OK();
    });
}

Status evalL2Loss(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    return dispatch(FloatTypes{}, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
        const T* p = dataOf<T>(*x);
        C sum = 0;
        for (int64_t i = 0; i < x->numElements(); ++i) sum += C(p[i]) * C(p[i]);
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, x->dtype(), {}));
        mutableDataOf<T>(*out)[0] = T(sum / C(2));
        return Status::OK();
    });
}

}  // namespace

void registerUnique(KernelList& list) {
    static const KernelDef defs[] = {{"Unique", evalUnique}, {"L2Loss", evalL2Loss}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
