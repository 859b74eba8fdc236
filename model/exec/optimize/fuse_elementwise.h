#pragma once
// Elementwise chain fusion: a run of float elementwise ops, each reading the one before it and
// read by nothing else (a GELU written as x * 0.5 * (1 + erf(x / sqrt 2)), a layer norm's
// (x - mean) * rsqrt(var + eps) * gamma + beta), becomes one _FusedElementwise node
// (model/kernels/fused_elementwise.cpp) that takes each block of elements through every step while
// it is in cache. Runs after kernel fusion (fusion.h), on what that left alone.
//
// First, graphs: where branches of elementwise ops meet again (Keras 3's GELU, 0.5 * x times
// 1 + erf(x * c); a layer norm's gamma * rsqrt(var + eps) read by both its scale and its shift),
// a root whose value leaves the group and every elementwise node whose readers are all in the group
// become one _FusedElementwise node in its graph form. Then chains, on what is left.
//
//   int chains = fuseElementwiseChains(nodes, returns, &owned, &absorbed);
//
// Ops: Neg Square Sqrt Rsqrt Exp Erf Tanh Sigmoid (unary), Add AddV2 Sub Mul RealDiv
// SquaredDifference Maximum Minimum (binary: the chain's value either operand, the other any
// tensor), and BiasAdd (channels last) on values from outside: a chain's first step (a Dense
// layer's bias before its activation or residual Add), or a graph member reading no other member. Chains of at least two ops. Like fusion.h, the chain's last node takes the fused op
// under its own name and the earlier ones stay, marked absorbed, for fetches; a run that feeds one
// uses the unfused graph.

#include "model/exec/graph_rewrite.h"

namespace tfscope::exec {

// `absorbed` must have one entry per node; nodes already absorbed are left alone, and the chains'
// earlier nodes are marked. Returns the number of chains fused.
int fuseElementwiseChains(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns,
                          OwnedNodeDefs* owned, std::vector<char>* absorbed);

// This pass's own switch (under the optimizer's, optimize.h), on by default;
// TFSCOPE_FUSE_ELEMENTWISE=0 in the environment turns it off. Thread-safe.
bool elementwiseFusionEnabled();
void setElementwiseFusionEnabled(bool enabled);

}  // namespace tfscope::exec
