#pragma once
// Conv2D's computation, shared by the Conv2D kernel and the fused _FusedConv2D kernel.
//
//   TFS_RETURN_IF_ERROR(computeConv2D(ctx, nullptr));    // plain Conv2D of inputs 0 and 1
//   TFS_RETURN_IF_ERROR(computeConv2D(ctx, &epilogue));  // + bias / batch norm / Relu per channel

#include "model/kernels/gemm_epilogue.h"
#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

// Convolves input 0 (NHWC or NCHW per `data_format`) with filter input 1 using the node's
// strides, padding, explicit_paddings and dilations, and writes output 0. `ep` (float only; other
// dtypes get an error) is applied to every output element, by output channel. Not owned.
// `residual` (with `ep`, float only): added after ep's batch norm and before its activation, in the
// GEMM's epilogue when it has the NHWC output's shape, else with broadcasting afterwards.
// `residualInput`: the node input that `residual` is. When the node holds the only handle to it and
// the packed GEMM sums each output element in one pass, the output is written over it (each tile
// reads its residual lines before it writes them): no second output buffer to fill from memory.
Status computeConv2D(KernelContext& ctx, const GemmEpilogue* ep, const Tensor* residual = nullptr, int residualInput = -1);

}  // namespace tfscope::kernels
