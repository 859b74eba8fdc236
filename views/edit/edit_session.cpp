#include "views/edit/edit_session.h"

#include <QFile>
#include <QSaveFile>
#include <QUndoStack>

#include "model/loader/model.h"
#include "views/edit/edit_command.h"

namespace tfscope {

EditSession::EditSession(QObject* parent) : QObject(parent), m_stack(new QUndoStack(this)) {}

EditSession::~EditSession() {
    // Commands hold a reference to m_set; drop them first.
    m_stack->clear();
}

void EditSession::setModel(std::shared_ptr<const Model> model) {
    m_stack->clear();
    m_set.reset();
    m_unavailable = Status::OK();
    if (model) {
        Result<EditSet> set = EditSet::fromModel(std::move(model));
        if (set.ok()) m_set = std::make_unique<EditSet>(std::move(set).value());
        else m_unavailable = set.status();
    } else {
        m_unavailable = Status::failedPrecondition("No model is open.");
    }
    emit changed();
}

Status EditSession::apply(EditOp op) {
    if (!m_set) return m_unavailable.ok() ? Status::failedPrecondition("No model is open.") : m_unavailable;
    auto* cmd = new views::EditCommand(*m_set, std::move(op), [this](const Status& s) {
        m_lastStatus = s;
        if (s.ok()) emit changed();
    });
    m_lastStatus = Status::OK();
    m_stack->push(cmd);  // runs redo(); a refused command marks itself obsolete and the stack deletes it
    return m_lastStatus;
}

const EditItem* EditSession::itemForSourceKey(std::string_view key) const {
    if (!m_set) return nullptr;
    for (const EditItem& i : m_set->items())
        if (i.sourceKey == key) return &i;
    return nullptr;
}

Result<Tensor> EditSession::value(std::string_view name) const {
    const EditItem* i = item(name);
    if (!i) return Status::notFound("Variable '" + std::string(name) + "' does not exist.");
    return m_set->value(*i);
}

std::shared_ptr<const EditSet> EditSession::snapshot() const {
    if (!m_set) return nullptr;
    return std::make_shared<const EditSet>(*m_set);
}

Status EditSession::saveScript(const QString& path) const {
    if (!m_set) return m_unavailable;
    QSaveFile f(path);
    const std::string text = m_set->editScript();
    if (!f.open(QIODevice::WriteOnly) || f.write(text.data(), qint64(text.size())) != qint64(text.size()) || !f.commit())
        return Status::ioError("Cannot write '" + path.toStdString() + "': " + f.errorString().toStdString() + ".");
    return Status::OK();
}

}  // namespace tfscope
