// SparseFillEmptyRows: gives every empty row of a sparse tensor one default entry.
#include <algorithm>

#include "model/kernels/registry.h"
#include "model/kernels/sparse_util.h"

namespace tfscope::kernels {
namespace {

// SparseFillEmptyRows(indices [N, R], values [N], dense_shape [R], default_value): entries grouped
// by row (in input order within a row), each empty row gets (row, 0, ...) = default_value.
Status evalSparseFillEmptyRows(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 4));
    TFS_ASSIGN_OR_RETURN(const Tensor* idx, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* values, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* dflt, inputOf(ctx, 3));
    TFS_RETURN_IF_ERROR(checkCopyable(ctx, values->dtype()));
    TFS_ASSIGN_OR_RETURN(Shape dense, indexValues(ctx, *shapeT, "dense_shape"));
    if (dense.empty()) return ctx.error("dense_shape must not be empty.");
    if (idx->rank() != 2 || idx->dim(1) != int64_t(dense.size()) || values->rank() != 1 || values->dim(0) != idx->dim(0))
        return ctx.error("indices " + shapeToString(idx->shape()) + ", values " + shapeToString(values->shape()) + " and dense_shape " +
                         shapeToString(dense) + " do not fit together.");
    if (dflt->numElements() != 1 || dflt->dtype() != values->dtype()) return ctx.error("default_value must be a scalar of the values' dtype.");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> in, indexValues(ctx, *idx, "indices"));
    const int64_t n = idx->dim(0), r = idx->dim(1), rows = dense[0];
    std::vector<std::vector<int64_t>> byRow(size_t(std::max<int64_t>(rows, 0)));
    for (int64_t i = 0; i < n; ++i) {
        const int64_t row = in[size_t(i * r)];
        if (row < 0 || row >= rows) return ctx.error("indices(" + std::to_string(i) + ", 0) is invalid: " + std::to_string(row) + " >= " + std::to_string(rows) + ".");
        byRow[size_t(row)].push_back(i);
    }
    int64_t total = n;
    for (const auto& entries : byRow) total += entries.empty() ? 1 : 0;
    TFS_ASSIGN_OR_RETURN(Tensor * outIdx, ctx.allocateOutput(0, DType::Int64, {total, r}));
    TFS_ASSIGN_OR_RETURN(Tensor * outValues, ctx.allocateOutput(1, values->dtype(), {total}));
    TFS_ASSIGN_OR_RETURN(Tensor * empty, ctx.allocateOutput(2, DType::Bool, {rows}));
    TFS_ASSIGN_OR_RETURN(Tensor * reverse, ctx.allocateOutput(3, DType::Int64, {n}));
    int64_t* pi = mutableDataOf<int64_t>(*outIdx);
    bool* pe = mutableDataOf<bool>(*empty);
    int64_t* pr = mutableDataOf<int64_t>(*reverse);
    int64_t k = 0;
    for (int64_t row = 0; row < rows; ++row) {
        const auto& entries = byRow[size_t(row)];
        pe[row] = entries.empty();
        if (entries.empty()) {
            pi[k * r] = row;
            for (int64_t d = 1; d < r; ++d) pi[k * r + d] = 0;
            copyElement(*dflt, 0, *outValues, k++);
            continue;
        }
        for (int64_t i : entries) {
            for (int64_t d = 0; d < r; ++d) pi[k * r + d] = in[size_t(i * r + d)];
            copyElement(*values, i, *outValues, k);
            pr[i] = k++;
        }
    }
    return Status::OK();
}

}  // namespace

void registerSparseFillEmptyRows(KernelList& list) {
    static const KernelDef defs[] = {{"SparseFillEmptyRows", evalSparseFillEmptyRows}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
