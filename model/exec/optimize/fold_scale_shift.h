#pragma once
// Load-time folding of a per-channel scale and shift into the product before it, as ONNX Runtime's
// Conv+Mul/Add fusions and TF's grappler do for a decomposed batch normalization (Keras 3 writes
// BatchNormalization as x * (gamma * rsqrt(var + eps)) + (beta - mean * scale)):
//
//   Conv2D | MatMul | DepthwiseConv2dNative (x, W)  ->  [BiasAdd(c)]  ->  Mul(s)  ->  [Add | AddV2 (b) | Sub (b)]
//
// where s and b are inference constants (constantInput() below: Const, variable reads and
// elementwise/reshape ops of them only), becomes
//
//   product'(x, _TfsFoldFilter(W, s))  ->  BiasAdd(_TfsFoldBias(W, s, [b], [c]))
//
// so the activation-sized Mul and Add no longer run, and the kernel fusion that follows
// (fusion.h) sees Conv2D -> BiasAdd [-> Add] [-> Relu] as on FusedBatchNormV3 graphs.
// _TfsFoldFilter keeps W * s between runs (DerivedCache, keyed on W's storage and checked against
// s's values), so the folded filter keeps one storage and is packed for the GEMM once; its bytes
// are computed only when read, so a product that packs it keeps the packing alone.
//
// The chain's last node takes the BiasAdd (same name and index: consumers, fetches and returns are
// unchanged); the product', folded filter and folded bias are new nodes appended after the
// existing ones (the indices of the graph's own nodes do not change). The product, BiasAdd and
// Mul stay in the graph, marked `absorbed`: they run only if something else needs them (a fetch),
// and a run that feeds one must use the unoptimized graph, as for fusion.
//
// s and b must be per channel (one value, or one per output channel with all other dims 1): a
// Const of another shape is not folded; a computed one is checked by the kernels on its values,
// which fail naming the node (and TFSCOPE_OPTIMIZE=0) otherwise.

#include <string>

#include "model/exec/graph_rewrite.h"

namespace tfscope::exec {

// Rewrites `nodes` in place (may append nodes); new NodeDefs go to `owned`; `absorbed` is resized
// to the new node count and the absorbed nodes are set. Returns the number of chains folded.
int foldScaleShift(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns,
                   OwnedNodeDefs* owned, std::vector<char>* absorbed);

// Whether endpoint `e` is an inference constant: computed from Const nodes and variable reads
// alone, through elementwise and reshape ops. `memo` (one entry per node, 0 = unknown, 1 = yes,
// 2 = no) caches the answers across calls.
bool constantInput(const std::vector<ExecNode>& nodes, Endpoint e, std::vector<char>* memo);

}  // namespace tfscope::exec
