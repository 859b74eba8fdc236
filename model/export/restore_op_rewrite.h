#pragma once
// Renames checkpoint keys inside a TF1 graph's saver: the string consts feeding the
// `tensor_names` input (input 1) of every SaveV2 / RestoreV2 node (tf.train.Saver builds
// `save/SaveV2/tensor_names` and `save/RestoreV2/tensor_names`, docs/formats.md#saverdef). After the
// rewrite the graph saves and restores the renamed keys; shape_and_slices and dtypes are unchanged.
//
//   tensorflow::SavedModel sm = model->savedModel();
//   TFS_RETURN_IF_ERROR(renameSaverKeys(sm, {{"a", "alpha"}}));

#include <map>
#include <set>
#include <string>

#include "model/status.h"

namespace tensorflow {
class SavedModel;
}

namespace tfscope {

// Every key some RestoreV2 node of some meta graph lists in its tensor_names const.
std::set<std::string> restoredKeys(const tensorflow::SavedModel& sm);
// Rewrites every listed old key to its new name. FailedPrecondition naming the key when a renamed
// key is not listed by any RestoreV2 node.
Status renameSaverKeys(tensorflow::SavedModel& sm, const std::map<std::string, std::string>& renames);

}  // namespace tfscope
