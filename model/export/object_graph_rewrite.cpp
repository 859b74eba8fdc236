#include "model/export/object_graph_rewrite.h"

#include <functional>
#include <vector>

#include "model/edit/optimizer_state.h"
#include "trackable_object_graph.pb.h"

namespace tfscope {
namespace {

using Graph = tensorflow::TrackableObjectGraph;

// has_checkpoint_values: the node, a child or a slot variable below it holds a value.
void recomputeHasValues(Graph& graph) {
    const int n = graph.nodes_size();
    std::vector<int> state(size_t(n), 0);  // 0 unknown, 1 visiting, 2 no, 3 yes
    std::function<bool(int)> hasValues = [&](int id) -> bool {
        if (id < 0 || id >= n) return false;
        int& st = state[size_t(id)];
        if (st == 1) return false;
        if (st >= 2) return st == 3;
        st = 1;
        const auto& node = graph.nodes(id);
        bool yes = node.attributes_size() > 0;
        for (const auto& c : node.children()) yes = hasValues(c.node_id()) || yes;
        for (const auto& s : node.slot_variables()) yes = hasValues(s.slot_variable_node_id()) || yes;
        state[size_t(id)] = yes ? 3 : 2;
        return yes;
    };
    for (int id = 0; id < n; ++id) {
        bool v = hasValues(id);
        auto* node = graph.mutable_nodes(id);
        if (node->has_has_checkpoint_values()) node->mutable_has_checkpoint_values()->set_value(v);
    }
}

// Drops and renames attributes in place; the graph keeps its nodes.
void keepAttributes(Graph& graph, const std::map<std::string, std::string>& kept, std::map<std::string, std::string>& keys) {
    const int n = graph.nodes_size();
    std::vector<bool> hadAttributes(size_t(n), false);
    for (int id = 0; id < n; ++id) {
        auto* node = graph.mutable_nodes(id);
        hadAttributes[size_t(id)] = node->attributes_size() > 0;
        auto* attrs = node->mutable_attributes();
        for (int a = attrs->size() - 1; a >= 0; --a) {
            auto it = kept.find(attrs->Get(a).checkpoint_key());
            if (it == kept.end()) {
                attrs->DeleteSubrange(a, 1);
            } else {
                keys[it->first] = it->second;
                attrs->Mutable(a)->set_checkpoint_key(it->second);
            }
        }
    }
    auto lostAll = [&](int id) {
        return id >= 0 && id < n && hadAttributes[size_t(id)] && graph.nodes(id).attributes_size() == 0;
    };
    for (int id = 0; id < n; ++id) {
        auto* slots = graph.mutable_nodes(id)->mutable_slot_variables();
        for (int s = slots->size() - 1; s >= 0; --s)
            if (lostAll(slots->Get(s).slot_variable_node_id())) slots->DeleteSubrange(s, 1);
    }
}

// A copy of `graph` without the optimizers and what hangs only from them, numbered in
// breadth-first order with slot variables after; attributes re-keyed where their path changed.
Graph withoutOptimizers(const Graph& graph, const OptimizerState& opt, std::map<std::string, std::string>& rekey) {
    const int n = graph.nodes_size();
    const TrackablePaths before = trackableObjectPaths(graph);
    const TrackablePaths after = trackableObjectPaths(graph, opt.optimizer);
    std::vector<int> order = after.bfsOrder;
    std::vector<bool> inBfs(size_t(n), false);
    for (int b : after.bfsOrder) inBfs[size_t(b)] = true;
    for (int id = 0; id < n; ++id)
        if (after.reached[size_t(id)] && !inBfs[size_t(id)]) order.push_back(id);  // slot variables of a remaining optimizer
    std::vector<int> newId(size_t(n), -1);
    for (size_t i = 0; i < order.size(); ++i) newId[size_t(order[i])] = int(i);
    Graph out;
    for (int id : order) {
        const auto& src = graph.nodes(id);
        auto* node = out.add_nodes();
        *node = src;  // attributes, registered saver, has_checkpoint_values as they were
        node->clear_children();
        node->clear_slot_variables();
        for (const auto& c : src.children()) {
            if (c.node_id() < 0 || c.node_id() >= n || newId[size_t(c.node_id())] < 0) continue;
            auto* ref = node->add_children();
            *ref = c;
            ref->set_node_id(newId[size_t(c.node_id())]);
        }
        for (const auto& s : src.slot_variables()) {
            const int var = s.original_variable_node_id(), slot = s.slot_variable_node_id();
            if (var < 0 || var >= n || slot < 0 || slot >= n || newId[size_t(var)] < 0 || newId[size_t(slot)] < 0) continue;
            auto* ref = node->add_slot_variables();
            *ref = s;
            ref->set_original_variable_node_id(newId[size_t(var)]);
            ref->set_slot_variable_node_id(newId[size_t(slot)]);
        }
        const std::string& oldPath = before.path[size_t(id)];
        const std::string& newPath = after.path[size_t(id)];
        if (oldPath == newPath || oldPath.empty()) continue;
        for (const auto& a : src.attributes()) {
            const std::string& key = a.checkpoint_key();
            if (key.starts_with(oldPath + "/.ATTRIBUTES/")) rekey[key] = newPath + key.substr(oldPath.size());
        }
    }
    return out;
}

}  // namespace

Result<ObjectGraphRewrite> rewriteObjectGraph(const std::string& serialized, const std::map<std::string, std::string>& kept) {
    Graph graph;
    if (!graph.ParseFromString(serialized))
        return Status::corruption("The object graph is not a valid TrackableObjectGraph.");
    ObjectGraphRewrite result;
    const OptimizerState opt = findOptimizerState(graph);
    bool stateKept = false;
    for (const std::string& key : opt.stateKeys) stateKept = stateKept || kept.count(key) > 0;
    std::map<std::string, std::string> names = kept;
    if (opt.any() && !stateKept) {
        std::map<std::string, std::string> rekey;
        graph = withoutOptimizers(graph, opt, rekey);
        result.droppedOptimizer = true;
        // A key the user left as it was follows the object's new path; a user's rename wins.
        for (auto& [from, to] : names) {
            auto it = rekey.find(from);
            if (it != rekey.end() && to == from) to = it->second;
        }
    }
    keepAttributes(graph, names, result.keys);
    recomputeHasValues(graph);
    if (!graph.SerializeToString(&result.serialized)) return Status::internal("Could not serialize the object graph.");
    return result;
}

}  // namespace tfscope
