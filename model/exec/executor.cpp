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

// Executor::run's pass over a graph without loops: each planned node once, in plan order. Values
// are stored per node output and freed after their last consumer; fetched ones stay to the end.
// The bytes stored count against RunState::memory until freed (at the latest when this is destroyed).
class OrderedRun {
public:
    OrderedRun(const ExecGraph& graph, RunState& state, const std::vector<Feed>& feeds);
    ~OrderedRun() { releaseAll(); }
    OrderedRun(const OrderedRun&) = delete;
    OrderedRun& operator=(const OrderedRun&) = delete;

    Status run(const std::vector<int>& order, const std::vector<Endpoint>& fetches, std::vector<Tensor>* outputs);

private:
    void countUses(const std::vector<int>& order, const std::vector<Endpoint>& fetches);
    Status runNode(int x);
    // The node's input values (fed ones as fed) and whether any data or control input is dead.
    Status gatherInputs(const ExecNode& node, std::vector<Value>* in, bool* anyDead) const;
    void store(int x, std::vector<Value> out);
    void releaseConsumedInputs(const ExecNode& node);
    void release(Value& v);
    void releaseAll();

    const ExecGraph& m_graph;
    RunState& m_state;
    FedTensors m_fed;
    // Consumers still to run, per output of a node: the outputs of node x are
    // m_uses[m_useBase[x] .. m_useBase[x + 1]) (flat arrays: no allocation per endpoint).
    std::vector<int> m_useBase;
    std::vector<int> m_uses;
    int useIndex(Endpoint e) const {
        const int base = m_useBase[size_t(e.node)];
        return e.output >= 0 && base + e.output < m_useBase[size_t(e.node) + 1] ? base + e.output : -1;
    }
    std::vector<Value> m_in;                   // the running node's inputs (capacity kept between nodes)
    std::vector<std::vector<Value>> m_values;  // by node, by output
    std::vector<char> m_nodeDead;              // all outputs dead: a control edge from it is dead
};

OrderedRun::OrderedRun(const ExecGraph& graph, RunState& state, const std::vector<Feed>& feeds)
    : m_graph(graph), m_state(state), m_fed(fedTensors(feeds)), m_values(graph.nodes().size()), m_nodeDead(graph.nodes().size(), 0) {}

Status OrderedRun::run(const std::vector<int>& order, const std::vector<Endpoint>& fetches, std::vector<Tensor>* outputs) {
    countUses(order, fetches);
    for (int x : order) {
        if (m_state.cancelled && m_state.cancelled->load()) return Status::cancelled("The run was cancelled.");
        TFS_RETURN_IF_ERROR(runNode(x));
    }
    return collectFetches(m_graph, fetches, m_fed, [this](Endpoint e) -> const Value* {
        const auto& src = m_values[size_t(e.node)];
        return size_t(e.output) < src.size() && src[size_t(e.output)].set ? &src[size_t(e.output)] : nullptr;
    }, outputs);
}

void OrderedRun::countUses(const std::vector<int>& order, const std::vector<Endpoint>& fetches) {
    const size_t n = m_graph.nodes().size();
    m_useBase.assign(n + 1, 0);
    auto widen = [this](Endpoint e) {
        int& width = m_useBase[size_t(e.node) + 1];
        width = std::max(width, e.output + 1);
    };
    for (int x : order)
        for (Endpoint e : m_graph.node(x).inputs)
            if (!m_fed.count(endpointKey(e))) widen(e);
    for (Endpoint e : fetches) widen(e);
    for (size_t i = 0; i < n; ++i) m_useBase[i + 1] += m_useBase[i];
    m_uses.assign(size_t(m_useBase[n]), 0);
    for (int x : order)
        for (Endpoint e : m_graph.node(x).inputs)
            if (!m_fed.count(endpointKey(e))) ++m_uses[size_t(useIndex(e))];
    for (Endpoint e : fetches) m_uses[size_t(useIndex(e))] += 1 << 30;  // pinned until the end
}

