#include "model/graph/graph_index.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "function.pb.h"
#include "graph.pb.h"
#include "model/graph/attr_format.h"
#include "model/progress.h"

namespace tfscope {

namespace {

int parseIndex(std::string_view s) {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < 0) return 0;
    return v;
}

}  // namespace

std::pair<std::string_view, int> GraphIndex::parseTensorName(std::string_view t) {
    if (!t.empty() && t[0] == '^') return {t.substr(1), -1};
    size_t c1 = t.find(':');
    if (c1 == std::string_view::npos) return {t, 0};
    size_t c2 = t.rfind(':');
    return {t.substr(0, c1), parseIndex(t.substr(c2 + 1))};
}

// Fills a GraphIndex from node records; shared by the GraphDef and FunctionDef paths.
class GraphIndexBuilder {
public:
    explicit GraphIndexBuilder(GraphIndex& g) : m_g(g) {}

    void addNode(std::string_view name, std::string_view op, std::string_view device,
                 const tensorflow::NodeDef* def) {
        GraphIndex::Node n;
        n.name = name;
        n.op = op;
        n.device = device;
        n.def = def;
        m_g.m_nodes.push_back(n);
    }

    void indexNames() {
        auto& byName = m_g.m_byName;
        byName.reserve(m_g.m_nodes.size());
        for (NodeId i = 0; i < static_cast<NodeId>(m_g.m_nodes.size()); ++i) byName.emplace_back(m_g.m_nodes[i].name, i);
        std::stable_sort(byName.begin(), byName.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        auto out = byName.begin();
        for (auto it = byName.begin(); it != byName.end(); ++it) {
            if (out != byName.begin() && (out - 1)->first == it->first) {
                if (m_g.m_warnings.size() < 20)
                    m_g.m_warnings.push_back("Duplicate node name '" + std::string(it->first) + "'; the first one is used.");
                continue;
            }
            *out++ = *it;
        }
        byName.erase(out, byName.end());
    }

    // `inputs` of node `id`, as strings; data inputs must precede control ones in NodeDefs but we
    // reorder defensively.
    template <typename Range>
    void addInputs(NodeId id, const Range& inputs) {
        GraphIndex::Node& n = m_g.m_nodes[id];
        n.inputBegin = static_cast<uint32_t>(m_g.m_inputs.size());
        int data = 0;
        for (int pass = 0; pass < 2; ++pass) {
            for (const auto& s : inputs) {
                std::string_view raw(s);
                bool control = !raw.empty() && raw[0] == '^';
                if (control != (pass == 1)) continue;
                auto [name, index] = GraphIndex::parseTensorName(raw);
                InputRef ref;
                ref.raw = raw;
                ref.control = control;
                ref.outputIndex = control ? -1 : index;
                ref.node = m_g.find(name);
                if (!control) ++data;
                m_g.m_inputs.push_back(ref);
            }
        }
        n.inputEnd = static_cast<uint32_t>(m_g.m_inputs.size());
        n.dataInputs = data;
    }

    void indexConsumers() {
        auto& nodes = m_g.m_nodes;
        std::vector<uint32_t> counts(nodes.size() + 1, 0);
        for (const InputRef& in : m_g.m_inputs)
            if (in.node != kNoNode) ++counts[in.node + 1];
        for (size_t i = 1; i < counts.size(); ++i) counts[i] += counts[i - 1];
        m_g.m_consumers.resize(counts.back());
        std::vector<uint32_t> fill(counts.begin(), counts.end() - 1);
        for (NodeId c = 0; c < static_cast<NodeId>(nodes.size()); ++c) {
            const auto& n = nodes[c];
            for (uint32_t k = n.inputBegin; k < n.inputEnd; ++k) {
                const InputRef& in = m_g.m_inputs[k];
                if (in.node == kNoNode) continue;
                ConsumerRef ref{c, static_cast<int>(k - n.inputBegin), in.outputIndex, in.control};
                m_g.m_consumers[fill[in.node]++] = ref;
                if (!in.control) nodes[in.node].usedOutputs = std::max(nodes[in.node].usedOutputs, in.outputIndex + 1);
            }
        }
        for (size_t i = 0; i < nodes.size(); ++i) {
            nodes[i].consumerBegin = counts[i];
            nodes[i].consumerEnd = counts[i + 1];
        }
    }

    void buildScopes() {
        auto& scopes = m_g.m_scopes;
        scopes.clear();
        scopes.push_back(ScopeEntry{});
        std::unordered_map<std::string_view, int> byPath;
        byPath.reserve(m_g.m_nodes.size() / 2 + 16);
        auto scopeFor = [&](std::string_view path) -> int {
            auto it = byPath.find(path);
            if (it != byPath.end()) return it->second;
            size_t slash = path.rfind('/');
            int parent = slash == std::string_view::npos ? 0 : -2;
            if (parent == -2) {
                // Parents are created first by the caller's prefix loop.
                parent = byPath.at(path.substr(0, slash));
            }
            ScopeEntry e;
            e.path = path;
            e.localName = slash == std::string_view::npos ? path : path.substr(slash + 1);
            e.parent = parent;
            int id = static_cast<int>(scopes.size());
            scopes.push_back(std::move(e));
            scopes[parent].childScopes.push_back(id);
            byPath.emplace(path, id);
            return id;
        };
        for (const auto& n : m_g.m_nodes) {
            std::string_view name = n.name;
            for (size_t pos = name.find('/'); pos != std::string_view::npos; pos = name.find('/', pos + 1))
                if (pos > 0) scopeFor(name.substr(0, pos));
        }
        for (NodeId id = 0; id < static_cast<NodeId>(m_g.m_nodes.size()); ++id) {
            auto& n = m_g.m_nodes[id];
            auto self = byPath.find(n.name);
            int scope = 0;
            if (self != byPath.end()) {
                scope = self->second;
                if (scopes[scope].selfNode == kNoNode) scopes[scope].selfNode = id;
            } else {
                size_t slash = n.name.rfind('/');
                if (slash != std::string_view::npos && slash > 0) {
                    auto it = byPath.find(n.name.substr(0, slash));
                    if (it != byPath.end()) scope = it->second;
                }
            }
            n.scope = scope;
            scopes[scope].nodes.push_back(id);
        }
        for (int s = static_cast<int>(scopes.size()) - 1; s >= 0; --s) {
            auto& e = scopes[s];
            e.totalNodes += static_cast<int64_t>(e.nodes.size());
            if (e.parent >= 0) scopes[e.parent].totalNodes += e.totalNodes;
            std::sort(e.childScopes.begin(), e.childScopes.end(),
                      [&](int a, int b) { return scopes[a].localName < scopes[b].localName; });
            std::sort(e.nodes.begin(), e.nodes.end(),
                      [&](NodeId a, NodeId b) { return m_g.m_nodes[a].name < m_g.m_nodes[b].name; });
        }
    }

    void collectFunctions(const tensorflow::FunctionDefLibrary* lib) {
        m_g.m_library = lib;
        if (!lib) return;
        m_g.m_functionNames.reserve(lib->function_size());
        for (const auto& f : lib->function()) m_g.m_functionNames.push_back(f.signature().name());
        std::sort(m_g.m_functionNames.begin(), m_g.m_functionNames.end());
    }

private:
    GraphIndex& m_g;
};

GraphIndex::GraphIndex() = default;
GraphIndex::~GraphIndex() = default;

Result<std::shared_ptr<const GraphIndex>> GraphIndex::build(std::shared_ptr<const tensorflow::GraphDef> graph,
                                                            Progress* progress) {
    if (!graph) return Status::invalidArgument("No graph given.");
    std::shared_ptr<GraphIndex> g(new GraphIndex());
    g->m_owner = graph;
    GraphIndexBuilder b(*g);
    const int n = graph->node_size();
    g->m_nodes.reserve(n);
    for (const auto& nd : graph->node()) b.addNode(nd.name(), nd.op(), nd.device(), &nd);
    b.indexNames();
    if (progress && progress->isCancelled()) return Status::cancelled();
    size_t totalInputs = 0;
    for (const auto& nd : graph->node()) totalInputs += nd.input_size();
    g->m_inputs.reserve(totalInputs);
    for (NodeId i = 0; i < n; ++i) {
        b.addInputs(i, graph->node(i).input());
        if (progress && (i & 0x3fff) == 0) {
            if (progress->isCancelled()) return Status::cancelled();
            progress->report(i, n);
        }
    }
    b.indexConsumers();
    b.buildScopes();
    b.collectFunctions(graph->has_library() ? &graph->library() : nullptr);
    if (progress) progress->report(n, n);
    return std::shared_ptr<const GraphIndex>(std::move(g));
}

Result<std::shared_ptr<const GraphIndex>> GraphIndex::buildFromFunction(
    std::shared_ptr<const tensorflow::FunctionDef> function, Progress* progress) {
    if (!function) return Status::invalidArgument("No function given.");
    std::shared_ptr<GraphIndex> g(new GraphIndex());
    g->m_owner = function;
    g->m_isFunction = true;
    GraphIndexBuilder b(*g);
    const auto& sig = function->signature();
    // Pseudo-node names must stay valid: store them in the arena first (reserve: no reallocation).
    g->m_arena.reserve(sig.output_arg_size());
    for (const auto& arg : sig.input_arg()) b.addNode(arg.name(), "_Arg", {}, nullptr);
    for (const auto& nd : function->node_def()) b.addNode(nd.name(), nd.op(), nd.device(), &nd);
    for (const auto& arg : sig.output_arg()) {
        g->m_arena.push_back("_retval_" + arg.name());
        b.addNode(g->m_arena.back(), "_Retval", {}, nullptr);
    }
    b.indexNames();
    if (progress && progress->isCancelled()) return Status::cancelled();
    NodeId id = 0;
    for (int i = 0; i < sig.input_arg_size(); ++i) b.addInputs(id++, std::vector<std::string>{});
    for (const auto& nd : function->node_def()) b.addInputs(id++, nd.input());
    for (const auto& arg : sig.output_arg()) {
        auto it = function->ret().find(arg.name());
        std::vector<std::string> in;
        if (it != function->ret().end()) in.push_back(it->second);
        b.addInputs(id++, in);
    }
    b.indexConsumers();
    b.buildScopes();
    return std::shared_ptr<const GraphIndex>(std::move(g));
}

Result<std::shared_ptr<const GraphIndex>> GraphIndex::functionBody(std::string_view name, Progress* progress) const {
    if (m_library) {
        for (const auto& f : m_library->function()) {
            if (f.signature().name() != name) continue;
            auto body = buildFromFunction(std::shared_ptr<const tensorflow::FunctionDef>(m_owner, &f), progress);
            if (!body.ok()) return body.status();
            auto mutableBody = std::const_pointer_cast<GraphIndex>(body.value());
            mutableBody->m_library = m_library;
            mutableBody->m_functionNames = m_functionNames;
            return body;
        }
    }
    return Status::notFound("No function '" + std::string(name) + "' in the library.");
}

NodeId GraphIndex::find(std::string_view name) const {
    auto it = std::lower_bound(m_byName.begin(), m_byName.end(), name,
                               [](const auto& e, std::string_view n) { return e.first < n; });
    if (it == m_byName.end() || it->first != name) return kNoNode;
    return it->second;
}

std::span<const InputRef> GraphIndex::inputs(NodeId id) const {
    const Node& n = m_nodes[id];
    return {m_inputs.data() + n.inputBegin, n.inputEnd - n.inputBegin};
}

std::span<const ConsumerRef> GraphIndex::consumers(NodeId id) const {
    const Node& n = m_nodes[id];
    return {m_consumers.data() + n.consumerBegin, n.consumerEnd - n.consumerBegin};
}

std::vector<AttrDisplay> GraphIndex::attrs(NodeId id) const {
    std::vector<AttrDisplay> out;
    const tensorflow::NodeDef* def = m_nodes[id].def;
    if (!def) return out;
    out.reserve(def->attr_size());
    for (const auto& [name, value] : def->attr()) out.push_back(formatAttr(name, value));
    std::sort(out.begin(), out.end(), [](const AttrDisplay& a, const AttrDisplay& b) { return a.name < b.name; });
    return out;
}

std::vector<NodeId> GraphIndex::subgraphFor(std::span<const std::string> tensorNames,
                                            std::vector<std::string>* missing) const {
    std::vector<char> seen(m_nodes.size(), 0);
    std::vector<NodeId> stack;
    for (const std::string& t : tensorNames) {
        NodeId id = find(parseTensorName(t).first);
        if (id == kNoNode) {
            if (missing) missing->push_back(t);
            continue;
        }
        if (!seen[id]) {
            seen[id] = 1;
            stack.push_back(id);
        }
    }
    std::vector<NodeId> out;
    while (!stack.empty()) {
        NodeId id = stack.back();
        stack.pop_back();
        out.push_back(id);
        for (const InputRef& in : inputs(id)) {
            if (in.node == kNoNode || seen[in.node]) continue;
            seen[in.node] = 1;
            stack.push_back(in.node);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> GraphIndex::opTypes() const {
    std::vector<std::string_view> ops;
    ops.reserve(m_nodes.size());
    for (const Node& n : m_nodes) ops.push_back(n.op);
    std::sort(ops.begin(), ops.end());
    ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
    return {ops.begin(), ops.end()};
}

}  // namespace tfscope
