#include "model/export/restore_op_rewrite.h"

#include <functional>
#include <unordered_map>

#include "saved_model.pb.h"

namespace tfscope {
namespace {

std::string nodeOfInput(const std::string& input) {
    std::string n = input;
    if (!n.empty() && n[0] == '^') n.erase(0, 1);
    size_t colon = n.find(':');
    if (colon != std::string::npos) n.resize(colon);
    return n;
}

// Calls fn(op, tensor_names proto) for every SaveV2/RestoreV2 node's tensor_names const.
void forEachSaverNames(tensorflow::GraphDef& g, const std::function<void(const std::string&, tensorflow::TensorProto&)>& fn) {
    std::unordered_map<std::string, tensorflow::NodeDef*> byName;
    for (auto& n : *g.mutable_node()) byName[n.name()] = &n;
    for (auto& n : *g.mutable_node()) {
        if ((n.op() != "RestoreV2" && n.op() != "SaveV2") || n.input_size() < 2) continue;
        auto it = byName.find(nodeOfInput(n.input(1)));
        if (it == byName.end() || it->second->op() != "Const") continue;
        auto attr = it->second->mutable_attr()->find("value");
        if (attr == it->second->mutable_attr()->end() || !attr->second.has_tensor()) continue;
        fn(n.op(), *attr->second.mutable_tensor());
    }
}

}  // namespace

std::set<std::string> restoredKeys(const tensorflow::SavedModel& sm) {
    std::set<std::string> keys;
    for (const auto& mg : sm.meta_graphs()) {
        std::unordered_map<std::string, const tensorflow::NodeDef*> byName;
        for (const auto& n : mg.graph_def().node()) byName[n.name()] = &n;
        for (const auto& n : mg.graph_def().node()) {
            if (n.op() != "RestoreV2" || n.input_size() < 2) continue;
            auto it = byName.find(nodeOfInput(n.input(1)));
            if (it == byName.end() || it->second->op() != "Const") continue;
            auto attr = it->second->attr().find("value");
            if (attr == it->second->attr().end() || !attr->second.has_tensor()) continue;
            for (const std::string& k : attr->second.tensor().string_val()) keys.insert(k);
        }
    }
    return keys;
}

Status renameSaverKeys(tensorflow::SavedModel& sm, const std::map<std::string, std::string>& renames) {
    std::set<std::string> restored;
    for (auto& mg : *sm.mutable_meta_graphs())
        forEachSaverNames(*mg.mutable_graph_def(), [&](const std::string& op, tensorflow::TensorProto& t) {
            for (std::string& s : *t.mutable_string_val()) {
                auto it = renames.find(s);
                if (it == renames.end()) continue;
                if (op == "RestoreV2") restored.insert(s);
                s = it->second;
            }
        });
    for (const auto& [from, to] : renames)
        if (!restored.count(from))
            return Status::failedPrecondition("The SavedModel's graph has no restore op listing '" + from +
                                              "'; it cannot be renamed to '" + to + "'.");
    return Status::OK();
}

}  // namespace tfscope
