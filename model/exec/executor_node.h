#pragma once
// One node's step, shared by the executor's two schedulers (Executor::run's ordered pass and
// FrameScheduler for TF1 loops): run the kernel on gathered input values (or mark the outputs dead),
// Merge's choice of its first live input, dereferencing TF1 variable references, and error text
// that names the node.
//
//   std::vector<Value> out;
//   TFS_RETURN_IF_ERROR(computeNode(graph, state, node, in, anyDead, &out));

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "model/exec/exec_graph.h"
#include "model/exec/executor.h"
#include "model/exec/node_context.h"
#include "model/status.h"

namespace tfscope::exec {

struct RunState;
class MemoryTracker;

// A hashable key of an endpoint (node, output).
inline uint64_t endpointKey(Endpoint e) { return (uint64_t(uint32_t(e.node)) << 32) | uint32_t(e.output); }

// The fed tensors by endpoint key (pointing into the Feed list, which outlives the run).
using FedTensors = std::unordered_map<uint64_t, const Tensor*>;
inline FedTensors fedTensors(const std::vector<Feed>& feeds) {
    FedTensors fed;
    for (const Feed& f : feeds) fed[endpointKey(f.at)] = &f.value;
    return fed;
}

// The control-flow primitives the schedulers treat themselves; everything else runs a kernel.
enum class FlowOp { None, Merge, Enter, Exit, NextIteration };
FlowOp flowOp(const ExecNode& node);  // None for a function argument

// "Node 'n' (Op): message" (and "Function 'f': " inside a function body), unless the message
// already names its node or function.
Status annotateNodeError(const Status& st, const ExecNode& node, const ExecGraph& graph);

// The variable's value now; FailedPrecondition if it was never initialized.
Result<Tensor> derefVariable(const std::shared_ptr<VariableResource>& var);

// Runs one node that is not a Merge on `in` (consumed). With `anyDead` (a dead data or control
// input) every output is dead and no kernel runs, except for ControlTrigger. Errors are annotated.
Status computeNode(const ExecGraph& graph, RunState& state, const ExecNode& node, std::vector<Value>& in, bool anyDead,
                   std::vector<Value>* out);

// The same with the kernel already found (kernelForNode; null: Unimplemented), whether the op
// takes TF1 reference inputs (takesRefInput(op, 0)), and a context that is reset() here and may
// be reused for the next node. `out` receives the outputs (its old contents are swapped into ctx).
Status computeNodeWith(const ExecGraph& graph, const ExecNode& node, const KernelDef* kernel, bool takesRefs,
                       NodeContext& ctx, std::vector<Value>& in, bool anyDead, std::vector<Value>* out);

// Merge's two outputs (value, value_index) for the live input `chosen`, or both dead if chosen < 0.
// A plain Merge dereferences a reference; RefMerge forwards it.
Status mergeOutputs(const ExecGraph& graph, const ExecNode& node, const std::vector<Value>& in, int chosen,
                    std::vector<Value>* out);

// ResourceExhausted naming `node` if the run's tracker is over its limit (checked after each node).
Status checkMemoryCap(const ExecGraph& graph, const ExecNode& node, const MemoryTracker* memory);

// The tensor a fetch of `e` returns, from the value the run kept for it (null: never produced).
// InvalidArgument for a missing or dead value; a reference is read.
Result<Tensor> fetchedTensor(const ExecGraph& graph, Endpoint e, const Value* kept);

// One tensor per fetch: a fed one as fed, else from `kept(e)` (a const Value*, null if none).
template <typename Kept>
Status collectFetches(const ExecGraph& graph, const std::vector<Endpoint>& fetches, const FedTensors& fed, Kept kept,
                      std::vector<Tensor>* outputs) {
    outputs->clear();
    for (Endpoint e : fetches) {
        if (auto f = fed.find(endpointKey(e)); f != fed.end()) {
            outputs->push_back(*f->second);
            continue;
        }
        TFS_ASSIGN_OR_RETURN(Tensor t, fetchedTensor(graph, e, kept(e)));
        outputs->push_back(std::move(t));
    }
    return Status::OK();
}

// Offers the live outputs of top-level node `x` to RunState::keeper (if any; not at callDepth > 0).
void keepOutputs(const ExecGraph& graph, const RunState& state, int x, const std::vector<Value>& out);

}  // namespace tfscope::exec
