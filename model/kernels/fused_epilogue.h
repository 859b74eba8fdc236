#pragma once
// The `fused_ops` / args of TF's _FusedConv2D and _FusedMatMul turned into a GemmEpilogue.
//
//   TFS_ASSIGN_OR_RETURN(FusedEpilogue fused, FusedEpilogue::fromNode(ctx, 2, channels));
//   const GemmEpilogue ep = fused.epilogue();
//   computeConv2D(ctx, &ep);
//
// fused_ops is, in this order, an optional "BiasAdd" (one arg: bias [C]), an optional
// "FusedBatchNorm" (four args: scale, offset, mean, variance [C], attr epsilon; inference form),
// and an optional "Relu" or "Relu6". TF's remapper emits {BiasAdd}, {BiasAdd, Relu},
// {FusedBatchNorm}, {FusedBatchNorm, Relu}...; tfscope's fusion pass may also emit
// {BiasAdd, FusedBatchNorm, Relu} (Keras convolutions with a bias followed by batch norm).

#include <string>
#include <vector>

#include "model/kernels/gemm_epilogue.h"
#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

struct FusedEpilogue {
    const float* bias = nullptr;  // the node's input; not owned
    std::vector<float> scale, shift;
    GemmActivation act = GemmActivation::None;

    // Valid while this object and the node's inputs live.
    GemmEpilogue epilogue() const;

    // Reads fused_ops, epsilon and the float args starting at input `firstArg`, each of length
    // `channels`. Errors name the unsupported op sequence or the mismatching arg.
    static Result<FusedEpilogue> fromNode(KernelContext& ctx, int firstArg, int64_t channels);
};

}  // namespace tfscope::kernels
