#include "model/exec/model_session.h"

#include <mutex>
#include <unordered_map>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/exec/resource_manager.h"
#include "model/exec/saved_model_session.h"
#include "model/loader/model_protos.h"

namespace tfscope::exec {
namespace {

std::string attrString(const tensorflow::NodeDef& def, const char* name) {
    auto it = def.attr().find(name);
    return it == def.attr().end() ? std::string() : it->second.s();
}

// TensorFlow 2 loads a SavedModel through its object graph (tf.saved_model.load): each variable
// object gets the value saved under its checkpoint key, whatever the graph's saver does. The saver
// may restore other handles than the ones the functions capture: a Keras 3 model written by
// tf.saved_model.save has a saver for `Variable`, `Variable_1` while the signature reads
// `dense/kernel`, `dense/bias` (TensorFlow's v1 session loader then fails on "uninitialized").
// So every object-graph variable whose graph handle is still uninitialized after the restore gets
// its value here; handles the saver did restore are left as they are.
Status restoreThroughObjectGraph(Session& session, const Model& model) {
    if (!model.checkpoint()) return Status::OK();
    const tensorflow::GraphDef& graph = session.metaGraph().graph_def();
    std::unordered_map<std::string, const tensorflow::NodeDef*> handles;
    for (const auto& n : graph.node())
        if (n.op() == "VarHandleOp") handles.emplace(n.name(), &n);
    for (const VariableSummary& v : model.summary().variables) {
        if (v.objectPath.empty() || v.checkpointKey.empty() || v.graphNode.empty()) continue;
        auto h = handles.find(v.graphNode);
        if (h == handles.end()) continue;
        std::string name = attrString(*h->second, "shared_name");
        if (name.empty()) name = h->second->name();
        TFS_ASSIGN_OR_RETURN(auto var, session.resources().lookupOrCreate<VariableResource>(attrString(*h->second, "container"), name, [] { return std::make_shared<VariableResource>();
        }));
        std::lock_guard<std::mutex> lock(var->mutex);
        if (var->initialized) continue;
        auto value = model.checkpoint()->read(v.checkpointKey);
        if (!value.ok()) return Status(value.status().code(), "Restoring '" + v.name + "' through the object graph failed: " + value.status().message());
        var->value = std::move(value).value();
        var->initialized = true;
        noteResourcesChanged();
    }
    return Status::OK();
}

}  // namespace

Result<int> selectMetaGraph(const Model& model, const std::vector<std::string>& tags) {
    if (model.metaGraphCount() == 0) return Status::invalidArgument("'" + model.rootPath() + "' holds no graph to run.");
    int i = model.findMetaGraph(tags);
    if (i >= 0) return i;
    if (model.metaGraphCount() == 1 && model.metaGraph(0).meta_info_def().tags_size() == 0) return 0;
    std::string have;
    for (int k = 0; k < model.metaGraphCount(); ++k) {
        std::string set;
        for (const auto& t : model.metaGraph(k).meta_info_def().tags()) set += (set.empty() ? "" : ",") + t;
        have += (have.empty() ? "'" : ", '") + set + "'";
    }
    std::string want;
    for (const auto& t : tags) want += (want.empty() ? "" : ",") + t;
    return Status::notFound("No meta graph with tag set '" + want + "'; the model has " + have + ".");
}

Result<std::unique_ptr<Session>> openModelSession(std::shared_ptr<const Model> model, const std::vector<std::string>& tags,
                                                  const SessionOptions& options) {
    TFS_ASSIGN_OR_RETURN(int index, selectMetaGraph(*model, tags));
    std::shared_ptr<const tensorflow::MetaGraphDef> mg(model->savedModelPtr(), &model->metaGraph(index));
    if (model->openedFormat() == ModelFormat::SavedModelDir) {
        TFS_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, loadSavedModel(mg, model->openedPath(), options));
        TFS_RETURN_IF_ERROR(restoreThroughObjectGraph(*session, *model));
        return session;
    }
    TFS_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::create(mg, options));
    if (model->checkpoint() && !mg->saver_def().restore_op_name().empty())
        TFS_RETURN_IF_ERROR(restoreCheckpoint(*session, model->checkpoint()->prefix()));
    return session;
}

}  // namespace tfscope::exec
