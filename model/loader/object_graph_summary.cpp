// TF2 object graphs: BFS object paths, linking the SavedObjectGraph to the checkpoint's
// TrackableObjectGraph (docs/formats.md#tf2-object-graph).
#include <deque>
#include <unordered_map>

#include "model/dtype.h"
#include "model/graph/attr_format.h"
#include "model/loader/summary_builder.h"

namespace tfscope {

namespace {

template <typename Graph, typename ChildrenOf>
std::vector<std::string> bfsPaths(const Graph& g, int count, ChildrenOf childrenOf) {
    std::vector<std::string> paths(count);
    std::vector<char> seen(count, 0);
    if (count == 0) return paths;
    std::deque<int> queue{0};
    seen[0] = 1;
    while (!queue.empty()) {
        int id = queue.front();
        queue.pop_front();
        for (const auto& ref : childrenOf(g, id)) {
            int c = ref.node_id();
            if (c < 0 || c >= count || seen[c]) continue;
            seen[c] = 1;
            std::string esc = escapeLocalName(ref.local_name());
            paths[c] = paths[id].empty() ? esc : paths[id] + "/" + esc;
            queue.push_back(c);
        }
    }
    return paths;
}

const char* savedKindName(const tensorflow::SavedObject& o) {
    using O = tensorflow::SavedObject;
    switch (o.kind_case()) {
    case O::kUserObject: return "user_object";
    case O::kAsset: return "asset";
    case O::kFunction: return "function";
    case O::kVariable: return "variable";
    case O::kBareConcreteFunction: return "bare_concrete_function";
    case O::kConstant: return "constant";
    case O::kResource: return "resource";
    case O::kCapturedTensor: return "captured_tensor";
    case O::KIND_NOT_SET: break;
    }
    return "";
}

void copySlots(const google::protobuf::RepeatedPtrField<
                   tensorflow::TrackableObjectGraph::TrackableObject::SlotVariableReference>& refs,
               std::vector<ObjectGraphNode::SlotRef>& out, const std::unordered_map<int, int>* idMap) {
    auto mapId = [&](int id) {
        if (!idMap) return id;
        auto it = idMap->find(id);
        return it == idMap->end() ? -1 : it->second;
    };
    for (const auto& r : refs)
        out.push_back({r.slot_name(), mapId(r.original_variable_node_id()), mapId(r.slot_variable_node_id())});
}

}  // namespace

std::string escapeLocalName(const std::string& name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        if (c == '.') out += "..";
        else if (c == '/') out += ".S";
        else out += c;
    }
    return out;
}

std::vector<std::string> trackablePaths(const tensorflow::TrackableObjectGraph& g) {
    std::vector<std::string> paths = bfsPaths(g, g.nodes_size(), [](const auto& gr, int id) -> const auto& {
        return gr.nodes(id).children();
    });
    // Slot variables hang off their variable: VAR/.OPTIMIZER_SLOT/OPTIMIZER/SLOT (§4.3).
    for (int opt = 0; opt < g.nodes_size(); ++opt) {
        for (const auto& s : g.nodes(opt).slot_variables()) {
            int var = s.original_variable_node_id();
            int slot = s.slot_variable_node_id();
            if (var < 0 || var >= g.nodes_size() || slot < 0 || slot >= g.nodes_size()) continue;
            if (!paths[slot].empty() || slot == 0) continue;
            paths[slot] = paths[var] + "/.OPTIMIZER_SLOT/" + paths[opt] + "/" + escapeLocalName(s.slot_name());
        }
    }
    return paths;
}

std::vector<std::string> savedObjectPaths(const tensorflow::SavedObjectGraph& g) {
    return bfsPaths(g, g.nodes_size(), [](const auto& gr, int id) -> const auto& { return gr.nodes(id).children(); });
}

