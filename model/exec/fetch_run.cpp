#include "model/exec/fetch_run.h"

#include <algorithm>
#include <unordered_map>

#include "attr_value.pb.h"
#include "graph.pb.h"
#include "meta_graph.pb.h"
#include "model/exec/op_info.h"
#include "model/exec/tensor_proto.h"
#include "model/graph/plumbing.h"
#include "node_def.pb.h"
#include "tensor_shape.pb.h"

namespace tfscope::exec {

namespace {

bool isPlaceholderOp(const std::string& op) {
    return op == "Placeholder" || op == "PlaceholderV2" || op == "PlaceholderWithDefault";
}

const tensorflow::NodeDef* findNode(const tensorflow::GraphDef& graph, std::string_view name) {
    for (const auto& n : graph.node())
        if (n.name() == name) return &n;
    return nullptr;
}

const tensorflow::AttrValue* attrOf(const tensorflow::NodeDef& node, const char* name) {
    auto it = node.attr().find(name);
    return it == node.attr().end() ? nullptr : &it->second;
}

// Spec of output `index` of `node` (see the header for the rules).
TensorSpec specOf(const tensorflow::GraphDef& graph, const tensorflow::NodeDef& node, int index) {
    TensorSpec spec;
    spec.tensorName = node.name() + ":" + std::to_string(index);
    const bool placeholder = isPlaceholderOp(node.op());
    for (const char* a : {"dtype", "T", "out_type"}) {
        if (const auto* v = attrOf(node, a); v && v->value_case() == tensorflow::AttrValue::kType) {
            spec.dtype = baseType(int(v->type()));
            break;
        }
        if (placeholder) break;  // a Placeholder says its dtype in `dtype` only
    }
    if (const auto* v = attrOf(node, "_output_shapes"); v && v->has_list() && index < v->list().shape_size()) {
        bool unknown = false;
        spec.shape = shapeFromProto(v->list().shape(index), &unknown);
        spec.unknownRank = unknown;
    } else if (const auto* s = attrOf(node, "shape"); placeholder && s && s->has_shape()) {
        bool unknown = false;
        spec.shape = shapeFromProto(s->shape(), &unknown);
        spec.unknownRank = unknown;
        // Before producer 21 an unknown Placeholder shape was written as `shape {}`.
        if (!unknown && s->shape().dim_size() == 0 && graph.versions().producer() < 21) spec.unknownRank = true;
    }
    if (spec.unknownRank) spec.shape.clear();
    spec.optional = node.op() == "PlaceholderWithDefault";
    return spec;
}

}  // namespace

Result<std::string> canonicalTensorName(std::string_view name) {
    if (name.empty()) return Status::invalidArgument("An empty tensor name.");
    if (name[0] == '^') return Status::invalidArgument("'" + std::string(name) + "' names an operation (control input), not a tensor.");
    const size_t colon = name.rfind(':');
    if (colon == std::string_view::npos) return std::string(name) + ":0";
    std::string_view idx = name.substr(colon + 1);
    bool digits = !idx.empty() && idx.size() < 10 && std::all_of(idx.begin(), idx.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (colon == 0 || !digits)
        return Status::invalidArgument("'" + std::string(name) + "' is not a tensor name (expected 'node' or 'node:index').");
    return std::string(name);
}

Result<TensorSpec> graphTensorSpec(const tensorflow::GraphDef& graph, const std::string& name) {
    TFS_ASSIGN_OR_RETURN(std::string canonical, canonicalTensorName(name));
    const size_t colon = canonical.rfind(':');
    const std::string nodeName = canonical.substr(0, colon);
    const tensorflow::NodeDef* node = findNode(graph, nodeName);
    if (!node) return Status::notFound("The graph has no tensor '" + canonical + "' (no node '" + nodeName + "').");
    return specOf(graph, *node, std::stoi(canonical.substr(colon + 1)));
}

Status checkFeed(const tensorflow::GraphDef& graph, const std::string& name, const Tensor& value) {
    TFS_ASSIGN_OR_RETURN(TensorSpec spec, graphTensorSpec(graph, name));
    const tensorflow::NodeDef* node = findNode(graph, spec.tensorName.substr(0, spec.tensorName.rfind(':')));
    if (node && isPlaceholderOp(node->op()) && spec.dtype != DType::Invalid && value.dtype() != spec.dtype)
        return Status::invalidArgument("Cannot feed a " + dtypeEnumName(value.dtype()) + " value to tensor '" + spec.tensorName +
                                       "', which is " + dtypeEnumName(spec.dtype) + ".");
    if (spec.unknownRank) return Status::OK();
    bool ok = int(spec.shape.size()) == value.rank();
    for (size_t d = 0; ok && d < spec.shape.size(); ++d) ok = spec.shape[d] < 0 || spec.shape[d] == value.dim(int(d));
    if (!ok)
        return Status::invalidArgument("Cannot feed a value of shape " + shapeToString(value.shape()) + " to tensor '" + spec.tensorName +
                                       "', which has shape " + shapeToString(spec.shape) + ".");
    return Status::OK();
}

std::vector<TensorSpec> graphPlaceholders(const tensorflow::GraphDef& graph) {
    std::vector<TensorSpec> out;
    for (const auto& n : graph.node())
        if (isPlaceholderOp(n.op())) out.push_back(specOf(graph, n, 0));
    std::sort(out.begin(), out.end(), [](const TensorSpec& a, const TensorSpec& b) { return a.tensorName < b.tensorName; });
    return out;
}

std::vector<std::string> graphSinks(const tensorflow::GraphDef& graph, size_t limit) {
    const int n = graph.node_size();
    std::unordered_map<std::string_view, int> index;
    for (int i = 0; i < n; ++i) index.emplace(graph.node(i).name(), i);
    auto inputNode = [&](const std::string& in) {
        std::string_view s = in;
        const bool control = !s.empty() && s[0] == '^';
        if (control) s.remove_prefix(1);
        if (auto colon = s.find(':'); colon != std::string_view::npos) s = s.substr(0, colon);
        auto it = index.find(s);
        return std::pair{it == index.end() ? -1 : it->second, control};
    };
    // TF1's own scopes for gradients, optimizer steps and the Saver: plumbing by name.
    auto plumbingScope = [](const std::string& name) {
        const std::string first = name.substr(0, name.find('/'));
        return name.find('/') != std::string::npos && (first == "gradients" || first == "train" || first == "save");
    };
    // Consumed by the network or its initialization; what only summaries and training read (a
    // loss) is a result.
    std::vector<char> consumed(size_t(n), 0);
    for (const auto& node : graph.node()) {
        const Plumbing p = plumbingForOp(node.op());
        if (p == Plumbing::Summaries || p == Plumbing::Training || plumbingScope(node.name())) continue;
        for (const auto& in : node.input())
            if (auto [i, control] = inputNode(in); i >= 0 && !control) consumed[size_t(i)] = 1;
    }
    // plumbed[i]: 0 unknown, 1 no plumbing upstream, 2 plumbing upstream (iterative DFS).
    std::vector<char> plumbed(size_t(n), 0);
    auto isPlumbed = [&](int root) {
        std::vector<std::pair<int, int>> stack{{root, 0}};
        std::vector<char> onStack(size_t(n), 0);
        onStack[size_t(root)] = 1;
        while (!stack.empty()) {
            auto& [x, next] = stack.back();
            const auto& node = graph.node(x);
            // A NoOp is what it groups (plumbing.h puts it under Initialization by type alone).
            if (next == 0 && node.op() != "NoOp" && plumbingForOp(node.op()) != Plumbing::None) plumbed[size_t(x)] = 2;
            if (plumbed[size_t(x)] == 2 || next >= node.input_size()) {
                if (plumbed[size_t(x)] == 0) plumbed[size_t(x)] = 1;
                const char v = plumbed[size_t(x)];
                onStack[size_t(x)] = 0;
                stack.pop_back();
                if (v == 2 && !stack.empty()) plumbed[size_t(stack.back().first)] = 2;
                continue;
            }
            const int i = inputNode(node.input(next++)).first;
            if (i < 0 || onStack[size_t(i)]) continue;  // a loop's back edge
            if (plumbed[size_t(i)] == 2) plumbed[size_t(x)] = 2;
            if (plumbed[size_t(i)] == 0) {
                onStack[size_t(i)] = 1;
                stack.push_back({i, 0});
            }
        }
        return plumbed[size_t(root)] == 2;
    };
    // A variable's read (`w/read`, `ReadVariableOp` of a handle): a weight, not a result.
    auto weightRead = [&](const tensorflow::NodeDef& node) {
        if ((node.op() != "Identity" && node.op() != "ReadVariableOp") || node.input_size() == 0) return false;
        const int i = inputNode(node.input(0)).first;
        return i >= 0 && isWeightSourceOp(graph.node(i).op());
    };
    std::vector<std::string> out;
    for (int i = 0; i < n && out.size() < limit; ++i) {
        const auto& node = graph.node(i);
        if (consumed[size_t(i)] || isPlaceholderOp(node.op()) || isWeightSourceOp(node.op())) continue;
        if (plumbingScope(node.name()) || weightRead(node)) continue;
        if (totalOutputs(outputArgs(node)) == 0 || isPlumbed(i)) continue;
        out.push_back(node.name() + ":0");
    }
    return out;
}

Result<std::vector<Tensor>> runFetches(Session& session, const std::vector<std::pair<std::string, Tensor>>& feeds,
                                       const std::vector<std::string>& fetches, const RunTicket* ticket, TensorKeeper* keep) {
    if (fetches.empty()) return Status::invalidArgument("No tensor to fetch.");
    const tensorflow::GraphDef& graph = session.metaGraph().graph_def();
    std::vector<std::pair<std::string, Tensor>> canonicalFeeds;
    for (const auto& [name, value] : feeds) {
        TFS_ASSIGN_OR_RETURN(std::string canonical, canonicalTensorName(name));
        TFS_RETURN_IF_ERROR(checkFeed(graph, canonical, value));
        canonicalFeeds.push_back({canonical, value});
    }
    std::vector<std::string> names;
    for (const auto& f : fetches) {
        TFS_ASSIGN_OR_RETURN(std::string canonical, canonicalTensorName(f));
        TFS_RETURN_IF_ERROR(graphTensorSpec(graph, canonical).status());
        names.push_back(canonical);
    }
    std::vector<Tensor> out;
    TFS_RETURN_IF_ERROR(session.run(canonicalFeeds, names, {}, &out, ticket, keep));
    return out;
}

Result<std::vector<std::pair<std::string, Tensor>>> evaluateNode(Session& session, const std::string& signatureKey,
                                                                 const std::map<std::string, Tensor>& inputs, const std::string& node,
                                                                 const RunTicket* ticket) {
    const tensorflow::GraphDef& graph = session.metaGraph().graph_def();
    const tensorflow::NodeDef* def = findNode(graph, node);
    if (!def) return Status::notFound("The graph has no node '" + node + "'.");
    const int outputs = totalOutputs(outputArgs(*def));
    if (outputs == 0) return Status::invalidArgument("Node '" + node + "' (" + def->op() + ") has no outputs to show.");
    std::vector<std::string> fetches;
    for (int k = 0; k < outputs; ++k) fetches.push_back(node + ":" + std::to_string(k));
    std::vector<std::pair<std::string, Tensor>> feeds;
    if (!signatureKey.empty()) {
        TFS_ASSIGN_OR_RETURN(feeds, session.signatureFeeds(signatureKey, inputs));
    } else {
        for (const auto& [name, value] : inputs) {
            TFS_ASSIGN_OR_RETURN(std::string canonical, canonicalTensorName(name));
            TFS_RETURN_IF_ERROR(checkFeed(graph, canonical, value));
            feeds.push_back({canonical, value});
        }
    }
    std::vector<Tensor> values;
    TFS_RETURN_IF_ERROR(session.run(feeds, fetches, {}, &values, ticket));
    std::vector<std::pair<std::string, Tensor>> out;
    for (size_t i = 0; i < fetches.size(); ++i) out.push_back({fetches[i], values[i]});
    return out;
}

std::string fileSafeTensorName(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (c == '/') out += "__";
        else if (c == ':') out += '_';
        else out += c;
    }
    return out;
}

}  // namespace tfscope::exec
