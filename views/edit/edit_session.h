#pragma once
// EditSession: the edits of the opened model: an EditSet (model/edit/edit_set.h) over its
// checkpoint and the QUndoStack whose EditCommands change it. Every change (push, undo, redo)
// emits changed(); views re-read items() then.
//
//   auto* s = new EditSession(this);
//   s->setModel(model);                                   // clears the stack
//   Status st = s->apply(EditOp::rename("v1", "w1"));     // one undoable step, or the refusal
//   s->undoStack()->undo();
//
// Thread: GUI only. For a background export take snapshot(): a copy that shares the tensors.

#include <QObject>
#include <QString>

#include <memory>

#include "model/edit/edit_set.h"
#include "model/status.h"

class QUndoStack;

namespace tfscope {

class Model;

class EditSession : public QObject {
    Q_OBJECT
public:
    explicit EditSession(QObject* parent = nullptr);
    ~EditSession() override;

    // Builds a fresh EditSet for `model` (none when it has no checkpoint) and clears the stack.
    void setModel(std::shared_ptr<const Model> model);
    bool active() const { return m_set != nullptr; }
    // Why there is no EditSet ("The model has no variables to edit."), or OK.
    const Status& unavailable() const { return m_unavailable; }
    // REQUIRES: active().
    const EditSet& set() const { return *m_set; }
    QUndoStack* undoStack() const { return m_stack; }

    // Pushes `op` as an EditCommand. A refused edit leaves the set and the stack unchanged and
    // returns the refusal; FailedPrecondition when !active().
    Status apply(EditOp op);
    // The item whose source bundle key is `key` (nullptr when deleted, or no set).
    const EditItem* itemForSourceKey(std::string_view key) const;
    const EditItem* item(std::string_view name) const { return m_set ? m_set->find(name) : nullptr; }
    // Current value of the variable named `name`.
    Result<Tensor> value(std::string_view name) const;
    // A copy of the current state (tensors shared) for a worker thread.
    std::shared_ptr<const EditSet> snapshot() const;

    // Writes the edit script (docs/edit-script.md) to `path`.
    Status saveScript(const QString& path) const;

signals:
    void changed();

private:
    std::unique_ptr<EditSet> m_set;
    Status m_unavailable;
    Status m_lastStatus;  // of the newest redo()/undo()
    QUndoStack* m_stack;
};

}  // namespace tfscope