std::vector<std::pair<int, int>> linkObjectGraphs(const tensorflow::SavedObjectGraph& saved,
                                                  const tensorflow::TrackableObjectGraph& trackable) {
    std::vector<std::pair<int, int>> pairs;
    if (saved.nodes_size() == 0 || trackable.nodes_size() == 0) return pairs;
    std::vector<char> seen(trackable.nodes_size(), 0);
    std::vector<std::pair<int, int>> stack{{0, 0}};
    seen[0] = 1;
    while (!stack.empty()) {
        auto [sid, tid] = stack.back();
        stack.pop_back();
        pairs.emplace_back(sid, tid);
        const auto& tnode = trackable.nodes(tid);
        const auto& snode = saved.nodes(sid);
        // Reverse so that the first child is visited first (depth first, like the recursion).
        for (int i = tnode.children_size() - 1; i >= 0; --i) {
            const auto& child = tnode.children(i);
            int tc = child.node_id();
            if (tc < 0 || tc >= trackable.nodes_size() || seen[tc]) continue;
            int sc = -1;
            for (const auto& sref : snode.children())
                if (sref.local_name() == child.local_name()) {
                    sc = sref.node_id();
                    break;
                }
            if (sc < 0 || sc >= saved.nodes_size()) continue;
            seen[tc] = 1;
            stack.emplace_back(sc, tc);
        }
    }
    return pairs;
}

ObjectGraphSummary summarizeObjectGraph(const tensorflow::SavedObjectGraph* saved,
                                        const tensorflow::TrackableObjectGraph* trackable) {
    ObjectGraphSummary s;
    if (!saved && !trackable) return s;
    s.present = true;
    if (!saved) {
        std::vector<std::string> paths = trackablePaths(*trackable);
        for (int i = 0; i < trackable->nodes_size(); ++i) {
            const auto& t = trackable->nodes(i);
            ObjectGraphNode n;
            n.id = i;
            n.trackableId = i;
            n.path = paths[i];
            for (const auto& c : t.children()) n.children.push_back({c.local_name(), c.node_id()});
            for (const auto& a : t.attributes()) {
                n.attributes.push_back({a.name(), a.full_name(), a.checkpoint_key()});
                if (a.name() == "VARIABLE_VALUE") n.kind = "variable";
            }
            copySlots(t.slot_variables(), n.slotVariables, nullptr);
            s.nodes.push_back(std::move(n));
        }
        return s;
    }
    s.fromSavedModel = true;
    s.concreteFunctionCount = saved->concrete_functions_size();
    std::vector<std::string> paths = savedObjectPaths(*saved);
    for (int i = 0; i < saved->nodes_size(); ++i) {
        const auto& o = saved->nodes(i);
        ObjectGraphNode n;
        n.id = i;
        n.kind = savedKindName(o);
        n.path = paths[i];
        for (const auto& c : o.children()) n.children.push_back({c.local_name(), c.node_id()});
        copySlots(o.slot_variables(), n.slotVariables, nullptr);
        if (o.has_user_object()) n.identifier = o.user_object().identifier();
        if (o.has_variable()) {
            const auto& v = o.variable();
            n.dtype = v.dtype();
            n.dtypeName = dtypeEnumName(v.dtype());
            n.shape = shapeProtoToOptional(v.shape());
            n.trainable = v.trainable();
            n.variableName = v.name();
            n.device = v.device();
        }
        if (o.has_function())
            n.concreteFunctions.assign(o.function().concrete_functions().begin(), o.function().concrete_functions().end());
        if (o.has_bare_concrete_function()) n.concreteFunctions.push_back(o.bare_concrete_function().concrete_function_name());
        s.nodes.push_back(std::move(n));
    }
    if (!trackable) return s;
    std::unordered_map<int, int> toSaved;
    for (auto [sid, tid] : linkObjectGraphs(*saved, *trackable)) {
        toSaved[tid] = sid;
        ObjectGraphNode& n = s.nodes[sid];
        n.trackableId = tid;
        for (const auto& a : trackable->nodes(tid).attributes())
            n.attributes.push_back({a.name(), a.full_name(), a.checkpoint_key()});
    }
    for (auto [tid, sid] : toSaved) {
        ObjectGraphNode& n = s.nodes[sid];
        if (n.slotVariables.empty()) copySlots(trackable->nodes(tid).slot_variables(), n.slotVariables, &toSaved);
    }
    return s;
}

}  // namespace tfscope
