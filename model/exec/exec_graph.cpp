#include "model/exec/exec_graph.h"

#include <charconv>

#include "function.pb.h"
#include "graph.pb.h"
#include "model/exec/function_library.h"
#include "model/exec/fusion.h"
#include "model/exec/op_info.h"
#include "model/exec/optimize/fuse_elementwise.h"
#include "model/exec/optimize/optimize.h"
#include "node_def.pb.h"
#include "op_def.pb.h"

namespace tfscope::exec {

namespace {

// The graph optimizer (optimize/optimize.h), then kernel fusion; a node either absorbs stays absorbed.
void optimizeAndFuse(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns,
                     std::vector<std::unique_ptr<tensorflow::NodeDef>>& owned, std::vector<char>& absorbed,
                     std::unordered_map<std::string, int>& byName) {
    std::vector<char> folded;
    const size_t before = nodes.size();
    if (graphOptimizerEnabled()) optimizeGraph(nodes, returns, &owned, &folded);
    for (size_t i = before; i < nodes.size(); ++i) byName[nodes[i].name] = int(i);
    fuseKernelChains(nodes, returns, &owned, &absorbed);
    fuseLstmCells(nodes, returns, &owned, &absorbed);
    for (size_t i = 0; i < folded.size() && i < absorbed.size(); ++i) absorbed[i] = char(absorbed[i] | folded[i]);
    if (graphOptimizerEnabled() && elementwiseFusionEnabled()) fuseElementwiseChains(nodes, returns, &owned, &absorbed);
}

}  // namespace
namespace {

bool parseInt(std::string_view s, int* out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && p == s.data() + s.size();
}

// Output args of a node: the op table, or the signature of a library function called by op name.
std::vector<OutputArg> argsOf(const tensorflow::NodeDef& def, const FunctionLibrary* library, bool* known) {
    if (hasKnownOutputs(def.op())) {
        *known = true;
        return outputArgs(def);
    }
    if (library) {
        if (const tensorflow::FunctionDef* f = library->find(def.op())) {
            *known = true;
            return outputArgs(f->signature(), def);
        }
    }
    *known = false;
    return outputArgs(def);
}

}  // namespace

ExecGraph::ExecGraph() = default;
ExecGraph::~ExecGraph() = default;

std::shared_ptr<const ExecGraph::Plan> ExecGraph::cachedPlan(const std::vector<uint64_t>& key) const {
    std::lock_guard<std::mutex> lock(m_planMutex);
    auto it = m_plans.find(key);
    return it == m_plans.end() ? nullptr : it->second;
}

void ExecGraph::storePlan(std::vector<uint64_t> key, std::shared_ptr<const Plan> plan) const {
    std::lock_guard<std::mutex> lock(m_planMutex);
    if (m_plans.size() >= kMaxPlans) m_plans.clear();
    m_plans.emplace(std::move(key), std::move(plan));
}

int ExecGraph::find(std::string_view name) const {
    auto it = m_byName.find(std::string(name));
    return it == m_byName.end() ? -1 : it->second;
}

Result<Endpoint> ExecGraph::endpoint(std::string_view tensorName) const {
    std::string_view name = tensorName;
    int index = 0;
    size_t colon = tensorName.rfind(':');
    if (colon != std::string_view::npos) {
        if (!parseInt(tensorName.substr(colon + 1), &index) || index < 0)
            return Status::invalidArgument("Invalid tensor name '" + std::string(tensorName) + "'.");
        name = tensorName.substr(0, colon);
    }
    int n = find(name);
    if (n < 0) return Status::notFound("The graph has no node '" + std::string(name) + "'.");
    const ExecNode& node = m_nodes[size_t(n)];
    if (node.knownOutputs && index >= node.numOutputs)
        return Status::invalidArgument("Node '" + std::string(name) + "' has " + std::to_string(node.numOutputs) +
                                       " outputs; '" + std::string(tensorName) + "' does not exist.");
    return Endpoint{n, index};
}

Status ExecGraph::resolveInputs(bool functionBody, const FunctionLibrary* library) {
    for (auto& node : m_nodes) {
        if (!node.def) continue;
        bool known = false;
        auto args = argsOf(*node.def, library, &known);
        node.knownOutputs = known;
        node.numOutputs = totalOutputs(args);
    }
    for (auto& node : m_nodes) {
        if (!node.def) continue;
        for (const std::string& in : node.def->input()) {
            std::string_view s = in;
            if (!s.empty() && s[0] == '^') {
                int src = find(s.substr(1));
                if (src < 0) return Status::notFound("Node '" + node.name + "' has a control input from unknown node '" + std::string(s.substr(1)) + "'.");
                node.controlInputs.push_back(src);
                continue;
            }
            if (!functionBody) {
                TFS_ASSIGN_OR_RETURN(Endpoint e, endpoint(s));
                node.inputs.push_back(e);
                continue;
            }
            size_t c1 = s.find(':');
            if (c1 == std::string_view::npos) {
                auto it = m_argByName.find(std::string(s));
                if (it != m_argByName.end()) { node.inputs.push_back({it->second, 0}); continue; }
                int src = find(s);
                if (src < 0) return Status::notFound("Node '" + node.name + "' has an input from unknown '" + std::string(s) + "'.");
                node.inputs.push_back({src, 0});
                continue;
            }
            std::string_view srcName = s.substr(0, c1);
            std::string_view rest = s.substr(c1 + 1);
            size_t c2 = rest.find(':');
            std::string_view argName = rest.substr(0, c2);
            int index = 0;
            if (c2 != std::string_view::npos && !parseInt(rest.substr(c2 + 1), &index))
                return Status::invalidArgument("Invalid input '" + in + "' of node '" + node.name + "'.");
            int src = find(srcName);
            if (src < 0) return Status::notFound("Node '" + node.name + "' has an input from unknown node '" + std::string(srcName) + "'.");
            const ExecNode& srcNode = m_nodes[size_t(src)];
            if (!srcNode.def) { node.inputs.push_back({src, 0}); continue; }
            // A bare `node:k` (GraphDef style) also occurs in some bodies.
            int direct = 0;
            if (c2 == std::string_view::npos && parseInt(argName, &direct)) { node.inputs.push_back({src, direct}); continue; }
            bool known = false;
            auto args = argsOf(*srcNode.def, library, &known);
            auto flat = flatOutputIndex(args, known, argName, index);
            if (!flat) return Status::invalidArgument("Input '" + in + "' of node '" + node.name + "' names no output of op '" + srcNode.def->op() + "'.");
            node.inputs.push_back({src, *flat});
        }
    }
    return Status::OK();
}

Result<std::shared_ptr<const ExecGraph>> ExecGraph::fromGraphDef(const tensorflow::GraphDef& graph, const FunctionLibrary* library,
                                                                 bool fuse) {
    auto g = std::make_shared<ExecGraph>();
    g->m_nodes.reserve(size_t(graph.node_size()));
    for (const auto& def : graph.node()) {
        if (g->m_byName.count(def.name())) return Status::invalidArgument("Duplicate node name '" + def.name() + "'.");
        g->m_byName[def.name()] = int(g->m_nodes.size());
        ExecNode n;
        n.def = &def;
        n.name = def.name();
        g->m_nodes.push_back(std::move(n));
    }
    TFS_RETURN_IF_ERROR(g->resolveInputs(false, library));
    if (fuse) optimizeAndFuse(g->m_nodes, g->m_returns, g->m_owned, g->m_absorbed, g->m_byName);
    return std::shared_ptr<const ExecGraph>(std::move(g));
}

Result<std::shared_ptr<const ExecGraph>> ExecGraph::fromFunction(const tensorflow::FunctionDef& function, const FunctionLibrary* library,
                                                                 bool fuse) {
    auto g = std::make_shared<ExecGraph>();
    g->m_functionName = function.signature().name();
    const auto& sig = function.signature();
    for (int i = 0; i < sig.input_arg_size(); ++i) {
        ExecNode n;
        n.name = sig.input_arg(i).name();
        n.argIndex = i;
        n.knownOutputs = true;
        g->m_argByName[n.name] = int(g->m_nodes.size());
        g->m_argNodes.push_back(int(g->m_nodes.size()));
        g->m_nodes.push_back(std::move(n));
    }
    for (const auto& def : function.node_def()) {
        if (g->m_byName.count(def.name()) || g->m_argByName.count(def.name()))
            return Status::invalidArgument("Duplicate node name '" + def.name() + "'.");
        g->m_byName[def.name()] = int(g->m_nodes.size());
        ExecNode n;
        n.def = &def;
        n.name = def.name();
        g->m_nodes.push_back(std::move(n));
    }
    TFS_RETURN_IF_ERROR(g->resolveInputs(true, library));
    // Returns: ret[output_arg.name] is "node:out:idx" or an argument name.
    for (const auto& out : sig.output_arg()) {
        auto it = function.ret().find(out.name());
        if (it == function.ret().end()) return Status::invalidArgument("Output '" + out.name() + "' has no return value.");
        std::string_view s = it->second;
        auto argIt = g->m_argByName.find(std::string(s));
        if (argIt != g->m_argByName.end()) { g->m_returns.push_back({argIt->second, 0}); continue; }
        size_t c1 = s.find(':');
        std::string_view srcName = s.substr(0, c1);
        int src = g->find(srcName);
        if (src < 0) return Status::notFound("Return '" + it->second + "' names an unknown node.");
        if (c1 == std::string_view::npos) { g->m_returns.push_back({src, 0}); continue; }
        std::string_view rest = s.substr(c1 + 1);
        size_t c2 = rest.find(':');
        int index = 0;
        if (c2 != std::string_view::npos && !parseInt(rest.substr(c2 + 1), &index))
            return Status::invalidArgument("Invalid return '" + it->second + "'.");
        const ExecNode& srcNode = g->m_nodes[size_t(src)];
        if (!srcNode.def) { g->m_returns.push_back({src, 0}); continue; }
        int direct = 0;
        if (c2 == std::string_view::npos && parseInt(rest, &direct)) { g->m_returns.push_back({src, direct}); continue; }
        bool known = false;
        auto args = argsOf(*srcNode.def, library, &known);
        auto flat = flatOutputIndex(args, known, rest.substr(0, c2), index);
        if (!flat) return Status::invalidArgument("Return '" + it->second + "' names no output of op '" + srcNode.def->op() + "'.");
        g->m_returns.push_back({src, *flat});
    }
    for (const auto& [name, nodeName] : function.control_ret()) {
        int n = g->find(nodeName);
        if (n < 0) return Status::notFound("Control return '" + name + "' names unknown node '" + nodeName + "'.");
        g->m_controlReturns.push_back(n);
    }
    if (fuse) optimizeAndFuse(g->m_nodes, g->m_returns, g->m_owned, g->m_absorbed, g->m_byName);
    return std::shared_ptr<const ExecGraph>(std::move(g));
}

}  // namespace tfscope::exec
