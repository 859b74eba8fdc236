#pragma once
// EditSet: the variables of an opened model (its checkpoint or SavedModel `variables/`) with a
// selection, renames and value edits applied on top, recorded as an ordered list of EditOps.
// The source is never written: unchanged tensors stay views of the mapped checkpoint and are
// streamed at export (model/export/); edited values are owned copies.
//
//   TFS_ASSIGN_OR_RETURN(EditSet set, EditSet::fromModel(model));
//   TFS_RETURN_IF_ERROR(set.apply(EditOp::renameScope("dnn/", "model/dnn/")));
//   TFS_RETURN_IF_ERROR(set.apply(EditOp::scale("model/dnn/w", 0.5)));
//   set.undo();                                   // back to the state before the last edit
//
// Undo is snapshot based: apply() stores the item list before the edit (tensors are shared, so a
// snapshot costs one small vector), undo() restores it. A QUndoCommand's redo() calls apply(op)
// and its undo() calls undo(). Thread safety: none; use from one thread at a time.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/edit/edit_op.h"
#include "model/status.h"
#include "model/tensor.h"

namespace tfscope {

class Model;

struct EditItem {
    std::string name;               // current (exported) name
    std::string sourceKey;          // bundle key in the source, "" for an added variable
    std::string treePath;           // source variable's place in the variables tree (variable_paths.h); sourceKey
                                    // when the model has no such variable, "" for an added variable
    DType dtype = DType::Invalid;   // current dtype
    Shape shape;                    // current shape
    bool selected = true;
    bool trainable = false;
    bool optimizerSlot = false;
    std::optional<Tensor> value;    // edited or added value; nullopt = the source tensor unchanged

    bool added() const { return sourceKey.empty(); }
    bool renamed() const { return !added() && name != sourceKey; }
    bool valueEdited() const { return value.has_value(); }
    bool modified() const { return added() || renamed() || valueEdited(); }
};

class EditSet {
public:
    // The model's checkpoint (a checkpoint, or a SavedModel's variables/). FailedPrecondition
    // "The model has no variables to edit." when it has none.
    static Result<EditSet> fromModel(std::shared_ptr<const Model> model);
    // A bare checkpoint: trainable/slot flags come from name heuristics only.
    static Result<EditSet> fromCheckpoint(std::shared_ptr<const CheckpointReader> reader);

    const std::vector<EditItem>& items() const { return m_items; }
    // Exact current name only.
    const EditItem* find(std::string_view name) const;
    // Any name a variable is shown under: its current name, else (for a source variable) its
    // display name, TF2 object path or variables-tree path as `tfscope show` and the window give
    // them ("a" for "a/.ATTRIBUTES/VARIABLE_VALUE"). NotFound "Variable 'x' does not exist.";
    // InvalidArgument "The name 'count' is ambiguous: it matches 2 variables: 'k1', 'k2'." Every
    // edit that names one variable resolves it this way; `regex` selectors also search these names.
    Result<const EditItem*> resolve(std::string_view name) const;
    // The other names of a source item (display name, object path, tree path); empty when none.
    const std::vector<std::string>& aliases(const EditItem& item) const;
    int selectedCount() const;

    // Validates and applies `op`; on error nothing changes. Messages name the variables:
    // "Variable 'x' does not exist.", "Cannot rename 'a' to 'b': a variable named 'b' already exists."
    Status apply(EditOp op);
    Status applyAll(const std::vector<EditOp>& ops);
    bool canUndo() const { return !m_history.empty(); }
    // Restores the state before the last applied edit and drops it from edits().
    void undo();
    const std::vector<EditOp>& edits() const { return m_edits; }
    std::string editScript() const { return editScriptToJson(m_edits); }

    // The current value of `item` (edited value, or a view of the source tensor).
    Result<Tensor> value(const EditItem& item) const;
    // Selected items in export order: source items by (shard, offset), then added ones in order.
    std::vector<const EditItem*> exportItems() const;

    // Source access for exporters.
    const std::shared_ptr<const Model>& model() const { return m_model; }     // may be null
    const std::shared_ptr<const CheckpointReader>& reader() const { return m_reader; }
    bool hasObjectGraph() const { return m_hasObjectGraph; }

private:
    EditSet() = default;
    static Result<EditSet> build(std::shared_ptr<const Model> model, std::shared_ptr<const CheckpointReader> reader);
    EditItem* findMutable(std::string_view name);
    std::vector<EditItem*> matching(std::string_view name);
    static Status ambiguous(std::string_view name, const std::vector<EditItem*>& items);
    Result<EditItem*> require(std::string_view name);
    Status applyOne(const EditOp& op);
    // One per kind of edit (EditOp::Variant).
    Status applyKind(const edits::Select& o);
    Status applyKind(const edits::Deselect& o);
    Status applyKind(const edits::Rename& o);
    Status applyKind(const edits::RenameRegex& o);
    Status applyKind(const edits::RenameScope& o);
    Status applyKind(const edits::SetCell& o);
    Status applyKind(const edits::Fill& o);
    Status applyKind(const edits::Scale& o);
    Status applyKind(const edits::Add& o);
    Status applyKind(const edits::FromNpy& o);
    Status applyKind(const edits::Cast& o);
    Status applyKind(const edits::AddVariable& o);
    Status applyKind(const edits::Delete& o);
    Status select(const Selector& s, bool on);
    template <typename Change> Status editValue(const std::string& name, Change change);
    Status applyRenames(const std::vector<std::pair<EditItem*, std::string>>& renames);
    Result<Tensor> editableValue(const EditItem& item) const;

    std::shared_ptr<const Model> m_model;
    std::shared_ptr<const CheckpointReader> m_reader;
    bool m_hasObjectGraph = false;
    std::vector<EditItem> m_items;
    std::multimap<std::string, std::string> m_aliases;  // other name -> source key
    std::unordered_map<std::string, std::vector<std::string>> m_aliasesByKey;
    std::vector<EditOp> m_edits;
    std::vector<std::vector<EditItem>> m_history;  // m_items before each edit
};

// Name heuristics for checkpoints without an object graph (TF1 slots such as "w/Adam_1",
// `.OPTIMIZER_SLOT` keys). TF2 checkpoints decide from the object graph (optimizer_state.h).
bool looksLikeOptimizerSlot(std::string_view key);
// True if `name` is in scope `scope` ("dnn" and "dnn/" both match "dnn/w"; "dnn" matches "dnn").
bool inScope(std::string_view name, std::string_view scope);

}  // namespace tfscope
