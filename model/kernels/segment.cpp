// UnsortedSegmentSum / Prod / Max / Min (data, segment_ids, num_segments) and DynamicStitch
// (indices..., data...). Negative segment ids are dropped, as in TF; ids >= num_segments are an error.
#include <limits>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

enum class Seg { Sum, Prod, Max, Min };

template <Seg K>
Status evalSegmentImpl(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* data, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* ids, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* ns, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(int64_t num, indexScalar(ctx, *ns, "num_segments"));
    if (num < 0) return ctx.error("num_segments must be non-negative, got " + std::to_string(num) + ".");
    bool prefix = ids->rank() <= data->rank();
    for (int d = 0; prefix && d < ids->rank(); ++d) prefix = ids->dim(d) == data->dim(d);
    if (!prefix)
        return ctx.error("data.shape = '" + shapeToString(data->shape()) + "' does not start with segment_ids.shape = '" +
                         shapeToString(ids->shape()) + "'.");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> seg, indexValues(ctx, *ids, "segment_ids"));
    for (int64_t s : seg)
        if (s >= num) return ctx.error("segment_ids value " + std::to_string(s) + " is out of range [0, " + std::to_string(num) + ").");
    Shape outShape{num};
    outShape.insert(outShape.end(), data->shape().begin() + ids->rank(), data->shape().end());
    int64_t inner = 1;
    for (int d = ids->rank(); d < data->rank(); ++d) inner *= data->dim(d);
    using SegTypes = std::conditional_t<K == Seg::Max || K == Seg::Min, RealTypes, NumberTypes>;
    return dispatch(SegTypes{}, ctx, data->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = ComputeType<T>;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, data->dtype(), outShape));
        C init;
        if constexpr (K == Seg::Sum) init = C(0);
        else if constexpr (K == Seg::Prod) init = C(1);
        else if constexpr (K == Seg::Max) init = std::numeric_limits<C>::lowest();
        else init = std::numeric_limits<C>::max();
        std::vector<C> acc(size_t(num * inner), init);
        const T* in = dataOf<T>(*data);
        for (size_t i = 0; i < seg.size(); ++i) {
            if (seg[i] < 0) continue;
            C* dst = acc.data() + seg[i] * inner;
            const T* src = in + int64_t(i) * inner;
            for (int64_t j = 0; j < inner; ++j) {
                const C v = C(src[j]);
                if constexpr (K == Seg::Sum) dst[j] = C(dst[j] + v);
                else if constexpr (K == Seg::Prod) dst[j] = C(dst[j] * v);
                else if constexpr (K == Seg::Max) dst[j] = v > dst[j] ? v : dst[j];
                else dst[j] = v < dst[j] ? v : dst[j];
            }
        }
        T* po = mutableDataOf<T>(*out);
        for (size_t i = 0; i < acc.size(); ++i) po[i] = T(acc[i]);
        return Status::OK();
    });
}

Status evalDynamicStitch(KernelContext& ctx) {
    const int n = ctx.numInputs() / 2;
    if (n < 1 || ctx.numInputs() != 2 * n) return ctx.error("Expected N indices and N data inputs, got " + std::to_string(ctx.numInputs()) + " inputs.");
    std::vector<std::vector<int64_t>> idx(static_cast<size_t>(n));
    std::vector<const Tensor*> data(static_cast<size_t>(n));
    int64_t maxIndex = -1;
    Shape inner;
    for (int i = 0; i < n; ++i) {
        TFS_ASSIGN_OR_RETURN(const Tensor* it, inputOf(ctx, i));
        TFS_ASSIGN_OR_RETURN(data[size_t(i)], inputOf(ctx, n + i));
        TFS_ASSIGN_OR_RETURN(idx[size_t(i)], indexValues(ctx, *it, "indices"));
        const Tensor& d = *data[size_t(i)];
        bool prefix = it->rank() <= d.rank();
        for (int k = 0; prefix && k < it->rank(); ++k) prefix = it->dim(k) == d.dim(k);
        if (!prefix) return ctx.error("data[" + std::to_string(i) + "].shape = '" + shapeToString(d.shape()) +
                                      "' does not start with indices[" + std::to_string(i) + "].shape = '" + shapeToString(it->shape()) + "'.");
        Shape tail(d.shape().begin() + it->rank(), d.shape().end());
        if (i == 0) inner = tail;
        else if (tail != inner) return ctx.error("Inconsistent data element shapes '" + shapeToString(inner) + "' and '" + shapeToString(tail) + "'.");
        TFS_RETURN_IF_ERROR(checkSameDType(ctx, *data[0], d));
        for (int64_t v : idx[size_t(i)]) {
            if (v < 0) return ctx.error("indices[" + std::to_string(i) + "] contains a negative index " + std::to_string(v) + ".");
            maxIndex = std::max(maxIndex, v);
        }
    }
    Shape outShape{maxIndex + 1};
    outShape.insert(outShape.end(), inner.begin(), inner.end());
    const int64_t innerSize = shapeNumElements(inner);
    return dispatchCopy(ctx, data[0]->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, data[0]->dtype(), outShape));
        T* po = mutableDataOf<T>(*out);
        for (int i = 0; i < n; ++i) {
            const T* src = dataOf<T>(*data[size_t(i)]);
            for (size_t k = 0; k < idx[size_t(i)].size(); ++k)
                std::copy(src + int64_t(k) * innerSize, src + int64_t(k + 1) * innerSize, po + idx[size_t(i)][k] * innerSize);
        }
        return Status::OK();
    });
}

Status evalSum(KernelContext& ctx) { return evalSegmentImpl<Seg::Sum>(ctx); }
Status evalProd(KernelContext& ctx) { return evalSegmentImpl<Seg::Prod>(ctx); }
Status evalMax(KernelContext& ctx) { return evalSegmentImpl<Seg::Max>(ctx); }
Status evalMin(KernelContext& ctx) { return evalSegmentImpl<Seg::Min>(ctx); }

}  // namespace

void registerSegment(KernelList& list) {
    static const KernelDef defs[] = {
        {"UnsortedSegmentSum", evalSum}, {"UnsortedSegmentProd", evalProd}, {"UnsortedSegmentMax", evalMax},
        {"UnsortedSegmentMin", evalMin}, {"DynamicStitch", evalDynamicStitch}, {"ParallelDynamicStitch", evalDynamicStitch}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
