#pragma once
// Loading a Session the way TF's C++ LoadSavedModel does
// (docs/formats.md#loading-a-savedmodel-session), for any SavedModel, TF1 or TF2, without special
// cases: feed saver_def.filename_tensor_name with the variables prefix
// and run restore_op_name (RestoreV2/Assign or the TF2 restore function really run), then run the
// init op (`__saved_model_init_op` signature, else `saved_model_main_op`, else `legacy_init_op`),
// feeding every asset tensor with its path under assets/. A graph without any init op that lists
// `table_initializer` nodes (tf.Transform's transform_fn) gets those run instead.
//
//   auto mg = std::shared_ptr<const tensorflow::MetaGraphDef>(model->savedModelPtr(), &model->metaGraph(0));
//   TFS_ASSIGN_OR_RETURN(auto session, loadSavedModel(mg, "/models/half_plus_two/00000123"));
//
// For a bare MetaGraphDef with a checkpoint (tf.train.Saver output) use restoreCheckpoint().

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/exec/session.h"

namespace tfscope::exec {

// `exportDir` may be empty (a frozen graph: nothing to restore, no assets).
Result<std::unique_ptr<Session>> loadSavedModel(std::shared_ptr<const tensorflow::MetaGraphDef> metaGraph,
                                                const std::string& exportDir, const SessionOptions& options = {});

// Asset tensor feeds: (tensor name, "<exportDir>/assets/<filename>").
std::vector<std::pair<std::string, Tensor>> assetFeeds(const tensorflow::MetaGraphDef& metaGraph, const std::string& exportDir);

// The init op node name, "" if none; InvalidArgument if a collection lists several.
Result<std::string> initOpName(const tensorflow::MetaGraphDef& metaGraph);

// The node names of the `table_initializer` collection (empty if none).
std::vector<std::string> tableInitializers(const tensorflow::MetaGraphDef& metaGraph);

// Runs the saver's restore op with `prefix` fed (V2 prefix or V1 file).
Status restoreCheckpoint(Session& session, const std::string& prefix,
                         const std::vector<std::pair<std::string, Tensor>>& extraFeeds = {});

}  // namespace tfscope::exec
