// _FusedConv2D: Conv2D of inputs 0 and 1 followed by the ops in `fused_ops` (BiasAdd,
// FusedBatchNorm in inference form, Add, Relu/Relu6) on args 2..; float only. TF's grappler remapper
// makes this op, and so does tfscope's fusion pass (model/exec/fusion.cpp) when it loads a graph.
#include "model/kernels/conv2d.h"
#include "model/kernels/fused_epilogue.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalFusedConv2D(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(const Tensor* filter, inputOf(ctx, 1));
    if (filter->rank() != 4) return ctx.error("filter must be 4-dimensional, got shape '" + shapeToString(filter->shape()) + "'.");
    TFS_ASSIGN_OR_RETURN(FusedEpilogue fused, FusedEpilogue::fromNode(ctx, 2, filter->dim(3)));
    const GemmEpilogue ep = fused.epilogue();
    return computeConv2D(ctx, &ep, fused.residual, fused.residualInput);
}

}  // namespace

void registerFusedConv2D(KernelList& list) {
    static const KernelDef def{"_FusedConv2D", evalFusedConv2D};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
