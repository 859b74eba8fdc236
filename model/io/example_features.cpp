#include "model/io/example_features.h"

#include <algorithm>

#include "attr_value.pb.h"
#include "graph.pb.h"
#include "model/exec/tensor_proto.h"
#include "model/graph/graph_index.h"

namespace tfscope::io {
namespace {

const tensorflow::AttrValue* attr(const tensorflow::NodeDef& node, const char* name) {
    auto it = node.attr().find(name);
    return it == node.attr().end() ? nullptr : &it->second;
}

std::vector<DType> typeList(const tensorflow::NodeDef& node, const char* name) {
    std::vector<DType> out;
    if (const auto* a = attr(node, name); a && a->has_list())
        for (int t : a->list().type()) out.push_back(baseType(t));
    return out;
}

// The value of input `slot` of `id` if its producer is a Const node.
Result<Tensor> constInput(const GraphIndex& g, NodeId id, int slot) {
    auto inputs = g.inputs(id);
    const std::string node(g.name(id));
    if (slot >= g.dataInputCount(id)) return Status::invalidArgument("Node '" + node + "' has no input " + std::to_string(slot) + ".");
    const InputRef& in = inputs[size_t(slot)];
    const tensorflow::NodeDef* def = in.node == kNoNode ? nullptr : g.nodeDef(in.node);
    const tensorflow::AttrValue* value = def && def->op() == "Const" ? attr(*def, "value") : nullptr;
    if (!value) return Status::invalidArgument("Input '" + std::string(in.raw) + "' of '" + node + "' is not a Const.");
    return exec::tensorFromProto(value->tensor());
}

Result<std::vector<std::string>> keysAt(const GraphIndex& g, NodeId id, int slot) {
    TFS_ASSIGN_OR_RETURN(Tensor t, constInput(g, id, slot));
    if (t.dtype() != DType::String)
        return Status::invalidArgument("Feature keys of '" + std::string(g.name(id)) + "' are not strings.");
    return t.strings();
}

Status collect(const GraphIndex& g, NodeId id, std::vector<ExampleFeature>& out) {
    const tensorflow::NodeDef& node = *g.nodeDef(id);
    const std::string name(g.name(id));
    const bool v2 = node.op() == "ParseExampleV2";
    std::vector<DType> sparseTypes = typeList(node, "sparse_types"), denseTypes = typeList(node, "Tdense");
    std::vector<DType> raggedTypes = typeList(node, "ragged_value_types");
    std::vector<Shape> denseShapes;
    if (const auto* a = attr(node, "dense_shapes"); a && a->has_list())
        for (const auto& s : a->list().shape()) denseShapes.push_back(exec::shapeFromProto(s));
    std::vector<std::string> sparseKeys, denseKeys, raggedKeys;
    int defaultsAt = 0;
    if (v2) {
        TFS_ASSIGN_OR_RETURN(sparseKeys, keysAt(g, id, 2));
        TFS_ASSIGN_OR_RETURN(denseKeys, keysAt(g, id, 3));
        TFS_ASSIGN_OR_RETURN(raggedKeys, keysAt(g, id, 4));
        defaultsAt = 5;
    } else {
        for (size_t i = 0; i < sparseTypes.size() + denseTypes.size(); ++i) {
            TFS_ASSIGN_OR_RETURN(auto k, keysAt(g, id, 2 + int(i)));
            if (k.size() != 1) return Status::invalidArgument("Feature key " + std::to_string(i) + " of '" + name + "' is not a scalar.");
            (i < sparseTypes.size() ? sparseKeys : denseKeys).push_back(k[0]);
        }
        defaultsAt = 2 + int(sparseTypes.size() + denseTypes.size());
    }
    if (sparseKeys.size() != sparseTypes.size() || denseKeys.size() != denseTypes.size() ||
        denseKeys.size() != denseShapes.size() || raggedKeys.size() != raggedTypes.size())
        return Status::invalidArgument("Inconsistent attrs and inputs of '" + name + "'.");
    for (size_t i = 0; i < denseKeys.size(); ++i) {
        ExampleFeature f{denseKeys[i], denseTypes[i], ExampleFeature::Kind::Dense, denseShapes[i], false};
        // An empty Const means "required"; tf.io.FixedLenFeature with a default feeds a Reshape of it.
        auto dflt = constInput(g, id, defaultsAt + int(i));
        f.hasDefault = dflt.ok() ? dflt.value().numElements() > 0 : defaultsAt + int(i) < g.dataInputCount(id);
        out.push_back(std::move(f));
    }
    for (size_t i = 0; i < sparseKeys.size(); ++i) out.push_back({sparseKeys[i], sparseTypes[i], ExampleFeature::Kind::Sparse, {}, false});
    for (size_t i = 0; i < raggedKeys.size(); ++i) out.push_back({raggedKeys[i], raggedTypes[i], ExampleFeature::Kind::Ragged, {}, false});
    return Status::OK();
}

}  // namespace

Result<std::vector<ExampleFeature>> exampleFeatures(const GraphIndex& graph, std::string_view tensorName) {
    auto [nodeName, output] = GraphIndex::parseTensorName(tensorName);
    std::vector<ExampleFeature> out;
    std::vector<std::pair<NodeId, int>> todo;
    if (NodeId start = graph.find(nodeName); start != kNoNode) todo.push_back({start, std::max(output, 0)});
    std::vector<NodeId> seen;
    while (!todo.empty()) {
        auto [id, out_index] = todo.back();
        todo.pop_back();
        if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
        seen.push_back(id);
        for (const ConsumerRef& c : graph.consumers(id)) {
            if (c.control || c.outputIndex != out_index || !graph.nodeDef(c.node)) continue;
            const std::string_view op = graph.op(c.node);
            if (op == "Identity") todo.push_back({c.node, 0});
            else if ((op == "ParseExample" || op == "ParseExampleV2") && c.inputSlot == 0) TFS_RETURN_IF_ERROR(collect(graph, c.node, out));
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const ExampleFeature& a, const ExampleFeature& b) { return a.key < b.key; });
    out.erase(std::unique(out.begin(), out.end(), [](const ExampleFeature& a, const ExampleFeature& b) { return a.key == b.key; }), out.end());
    return out;
}

}  // namespace tfscope::io
