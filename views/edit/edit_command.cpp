#include "views/edit/edit_command.h"

namespace tfscope::views {

EditCommand::EditCommand(EditSet& set, EditOp op, ResultFn onResult, QUndoCommand* parent)
    : QUndoCommand(parent), m_set(set), m_op(std::move(op)), m_onResult(std::move(onResult)) {
    setText(QString::fromStdString(m_op.describe()));
}

void EditCommand::redo() {
    m_status = m_set.apply(m_op);
    m_applied = m_status.ok();
    if (!m_applied) setObsolete(true);
    if (m_onResult) m_onResult(m_status);
}

void EditCommand::undo() {
    if (!m_applied) return;
    m_set.undo();
    m_applied = false;
    if (m_onResult) m_onResult(Status::OK());
}

}  // namespace tfscope::views
