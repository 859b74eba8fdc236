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
Status computeConv2D(KernelContext& ctx, const GemmEpilogue* ep);

}  // namespace tfscope::kernels
