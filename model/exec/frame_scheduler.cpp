#include "model/exec/frame_scheduler.h"

#include "attr_value.pb.h"
#include "model/exec/executor_node.h"
#include "model/exec/run_state.h"
#include "node_def.pb.h"

namespace tfscope::exec {

namespace {

Value deadValue() {
    Value d;
    d.dead = true;
    d.set = true;
    return d;
}

}  // namespace

FrameScheduler::FrameScheduler(const ExecGraph& graph, RunState& state)
    : m_graph(graph), m_state(state), m_frames(1), m_ledger(state.memory) {}

bool FrameScheduler::isFed(Endpoint e) const { return m_fed.count(endpointKey(e)) != 0; }

std::vector<FrameScheduler::FrameInfo> FrameScheduler::frames() const {
    std::vector<FrameInfo> out;
    out.reserve(m_frames.size());
    for (const Frame& f : m_frames) out.push_back(f.info);
    return out;
}

Status FrameScheduler::run(const std::vector<int>& order, const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches,
                           std::vector<Tensor>* outputs) {
    wire(order, feeds, fetches);
    for (int x : order)
        if (m_inputCount[size_t(x)] == 0) makeReady(slotFor(0, 0, x), 0, 0, x);

    while (true) {
        if (m_ready.empty()) {
            TFS_ASSIGN_OR_RETURN(bool progress, releaseDeadExits());
            if (!progress) break;
            continue;
        }
        if (m_state.cancelled && m_state.cancelled->load()) return Status::cancelled("The run was cancelled.");
        const Task t = m_ready.front();
        m_ready.pop_front();
        TFS_RETURN_IF_ERROR(runTask(t));
    }
    return collectFetches(m_graph, fetches, m_fed, [this](Endpoint e) -> const Value* {
        auto it = m_fetched.find({e.node, e.output});
        return it == m_fetched.end() ? nullptr : &it->second;
    }, outputs);
}

// --- Wiring -------------------------------------------------------------------------------------

// Consumer edges of every planned node, and per node how many inputs must arrive before it runs:
// all of them, fed ones excepted. A Merge counts its forward inputs (from outside the loop, iteration
// 0) apart from its back edges (from NextIteration, later iterations).
void FrameScheduler::wire(const std::vector<int>& order, const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches) {
    const size_t n = m_graph.nodes().size();
    m_fed = fedTensors(feeds);
    m_edges.assign(n, {});
    m_forwardInputs.assign(n, 0);
    m_backInputs.assign(n, 0);
    m_inputCount.assign(n, 0);
    m_flow.assign(n, FlowOp::None);
    for (int x : order) m_flow[size_t(x)] = flowOp(m_graph.node(x));
    for (int x : order) {
        const ExecNode& node = m_graph.node(x);
        for (size_t i = 0; i < node.inputs.size(); ++i) {
            Endpoint e = node.inputs[i];
            if (isFed(e)) continue;
            m_edges[size_t(e.node)].push_back({x, int(i), e.output});
            ++m_inputCount[size_t(x)];
            if (m_flow[size_t(e.node)] == FlowOp::NextIteration) ++m_backInputs[size_t(x)];
            else ++m_forwardInputs[size_t(x)];
        }
        for (int c : node.controlInputs) {
            m_edges[size_t(c)].push_back({x, -1, 0});
            ++m_inputCount[size_t(x)];
        }
    }
    for (Endpoint e : fetches) m_fetchSet.insert({e.node, e.output});
}

// --- Input slots and the ready queue -----------------------------------------------------------

// The slot of `node` in (frame, iter), made on first use with the fed inputs filled in.
FrameScheduler::Pending& FrameScheduler::slotFor(int frame, int iter, int x) {
    auto [it, inserted] = m_pending.try_emplace({frame, iter, x});
    Pending& p = it->second;
    if (inserted) {
        const ExecNode& node = m_graph.node(x);
        p.in.resize(node.inputs.size());
        for (size_t i = 0; i < node.inputs.size(); ++i) {
            auto f = m_fed.find(endpointKey(node.inputs[i]));
            if (f != m_fed.end()) {
                p.in[i].tensor = *f->second;
                p.in[i].set = true;
            }
        }
        p.missing = m_inputCount[size_t(x)];
    }
    return p;
}

void FrameScheduler::makeReady(Pending& p, int frame, int iter, int node) {
    p.fired = true;
    m_ready.push_back({frame, iter, node});
}

// A value (or, on a control edge, only its deadness) arrives at one input of a node in (frame, iter).
// Inputs of a node that already ran there are dropped (a Merge's later inputs).
void FrameScheduler::deliver(int frame, int iter, const Edge& e, const Value& v) {
    Pending& p = slotFor(frame, iter, e.to);
    if (p.fired) return;
    if (m_flow[size_t(e.to)] == FlowOp::Merge) {
        deliverToMerge(p, frame, iter, e, v);
        return;
    }
    if (e.slot < 0) {
        p.ctlDead = p.ctlDead || v.dead;
    } else {
        m_ledger.drop(p.in[size_t(e.slot)]);
        m_ledger.hold(v);
        p.in[size_t(e.slot)] = v;
    }
    if (--p.missing == 0) makeReady(p, frame, iter, e.to);
}

// Merge runs on its first live input; dead once every input it can get in this iteration was dead:
// the forward ones in iteration 0 (or in a Merge without back edges), the back edges after.
// Control inputs of a Merge are ignored.
void FrameScheduler::deliverToMerge(Pending& p, int frame, int iter, const Edge& e, const Value& v) {
    if (e.slot < 0) return;
    if (!v.dead) {
        m_ledger.drop(p.in[size_t(e.slot)]);
        m_ledger.hold(v);
        p.in[size_t(e.slot)] = v;
        p.chosen = e.slot;
        makeReady(p, frame, iter, e.to);
        return;
    }
    const size_t x = size_t(e.to);
    const int expected = m_backInputs[x] == 0 ? m_forwardInputs[x] : iter == 0 ? m_forwardInputs[x] : m_backInputs[x];
    if (++p.deadSeen >= expected) makeReady(p, frame, iter, e.to);
}

// Sends a node's outputs along its edges in (frame, iter); a control edge carries "all outputs
// dead". Frame 0 outputs that are fetched are kept (the last one produced).
Status FrameScheduler::sendOutputs(int x, int frame, int iter, const std::vector<Value>& out) {
    bool allDead = !out.empty();
    for (const Value& v : out) allDead = allDead && v.dead;
    for (const Edge& e : m_edges[size_t(x)]) {
        if (e.slot < 0) {
            Value c;
            c.dead = allDead;
            c.set = true;
            deliver(frame, iter, e, c);
        } else if (size_t(e.output) < out.size() && out[size_t(e.output)].set) {
            deliver(frame, iter, e, out[size_t(e.output)]);
        } else {
            return annotateNodeError(Status::invalidArgument("Output " + std::to_string(e.output) + " was not produced."),
                                     m_graph.node(x), m_graph);
        }
    }
    if (frame == 0 && iter == 0) keepOutputs(m_graph, m_state, x, out);
    if (frame == 0 && iter == 0)
        for (size_t i = 0; i < out.size(); ++i)
            if (m_fetchSet.count({x, int(i)})) {
                Value& f = m_fetched[{x, int(i)}];
                m_ledger.drop(f);
                m_ledger.hold(out[i]);
                f = out[i];
            }
    return Status::OK();
}

// Takes a ready node's inputs out of its slot. A Merge's slot stays (emptied) so that its later
// inputs in this iteration find it fired and are ignored.
FrameScheduler::Inputs FrameScheduler::takeInputs(const Task& t, const ExecNode& node) {
    Inputs in;
    auto pit = m_pending.find({t.frame, t.iter, t.node});
    in.values = std::move(pit->second.in);
    in.anyDead = pit->second.ctlDead;
    in.chosen = pit->second.chosen;
    if (m_flow[size_t(t.node)] == FlowOp::Merge) pit->second.in.clear();
    else m_pending.erase(pit);
    for (const Value& v : in.values) in.anyDead = in.anyDead || v.dead;
    for (size_t i = 0; i < in.values.size() && i < node.inputs.size(); ++i)
        if (!isFed(node.inputs[i])) in.counted.push_back(in.values[i]);
    return in;
}

// --- One ready node ------------------------------------------------------------------------------

Status FrameScheduler::runTask(const Task& t) {
    const ExecNode& node = m_graph.node(t.node);
    if (!node.def) return Status::invalidArgument("Function argument '" + node.name + "' was not supplied.");
    Inputs in = takeInputs(t, node);
    const FlowOp kind = m_flow[size_t(t.node)];
    if (m_observer) m_observer({t.node, t.frame, t.iter, kind == FlowOp::Merge ? in.chosen < 0 : in.anyDead});
    switch (kind) {
    case FlowOp::Merge: TFS_RETURN_IF_ERROR(runMerge(t, node, in)); break;
    case FlowOp::Enter: TFS_RETURN_IF_ERROR(runEnter(t, node, in)); break;
    case FlowOp::Exit: TFS_RETURN_IF_ERROR(runExit(t, node, in)); break;
    case FlowOp::NextIteration: {
        TFS_ASSIGN_OR_RETURN(bool continued, runNextIteration(t, node, in));
        if (!continued) {
            for (const Value& c : in.counted) m_ledger.drop(c);
            return Status::OK();
        }
        break;
    }
    case FlowOp::None: {
        std::vector<Value> out;
        TFS_RETURN_IF_ERROR(computeNode(m_graph, m_state, node, in.values, in.anyDead, &out));
        TFS_RETURN_IF_ERROR(sendOutputs(t.node, t.frame, t.iter, out));
        break;
    }
    }
    TFS_RETURN_IF_ERROR(checkMemoryCap(m_graph, node, m_state.memory));
    for (const Value& v : in.counted) m_ledger.drop(v);
    return Status::OK();
}

// What Enter, Exit and NextIteration pass on: their input, dead if any input was, a reference read
// unless the op is a Ref* one.
Result<Value> FrameScheduler::forwardedValue(const ExecNode& node, const Inputs& in) const {
    if (in.anyDead) return deadValue();
    Value v = in.values.empty() ? Value{} : in.values[0];
    v.set = true;
    if (v.ref && node.def->op().rfind("Ref", 0) != 0) {
        auto r = derefVariable(v.ref);
        if (!r.ok()) return annotateNodeError(r.status(), node, m_graph);
        v.ref.reset();
        v.tensor = std::move(r).value();
    }
    return v;
}

Status FrameScheduler::runMerge(const Task& t, const ExecNode& node, const Inputs& in) {
    std::vector<Value> out;
    TFS_RETURN_IF_ERROR(mergeOutputs(m_graph, node, in.values, in.chosen, &out));
    return sendOutputs(t.node, t.frame, t.iter, out);
}

// Enter: into iteration 0 of the child frame named by frame_name (made on first use); a constant
// Enter (is_constant) into every iteration, present and future.
Status FrameScheduler::runEnter(const Task& t, const ExecNode& node, const Inputs& in) {
    TFS_ASSIGN_OR_RETURN(Value v, forwardedValue(node, in));
    const auto& attrs = node.def->attr();
    auto nameIt = attrs.find("frame_name");
    const std::string frameName = nameIt == attrs.end() ? std::string() : nameIt->second.s();
    auto constIt = attrs.find("is_constant");
    const bool constant = constIt != attrs.end() && constIt->second.b();
    const int child = enterFrame(t.frame, t.iter, frameName);
    if (constant && !v.dead) {
        m_ledger.hold(v);
        m_frames[size_t(child)].constants.push_back({t.node, v});
        for (int i = 0; i <= m_frames[size_t(child)].info.lastIter; ++i) TFS_RETURN_IF_ERROR(sendOutputs(t.node, child, i, {v}));
        return Status::OK();
    }
    return sendOutputs(t.node, child, 0, {v});
}

// Exit: a live value leaves to the parent frame at once; a dead one is only noted (see
// releaseDeadExits), since another iteration may still exit live.
Status FrameScheduler::runExit(const Task& t, const ExecNode& node, const Inputs& in) {
    if (t.frame == 0) return annotateNodeError(Status::invalidArgument("Exit outside of a loop frame."), node, m_graph);
    TFS_ASSIGN_OR_RETURN(Value v, forwardedValue(node, in));
    Frame& f = m_frames[size_t(t.frame)];
    if (v.dead) {
        f.deadExits.insert(t.node);
        return Status::OK();
    }
    f.liveExits.insert(t.node);
    const int parent = f.info.parent, parentIter = f.info.parentIter;
    return sendOutputs(t.node, parent, parentIter, {v});
}

Result<bool> FrameScheduler::runNextIteration(const Task& t, const ExecNode& node, const Inputs& in) {
    TFS_ASSIGN_OR_RETURN(Value v, forwardedValue(node, in));
    if (v.dead) return false;  // the loop has ended in this iteration
    const int next = t.iter + 1;
    TFS_RETURN_IF_ERROR(startIteration(t.frame, next));
    TFS_RETURN_IF_ERROR(sendOutputs(t.node, t.frame, next, {v}));
    return true;
}

// --- Frame bookkeeping ---------------------------------------------------------------------------

// The frame instance `name` entered from (parent, parentIter), made on first use.
int FrameScheduler::enterFrame(int parent, int parentIter, const std::string& name) {
    auto [it, created] = m_frameIds.try_emplace({parent, parentIter, name}, int(m_frames.size()));
    if (created) {
        Frame f;
        f.info.name = name;
        f.info.parent = parent;
        f.info.parentIter = parentIter;
        m_frames.push_back(std::move(f));
    }
    return it->second;
}

// Iteration `iter` of `frame` exists from now on: the frame's loop constants enter it.
Status FrameScheduler::startIteration(int frame, int iter) {
    if (iter <= m_frames[size_t(frame)].info.lastIter) return Status::OK();
    m_frames[size_t(frame)].info.lastIter = iter;
    const auto constants = m_frames[size_t(frame)].constants;
    for (const auto& [x, cv] : constants) TFS_RETURN_IF_ERROR(sendOutputs(x, frame, iter, {cv}));
    return Status::OK();
}

// Nothing can run: every Exit that only ever saw dead values leaves its frame dead (a loop in the
// untaken branch of a cond, or one whose values died inside).
Result<bool> FrameScheduler::releaseDeadExits() {
    bool progress = false;
    for (size_t f = 1; f < m_frames.size(); ++f) {
        for (int x : m_frames[f].deadExits) {
            if (m_frames[f].liveExits.count(x)) continue;
            m_frames[f].liveExits.insert(x);
            TFS_RETURN_IF_ERROR(sendOutputs(x, m_frames[f].info.parent, m_frames[f].info.parentIter, {deadValue()}));
            progress = true;
        }
    }
    return progress;
}

}  // namespace tfscope::exec
