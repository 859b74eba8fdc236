#pragma once
// Variables of an opened Session set from outside the graph: a run "with the edited values".
// The values are written into the Session's variable resources (found through the model's variable
// list: checkpoint key -> VarHandleOp/VariableV2 node -> (container, shared_name)), so the graph
// is not restored again; writing the original value back undoes it.
//
//   RunEdits edits = runEdits(editSet);                       // value edits a run can use
//   TFS_RETURN_IF_ERROR(setSessionVariables(*session, *model, edits.values));
//   session->runSignature("serving_default", inputs);
//
// Thread safety: call between runs (not while the Session runs on another thread).

#include <string>
#include <utility>
#include <vector>

#include "model/exec/session.h"

namespace tfscope {
class EditSet;
class Model;
}  // namespace tfscope

namespace tfscope::exec {

// The value edits of an EditSet that a run can take, by source checkpoint key.
struct RunEdits {
    std::vector<std::pair<std::string, Tensor>> values;  // checkpoint key -> current (edited) value
    // Edits a run cannot take, each as "'w': cast to float64, the graph reads float32" (renames,
    // selections, deletions and added variables do not change a run and are not listed).
    std::vector<std::string> skipped;
};
RunEdits runEdits(const EditSet& edits);

// Sets the variable saved under checkpoint key `key` to `value`. NotFound when the Session's
// graph has no variable for the key or it was never initialised; InvalidArgument when `value`'s
// dtype or shape differ from the variable's.
Status setSessionVariable(Session& session, const Model& model, const std::string& key, const Tensor& value);
Status setSessionVariables(Session& session, const Model& model, const std::vector<std::pair<std::string, Tensor>>& values);

}  // namespace tfscope::exec
