#pragma once
// Kernel fusion at load time, as TF's grappler remapper does: a chain
//   Conv2D | MatMul  ->  [BiasAdd]  ->  [FusedBatchNorm/V2/V3, is_training=false]  ->  [Add | AddV2]
//     ->  [Relu | Relu6]
// of float ops (at least one op after the product; batch norm and Add only after Conv2D; the
// chain may be either operand of the Add, whose other operand becomes the fused node's last arg,
// e.g. a ResNet block's shortcut), whose intermediate outputs feed only the next op of the chain,
// runs as one _FusedConv2D / _FusedMatMul node: the bias, batch norm, addend and activation are
// applied to each GEMM tile while it is in cache, instead of more passes over memory.
//
//   std::vector<std::unique_ptr<tensorflow::NodeDef>> owned;
//   std::vector<char> absorbed(nodes.size());
//   int fused = fuseKernelChains(nodes, returns, &owned, &absorbed);
//
// The chain's last node takes the fused op (same name and index, so consumers, fetches and returns
// are unchanged); the earlier nodes stay in the graph, marked `absorbed`, and run only if something
// else needs them (a fetch). A run that feeds an absorbed node must use an unfused graph.

#include <memory>
#include <vector>

#include "model/exec/exec_graph.h"

namespace tensorflow { class NodeDef; }

namespace tfscope::exec {

// Rewrites `nodes` in place; new NodeDefs go to `owned`. Returns the number of chains fused.
int fuseKernelChains(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns,
                     std::vector<std::unique_ptr<tensorflow::NodeDef>>* owned, std::vector<char>* absorbed);

// The gate arithmetic of an LSTM cell in a recurrent loop body (Split of the pre-activations into
// four, Sigmoid / Tanh, c' = f * c + i * g, h' = o * tanh(c'): fusion_lstm.cpp) as one _TfsLstmCell
// node (model/kernels/lstm_cell.cpp) with outputs h' and c'. It takes the h' node's name and index;
// other readers of c' read its output 1. Returns the number of cells fused.
int fuseLstmCells(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns,
                  std::vector<std::unique_ptr<tensorflow::NodeDef>>* owned, std::vector<char>* absorbed);

// Process-wide switch, on by default; TFSCOPE_FUSION=0 in the environment turns it off. Graphs
// built while it is off stay unfused. Thread-safe.
bool kernelFusionEnabled();
void setKernelFusionEnabled(bool enabled);

}  // namespace tfscope::exec
