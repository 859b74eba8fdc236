#pragma once
// openModelSession: a Session for a Model opened by ModelLoader (any format): a SavedModel (or the
// served version of a TF Serving base) is loaded with restore + init (loadSavedModel); a bare
// MetaGraphDef next to a checkpoint is restored through its saver; a frozen GraphDef just runs.
//
//   TFS_ASSIGN_OR_RETURN(auto model, ModelLoader::load(path));
//   TFS_ASSIGN_OR_RETURN(auto session, exec::openModelSession(model, {"serve"}));

#include <memory>
#include <string>
#include <vector>

#include "model/exec/session.h"

namespace tfscope { class Model; }

namespace tfscope::exec {

// The index of the meta graph whose tag set equals `tags`; a sole untagged meta graph (GraphDef,
// .meta) matches any tags. NotFound lists the available tag sets.
Result<int> selectMetaGraph(const Model& model, const std::vector<std::string>& tags);

Result<std::unique_ptr<Session>> openModelSession(std::shared_ptr<const Model> model, const std::vector<std::string>& tags,
                                                  const SessionOptions& options = {});

}  // namespace tfscope::exec
