// ScatterNd (indices, updates, shape): a zero tensor of `shape` with each update added at its
// index (duplicates add up, as in TF). indices [..., K] address the first K dims of `shape`;
// updates have shape indices.shape[:-1] + shape[K:].
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalScatterNd(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* idx, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* upd, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* shp, inputOf(ctx, 2));
    if (shp->rank() != 1) return ctx.error("shape must be a vector; got shape " + shapeToString(shp->shape()) + ".");
    TFS_ASSIGN_OR_RETURN(Shape shape, indexValues(ctx, *shp, "shape"));
    for (int64_t d : shape)
        if (d < 0) return ctx.error("shape must not have negative dimensions; got " + shapeToString(shape) + ".");
    if (idx->rank() < 1) return ctx.error("indices must be at least a vector; got shape " + shapeToString(idx->shape()) + ".");
    const int64_t k = idx->dim(idx->rank() - 1);
    if (k > int64_t(shape.size()))
        return ctx.error("The last dimension of indices (" + std::to_string(k) + ") must not exceed the rank of shape " + shapeToString(shape) + ".");
    Shape want(idx->shape().begin(), idx->shape().end() - 1);
    want.insert(want.end(), shape.begin() + k, shape.end());
    if (upd->shape() != want)
        return ctx.error("updates must have shape " + shapeToString(want) + " (indices.shape[:-1] + shape[" + std::to_string(k) +
                         ":]); got " + shapeToString(upd->shape()) + ".");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> ix, indexValues(ctx, *idx, "indices"));
    int64_t slice = 1;
    for (size_t d = size_t(k); d < shape.size(); ++d) slice *= shape[d];
    const int64_t n = k == 0 ? (upd->numElements() == 0 ? 0 : upd->numElements() / std::max<int64_t>(slice, 1)) : int64_t(ix.size()) / k;
    using ScatterTypes = decltype(RealTypes{} + ComplexTypes{});
    return dispatch(ScatterTypes{}, ctx, upd->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, upd->dtype(), shape));
        T* po = mutableDataOf<T>(*out);
        const T* pu = dataOf<T>(*upd);
        for (int64_t i = 0; i < n; ++i) {
            int64_t off = 0;
            for (int64_t j = 0; j < k; ++j) {
                const int64_t v = ix[size_t(i * k + j)];
                if (v < 0 || v >= shape[size_t(j)]) {
                    std::string at = "[";
                    for (int64_t m = 0; m < k; ++m) at += (m ? ", " : "") + std::to_string(ix[size_t(i * k + m)]);
                    return ctx.error("indices[" + std::to_string(i) + "] = " + at + "] does not index into shape " + shapeToString(shape) + ".");
                }
                off = off * shape[size_t(j)] + v;
            }
            for (int64_t e = 0; e < slice; ++e) {
                if constexpr (kIsHalfLike<T>) po[off * slice + e] = T(float(po[off * slice + e]) + float(pu[i * slice + e]));
                else po[off * slice + e] = T(po[off * slice + e] + pu[i * slice + e]);
            }
        }
        return Status::OK();
    });
}

}  // namespace

void registerScatterNd(KernelList& list) {
    static const KernelDef def{"ScatterNd", evalScatterNd};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
