#pragma once
// EditCommand: one EditOp on a QUndoStack. redo() applies it to the EditSet, undo() restores the
// snapshot taken before it (EditSet::undo). A push whose edit is refused marks itself obsolete, so
// QUndoStack drops it; the refusal is reported through `onResult`.
//
//   auto* cmd = new EditCommand(set, EditOp::rename("a", "b"), [this](const Status& s) { refresh(s); });
//   undoStack->push(cmd);        // Ctrl+Z / Ctrl+Shift+Z via undoStack->createUndoAction(...)
//
// Commands must be undone in stack order (QUndoStack guarantees it) because EditSet::undo() always
// reverts the newest edit. Thread: GUI only.

#include <QUndoCommand>

#include <functional>

#include "model/edit/edit_set.h"

namespace tfscope::views {

class EditCommand : public QUndoCommand {
public:
    using ResultFn = std::function<void(const Status&)>;
    // `set` is not owned; it must outlive the undo stack that holds this command.
    EditCommand(EditSet& set, EditOp op, ResultFn onResult = {}, QUndoCommand* parent = nullptr);

    void redo() override;
    void undo() override;
    const Status& lastStatus() const { return m_status; }

private:
    EditSet& m_set;
    EditOp m_op;
    ResultFn m_onResult;
    Status m_status;
    bool m_applied = false;
};

}  // namespace tfscope::views
