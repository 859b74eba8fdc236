// GatherV2 (params, indices, axis; attr batch_dims), Gather (axis 0) and GatherNd. Indices out of
// range are an error, as in TF on CPU.
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status gatherImpl(KernelContext& ctx, const Tensor& params, const Tensor& indices, int64_t axisValue, int64_t batchDims) {
    if (batchDims < 0) batchDims += indices.rank();
    if (batchDims < 0 || batchDims > indices.rank())
        return ctx.error("batch_dims must be in [-" + std::to_string(indices.rank()) + ", " + std::to_string(indices.rank()) + "].");
    if (params.rank() < 1) return ctx.error("params must be at least 1 dimensional.");
    TFS_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, axisValue, params.rank()));
    if (batchDims > axis) return ctx.error("batch_dims (" + std::to_string(batchDims) + ") must be less than or equal to axis (" + std::to_string(axis) + ").");
    for (int d = 0; d < batchDims; ++d)
        if (params.dim(d) != indices.dim(d))
            return ctx.error("params.shape[" + std::to_string(d) + "] and indices.shape[" + std::to_string(d) + "] must match for batch_dims, got '" +
                             shapeToString(params.shape()) + "' and '" + shapeToString(indices.shape()) + "'.");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> idx, indexValues(ctx, indices, "indices"));
    int64_t batch = 1, outer = 1, inner = 1, k = 1;
    for (int d = 0; d < batchDims; ++d) batch *= params.dim(d);
    for (int d = int(batchDims); d < axis; ++d) outer *= params.dim(d);
    for (int d = axis + 1; d < params.rank(); ++d) inner *= params.dim(d);
    for (int d = int(batchDims); d < indices.rank(); ++d) k *= indices.dim(d);
    const int64_t n = params.dim(axis);
    for (size_t i = 0; i < idx.size(); ++i)
        if (idx[i] < 0 || idx[i] >= n)
            return ctx.error("indices[" + std::to_string(i) + "] = " + std::to_string(idx[i]) + " is not in [0, " + std::to_string(n) + ").");
    Shape outShape(params.shape().begin(), params.shape().begin() + axis);
    outShape.insert(outShape.end(), indices.shape().begin() + batchDims, indices.shape().end());
    outShape.insert(outShape.end(), params.shape().begin() + axis + 1, params.shape().end());
    return dispatchCopy(ctx, params.dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, params.dtype(), outShape));
        if (out->numElements() == 0) return Status::OK();
        const T* in = dataOf<T>(params);
        T* po = mutableDataOf<T>(*out);
        // out[b, o, j, :] = params[b, o, idx[b, j], :]
        parallelFor(ctx, batch * outer * k, double(inner), [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                const int64_t j = r % k, bo = r / k, b = bo / outer;
                const T* src = in + (bo * n + idx[size_t(b * k + j)]) * inner;
                std::copy(src, src + inner, po + r * inner);
            }
        });
        return Status::OK();
    });
}

Status evalGatherV2(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* params, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* indices, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* axis, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(int64_t a, indexScalar(ctx, *axis, "axis"));
    return gatherImpl(ctx, *params, *indices, a, ctx.attrInt("batch_dims", 0));
}

Status evalGather(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* params, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* indices, inputOf(ctx, 1));
    return gatherImpl(ctx, *params, *indices, 0, 0);
}

Status evalGatherNd(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* params, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* indices, inputOf(ctx, 1));
    if (indices->rank() < 1) return ctx.error("indices must be at least a vector, got shape '" + shapeToString(indices->shape()) + "'.");
    const int64_t m = indices->dim(indices->rank() - 1);
    if (m > params->rank())
        return ctx.error("index innermost dimension length must be <= params rank; saw: " + std::to_string(m) + " vs. " +
                         std::to_string(params->rank()) + ".");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> idx, indexValues(ctx, *indices, "indices"));
    Shape outShape(indices->shape().begin(), indices->shape().end() - 1);
    outShape.insert(outShape.end(), params->shape().begin() + m, params->shape().end());
    int64_t inner = 1;
    for (int d = int(m); d < params->rank(); ++d) inner *= params->dim(d);
    const int64_t count = m == 0 ? shapeNumElements(outShape) / std::max<int64_t>(inner, 1) : int64_t(idx.size()) / m;
    std::vector<int64_t> offsets(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) {
        int64_t off = 0;
        for (int64_t j = 0; j < m; ++j) {
            const int64_t v = idx[size_t(i * m + j)];
            if (v < 0 || v >= params->dim(int(j))) {
                std::string where;
                for (int64_t q = 0; q < m; ++q) where += (q ? ", " : "") + std::to_string(idx[size_t(i * m + q)]);
                return ctx.error("indices[" + std::to_string(i) + "] = [" + where + "] does not index into param shape '" +
                                 shapeToString(params->shape()) + "'.");
            }
            off = off * params->dim(int(j)) + v;
        }
        offsets[size_t(i)] = off * inner;
    }
    return dispatchCopy(ctx, params->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, params->dtype(), outShape));
        if (out->numElements() == 0) return Status::OK();
        const T* in = dataOf<T>(*params);
        T* po = mutableDataOf<T>(*out);
        for (int64_t i = 0; i < count; ++i) std::copy(in + offsets[size_t(i)], in + offsets[size_t(i)] + inner, po + i * inner);
        return Status::OK();
    });
}

}  // namespace

void registerGather(KernelList& list) {
    static const KernelDef defs[] = {{"GatherV2", evalGatherV2}, {"Gather", evalGather}, {"GatherNd", evalGatherNd}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
