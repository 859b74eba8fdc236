#include "model/exec/model_session.h"

#include "model/checkpoint/checkpoint_reader.h"
#include "model/exec/saved_model_session.h"
#include "model/loader/model_protos.h"

namespace tfscope::exec {

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
    if (model->openedFormat() == ModelFormat::SavedModelDir) return loadSavedModel(mg, model->openedPath(), options);
    TFS_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::create(mg, options));
    if (model->checkpoint() && !mg->saver_def().restore_op_name().empty())
        TFS_RETURN_IF_ERROR(restoreCheckpoint(*session, model->checkpoint()->prefix()));
    return session;
}

}  // namespace tfscope::exec
