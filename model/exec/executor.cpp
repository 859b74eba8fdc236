#include "model/exec/executor.h"

#include <algorithm>
#include <deque>
#include <map>
#include <tuple>
#include <set>
#include <unordered_map>

#include "attr_value.pb.h"
#include "model/exec/builtin_kernels.h"
#include "model/exec/function_library.h"
#include "model/exec/kernel.h"
#include "model/exec/live_ledger.h"
#include "model/exec/node_context.h"
#include "model/exec/op_info.h"
#include "model/exec/resource_manager.h"
#include "model/exec/run_state.h"
#include "node_def.pb.h"

namespace tfscope::exec {
namespace {

uint64_t key(Endpoint e) { return (uint64_t(uint32_t(e.node)) << 32) | uint32_t(e.output); }

bool opIs(const ExecNode& node, const char* a, const char* b) {
    return node.def && (node.def->op() == a || node.def->op() == b);
}
bool isBackEdgeSource(const ExecNode& node) { return opIs(node, "NextIteration", "RefNextIteration"); }
bool isMergeNode(const ExecNode& node) { return opIs(node, "Merge", "RefMerge"); }

// "Node 'n' (Op): message", unless the kernel already said which node.
Status annotate(const Status& st, const ExecNode& node, const ExecGraph& graph) {
    Status out = st;
    if (st.message().rfind("Node '", 0) != 0 && st.message().rfind("Function '", 0) != 0 && node.def)
        out = Status(st.code(), "Node '" + node.name + "' (" + node.def->op() + "): " + st.message());
    if (!graph.functionName().empty() && out.message().rfind("Function '", 0) != 0)
        out = Status(out.code(), "Function '" + graph.functionName() + "': " + out.message());
    return out;
}

Result<Tensor> deref(const std::shared_ptr<VariableResource>& var) {
    std::lock_guard<std::mutex> lock(var->mutex);
    if (!var->initialized) return Status::failedPrecondition("Attempting to use uninitialized value '" + var->name + "'.");
    return var->value;
}

// Names of the functions a node calls: func-valued attrs and an op that is a library function.
std::vector<std::string> calledFunctions(const tensorflow::NodeDef& def, const FunctionLibrary* library) {
    std::vector<std::string> out;
    if (library && library->find(def.op())) out.push_back(library->cpuImplementation(def.op()));
    for (const auto& [name, value] : def.attr()) {
        if (!name.empty() && name[0] == '_') continue;
        if (value.has_func()) out.push_back(library ? library->cpuImplementation(value.func().name()) : value.func().name());
        if (value.has_list())
            for (const auto& f : value.list().func()) out.push_back(library ? library->cpuImplementation(f.name()) : f.name());
    }
    return out;
}

void collectIn(const ExecGraph& graph, const std::vector<int>& nodes, const FunctionLibrary* library,
               std::map<std::string, std::vector<std::string>>* missing, std::set<std::string>* visited) {
    const std::string prefix = graph.functionName().empty() ? std::string() : graph.functionName() + "/";
    for (int n : nodes) {
        const ExecNode& node = graph.node(n);
        if (!node.def) continue;
        if (!kernelForNode(*node.def, library)) (*missing)[node.def->op()].push_back(prefix + node.name);
        for (const std::string& f : calledFunctions(*node.def, library)) {
            if (!visited->insert(f).second) continue;
            if (!library || !library->find(f)) {
                (*missing)["function '" + f + "'"].push_back(prefix + node.name);
                continue;
            }
            auto g = library->graph(f);
            if (!g.ok()) continue;
            std::vector<Feed> feeds;
            for (int a : g.value()->argNodes()) feeds.push_back({{a, 0}, Tensor()});
            auto order = Executor::plan(*g.value(), feeds, g.value()->returns(), g.value()->controlReturns());
            std::vector<int> all;
            if (order.ok()) all = order.value();
            else for (int i = 0; i < int(g.value()->nodes().size()); ++i) all.push_back(i);
            collectIn(*g.value(), all, library, missing, visited);
        }
    }
}

}  // namespace

const KernelDef* kernelForNode(const tensorflow::NodeDef& node, const FunctionLibrary* library) {
    if (const KernelDef* k = findKernel(node.op())) return k;
    if (library && library->find(node.op())) return callByOpNameKernel();
    return nullptr;
}

void collectMissingKernels(const ExecGraph& graph, const std::vector<int>& nodes, const FunctionLibrary* library,
                           std::map<std::string, std::vector<std::string>>* missing) {
    std::set<std::string> visited;
    collectIn(graph, nodes, library, missing, &visited);
}

Status checkKernels(const ExecGraph& graph, const std::vector<int>& nodes, const FunctionLibrary* library) {
    std::map<std::string, std::vector<std::string>> missing;
    collectMissingKernels(graph, nodes, library, &missing);
    if (missing.empty()) return Status::OK();
    std::string msg = "No kernel for ";
    bool first = true;
    for (const auto& [op, users] : missing) {
        if (!first) msg += "; ";
        first = false;
        msg += (op.rfind("function '", 0) == 0 ? op : "op '" + op + "'") + " (used by ";
        for (size_t i = 0; i < users.size() && i < 3; ++i) msg += (i ? ", '" : "'") + users[i] + "'";
        if (users.size() > 3) msg += " and " + std::to_string(users.size() - 3) + " more";
        msg += ")";
    }
    return Status::unimplemented(msg + ".");
}

Result<std::vector<int>> Executor::plan(const ExecGraph& graph, const std::vector<Feed>& feeds,
                                        const std::vector<Endpoint>& fetches, const std::vector<int>& targets) {
    const size_t n = graph.nodes().size();
    std::unordered_map<uint64_t, int> fed;
    for (const Feed& f : feeds) fed[key(f.at)] = 1;
    std::vector<char> needed(n, 0);
    std::vector<int> stack;
    for (Endpoint e : fetches)
        if (!fed.count(key(e))) stack.push_back(e.node);
    for (int t : targets) stack.push_back(t);
    while (!stack.empty()) {
        int x = stack.back();
        stack.pop_back();
        if (x < 0 || size_t(x) >= n || needed[size_t(x)]) continue;
        needed[size_t(x)] = 1;
        const ExecNode& node = graph.node(x);
        for (Endpoint e : node.inputs)
            if (!fed.count(key(e))) stack.push_back(e.node);
        for (int c : node.controlInputs) stack.push_back(c);
    }
    std::vector<int> indeg(n, 0);
    std::vector<std::vector<int>> consumers(n);
    size_t count = 0;
    for (size_t x = 0; x < n; ++x) {
        if (!needed[x]) continue;
        ++count;
        const ExecNode& node = graph.node(int(x));
        for (Endpoint e : node.inputs)
            if (!fed.count(key(e)) && !isBackEdgeSource(graph.node(e.node))) { ++indeg[x]; consumers[size_t(e.node)].push_back(int(x)); }
        for (int c : node.controlInputs) { ++indeg[x]; consumers[size_t(c)].push_back(int(x)); }
    }
    std::deque<int> ready;
    for (size_t x = 0; x < n; ++x)
        if (needed[x] && indeg[x] == 0) ready.push_back(int(x));
    std::vector<int> order;
    order.reserve(count);
    while (!ready.empty()) {
        int x = ready.front();
        ready.pop_front();
        order.push_back(x);
        for (int c : consumers[size_t(x)])
            if (--indeg[size_t(c)] == 0) ready.push_back(c);
    }
    if (order.size() != count) {
        for (size_t x = 0; x < n; ++x)
            if (needed[x] && indeg[x] > 0)
                return Status::invalidArgument("The graph has a cycle through node '" + graph.node(int(x)).name + "'.");
    }
    return order;
}

Status Executor::computeNode(const ExecNode& node, std::vector<Value>& in, bool anyDead, std::vector<Value>* outp) {
    const std::string& op = node.def->op();
    std::vector<Value>& out = *outp;
    if (!anyDead && op == "Identity" && in.size() == 1 && in[0].ref) {
        // TF's Identity of a ref variable aliases its buffer, and Assign/AssignAdd write in place, so
        // consumers see the value at the time they run: forward the reference, read it there.
        out.push_back(in[0]);
    } else if (anyDead && op != "ControlTrigger") {
        out.resize(size_t(std::max(node.numOutputs, 1)));
        for (auto& v : out) { v.dead = true; v.set = true; }
    } else {
        const KernelDef* kernel = kernelForNode(*node.def, m_state.library);
        if (!kernel) return annotate(Status::unimplemented("No kernel for op '" + op + "'."), node, m_graph);
        NodeContext ctx(*node.def, m_graph.functionName(), m_state, node.numOutputs, node.knownOutputs);
        auto& kin = ctx.inputs();
        auto& refs = ctx.refInputs();
        kin.resize(in.size());
        refs.resize(in.size());
        Status st;
        for (size_t i = 0; i < in.size() && st.ok(); ++i) {
            if (takesRefInput(op, int(i))) {
                if (!in[i].ref) st = Status::invalidArgument("Input " + std::to_string(i) + " must be a variable reference.");
                refs[i] = in[i].ref;
            } else if (in[i].ref) {
                auto t = deref(in[i].ref);
                if (t.ok()) kin[i] = std::move(t).value();
                else st = t.status();
            } else {
                kin[i] = in[i].tensor;
            }
        }
        in.clear();
        if (st.ok()) st = kernel->compute(ctx);
        if (!st.ok()) return annotate(st, node, m_graph);
        out = std::move(ctx.outputs());
    }
    return Status::OK();
}

namespace {

// One loop frame instance: a while loop's frame entered from iteration `parentIter` of `parent`.
struct Frame {
    int parent = -1;
    int parentIter = 0;
    int lastIter = 0;                                // iterations 0..lastIter exist
    std::vector<std::pair<int, Value>> constants;    // (Enter node, value): visible in every iteration
    std::set<int> liveExits;                         // Exit nodes that left the frame with a live value
    std::set<int> deadExits;                         // Exit nodes that saw a dead value
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

struct Edge {
    int to;
    int slot;    // input index, -1 for a control edge
    int output;  // producer output
};

}  // namespace

// Runs a graph with TF1 while loops as a dataflow: each value is tagged with its frame instance and
// iteration; a node runs in (frame, iteration) once all its inputs there have arrived (Merge on the
// first live one). Enter moves a value into a child frame's iteration 0 (a constant Enter into every
// iteration), NextIteration into the next iteration, Exit back to the parent. Dead values do not
// cross NextIteration (the loop stops) and leave through Exit only once nothing else can run.
Status Executor::runFrames(const std::vector<int>& order, const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches,
                           std::vector<Tensor>* outputs) {
    const size_t n = m_graph.nodes().size();
    std::unordered_map<uint64_t, const Tensor*> fed;
    for (const Feed& f : feeds) fed[key(f.at)] = &f.value;
    std::vector<char> needed(n, 0);
    for (int x : order) needed[size_t(x)] = 1;
    std::vector<std::vector<Edge>> edges(n);
    std::vector<int> forwardInputs(n, 0), backInputs(n, 0), inputCount(n, 0);
    for (int x : order) {
        const ExecNode& node = m_graph.node(x);
        for (size_t i = 0; i < node.inputs.size(); ++i) {
            Endpoint e = node.inputs[i];
            if (fed.count(key(e))) continue;
            edges[size_t(e.node)].push_back({x, int(i), e.output});
            ++inputCount[size_t(x)];
            if (isBackEdgeSource(m_graph.node(e.node))) ++backInputs[size_t(x)];
            else ++forwardInputs[size_t(x)];
        }
        for (int c : node.controlInputs) {
            edges[size_t(c)].push_back({x, -1, 0});
            ++inputCount[size_t(x)];
        }
    }
    std::set<std::pair<int, int>> fetchSet;
    for (Endpoint e : fetches) fetchSet.insert({e.node, e.output});
    std::map<std::pair<int, int>, Value> fetched;
    // Bytes held in slots, constants and fetches count against the memory cap until the run ends.
    MemoryTracker* mem = m_state.memory;
    LiveLedger ledger(mem);

    std::vector<Frame> frames(1);
    std::map<std::tuple<int, int, std::string>, int> frameIds;
    std::map<std::tuple<int, int, int>, Pending> pending;  // (frame, iteration, node)
    struct Task { int frame, iter, node; };
    std::deque<Task> ready;

    auto slotFor = [&](int frame, int iter, int x) -> Pending& {
        auto [it, inserted] = pending.try_emplace({frame, iter, x});
        Pending& p = it->second;
        if (inserted) {
            const ExecNode& node = m_graph.node(x);
            p.in.resize(node.inputs.size());
            for (size_t i = 0; i < node.inputs.size(); ++i) {
                auto f = fed.find(key(node.inputs[i]));
                if (f != fed.end()) { p.in[i].tensor = *f->second; p.in[i].set = true; }
            }
            p.missing = inputCount[size_t(x)];
        }
        return p;
    };
    auto deliver = [&](int frame, int iter, const Edge& e, const Value& v) {
        const ExecNode& node = m_graph.node(e.to);
        Pending& p = slotFor(frame, iter, e.to);
        if (p.fired) return;
        if (isMergeNode(node)) {
            if (e.slot < 0) return;
            if (!v.dead) {
                ledger.drop(p.in[size_t(e.slot)]);
                ledger.hold(v);
                p.in[size_t(e.slot)] = v;
                p.chosen = e.slot;
                p.fired = true;
                ready.push_back({frame, iter, e.to});
                return;
            }
            const int expected = backInputs[size_t(e.to)] == 0 ? forwardInputs[size_t(e.to)]
                                 : iter == 0 ? forwardInputs[size_t(e.to)] : backInputs[size_t(e.to)];
            if (++p.deadSeen >= expected) {
                p.fired = true;
                ready.push_back({frame, iter, e.to});
            }
            return;
        }
        if (e.slot < 0) {
            p.ctlDead = p.ctlDead || v.dead;
        } else {
            ledger.drop(p.in[size_t(e.slot)]);
            ledger.hold(v);
            p.in[size_t(e.slot)] = v;
        }
        if (--p.missing == 0) {
            p.fired = true;
            ready.push_back({frame, iter, e.to});
        }
    };
    auto emit = [&](int x, int frame, int iter, const std::vector<Value>& out) {
        bool allDead = !out.empty();
        for (const Value& v : out) allDead = allDead && v.dead;
        for (const Edge& e : edges[size_t(x)]) {
            if (e.slot < 0) {
                Value c;
                c.dead = allDead;
                c.set = true;
                deliver(frame, iter, e, c);
            } else if (size_t(e.output) < out.size() && out[size_t(e.output)].set) {
                deliver(frame, iter, e, out[size_t(e.output)]);
            } else {
                return annotate(Status::invalidArgument("Output " + std::to_string(e.output) + " was not produced."),
                                m_graph.node(x), m_graph);
            }
        }
        if (frame == 0 && iter == 0)
            for (size_t i = 0; i < out.size(); ++i)
                if (fetchSet.count({x, int(i)})) {
                    Value& f = fetched[{x, int(i)}];
                    ledger.drop(f);
                    ledger.hold(out[i]);
                    f = out[i];
                }
        return Status::OK();
    };

    for (int x : order)
        if (inputCount[size_t(x)] == 0) {
            slotFor(0, 0, x).fired = true;
            ready.push_back({0, 0, x});
        }

    while (true) {
        if (ready.empty()) {
            // Nothing can run: exits that only ever saw dead values leave their frames dead.
            bool progress = false;
            for (int f = 1; f < int(frames.size()); ++f) {
                for (int x : frames[size_t(f)].deadExits) {
                    if (frames[size_t(f)].liveExits.count(x)) continue;
                    frames[size_t(f)].liveExits.insert(x);
                    Value d;
                    d.dead = true;
                    d.set = true;
                    TFS_RETURN_IF_ERROR(emit(x, frames[size_t(f)].parent, frames[size_t(f)].parentIter, {d}));
                    progress = true;
                }
            }
            if (!progress) break;
            continue;
        }
        if (m_state.cancelled && m_state.cancelled->load()) return Status::cancelled("The run was cancelled.");
        const Task t = ready.front();
        ready.pop_front();
        const ExecNode& node = m_graph.node(t.node);
        if (!node.def) return Status::invalidArgument("Function argument '" + node.name + "' was not supplied.");
        auto pit = pending.find({t.frame, t.iter, t.node});
        std::vector<Value> in = std::move(pit->second.in);
        const bool ctlDead = pit->second.ctlDead;
        const int chosen = pit->second.chosen;
        if (isMergeNode(node)) pit->second.in.clear();  // kept: later inputs of this iteration are ignored
        else pending.erase(pit);
        bool anyDead = ctlDead;
        for (const Value& v : in) anyDead = anyDead || v.dead;
        // The inputs that arrived along edges (not fed) stay counted until this node is done.
        std::vector<Value> counted;
        for (size_t i = 0; i < in.size() && i < node.inputs.size(); ++i)
            if (!fed.count(key(node.inputs[i]))) counted.push_back(in[i]);
        const std::string& op = node.def->op();
        const bool refOp = op.rfind("Ref", 0) == 0;

        auto forwarded = [&]() -> Result<Value> {
            Value v = in.empty() ? Value{} : in[0];
            v.set = true;
            if (anyDead) { v = Value{}; v.dead = true; v.set = true; }
            else if (v.ref && !refOp) {
                auto r = deref(v.ref);
                if (!r.ok()) return annotate(r.status(), node, m_graph);
                v.ref.reset();
                v.tensor = std::move(r).value();
            }
            return v;
        };

        if (isMergeNode(node)) {
            std::vector<Value> out(2);
            if (chosen < 0) {
                for (auto& v : out) { v.dead = true; v.set = true; }
            } else {
                out[0] = in[size_t(chosen)];
                if (out[0].ref && op == "Merge") {
                    auto r = deref(out[0].ref);
                    if (!r.ok()) return annotate(r.status(), node, m_graph);
                    out[0].ref.reset();
                    out[0].tensor = std::move(r).value();
                }
                out[1].tensor = Tensor::scalar<int32_t>(chosen);
                out[1].set = true;
            }
            TFS_RETURN_IF_ERROR(emit(t.node, t.frame, t.iter, out));
        } else if (opIs(node, "Enter", "RefEnter")) {
            TFS_ASSIGN_OR_RETURN(Value v, forwarded());
            const auto& attrs = node.def->attr();
            auto nameIt = attrs.find("frame_name");
            const std::string frameName = nameIt == attrs.end() ? std::string() : nameIt->second.s();
            auto constIt = attrs.find("is_constant");
            const bool constant = constIt != attrs.end() && constIt->second.b();
            auto [fit, created] = frameIds.try_emplace({t.frame, t.iter, frameName}, int(frames.size()));
            const int child = fit->second;
            if (created) {
                Frame f;
                f.parent = t.frame;
                f.parentIter = t.iter;
                frames.push_back(std::move(f));
            }
            if (constant && !v.dead) {
                ledger.hold(v);
                frames[size_t(child)].constants.push_back({t.node, v});
                for (int i = 0; i <= frames[size_t(child)].lastIter; ++i) TFS_RETURN_IF_ERROR(emit(t.node, child, i, {v}));
            } else {
                TFS_RETURN_IF_ERROR(emit(t.node, child, 0, {v}));
            }
        } else if (opIs(node, "Exit", "RefExit")) {
            if (t.frame == 0) return annotate(Status::invalidArgument("Exit outside of a loop frame."), node, m_graph);
            TFS_ASSIGN_OR_RETURN(Value v, forwarded());
            Frame& f = frames[size_t(t.frame)];
            if (v.dead) {
                f.deadExits.insert(t.node);
            } else {
                f.liveExits.insert(t.node);
                const int parent = f.parent, parentIter = f.parentIter;
                TFS_RETURN_IF_ERROR(emit(t.node, parent, parentIter, {v}));
            }
        } else if (opIs(node, "NextIteration", "RefNextIteration")) {
            TFS_ASSIGN_OR_RETURN(Value v, forwarded());
            if (v.dead) {  // the loop has ended in this iteration
                for (const Value& c : counted) ledger.drop(c);
                continue;
            }
            const int next = t.iter + 1;
            if (next > frames[size_t(t.frame)].lastIter) {
                frames[size_t(t.frame)].lastIter = next;
                const auto constants = frames[size_t(t.frame)].constants;
                for (const auto& [x, cv] : constants) TFS_RETURN_IF_ERROR(emit(x, t.frame, next, {cv}));
            }
            TFS_RETURN_IF_ERROR(emit(t.node, t.frame, next, {v}));
        } else {
            std::vector<Value> out;
            TFS_RETURN_IF_ERROR(computeNode(node, in, anyDead, &out));
            TFS_RETURN_IF_ERROR(emit(t.node, t.frame, t.iter, out));
        }
        if (mem && mem->limit() && mem->live() > mem->limit())
            return annotate(Status::resourceExhausted("Live tensors need " + std::to_string(mem->live()) + " bytes; the memory limit is " +
                                                      std::to_string(mem->limit()) + " bytes."),
                            node, m_graph);
        for (const Value& v : counted) ledger.drop(v);
    }

    outputs->clear();
    for (Endpoint e : fetches) {
        auto f = fed.find(key(e));
        if (f != fed.end()) { outputs->push_back(*f->second); continue; }
        const std::string name = m_graph.node(e.node).name + ":" + std::to_string(e.output);
        auto it = fetched.find({e.node, e.output});
        if (it == fetched.end()) return Status::invalidArgument("Fetched tensor '" + name + "' was not produced.");
        const Value& v = it->second;
        if (v.dead) return Status::invalidArgument("Fetched tensor '" + name + "' is dead (its conditional branch was not taken).");
        if (v.ref) {
            TFS_ASSIGN_OR_RETURN(Tensor t, deref(v.ref));
            outputs->push_back(std::move(t));
        } else {
            outputs->push_back(v.tensor);
        }
    }
    return Status::OK();
}

Status Executor::run(const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches, const std::vector<int>& targets,
                     std::vector<Tensor>* outputs) {
    TFS_ASSIGN_OR_RETURN(std::vector<int> order, plan(m_graph, feeds, fetches, targets));
    if (m_state.callDepth == 0) TFS_RETURN_IF_ERROR(checkKernels(m_graph, order, m_state.library));
    for (int x : order)
        if (opIs(m_graph.node(x), "Enter", "RefEnter")) return runFrames(order, feeds, fetches, outputs);

    const size_t n = m_graph.nodes().size();
    std::unordered_map<uint64_t, const Tensor*> fed;
    for (const Feed& f : feeds) fed[key(f.at)] = &f.value;
    std::unordered_map<uint64_t, int> uses;
    for (int x : order)
        for (Endpoint e : m_graph.node(x).inputs)
            if (!fed.count(key(e))) ++uses[key(e)];
    for (Endpoint e : fetches) uses[key(e)] += 1 << 30;  // pinned until the end

    std::vector<std::vector<Value>> values(n);
    std::vector<char> nodeDead(n, 0);
    uint64_t held = 0;
    MemoryTracker* mem = m_state.memory;
    auto release = [&](Value& v) {
        uint64_t b = tensorBytes(v.tensor);
        if (mem) mem->release(b);
        held -= b;
        v = Value{};
    };
    auto releaseAll = [&] {
        for (auto& vs : values)
            for (auto& v : vs)
                if (v.set) release(v);
    };

    for (int x : order) {
        if (m_state.cancelled && m_state.cancelled->load()) {
            releaseAll();
            return Status::cancelled("The run was cancelled.");
        }
        const ExecNode& node = m_graph.node(x);
        if (!node.def) {
            releaseAll();
            return Status::invalidArgument("Function argument '" + node.name + "' was not supplied.");
        }
        const std::string& op = node.def->op();
        std::vector<Value> in;
        in.reserve(node.inputs.size());
        bool anyDead = false;
        for (int c : node.controlInputs) anyDead = anyDead || nodeDead[size_t(c)];
        for (Endpoint e : node.inputs) {
            auto f = fed.find(key(e));
            if (f != fed.end()) {
                Value v;
                v.tensor = *f->second;
                v.set = true;
                in.push_back(std::move(v));
                continue;
            }
            const auto& src = values[size_t(e.node)];
            if (size_t(e.output) >= src.size() || !src[size_t(e.output)].set) {
                releaseAll();
                return annotate(Status::invalidArgument("Input from '" + m_graph.node(e.node).name + ":" + std::to_string(e.output) +
                                                        "', which was not produced."), node, m_graph);
            }
            in.push_back(src[size_t(e.output)]);
            anyDead = anyDead || in.back().dead;
        }

        std::vector<Value> out;
        if (op == "Merge" || op == "RefMerge") {
            out.resize(2);
            int chosen = -1;
            for (size_t i = 0; i < in.size(); ++i)
                if (!in[i].dead) { chosen = int(i); break; }
            if (chosen < 0) {
                for (auto& v : out) { v.dead = true; v.set = true; }
            } else {
                out[0] = in[size_t(chosen)];
                if (out[0].ref && op == "Merge") {
                    auto t = deref(out[0].ref);
                    if (!t.ok()) { releaseAll(); return annotate(t.status(), node, m_graph); }
                    out[0].ref.reset();
                    out[0].tensor = std::move(t).value();
                }
                out[1].tensor = Tensor::scalar<int32_t>(chosen);
                out[1].set = true;
            }
        } else {
            Status st = computeNode(node, in, anyDead, &out);
            if (!st.ok()) {
                releaseAll();
                return st;
            }
        }
        in.clear();
        bool allDead = !out.empty();
        for (auto& v : out) {
            allDead = allDead && v.dead;
            if (v.set) {
                uint64_t b = tensorBytes(v.tensor);
                held += b;
                if (mem) mem->add(b);
            }
        }
        nodeDead[size_t(x)] = allDead;
        values[size_t(x)] = std::move(out);
        if (mem && mem->limit() && mem->live() > mem->limit()) {
            const uint64_t live = mem->live();
            releaseAll();
            return annotate(Status::resourceExhausted("Live tensors need " + std::to_string(live) +
                                                      " bytes; the memory limit is " + std::to_string(mem->limit()) + " bytes."),
                            node, m_graph);
        }
        for (Endpoint e : node.inputs) {
            auto it = uses.find(key(e));
            if (it == uses.end()) continue;
            if (--it->second == 0) {
                auto& src = values[size_t(e.node)];
                if (size_t(e.output) < src.size() && src[size_t(e.output)].set) release(src[size_t(e.output)]);
            }
        }
    }

    outputs->clear();
    for (Endpoint e : fetches) {
        auto f = fed.find(key(e));
        if (f != fed.end()) { outputs->push_back(*f->second); continue; }
        const auto& src = values[size_t(e.node)];
        const std::string name = m_graph.node(e.node).name + ":" + std::to_string(e.output);
        if (size_t(e.output) >= src.size() || !src[size_t(e.output)].set) {
            releaseAll();
            return Status::invalidArgument("Fetched tensor '" + name + "' was not produced.");
        }
        const Value& v = src[size_t(e.output)];
        if (v.dead) {
            releaseAll();
            return Status::invalidArgument("Fetched tensor '" + name + "' is dead (its conditional branch was not taken).");
        }
        if (v.ref) {
            auto t = deref(v.ref);
            if (!t.ok()) { releaseAll(); return t.status(); }
            outputs->push_back(std::move(t).value());
        } else {
            outputs->push_back(v.tensor);
        }
    }
    releaseAll();
    (void)held;
    return Status::OK();
}

}  // namespace tfscope::exec
