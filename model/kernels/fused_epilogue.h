#pragma once
// The `fused_ops` / args of TF's _FusedConv2D and _FusedMatMul turned into a GemmEpilogue.
//
//   TFS_ASSIGN_OR_RETURN(FusedEpilogue fused, FusedEpilogue::fromNode(ctx, 2, channels));
//   const GemmEpilogue ep = fused.epilogue();
//   computeConv2D(ctx, &ep);
//
// fused_ops is, in this order, an optional "BiasAdd" (one arg: bias [C]), an optional
// "FusedBatchNorm" (four args: scale, offset, mean, variance [C], attr epsilon; inference form),
// an optional "Add" (one arg: the addend, e.g. a ResNet block's shortcut; see `residual`), and an
// optional "Relu" or "Relu6". TF's remapper emits {BiasAdd}, {BiasAdd, Relu},
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
    // The "Add" arg. The GEMM adds it in its epilogue when it has the output's shape (and the
    // output is NHWC / row-major); otherwise the kernel adds it with broadcasting afterwards
    // (addResidual), then applies `act`. epilogue() leaves it out.
    const Tensor* residual = nullptr;
    int residualInput = -1;  // its input index

    // Valid while this object and the node's inputs live.
    GemmEpilogue epilogue() const;

    // Reads fused_ops, epsilon and the float args starting at input `firstArg`, each of length
    // `channels`. Errors name the unsupported op sequence or the mismatching arg.
    static Result<FusedEpilogue> fromNode(KernelContext& ctx, int firstArg, int64_t channels);
};

// Output 0 = act(product + residual) with numpy broadcasting, like Add then Relu/Relu6; `product` is
// the fused product so far (it may be the current output 0: it is copied, not referenced).
Status addResidual(KernelContext& ctx, Tensor product, const Tensor& residual, GemmActivation act);

}  // namespace tfscope::kernels
