// Shape, ShapeN, Size, Rank: metadata of the inputs as int32 (default) or int64 (out_type).
// _TfsTransposedShape(x, perm) (made at load time, model/exec/optimize/transpose_rewrites.h): the
// shape Transpose(x, perm) has, without transposing; perm is checked as Transpose checks it.
#include <limits>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"
#include "model/kernels/transpose.h"

namespace tfscope::kernels {
namespace {

Status writeInts(KernelContext& ctx, int output, DType type, const std::vector<int64_t>& values, bool scalar) {
    Shape shape = scalar ? Shape{} : Shape{int64_t(values.size())};
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(output, type, shape));
    if (type == DType::Int32) {
        int32_t* p = mutableDataOf<int32_t>(*out);
        for (size_t i = 0; i < values.size(); ++i) {
            if (values[i] > std::numeric_limits<int32_t>::max())
                return ctx.error("Value " + std::to_string(values[i]) + " does not fit out_type int32.");
            p[i] = int32_t(values[i]);
        }
    } else if (type == DType::Int64) {
        std::copy(values.begin(), values.end(), mutableDataOf<int64_t>(*out));
    } else {
        return ctx.error("out_type must be int32 or int64, got '" + std::string(dtypeShortName(type)) + "'.");
    }
    return Status::OK();
}

Status evalShape(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    return writeInts(ctx, 0, ctx.attrType("out_type", DType::Int32), x->shape(), false);
}

Status evalTransposedShape(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* p, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(std::vector<int> perm, permutationOf(ctx, *x, *p));
    return writeInts(ctx, 0, ctx.attrType("out_type", DType::Int32), permutedShape(x->shape(), perm), false);
}

Status evalShapeN(KernelContext& ctx) {
    for (int i = 0; i < ctx.numInputs(); ++i) {
        TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, i));
        TFS_RETURN_IF_ERROR(writeInts(ctx, i, ctx.attrType("out_type", DType::Int32), x->shape(), false));
    }
    return Status::OK();
}

Status evalSize(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    return writeInts(ctx, 0, ctx.attrType("out_type", DType::Int32), {x->numElements()}, true);
}

Status evalRank(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    return writeInts(ctx, 0, DType::Int32, {x->rank()}, true);
}

}  // namespace

void registerShapeOps(KernelList& list) {
    static const KernelDef defs[] = {{"Shape", evalShape}, {"_TfsTransposedShape", evalTransposedShape}, {"ShapeN", evalShapeN}, {"Size", evalSize}, {"Rank", evalRank}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
