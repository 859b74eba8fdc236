// SparseSegmentSum, SparseSegmentMean, SparseSegmentSqrtN: one op with three combiners
// (embedding_lookup_sparse).
#include <cmath>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

enum class Combine { Sum, Mean, SqrtN };

// SparseSegment{Sum,Mean,SqrtN}(data, indices, segment_ids): out[seg[i]] += data[indices[i]];
// segment ids sorted, the output has last id + 1 rows (empty segments are zeros).
template <Combine K>
Status evalSparseSegment(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* data, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* idxT, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* segT, inputOf(ctx, 2));
    if (data->rank() < 1) return ctx.error("data must be at least rank 1.");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> idx, indexValues(ctx, *idxT, "indices"));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> seg, indexValues(ctx, *segT, "segment_ids"));
    if (idx.size() != seg.size()) return ctx.error("segment_ids and indices should have the same size.");
    for (size_t i = 1; i < seg.size(); ++i)
        if (seg[i] < seg[i - 1]) return ctx.error("segment ids are not increasing.");
    const int64_t segments = seg.empty() ? 0 : seg.back() + 1;
    if (!seg.empty() && seg.front() < 0) return ctx.error("segment ids must be >= 0.");
    Shape outShape{segments};
    outShape.insert(outShape.end(), data->shape().begin() + 1, data->shape().end());
    const int64_t inner = data->dim(0) == 0 ? 0 : data->numElements() / data->dim(0);
    return dispatch(FloatTypes{}, ctx, data->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = ComputeType<T>;
        TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutput(0, data->dtype(), outShape));
        std::vector<C> acc(size_t(segments * inner), C(0));
        std::vector<int64_t> count(size_t(segments), 0);
        const T* in = dataOf<T>(*data);
        for (size_t i = 0; i < idx.size(); ++i) {
            if (idx[i] < 0 || idx[i] >= data->dim(0))
                return ctx.error("Bad: indices[" + std::to_string(i) + "] == " + std::to_string(idx[i]) + " out of range [0, " + std::to_string(data->dim(0)) + ").");
            C* dst = acc.data() + seg[i] * inner;
            const T* src = in + idx[i] * inner;
            for (int64_t j = 0; j < inner; ++j) dst[j] += C(src[j]);
            ++count[size_t(seg[i])];
        }
        T* po = mutableDataOf<T>(*out);
        for (int64_t s = 0; s < segments; ++s) {
            C scale = C(1);
            if constexpr (K == Combine::Mean) scale = count[size_t(s)] > 0 ? C(1) / C(count[size_t(s)]) : C(1);
            if constexpr (K == Combine::SqrtN) scale = count[size_t(s)] > 0 ? C(1) / C(std::sqrt(double(count[size_t(s)]))) : C(1);
            for (int64_t j = 0; j < inner; ++j) po[s * inner + j] = T(acc[size_t(s * inner + j)] * scale);
        }
        return Status::OK();
    });
}

}  // namespace

void registerSparseSegment(KernelList& list) {
    static const KernelDef defs[] = {
        {"SparseSegmentSum", evalSparseSegment<Combine::Sum>},
        {"SparseSegmentMean", evalSparseSegment<Combine::Mean>},
        {"SparseSegmentSqrtN", evalSparseSegment<Combine::SqrtN>},
    };
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
