#include "model/export/object_graph_rewrite.h"

#include <functional>
#include <vector>

#include "trackable_object_graph.pb.h"

namespace tfscope {

Result<std::string> rewriteObjectGraph(const std::string& serialized, const std::map<std::string, std::string>& kept) {
    tensorflow::TrackableObjectGraph graph;
    if (!graph.ParseFromString(serialized))
        return Status::corruption("The object graph is not a valid TrackableObjectGraph.");
    const int n = graph.nodes_size();
    std::vector<bool> hadAttributes(size_t(n), false);
    for (int id = 0; id < n; ++id) {
        auto* node = graph.mutable_nodes(id);
        hadAttributes[size_t(id)] = node->attributes_size() > 0;
        auto* attrs = node->mutable_attributes();
        for (int a = attrs->size() - 1; a >= 0; --a) {
            auto it = kept.find(attrs->Get(a).checkpoint_key());
            if (it == kept.end()) attrs->DeleteSubrange(a, 1);
            else attrs->Mutable(a)->set_checkpoint_key(it->second);
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
    // has_checkpoint_values: the node, a child or a slot variable below it holds a value.
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
        st = yes ? 3 : 2;
        return yes;
    };
    for (int id = 0; id < n; ++id) {
        bool v = hasValues(id);
        auto* node = graph.mutable_nodes(id);
        if (node->has_has_checkpoint_values()) node->mutable_has_checkpoint_values()->set_value(v);
    }
    std::string out;
    if (!graph.SerializeToString(&out)) return Status::internal("Could not serialize the object graph.");
    return out;
}

}  // namespace tfscope
