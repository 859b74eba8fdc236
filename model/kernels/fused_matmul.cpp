// _FusedMatMul: MatMul of inputs 0 and 1 (transpose_a / transpose_b) followed by the per-column ops
// in `fused_ops` (BiasAdd, FusedBatchNorm in inference form, Add, Relu/Relu6) on args 2..; float only.
// TF's grappler remapper makes this op, and so does tfscope's fusion pass (model/exec/fusion.cpp).
#include "model/kernels/fused_epilogue.h"
#include "model/kernels/matmul.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalFusedMatMul(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(const Tensor* b, inputOf(ctx, 1));
    if (b->rank() != 2) return ctx.error("Inputs must be 2-D, got b shape '" + shapeToString(b->shape()) + "'.");
    const int64_t n = b->dim(ctx.attrBool("transpose_b", false) ? 0 : 1);
    TFS_ASSIGN_OR_RETURN(FusedEpilogue fused, FusedEpilogue::fromNode(ctx, 2, n));
    const GemmEpilogue ep = fused.epilogue();
    return computeMatMul(ctx, &ep, fused.residual);
}

}  // namespace

void registerFusedMatMul(KernelList& list) {
    static const KernelDef def{"_FusedMatMul", evalFusedMatMul};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
