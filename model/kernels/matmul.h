#pragma once
// MatMul's computation, shared by the MatMul kernel and the fused _FusedMatMul kernel.
//
//   TFS_RETURN_IF_ERROR(computeMatMul(ctx, nullptr));    // plain MatMul of inputs 0 and 1
//   TFS_RETURN_IF_ERROR(computeMatMul(ctx, &epilogue));  // + bias / batch norm / Relu per column

#include "model/kernels/gemm_epilogue.h"
#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

// Output 0 = op(input 0) x op(input 1) with the node's transpose_a / transpose_b; `ep` (float only;
// other dtypes get an error) is applied to every output element, by column. Not owned.
// `residual` (with `ep`): added with broadcasting after the product and ep's bias, before ep's
// activation (_FusedMatMul's "Add").
Status computeMatMul(KernelContext& ctx, const GemmEpilogue* ep, const Tensor* residual = nullptr);

}  // namespace tfscope::kernels
