#pragma once
// FrameScheduler: runs a graph with TF1 while loops (Enter / Merge / Switch / LoopCond /
// NextIteration / Exit) as a dataflow. Executor::run hands it the planned nodes when the plan holds
// an Enter; graphs without loops take Executor's simpler ordered pass.
//
// Every value is tagged with a frame instance and an iteration. Frame 0 is the graph itself; an
// Enter with frame_name F, run in (frame p, iteration i), moves its value into the child frame
// instance (p, i, F), iteration 0 (a constant Enter into every iteration of it). NextIteration moves
// a value to the next iteration of its frame, Exit back to the parent frame's iteration. A node runs
// in (frame, iteration) once all of its inputs there have arrived; Merge runs on its first live
// input, or dead once every input it can get there was dead (the forward ones in iteration 0, the
// back edges after). A dead input makes a node's outputs dead without running its kernel (the
// untaken side of a Switch); dead values do not cross NextIteration (the loop has ended), and an
// Exit that only ever saw dead values leaves its frame dead once nothing else can run.
//
//   FrameScheduler frames(graph, state);
//   TFS_RETURN_IF_ERROR(frames.run(order, feeds, fetches, &outputs));   // one run per scheduler
//
// Steps, in the order a reader meets them in frame_scheduler.cpp: wiring (consumer edges, input
// counts split into forward and back edges), input slots and the ready queue (deliver / sendOutputs),
// frame bookkeeping (enterFrame / nextIteration / the Exit sets), dead-exit release at a standstill,
// the memory cap, and the fetches.
//
// Memory: the values waiting in input slots, loop constants and fetched values are counted in a
// LiveLedger against RunState::memory; after each node the run fails with ResourceExhausted if the
// tracker is over its limit. All is released when the scheduler is destroyed.
// Not thread-safe; cancellation (RunState::cancelled) is checked between nodes.

#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "model/exec/exec_graph.h"
#include "model/exec/executor.h"
#include "model/exec/executor_node.h"
#include "model/exec/live_ledger.h"
#include "model/exec/node_context.h"
#include "model/status.h"

namespace tfscope::exec {

class FrameScheduler {
public:
    // One node run, as seen by an observer: the node, its frame instance and iteration, and whether
    // it ran dead (a dead input; for Merge: no live input).
    struct Step {
        int node = -1;
        int frame = 0;
        int iteration = 0;
        bool dead = false;
    };
    // A frame instance. Frame 0 is the graph (parent -1); iterations 0..lastIter were started.
    struct FrameInfo {
        std::string name;
        int parent = -1;
        int parentIter = 0;
        int lastIter = 0;
    };

    // Neither is owned; both must outlive this.
    FrameScheduler(const ExecGraph& graph, RunState& state);
    FrameScheduler(const FrameScheduler&) = delete;
    FrameScheduler& operator=(const FrameScheduler&) = delete;

    // Called for every node run, in the order they run (tests, tracing).
    void setStepObserver(std::function<void(const Step&)> observer) { m_observer = std::move(observer); }

    // Runs the nodes of `order` (Executor::plan) with `feeds`; `outputs` gets one tensor per fetch
    // (references read, fed fetches returned as fed). Fetches are taken from frame 0. A dead or
    // missing fetch is InvalidArgument; a kernel error is annotated with its node.
    Status run(const std::vector<int>& order, const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches,
               std::vector<Tensor>* outputs);

    // The frame instances of the run so far, frame 0 first, in the order they were entered.
    std::vector<FrameInfo> frames() const;
    // Bytes the run holds now (slots, loop constants, fetches).
    uint64_t heldBytes() const { return m_ledger.held(); }

private:
    struct Edge {
        int to;
        int slot;    // input index, -1 for a control edge
        int output;  // producer output
    };
    struct Frame {
        FrameInfo info;
        std::vector<std::pair<int, Value>> constants;  // (Enter node, value): visible in every iteration
        std::set<int> liveExits;                       // Exit nodes that left the frame with a live value
        std::set<int> deadExits;                       // Exit nodes that saw a dead value
    };
    // The inputs gathered so far for one node in one (frame, iteration).
    struct Pending {
        std::vector<Value> in;
        int missing = 0;   // inputs and control inputs still to come (not Merge)
        int deadSeen = 0;  // Merge: dead inputs seen
        bool ctlDead = false;
        bool fired = false;
        int chosen = -1;   // Merge: the live input
    };
    struct Task {
        int frame, iter, node;
    };
    // What a node gets when it runs: its inputs and whether any (data or control) was dead.
    struct Inputs {
        std::vector<Value> values;
        std::vector<Value> counted;  // the values that arrived along edges (not fed): held until the node is done
        bool anyDead = false;
        int chosen = -1;             // Merge
    };

    // Wiring.
    void wire(const std::vector<int>& order, const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches);
    // Input slots and the ready queue.
    Pending& slotFor(int frame, int iter, int node);
    void makeReady(Pending& p, int frame, int iter, int node);
    void deliver(int frame, int iter, const Edge& e, const Value& v);
    void deliverToMerge(Pending& p, int frame, int iter, const Edge& e, const Value& v);
    Status sendOutputs(int node, int frame, int iter, const std::vector<Value>& out);
    Inputs takeInputs(const Task& t, const ExecNode& node);
    // One ready node.
    Status runTask(const Task& t);
    Result<Value> forwardedValue(const ExecNode& node, const Inputs& in) const;
    Status runMerge(const Task& t, const ExecNode& node, const Inputs& in);
    Status runEnter(const Task& t, const ExecNode& node, const Inputs& in);
    Status runExit(const Task& t, const ExecNode& node, const Inputs& in);
    // False when the loop ended here (a dead value).
    Result<bool> runNextIteration(const Task& t, const ExecNode& node, const Inputs& in);
    // Frame bookkeeping.
    int enterFrame(int parent, int parentIter, const std::string& name);
    Status startIteration(int frame, int iter);
    // Dead-tensor propagation at a standstill: true if an Exit released a dead value.
    Result<bool> releaseDeadExits();
    bool isFed(Endpoint e) const;

    const ExecGraph& m_graph;
    RunState& m_state;
    std::function<void(const Step&)> m_observer;

    FedTensors m_fed;
    std::vector<FlowOp> m_flow;              // by node
    std::vector<std::vector<Edge>> m_edges;  // by producer
    std::vector<int> m_forwardInputs, m_backInputs, m_inputCount;
    std::set<std::pair<int, int>> m_fetchSet;
    std::map<std::pair<int, int>, Value> m_fetched;

    std::vector<Frame> m_frames;
    std::map<std::tuple<int, int, std::string>, int> m_frameIds;  // (parent, parent iteration, name) -> frame
    std::map<std::tuple<int, int, int>, Pending> m_pending;       // (frame, iteration, node)
    std::deque<Task> m_ready;
    LiveLedger m_ledger;
};

}  // namespace tfscope::exec
