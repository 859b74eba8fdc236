#pragma once
// The load-time graph optimizer: passes that rewrite an ExecGraph's nodes before kernel fusion
// (fusion.h). ExecGraph::fromGraphDef/fromFunction run it when they fuse; a graph built without
// fusion (the unfused twin a run that feeds an absorbed node uses) is left as written.
//
//   int rewritten = optimizeGraph(nodes, returns, &owned, &absorbed);
//
// Passes: transpose_rewrites.h (a Transpose undone by the next one; the shape of a Transpose),
// fold_pad.h (zero padding into the convolution or max pooling after it), fold_scale_shift.h (a
// per-channel scale/shift after Conv2D/MatMul/DepthwiseConv2dNative into its weights and bias).

#include "model/exec/graph_rewrite.h"

namespace tfscope::exec {

// Runs every pass. `absorbed` ends with one entry per node (nodes may be appended). Returns the
// number of rewrites.
int optimizeGraph(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns,
                  OwnedNodeDefs* owned, std::vector<char>* absorbed);

// Process-wide switch, on by default; TFSCOPE_OPTIMIZE=0 in the environment turns it off. Graphs
// built while it is off stay unoptimized. Thread-safe.
bool graphOptimizerEnabled();
void setGraphOptimizerEnabled(bool enabled);

}  // namespace tfscope::exec
