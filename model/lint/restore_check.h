#pragma once
// Would restoring a checkpoint into a model's graph work, the way TensorFlow restores it? What
// `tfscope lint MODEL [--checkpoint CKPT]` reports (app/cli_lint.cpp).
//
//   TFS_ASSIGN_OR_RETURN(RestoreCheck r, checkRestore(*model, *ckpt));
//   if (!r.restores()) print(r.missing, r.mismatches);
//   std::string script = editScriptToJson(r.fixEdits());   // `tfscope export CKPT --script ...`
//
// - TF1 graphs restore through their SaverDef: the keys the graph's RestoreV2 ops list (a
//   `Saver({"v1": v1})` subset lists only those; a partitioned variable is one key holding the
//   full tensor). A listed key missing from the checkpoint fails (NotFoundError), as does a dtype
//   or shape mismatch; extra checkpoint keys are ignored.
//   When the model is a graph for tf.compat.v1 Saver (a checkpoint with its .meta, not a
//   SavedModel, whose loader runs the restore op itself) and the checkpoint is object-based (TF2),
//   Saver.restore falls back to the object graph's full names: a listed key found there as an
//   attribute's full_name restores from that value.
// - TF2 models (an object graph) restore by object path: a variable without a value in the
//   checkpoint keeps its initial value (assert_consumed would fail; the restore itself does not),
//   a checkpoint value no object takes is reported unless expect_partial(); a shape or dtype
//   mismatch fails. Here a model variable left at its initial value counts as not restoring.
// Suggested fix: each expected key that is missing is paired with an unexpected checkpoint key of
// the same dtype and shape, preferring the same name once TF2 suffixes are stripped
// (`layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE` -> `dense/kernel` by its full name
// `dense/kernel`), then the same last name component, then the only candidate of that dtype and
// shape; fixEdits() turns the pairs into `rename` edits.

#include <string>
#include <utility>
#include <vector>

#include "model/edit/edit_op.h"
#include "model/status.h"
#include "model/tensor.h"

namespace tfscope {

class Model;
class CheckpointReader;

struct ExpectedVariable {
    std::string key;          // the checkpoint key the model restores
    std::string name;         // graph name / TF2 full name ("dense/kernel")
    DType dtype = DType::Invalid;
    Shape shape;
    bool shapeKnown = false;
    bool slot = false;        // an optimizer slot
};

struct RestoreCheck {
    enum class Path { SaverDef, ObjectGraph };
    struct Mismatch {
        std::string key;
        DType wantDtype = DType::Invalid, gotDtype = DType::Invalid;
        Shape wantShape, gotShape;
    };
    struct Rename {
        std::string from, to;  // checkpoint key -> expected key
        std::string reason;    // "same name", "same last name component", "only dtype and shape match"
    };
    Path path = Path::SaverDef;
    std::vector<ExpectedVariable> expected;
    std::vector<std::string> missing;      // expected keys not in the checkpoint
    std::vector<std::string> unexpected;   // checkpoint keys nothing restores
    std::vector<std::pair<std::string, std::string>> byFullName;  // expected key -> checkpoint key (Saver's fallback)
    std::vector<Mismatch> mismatches;
    int slotsExpected = 0, slotsInCheckpoint = 0;
    std::vector<Rename> renames;           // the suggested fix

    bool restores() const { return missing.empty() && mismatches.empty(); }
    // Renames as edits (apply to the checkpoint: `tfscope export CKPT --script FIX.json`).
    std::vector<EditOp> fixEdits() const;
    // True when applying the renames would leave nothing missing.
    bool fixComplete() const;
};

// `checkpointModel` (may be null) is the checkpoint opened as a model: its variables' display names
// (TF2 full names such as "dense/kernel") help pair keys.
Result<RestoreCheck> checkRestore(const Model& model, const CheckpointReader& checkpoint, const Model* checkpointModel = nullptr);

}  // namespace tfscope
