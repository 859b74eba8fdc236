#include "model/exec/executor.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include "attr_value.pb.h"
#include "model/exec/builtin_kernels.h"
#include "model/exec/executor_node.h"
#include "model/exec/frame_scheduler.h"
#include "model/exec/function_library.h"
#include "model/exec/kernel.h"
#include "model/exec/node_context.h"
#include "model/exec/op_info.h"
#include "model/exec/optimize/optimize.h"
#include "model/exec/resource_manager.h"
#include "model/exec/run_state.h"
#include "node_def.pb.h"

namespace tfscope::exec {
namespace {

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
    for (const Feed& f : feeds) fed[endpointKey(f.at)] = 1;
    std::vector<char> needed(n, 0);
    std::vector<int> stack;
    for (Endpoint e : fetches)
        if (!fed.count(endpointKey(e))) stack.push_back(e.node);
    for (int t : targets) stack.push_back(t);
    while (!stack.empty()) {
        int x = stack.back();
        stack.pop_back();
        if (x < 0 || size_t(x) >= n || needed[size_t(x)]) continue;
        needed[size_t(x)] = 1;
        const ExecNode& node = graph.node(x);
        for (Endpoint e : node.inputs)
            if (!fed.count(endpointKey(e))) stack.push_back(e.node);
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
            if (!fed.count(endpointKey(e)) && flowOp(graph.node(e.node)) != FlowOp::NextIteration) { ++indeg[x]; consumers[size_t(e.node)].push_back(int(x)); }
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

namespace {

// Fed endpoints of one run, sorted by endpoint key (the tensors are borrowed for the run). Of two
// feeds of the same endpoint the later one counts, as in fedTensors().
// With RepeatedRun's consuming runs the tensors are the caller's to take (moved into their last
// consumer); otherwise they are only read.
using FedList = std::vector<std::pair<uint64_t, Tensor*>>;

void sortFed(FedList& fed) {
    std::stable_sort(fed.begin(), fed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

Tensor* findFed(const FedList& fed, uint64_t key) {
    auto it = std::upper_bound(fed.begin(), fed.end(), key, [](uint64_t k, const auto& f) { return k < f.first; });
    return it == fed.begin() || (it - 1)->first != key ? nullptr : (it - 1)->second;
}

// The per-step facts of a plan without loops (see ExecGraph::Plan): kernels, flags, use counts.
void describeSteps(const ExecGraph& graph, const FunctionLibrary* library, const std::vector<Feed>& feeds,
                   const std::vector<Endpoint>& fetches, ExecGraph::Plan* plan) {
    FedTensors fed = fedTensors(feeds);
    const size_t n = graph.nodes().size();
    plan->kernelAt.assign(plan->order.size(), nullptr);
    plan->stepAt.assign(plan->order.size(), 0);
    for (size_t i = 0; i < plan->order.size(); ++i) {
        const ExecNode& node = graph.node(plan->order[i]);
        if (!node.def) continue;
        plan->kernelAt[i] = kernelForNode(*node.def, library);
        uint8_t step = 0;
        const std::string& op = node.def->op();
        if (takesRefInput(op, 0)) step |= ExecGraph::Plan::kTakesRefs;
        if (op == "Identity" && node.inputs.size() == 1) step |= ExecGraph::Plan::kForward;
        if (flowOp(node) == FlowOp::Merge) step |= ExecGraph::Plan::kMerge;
        for (Endpoint e : node.inputs)
            if (fed.count(endpointKey(e))) step |= ExecGraph::Plan::kFedInput;
        plan->stepAt[i] = step;
    }
    std::vector<int>& base = plan->useBase;
    base.assign(n + 1, 0);
    auto widen = [&base](Endpoint e) {
        int& width = base[size_t(e.node) + 1];
        width = std::max(width, e.output + 1);
    };
    for (int x : plan->order)
        for (Endpoint e : graph.node(x).inputs) widen(e);  // fed ones too: a consuming run moves them
    for (Endpoint e : fetches) widen(e);
    for (size_t i = 0; i < n; ++i) base[i + 1] += base[i];
    plan->uses.assign(size_t(base[n]), 0);
    for (int x : plan->order)
        for (Endpoint e : graph.node(x).inputs) ++plan->uses[size_t(base[size_t(e.node)] + e.output)];
    for (Endpoint e : fetches) {  // pinned until the end (once, however often it is fetched)
        int& u = plan->uses[size_t(base[size_t(e.node)] + e.output)];
        if (u < (1 << 30)) u += 1 << 30;
    }
}

// The pass over a graph without loops: each planned node once, in plan order. Values are stored
// per node output and freed after their last consumer (the last one takes the value over without
// a copy); fetched ones stay to the end. The bytes stored count against RunState::memory until
// freed. run() may be called again with other feeds of the same endpoints: buffers (value slots,
// the node context's vectors) are kept between runs.
class OrderedRun {
public:
    // `kept`: the pass is run again and again (a function body's RepeatedRun), so it may keep
    // run-invariant values between runs; a one-off pass does not look for them.
    OrderedRun(const ExecGraph& graph, RunState& state, std::shared_ptr<const ExecGraph::Plan> plan, bool kept = false);
    ~OrderedRun() { releaseAll(); }
    OrderedRun(const OrderedRun&) = delete;
    OrderedRun& operator=(const OrderedRun&) = delete;

    // `fed` sorted (sortFed); the same endpoints as the plan was made for. With `consumeFed`, a fed
    // tensor moves into its last consumer (unless fetched).
    Status run(const FedList& fed, bool consumeFed, const std::vector<Endpoint>& fetches, std::vector<Tensor>* outputs);

private:
    Status runNode(size_t step);
    // The node's input values (fed ones as fed) and whether any data or control input is dead.
    // An input whose last consumer this is moves out of its slot (its bytes go to m_pendingRelease).
    Status gatherInputs(const ExecNode& node, bool hasFed, bool* anyDead);
    void store(int x);
    void release(Value& v);
    void releaseAll();
    Status collect(const std::vector<Endpoint>& fetches, std::vector<Tensor>* outputs);

    const ExecGraph& m_graph;
    RunState& m_state;
    std::shared_ptr<const ExecGraph::Plan> m_plan;
    const FedList* m_fed = nullptr;
    bool m_consumeFed = false;
    std::vector<int> m_uses;  // consumers still to run (Plan::uses, counted down)
    int useIndex(Endpoint e) const {
        const auto& base = m_plan->useBase;
        const int b = base[size_t(e.node)];
        return e.output >= 0 && b + e.output < base[size_t(e.node) + 1] ? b + e.output : -1;
    }
    // Run-invariant values. A node is invariant when its value cannot change from run to run while
    // no variable changes: a Const, a VarHandleOp, a ReadVariableOp of an invariant handle, and a
    // stateless op (an Identity included) whose inputs, data and control, are all invariant and not
    // fed. In a graph without ops that write variables (assign and update ops, TF1 reference ops,
    // calls and control flow, which may hold such ops), a run records the invariant values the rest
    // of the run reads (and fetched ones); later runs, while resourceEpoch() has not moved, take them
    // from here and skip every invariant node: a Keras 3 batch norm's parameter arithmetic, the
    // variable reads feeding a layer's weights, their reshapes. A function's arguments that only
    // ReadVariableOp reads (the captured variable handles of a tf.function) count as invariant while
    // they name the same variables as when the values were recorded.
    void planInvariants(const std::vector<Endpoint>& fetches);
    bool m_invariantsPlanned = false;
    bool m_memoOn = false;     // the graph qualifies and has invariant nodes
    bool m_memoValid = false;  // m_memo holds the values of the run at m_memoEpoch
    uint64_t m_memoEpoch = 0;
    std::vector<char> m_stepInvariant;         // by step
    std::vector<int> m_memoArgs;               // function arguments read only by ReadVariableOp: variable handles
    std::vector<const void*> m_memoResources;  // the variables they named when m_memo was recorded
    std::vector<const void*> m_argResources;   // the variables they name in this run
    std::vector<char> m_memoKeep;              // by node: an invariant node whose outputs are kept
    std::vector<std::vector<Value>> m_memo;    // by node
    std::vector<Value> m_in;                   // the running node's inputs (capacity kept between nodes)
    uint64_t m_pendingRelease = 0;             // bytes of inputs taken over by the running node
    std::vector<std::vector<Value>> m_values;  // by node, by output
    std::vector<char> m_nodeDead;              // all outputs dead: a control edge from it is dead
    NodeContext m_ctx;
};

OrderedRun::OrderedRun(const ExecGraph& graph, RunState& state, std::shared_ptr<const ExecGraph::Plan> plan, bool kept)
    : m_graph(graph), m_state(state), m_plan(std::move(plan)), m_values(graph.nodes().size()), m_nodeDead(graph.nodes().size(), 0), m_ctx(state) {
    m_invariantsPlanned = !kept;  // a one-off pass keeps nothing (m_memoOn stays false)
}

Status OrderedRun::run(const FedList& fed, bool consumeFed, const std::vector<Endpoint>& fetches, std::vector<Tensor>* outputs) {
    releaseAll();
    m_fed = &fed;
    m_consumeFed = consumeFed;
    m_uses = m_plan->uses;
    std::fill(m_nodeDead.begin(), m_nodeDead.end(), 0);
    if (!m_invariantsPlanned) planInvariants(fetches);
    const uint64_t epoch = resourceEpoch();
    bool argsKnown = m_memoOn;
    m_argResources.clear();
    for (size_t i = 0; argsKnown && i < m_memoArgs.size(); ++i) {
        const Tensor* t = findFed(fed, endpointKey(Endpoint{m_memoArgs[i], 0}));
        argsKnown = t && t->dtype() == DType::Resource && t->numElements() == 1;
        if (argsKnown) m_argResources.push_back(t->objects()[0].get());
    }
    const bool useMemo = argsKnown && m_memoValid && m_memoEpoch == epoch && m_argResources == m_memoResources;
    const bool record = argsKnown && !useMemo;
    Status st;
    for (size_t i = 0; i < m_plan->order.size() && st.ok(); ++i) {
        const int x = m_plan->order[i];
        if (useMemo && m_stepInvariant[i]) {
            if (m_memoKeep[size_t(x)]) {
                m_values[size_t(x)] = m_memo[size_t(x)];
                store(x);
            }
            continue;
        }
        if (m_state.cancelled && m_state.cancelled->load()) st = Status::cancelled("The run was cancelled.");
        else st = runNode(i);
        if (record && st.ok() && m_stepInvariant[i] && m_memoKeep[size_t(x)]) m_memo[size_t(x)] = m_values[size_t(x)];
    }
    if (record) {  // valid only if no variable changed while the values were read
        m_memoValid = st.ok() && resourceEpoch() == epoch;
        m_memoEpoch = epoch;
        std::swap(m_memoResources, m_argResources);
        if (!m_memoValid)
            for (auto& m : m_memo) m.clear();
    }
    if (st.ok()) st = collect(fetches, outputs);
    if (m_pendingRelease && m_state.memory) m_state.memory->release(m_pendingRelease);  // a node that failed
    m_pendingRelease = 0;
    releaseAll();
    m_in.clear();
    m_fed = nullptr;
    return st;
}

void OrderedRun::planInvariants(const std::vector<Endpoint>& fetches) {
    m_invariantsPlanned = true;
    const auto& order = m_plan->order;
    const size_t nodes = m_graph.nodes().size();
    static const std::set<std::string, std::less<>> writers = {
        "Assign", "AssignAdd", "AssignSub", "AssignVariableOp", "AssignAddVariableOp", "AssignSubVariableOp",
        "ApplyGradientDescent", "ResourceApplyGradientDescent", "DestroyResourceOp"};
    std::vector<char> invariant(nodes, 0);
    m_stepInvariant.assign(order.size(), 0);
    // Ops that may write a variable (stateful calls and control flow may hold such ops): then no
    // variable's value is kept (one read after a write would be stale), only what constants and
    // handles alone give (a TF2 signature's VarHandleOps beside its call: a handle stays the same
    // when the variable's value changes).
    static const std::set<std::string, std::less<>> statefulCalls = {"StatefulPartitionedCall", "If", "Case", "While"};
    bool valuesToo = true;
    for (size_t i = 0; i < order.size() && valuesToo; ++i) {
        const ExecNode& node = m_graph.node(order[i]);
        if (!node.def) continue;
        const std::string& op = node.def->op();
        const uint8_t flags = m_plan->stepAt[i];
        const KernelDef* kernel = m_plan->kernelAt[i];
        const bool calls = kernel == callByOpNameKernel() || (kernel && kernel->stateful && statefulCalls.count(op));
        if (writers.count(op) || (flags & ExecGraph::Plan::kTakesRefs) || calls) valuesToo = false;
    }
    // Function arguments whose every reader in the run is a ReadVariableOp: variable handles.
    std::vector<int> readers(nodes, 0), otherReaders(nodes, 0);
    for (int x : order) {
        const ExecNode& node = m_graph.node(x);
        const bool read = node.def && node.def->op() == "ReadVariableOp";
        for (const Endpoint& e : node.inputs) ++(read ? readers : otherReaders)[size_t(e.node)];
        for (int c : node.controlInputs) ++otherReaders[size_t(c)];
    }
    for (const Endpoint& e : fetches)
        if (e.node >= 0) ++otherReaders[size_t(e.node)];
    m_memoArgs.clear();
    for (size_t x = 0; valuesToo && x < nodes; ++x) {
        const ExecNode& node = m_graph.node(int(x));
        if (!node.def && node.argIndex >= 0 && readers[x] > 0 && otherReaders[x] == 0) {
            invariant[x] = 1;
            m_memoArgs.push_back(int(x));
        }
    }
    bool any = false;
    for (size_t i = 0; i < order.size(); ++i) {
        const int x = order[i];
        const ExecNode& node = m_graph.node(x);
        if (!node.def) continue;  // a function argument
        const std::string& op = node.def->op();
        const uint8_t flags = m_plan->stepAt[i];
        const KernelDef* kernel = m_plan->kernelAt[i];
        if (!kernel && !(flags & ExecGraph::Plan::kForward)) {  // a missing kernel: the run fails anyway
            m_memoOn = false;
            m_stepInvariant.assign(order.size(), 0);
            return;
        }
        if (!valuesToo && op == "ReadVariableOp") continue;  // not invariant
        // A fed input only as a ReadVariableOp's handle argument (checked per run: m_memoArgs).
        bool ok = (flags & ExecGraph::Plan::kMerge) == 0 && ((flags & ExecGraph::Plan::kFedInput) == 0 || op == "ReadVariableOp");
        if (ok && op != "Const" && op != "VarHandleOp" && op != "ReadVariableOp" && !(flags & ExecGraph::Plan::kForward))
            ok = kernel && !kernel->stateful;
        for (const Endpoint& e : node.inputs) ok = ok && invariant[size_t(e.node)];
        for (int c : node.controlInputs) ok = ok && invariant[size_t(c)];
        invariant[size_t(x)] = ok;
        m_stepInvariant[i] = ok;
        any = any || ok;
    }
    m_memoKeep.assign(nodes, 0);
    for (size_t i = 0; i < order.size(); ++i) {
        if (m_stepInvariant[i]) continue;
        for (const Endpoint& e : m_graph.node(order[i]).inputs)
            if (invariant[size_t(e.node)]) m_memoKeep[size_t(e.node)] = 1;
    }
    for (const Endpoint& e : fetches)
        if (e.node >= 0 && invariant[size_t(e.node)]) m_memoKeep[size_t(e.node)] = 1;
    m_memo.assign(nodes, {});
    m_memoOn = any && graphOptimizerEnabled();  // TFSCOPE_OPTIMIZE=0 turns it off with the optimizer
}

// One tensor per fetch: a fed one as fed, else the kept value, moved out unless fetched twice.
Status OrderedRun::collect(const std::vector<Endpoint>& fetches, std::vector<Tensor>* outputs) {
    outputs->clear();
    outputs->reserve(fetches.size());
    for (size_t i = 0; i < fetches.size(); ++i) {
        const Endpoint e = fetches[i];
        if (const Tensor* f = findFed(*m_fed, endpointKey(e))) {
            outputs->push_back(*f);
            continue;
        }
        auto& src = m_values[size_t(e.node)];
        Value* kept = size_t(e.output) < src.size() && src[size_t(e.output)].set ? &src[size_t(e.output)] : nullptr;
        const bool again = std::find(fetches.begin() + long(i) + 1, fetches.end(), e) != fetches.end();
        if (kept && !kept->dead && !kept->ref && !again) {
            outputs->push_back(std::move(kept->tensor));
            continue;
        }
        TFS_ASSIGN_OR_RETURN(Tensor t, fetchedTensor(m_graph, e, kept));
        outputs->push_back(std::move(t));
    }
    return Status::OK();
}

Status OrderedRun::runNode(size_t step) {
    const int x = m_plan->order[step];
    const ExecNode& node = m_graph.node(x);
    if (!node.def) return Status::invalidArgument("Function argument '" + node.name + "' was not supplied.");
    const uint8_t flags = m_plan->stepAt[step];
    m_in.clear();
    m_pendingRelease = 0;
    bool anyDead = false;
    TFS_RETURN_IF_ERROR(gatherInputs(node, (flags & ExecGraph::Plan::kFedInput) != 0, &anyDead));
    std::vector<Value>& out = m_values[size_t(x)];
    out.clear();
    if (flags & ExecGraph::Plan::kMerge) {
        int chosen = -1;
        for (size_t i = 0; i < m_in.size(); ++i)
            if (!m_in[i].dead) {
                chosen = int(i);
                break;
            }
        TFS_RETURN_IF_ERROR(mergeOutputs(m_graph, node, m_in, chosen, &out));
    } else if ((flags & ExecGraph::Plan::kForward) && !anyDead && !m_in[0].ref) {
        out.push_back(std::move(m_in[0]));  // Identity: the value itself, no kernel
    } else {
        TFS_RETURN_IF_ERROR(computeNodeWith(m_graph, node, m_plan->kernelAt[step],
                                            (flags & ExecGraph::Plan::kTakesRefs) != 0, m_ctx, m_in, anyDead, &out));
    }
    m_in.clear();
    if (m_pendingRelease && m_state.memory) m_state.memory->release(m_pendingRelease);
    m_pendingRelease = 0;
    store(x);
    return checkMemoryCap(m_graph, node, m_state.memory);
}

Status OrderedRun::gatherInputs(const ExecNode& node, bool hasFed, bool* anyDeadp) {
    std::vector<Value>& in = m_in;
    bool& anyDead = *anyDeadp;
    in.reserve(node.inputs.size());
    for (int c : node.controlInputs) anyDead = anyDead || m_nodeDead[size_t(c)];
    for (Endpoint e : node.inputs) {
        if (hasFed) {
            if (Tensor* f = findFed(*m_fed, endpointKey(e))) {
                Value v;
                const int i = useIndex(e);
                if (m_consumeFed && i >= 0 && m_uses[size_t(i)] > 0 && --m_uses[size_t(i)] == 0) v.tensor = std::move(*f);
                else v.tensor = *f;
                v.set = true;
                in.push_back(std::move(v));
                continue;
            }
        }
        auto& src = m_values[size_t(e.node)];
        if (size_t(e.output) >= src.size() || !src[size_t(e.output)].set)
            return annotateNodeError(Status::invalidArgument("Input from '" + m_graph.node(e.node).name + ":" +
                                                             std::to_string(e.output) + "', which was not produced."),
                                     node, m_graph);
        Value& v = src[size_t(e.output)];
        const int i = useIndex(e);
        if (i >= 0 && m_uses[size_t(i)] > 0 && --m_uses[size_t(i)] == 0) {
            // The last consumer: take the value over (its bytes are released after the node ran).
            if (m_state.memory) m_pendingRelease += tensorBytes(v.tensor);
            in.push_back(std::move(v));
            v = Value{};
        } else {
            in.push_back(v);
        }
        anyDead = anyDead || in.back().dead;
    }
    return Status::OK();
}

void OrderedRun::store(int x) {
    std::vector<Value>& out = m_values[size_t(x)];
    bool allDead = !out.empty();
    for (auto& v : out) {
        allDead = allDead && v.dead;
        if (v.set && m_state.memory) m_state.memory->add(tensorBytes(v.tensor));
    }
    m_nodeDead[size_t(x)] = allDead;
    keepOutputs(m_graph, m_state, x, out);
}

void OrderedRun::release(Value& v) {
    if (m_state.memory) m_state.memory->release(tensorBytes(v.tensor));
    v = Value{};
}

void OrderedRun::releaseAll() {
    for (auto& vs : m_values) {
        for (auto& v : vs)
            if (v.set) release(v);
        vs.clear();
    }
}

}  // namespace

Result<std::shared_ptr<const ExecGraph::Plan>> Executor::planFor(const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches,
                                                                 const std::vector<int>& targets) {
    // The plan depends on which endpoints are fed (as a set), the fetches, the targets and the
    // library that resolves function calls: worked out on the first such run, then reused.
    std::vector<uint64_t> key;
    key.reserve(feeds.size() + fetches.size() + targets.size() + 3);
    key.push_back(uint64_t(reinterpret_cast<uintptr_t>(m_state.library)));
    for (const Feed& f : feeds) key.push_back(endpointKey(f.at));
    std::sort(key.begin() + 1, key.end());
    key.push_back(~uint64_t(0));  // separators: a feed key never has all bits set
    for (Endpoint e : fetches) key.push_back(endpointKey(e));
    key.push_back(~uint64_t(0));
    for (int t : targets) key.push_back(uint64_t(uint32_t(t)));
    std::shared_ptr<const ExecGraph::Plan> p = m_graph.cachedPlan(key);
    if (p) return p;
    TFS_ASSIGN_OR_RETURN(std::vector<int> order, plan(m_graph, feeds, fetches, targets));
    auto made = std::make_shared<ExecGraph::Plan>();
    made->kernels = checkKernels(m_graph, order, m_state.library);
    made->hasLoops = hasLoops(order);
    made->order = std::move(order);
    if (!made->hasLoops) describeSteps(m_graph, m_state.library, feeds, fetches, made.get());
    m_graph.storePlan(std::move(key), made);
    return std::shared_ptr<const ExecGraph::Plan>(std::move(made));
}

Status Executor::run(const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches, const std::vector<int>& targets,
                     std::vector<Tensor>* outputs) {
    TFS_ASSIGN_OR_RETURN(std::shared_ptr<const ExecGraph::Plan> p, planFor(feeds, fetches, targets));
    // A function body's missing kernels were reported by the top-level check (which looks into
    // the functions a graph calls).
    if (m_state.callDepth == 0) TFS_RETURN_IF_ERROR(p->kernels);
    if (p->hasLoops) {
        FrameScheduler frames(m_graph, m_state);
        return frames.run(p->order, feeds, fetches, outputs);
    }
    FedList fed;
    fed.reserve(feeds.size());
    for (const Feed& f : feeds) fed.push_back({endpointKey(f.at), const_cast<Tensor*>(&f.value)});  // only read
    sortFed(fed);
    OrderedRun ordered(m_graph, m_state, std::move(p));
    return ordered.run(fed, false, fetches, outputs);
}

// RepeatedRun: a plan and an OrderedRun kept between runs (or, for a graph with TF1 loops, an
// Executor run each time).
struct RepeatedRun::Impl {
    const ExecGraph& graph;
    RunState& state;
    std::vector<Endpoint> fed;
    std::vector<Endpoint> fetches;
    std::vector<int> targets;
    std::shared_ptr<const ExecGraph::Plan> plan;
    std::unique_ptr<OrderedRun> ordered;
    FedList fedList;
};

RepeatedRun::RepeatedRun(const ExecGraph& graph, RunState& state, std::vector<Endpoint> fed, std::vector<Endpoint> fetches,
                         std::vector<int> targets)
    : m_impl(std::make_unique<Impl>(Impl{graph, state, std::move(fed), std::move(fetches), std::move(targets), nullptr, nullptr, {}})) {}

RepeatedRun::~RepeatedRun() = default;

Status RepeatedRun::run(const std::vector<Tensor>& values, std::vector<Tensor>* outputs) {
    return runImpl(const_cast<std::vector<Tensor>&>(values), false, outputs);  // only read
}

Status RepeatedRun::runConsuming(std::vector<Tensor>& values, std::vector<Tensor>* outputs) { return runImpl(values, true, outputs); }

Status RepeatedRun::runImpl(std::vector<Tensor>& values, bool consume, std::vector<Tensor>* outputs) {
    Impl& d = *m_impl;
    if (values.size() != d.fed.size())
        return Status::internal("RepeatedRun: " + std::to_string(values.size()) + " values for " + std::to_string(d.fed.size()) +
                                " fed endpoints.");
    if (!d.plan) {
        std::vector<Feed> feeds;
        for (size_t i = 0; i < d.fed.size(); ++i) feeds.push_back({d.fed[i], Tensor()});
        Executor ex(d.graph, d.state);
        TFS_ASSIGN_OR_RETURN(d.plan, ex.planFor(feeds, d.fetches, d.targets));
        if (d.state.callDepth == 0) TFS_RETURN_IF_ERROR(d.plan->kernels);
        if (!d.plan->hasLoops) d.ordered = std::make_unique<OrderedRun>(d.graph, d.state, d.plan, true);
    }
    if (!d.ordered) {
        std::vector<Feed> feeds;
        for (size_t i = 0; i < d.fed.size(); ++i) feeds.push_back({d.fed[i], values[i]});
        Executor ex(d.graph, d.state);
        return ex.run(feeds, d.fetches, d.targets, outputs);
    }
    d.fedList.clear();
    for (size_t i = 0; i < d.fed.size(); ++i) d.fedList.push_back({endpointKey(d.fed[i]), &values[i]});
    sortFed(d.fedList);
    return d.ordered->run(d.fedList, consume, d.fetches, outputs);
}

bool Executor::hasLoops(const std::vector<int>& order) const {
    for (int x : order)
        if (flowOp(m_graph.node(x)) == FlowOp::Enter) return true;
    return false;
}

}  // namespace tfscope::exec
