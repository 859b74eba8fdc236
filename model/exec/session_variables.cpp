#include "model/exec/session_variables.h"

#include "model/edit/edit_set.h"
#include "model/exec/resource_manager.h"
#include "model/loader/model_protos.h"

namespace tfscope::exec {
namespace {

std::string attrString(const tensorflow::NodeDef& def, const char* name) {
    auto it = def.attr().find(name);
    return it == def.attr().end() ? std::string() : it->second.s();
}

const tensorflow::NodeDef* findNode(const tensorflow::GraphDef& graph, const std::string& name) {
    for (const auto& n : graph.node())
        if (n.name() == name) return &n;
    return nullptr;
}

}  // namespace

RunEdits runEdits(const EditSet& edits) {
    RunEdits out;
    for (const EditItem& item : edits.items()) {
        if (item.added() || !item.valueEdited()) continue;
        const CheckpointEntry* source = edits.reader() ? edits.reader()->find(item.sourceKey) : nullptr;
        if (source && source->dtype != item.dtype) {
            out.skipped.push_back("'" + item.name + "': cast to " + std::string(dtypeShortName(item.dtype)) + ", the graph reads " +
                                  std::string(dtypeShortName(source->dtype)));
            continue;
        }
        if (source && source->shape != item.shape) {
            out.skipped.push_back("'" + item.name + "': shape " + shapeToString(item.shape) + ", the graph reads " +
                                  shapeToString(source->shape));
            continue;
        }
        out.values.emplace_back(item.sourceKey, *item.value);
    }
    return out;
}

Status setSessionVariable(Session& session, const Model& model, const std::string& key, const Tensor& value) {
    std::string node;
    for (const VariableSummary& v : model.summary().variables)
        if (v.checkpointKey == key && !v.graphNode.empty()) node = v.graphNode;
    const tensorflow::NodeDef* def = node.empty() ? nullptr : findNode(session.metaGraph().graph_def(), node);
    if (!def) return Status::notFound("The graph has no variable saved as '" + key + "'.");
    std::string name = attrString(*def, "shared_name");
    if (name.empty()) name = def->name();
    auto var = std::dynamic_pointer_cast<VariableResource>(session.resources().lookup(attrString(*def, "container"), name));
    if (!var) return Status::notFound("Variable '" + key + "' is not initialised in this session.");
    std::lock_guard<std::mutex> lock(var->mutex);
    if (!var->initialized) return Status::notFound("Variable '" + key + "' is not initialised in this session.");
    if (var->value.dtype() != value.dtype() || var->value.shape() != value.shape())
        return Status::invalidArgument("Variable '" + key + "' holds " + std::string(dtypeShortName(var->value.dtype())) +
                                       shapeToString(var->value.shape()) + "; cannot set it to " +
                                       std::string(dtypeShortName(value.dtype())) + shapeToString(value.shape()) + ".");
    var->value = value;  // new storage: kernels' derived caches (packed weights) key on it
    noteResourcesChanged();
    return Status::OK();
}

Status setSessionVariables(Session& session, const Model& model, const std::vector<std::pair<std::string, Tensor>>& values) {
    for (const auto& [key, value] : values) TFS_RETURN_IF_ERROR(setSessionVariable(session, model, key, value));
    return Status::OK();
}

}  // namespace tfscope::exec
