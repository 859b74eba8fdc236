#pragma once
// Executor: runs one ExecGraph (a GraphDef or a function body) for given feeds, fetches and targets.
// It prunes to what the fetches/targets need (data and control inputs, not past fed tensors),
// checks up front that every op there (and in the functions it calls) has a kernel, runs nodes in
// dependency order, frees each intermediate after its last consumer, and propagates dead tensors
// of TF1 conditionals (Switch/Merge).
//
//   Executor ex(*graph, state);
//   std::vector<Tensor> outs;
//   TFS_RETURN_IF_ERROR(ex.run({{xEndpoint, x}}, {yEndpoint}, {}, &outs));
//
// Limits: cancellation is checked between nodes; the MemoryTracker cap fails a run with
// ResourceExhausted. A graph without loops runs in one ordered pass (OrderedRun in executor.cpp).
// A graph with TF1 while loops (Enter/Exit/NextIteration) runs as a dataflow over (frame,
// iteration)-tagged values instead (FrameScheduler, frame_scheduler.h); there the cap counts the
// values waiting in input slots, loop constants and fetches (LiveLedger), and TensorArray / stack
// storage. One node's step (kernel, dead outputs, Merge) is shared: executor_node.h.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/exec/exec_graph.h"
#include "model/status.h"
#include "model/tensor.h"

namespace tensorflow { class NodeDef; }

namespace tfscope::exec {

struct RunState;
struct KernelDef;
class FunctionLibrary;

struct Feed {
    Endpoint at;
    Tensor value;
};

class Executor {
public:
    // Neither is owned; both must outlive this.
    Executor(const ExecGraph& graph, RunState& state) : m_graph(graph), m_state(state) {}

    // outputs: one per fetch, references dereferenced. A dead fetch is an error.
    Status run(const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches, const std::vector<int>& targets,
               std::vector<Tensor>* outputs);

    // The plan for these fed endpoints (values ignored), fetches and targets: cached on the graph.
    Result<std::shared_ptr<const ExecGraph::Plan>> planFor(const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches,
                                                           const std::vector<int>& targets);

    // The nodes a run needs, in a dependency order (ignoring NextIteration back edges). InvalidArgument on a cycle.
    static Result<std::vector<int>> plan(const ExecGraph& graph, const std::vector<Feed>& feeds,
                                         const std::vector<Endpoint>& fetches, const std::vector<int>& targets);

private:
    // True if the planned nodes hold a TF1 while loop (an Enter): then FrameScheduler runs them.
    bool hasLoops(const std::vector<int>& order) const;
    const ExecGraph& m_graph;
    RunState& m_state;
};

// Runs one graph many times with the same fed endpoints, fetches and targets (a While loop's
// condition and body): the plan is looked up once and the run's buffers are kept between runs.
// Not thread-safe: one per caller. The graph and state must outlive it.
//
//   RepeatedRun body(*graph, state, {{argNode0, 0}, {argNode1, 0}}, graph->returns(), {});
//   TFS_RETURN_IF_ERROR(body.run({x0, x1}, &outs));   // values in the order of the fed endpoints
class RepeatedRun {
public:
    RepeatedRun(const ExecGraph& graph, RunState& state, std::vector<Endpoint> fed, std::vector<Endpoint> fetches,
                std::vector<int> targets);
    ~RepeatedRun();
    RepeatedRun(const RepeatedRun&) = delete;
    RepeatedRun& operator=(const RepeatedRun&) = delete;
    // The values are borrowed for the run; outputs: one per fetch, as Executor::run.
    Status run(const std::vector<Tensor>& values, std::vector<Tensor>* outputs);
    // The same, but each value may be moved into its last consumer (left empty): a kernel that
    // then holds the only handle may change it in place (TensorListSetItem).
    Status runConsuming(std::vector<Tensor>& values, std::vector<Tensor>* outputs);

private:
    Status runImpl(std::vector<Tensor>& values, bool consume, std::vector<Tensor>* outputs);
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// The kernel that runs `node`: a registered one, or the function-call kernel when the op names a
// library function. nullptr if none.
const KernelDef* kernelForNode(const tensorflow::NodeDef& node, const FunctionLibrary* library);

// Up-front check: every op in `nodes` of `graph` and in the functions they call (recursively) has a
// kernel. Unimplemented listing each missing op and where it is used.
Status checkKernels(const ExecGraph& graph, const std::vector<int>& nodes, const FunctionLibrary* library);
// Op name -> node names (function nodes as "function/node") without a kernel.
void collectMissingKernels(const ExecGraph& graph, const std::vector<int>& nodes, const FunctionLibrary* library,
                           std::map<std::string, std::vector<std::string>>* missing);

}  // namespace tfscope::exec
