#pragma once
// What a fused GEMM does to each output element once its sum is complete, per output column j
// (the channel): TF's Conv2D/MatMul + BiasAdd + FusedBatchNorm (inference) + Relu/Relu6 chain,
// applied while the tile is still in cache instead of as three more passes over memory.
//
//   GemmEpilogue ep;
//   ep.bias = biasData;                       // v += bias[j]
//   ep.act = GemmActivation::Relu;            // v = max(v, 0), NaN stays NaN
//   applyEpilogue(ep, c, rows, cols, ldc, 0); // the plain-loop form, for GEMMs without it built in
//
// Order, as the unfused kernels compute it: v = c; v += bias[j]; v = v * scale[j] + shift[j] (batch
// norm with scale = gamma / sqrt(variance + epsilon), shift = beta - mean * scale, as
// fused_batch_norm.cpp computes them); v += the residual's element (a ResNet block's shortcut,
// same shape as the output); then the activation.

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tfscope::kernels {

enum class GemmActivation { None, Relu, Relu6 };

struct GemmEpilogue {
    const float* bias = nullptr;    // [cols] or null
    const float* scale = nullptr;   // scale and shift: both [cols], or both null
    const float* shift = nullptr;
    GemmActivation act = GemmActivation::None;
    // The element at address q of the output `out` adds residual[q - out] (same layout as the
    // output). Both null, or both set.
    const float* residual = nullptr;
    const float* out = nullptr;

    bool empty() const { return !bias && !scale && !residual && act == GemmActivation::None; }
};

// One element of column j, stored at `at` in the output (needed only with a residual); the packed
// GEMM (sgemm.cpp) follows the same order, with v * scale + shift as one fused multiply-add.
inline float epilogueValue(const GemmEpilogue& ep, float v, int64_t j, const float* at = nullptr) {
    if (ep.bias) v += ep.bias[j];
    if (ep.scale) v = v * ep.scale[j] + ep.shift[j];
    if (ep.residual) v += ep.residual[at - ep.out];
    switch (ep.act) {
    case GemmActivation::Relu: return std::isnan(v) ? v : std::max(v, 0.0f);
    case GemmActivation::Relu6: return std::isnan(v) ? v : std::min(std::max(v, 0.0f), 6.0f);
    case GemmActivation::None: break;
    }
    return v;
}

// Applies `ep` to rows x cols of c (row stride ldc) whose first column is column j0 of the output.
inline void applyEpilogue(const GemmEpilogue& ep, float* c, int64_t rows, int64_t cols, int64_t ldc, int64_t j0) {
    if (ep.empty()) return;
    for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) c[i * ldc + j] = epilogueValue(ep, c[i * ldc + j], j0 + j, c + i * ldc + j);
}

}  // namespace tfscope::kernels
