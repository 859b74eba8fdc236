// SparseToDense: scatters a sparse tensor's values into a dense tensor filled with a default.
#include "model/kernels/registry.h"
#include "model/kernels/sparse_util.h"

namespace tfscope::kernels {
namespace {

// SparseToDense(sparse_indices [N, R] or [N] or scalar, output_shape [R], sparse_values [N] or scalar, default_value).
Status evalSparseToDense(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 4));
    TFS_ASSIGN_OR_RETURN(const Tensor* idx, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* values, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* dflt, inputOf(ctx, 3));
    TFS_RETURN_IF_ERROR(checkCopyable(ctx, values->dtype()));
    if (dflt->numElements() != 1 || dflt->dtype() != values->dtype()) return ctx.error("default_value should be a scalar of the values' dtype.");
    TFS_ASSIGN_OR_RETURN(Shape shape, indexValues(ctx, *shapeT, "output_shape"));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> flat, indexValues(ctx, *idx, "sparse_indices"));
    const int64_t n = idx->rank() == 0 ? 1 : idx->dim(0);
    const int64_t r = idx->rank() < 2 ? 1 : idx->dim(1);
    if (r != int64_t(shape.size())) return ctx.error("sparse_indices has " + std::to_string(r) + " columns; output_shape has rank " + std::to_string(shape.size()) + ".");
    if (values->numElements() != 1 && values->numElements() != n)
        return ctx.error("sparse_values has " + std::to_string(values->numElements()) + " elements; expected " + std::to_string(n) + " or 1.");
    TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutput(0, values->dtype(), shape));
    for (int64_t i = 0; i < out->numElements(); ++i) copyElement(*dflt, 0, *out, i);
    for (int64_t i = 0; i < n; ++i) {
        int64_t pos = 0;
        for (int64_t d = 0; d < r; ++d) {
            const int64_t v = flat[size_t(i * r + d)];
            if (v < 0 || v >= shape[size_t(d)])
                return ctx.error("indices[" + std::to_string(i) + "] is out of bounds: index " + std::to_string(v) + " in dimension " + std::to_string(d) + " of size " + std::to_string(shape[size_t(d)]) + ".");
            pos = pos * shape[size_t(d)] + v;
        }
        copyElement(*values, values->numElements() == 1 ? 0 : i, *out, pos);
    }
    return Status::OK();
}

}  // namespace

void registerSparseToDense(KernelList& list) {
    static const KernelDef defs[] = {{"SparseToDense", evalSparseToDense}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