Status OrderedRun::runNode(int x) {
    const ExecNode& node = m_graph.node(x);
    if (!node.def) return Status::invalidArgument("Function argument '" + node.name + "' was not supplied.");
    std::vector<Value>& in = m_in;
    in.clear();
    bool anyDead = false;
    TFS_RETURN_IF_ERROR(gatherInputs(node, &in, &anyDead));
    std::vector<Value> out;
    if (flowOp(node) == FlowOp::Merge) {
        int chosen = -1;
        for (size_t i = 0; i < in.size(); ++i)
            if (!in[i].dead) { chosen = int(i); break; }
        TFS_RETURN_IF_ERROR(mergeOutputs(m_graph, node, in, chosen, &out));
    } else {
        TFS_RETURN_IF_ERROR(computeNode(m_graph, m_state, node, in, anyDead, &out));
    }
    in.clear();
    store(x, std::move(out));
    TFS_RETURN_IF_ERROR(checkMemoryCap(m_graph, node, m_state.memory));
    releaseConsumedInputs(node);
    return Status::OK();
}

Status OrderedRun::gatherInputs(const ExecNode& node, std::vector<Value>* inp, bool* anyDeadp) const {
    std::vector<Value>& in = *inp;
    bool& anyDead = *anyDeadp;
    in.reserve(node.inputs.size());
    for (int c : node.controlInputs) anyDead = anyDead || m_nodeDead[size_t(c)];
    for (Endpoint e : node.inputs) {
        auto f = m_fed.find(endpointKey(e));
        if (f != m_fed.end()) {
            Value v;
            v.tensor = *f->second;
            v.set = true;
            in.push_back(std::move(v));
            continue;
        }
        const auto& src = m_values[size_t(e.node)];
        if (size_t(e.output) >= src.size() || !src[size_t(e.output)].set)
            return annotateNodeError(Status::invalidArgument("Input from '" + m_graph.node(e.node).name + ":" +
                                                             std::to_string(e.output) + "', which was not produced."),
                                     node, m_graph);
        in.push_back(src[size_t(e.output)]);
        anyDead = anyDead || in.back().dead;
    }
    return Status::OK();
}

void OrderedRun::store(int x, std::vector<Value> out) {
    bool allDead = !out.empty();
    for (auto& v : out) {
        allDead = allDead && v.dead;
        if (v.set && m_state.memory) m_state.memory->add(tensorBytes(v.tensor));
    }
    m_nodeDead[size_t(x)] = allDead;
    keepOutputs(m_graph, m_state, x, out);
    m_values[size_t(x)] = std::move(out);
}

// Frees each input whose last consumer was this node.
void OrderedRun::releaseConsumedInputs(const ExecNode& node) {
    for (Endpoint e : node.inputs) {
        const int i = useIndex(e);
        if (i < 0 || m_uses[size_t(i)] <= 0) continue;  // fed (never counted)
        if (--m_uses[size_t(i)] == 0) {
            auto& src = m_values[size_t(e.node)];
            if (size_t(e.output) < src.size() && src[size_t(e.output)].set) release(src[size_t(e.output)]);
        }
    }
}

void OrderedRun::release(Value& v) {
    if (m_state.memory) m_state.memory->release(tensorBytes(v.tensor));
    v = Value{};
}

void OrderedRun::releaseAll() {
    for (auto& vs : m_values)
        for (auto& v : vs)
            if (v.set) release(v);
}

}  // namespace

Status Executor::run(const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches, const std::vector<int>& targets,
                     std::vector<Tensor>* outputs) {
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
    if (!p) {
        TFS_ASSIGN_OR_RETURN(std::vector<int> order, plan(m_graph, feeds, fetches, targets));
        auto made = std::make_shared<ExecGraph::Plan>();
        made->kernels = checkKernels(m_graph, order, m_state.library);
        made->hasLoops = hasLoops(order);
        made->order = std::move(order);
        m_graph.storePlan(std::move(key), made);
        p = std::move(made);
    }
    // A function body's missing kernels were reported by the top-level check (which looks into
    // the functions a graph calls).
    if (m_state.callDepth == 0) TFS_RETURN_IF_ERROR(p->kernels);
    if (p->hasLoops) {
        FrameScheduler frames(m_graph, m_state);
        return frames.run(p->order, feeds, fetches, outputs);
    }
    OrderedRun ordered(m_graph, m_state, feeds);
    return ordered.run(p->order, fetches, outputs);
}

bool Executor::hasLoops(const std::vector<int>& order) const {
    for (int x : order)
        if (flowOp(m_graph.node(x)) == FlowOp::Enter) return true;
    return false;
}

}  // namespace tfscope::exec
