// SparseReshape: the indices of a sparse tensor in a new dense shape (one -1 dim inferred).
#include <algorithm>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

// SparseReshape(input_indices [N, R], input_shape [R], new_shape [R'] with at most one -1).
Status evalSparseReshape(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* idx, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* inShapeT, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* newShapeT, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(Shape inShape, indexValues(ctx, *inShapeT, "input_shape"));
    TFS_ASSIGN_OR_RETURN(Shape newShape, indexValues(ctx, *newShapeT, "new_shape"));
    if (idx->rank() != 2 || idx->dim(1) != int64_t(inShape.size()))
        return ctx.error("Input indices " + shapeToString(idx->shape()) + " do not fit input_shape of rank " + std::to_string(inShape.size()) + ".");
    int64_t dense = 1, known = 1, unknownAt = -1;
    for (int64_t d : inShape) dense *= d;
    for (size_t i = 0; i < newShape.size(); ++i) {
        if (newShape[i] == -1) {
            if (unknownAt >= 0) return ctx.error("At most one output dimension may be -1.");
            unknownAt = int64_t(i);
        } else if (newShape[i] < 0) {
            return ctx.error("Size " + std::to_string(i) + " must be non-negative, not " + std::to_string(newShape[i]) + ".");
        } else {
            known *= newShape[i];
        }
    }
    if (unknownAt >= 0) {
        if (known == 0 || dense % known != 0) return ctx.error("Input to reshape is a SparseTensor with " + std::to_string(dense) + " dense values, which cannot fit " + shapeToString(newShape) + ".");
        newShape[size_t(unknownAt)] = dense / known;
    } else if (known != dense) {
        return ctx.error("Input to reshape is a tensor with " + std::to_string(dense) + " dense values, but the requested shape has " + std::to_string(known) + ".");
    }
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> in, indexValues(ctx, *idx, "input_indices"));
    const int64_t n = idx->dim(0), r = idx->dim(1), r2 = int64_t(newShape.size());
    TFS_ASSIGN_OR_RETURN(Tensor * outIdx, ctx.allocateOutput(0, DType::Int64, {n, r2}));
    int64_t* po = mutableDataOf<int64_t>(*outIdx);
    for (int64_t i = 0; i < n; ++i) {
        int64_t linear = 0;
        for (int64_t d = 0; d < r; ++d) linear = linear * inShape[size_t(d)] + in[size_t(i * r + d)];
        for (int64_t d = r2 - 1; d >= 0; --d) {
            const int64_t size = newShape[size_t(d)];
            po[i * r2 + d] = size == 0 ? 0 : linear % size;
            linear = size == 0 ? 0 : linear / size;
        }
    }
    TFS_ASSIGN_OR_RETURN(Tensor * outShape, ctx.allocateOutput(1, DType::Int64, {r2}));
    std::copy(newShape.begin(), newShape.end(), mutableDataOf<int64_t>(*outShape));
    return Status::OK();
}

}  // namespace

void registerSparseReshape(KernelList& list) {
    static const KernelDef defs[] = {{"SparseReshape", evalSparseReshape}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
