#include "views/edit/edit_controller.h"

#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QUndoStack>

#include <algorithm>
#include <limits>

#include "model/loader/model.h"
#include "views/edit/edit_session.h"
#include "views/export/export_runner.h"
#include "views/tensor/tensor_table_model.h"
#include "views/tensor/tensor_viewer.h"
#include "views/tree/model_tree_model.h"
#include "views/tree/tree_panel.h"
#include "views/util/dialog_folder.h"
#include "views/window/icons.h"

namespace tfscope {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// "3, 4" -> {3, 4}; "" or "[]" -> {} (a scalar). nullopt on anything else.
std::optional<Shape> parseShape(QString text) {
    text = text.trimmed();
    if (text.startsWith(QLatin1Char('[')) && text.endsWith(QLatin1Char(']'))) text = text.mid(1, text.size() - 2);
    Shape shape;
    if (text.trimmed().isEmpty()) return shape;
    for (const QString& part : text.split(QLatin1Char(','))) {
        bool ok = false;
        const qlonglong d = part.trimmed().toLongLong(&ok);
        if (!ok || d < 0) return std::nullopt;
        shape.push_back(int64_t(d));
    }
    return shape;
}

// The dtypes a variable can be added as or cast to (value_ops edits them).
constexpr DType kEditableDtypes[] = {DType::Float, DType::Double, DType::Half, DType::BFloat16, DType::Int32,
                                     DType::Int64, DType::Int8, DType::UInt8, DType::Bool};

QString dtypeLabel(DType d) { return QString::fromLatin1(dtypeShortName(d).data(), qsizetype(dtypeShortName(d).size())); }

// A pair of line edits in an OK/Cancel dialog; false when cancelled.
bool askTwo(QWidget* parent, const QString& title, const QString& label1, QString& v1, const QString& label2, QString& v2) {
    QDialog dialog(parent);
    dialog.setWindowTitle(title);
    auto* form = new QFormLayout(&dialog);
    auto* e1 = new QLineEdit(v1, &dialog);
    auto* e2 = new QLineEdit(v2, &dialog);
    e1->setObjectName(QStringLiteral("first"));
    e2->setObjectName(QStringLiteral("second"));
    form->addRow(label1, e1);
    form->addRow(label2, e2);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(buttons);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted) return false;
    v1 = e1->text();
    v2 = e2->text();
    return true;
}

}  // namespace

QList<QKeySequence> EditController::redoShortcuts() {
    // The platform's Redo keys (Ctrl+Shift+Z on X11, also Ctrl+Y on Windows), Ctrl+Shift+Z first
    // everywhere; each key once, or Qt reports an ambiguous shortcut and does nothing.
    QList<QKeySequence> keys{QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)};
    for (const QKeySequence& k : QKeySequence::keyBindings(QKeySequence::Redo))
        if (!keys.contains(k)) keys << k;
    return keys;
}

EditController::EditController(QWidget* window, TreePanel* tree, TensorViewer* viewer)
    : QObject(window), m_window(window), m_tree(tree), m_viewer(viewer), m_session(new EditSession(this)),
      m_runner(new ExportRunner(this)) {
    connect(m_session, &EditSession::changed, this, &EditController::onChanged);
    connect(m_viewer->tableModel(), &TensorTableModel::cellEditRequested, this, &EditController::onCellEdit);
    connect(m_runner, &ExportRunner::finished, this, &EditController::onExportFinished);
    connect(m_session->undoStack(), &QUndoStack::indexChanged, this, [this] { emit unsavedEditsChanged(hasUnsavedEdits()); });
    connect(m_session->undoStack(), &QUndoStack::cleanChanged, this, [this] { emit unsavedEditsChanged(hasUnsavedEdits()); });
    m_tree->treeModel()->setEditSession(m_session);
}

EditController::~EditController() = default;  // the tree model forgets m_session when it is destroyed

void EditController::setModel(std::shared_ptr<const Model> model) {
    m_model = std::move(model);
    m_exportedIndex = -1;
    m_current.clear();
    m_currentKey.clear();
    m_currentAdded = -1;
    m_session->setModel(m_model);
}

bool EditController::showVariable(const QString& key) {
    m_viewer->tableModel()->setEditable(false);
    if (!m_session->active()) return false;
    m_currentKey = key.toStdString();
    m_currentAdded = -1;
    const EditItem* item = m_session->itemForSourceKey(m_currentKey);
    if (!item) {
        m_current.clear();
        m_viewer->showError(key, tr("Deleted by an edit (Ctrl+Z to undo)."));
        updateActions();
        return true;
    }
    m_current = q(item->name);
    Result<Tensor> t = m_session->set().value(*item);
    if (!t.ok()) {
        m_viewer->showError(m_current, q(t.status().message()));
    } else {
        m_viewer->setTensor(m_current, std::move(t).value());
        m_viewer->tableModel()->setEditable(true);
    }
    updateActions();
    return true;
}

bool EditController::showAdded(const QString& name) {
    const EditItem* added = m_session->item(name.toStdString());
    if (!added || !added->added()) return false;
    Result<Tensor> t = m_session->set().value(*added);
    if (!t.ok()) return false;
    m_current = name;
    m_currentKey.clear();
    m_currentAdded = 0;
    for (const EditItem& i : m_session->set().items()) {
        if (&i == added) break;
        m_currentAdded += i.added() ? 1 : 0;
    }
    m_viewer->setTensor(m_current, std::move(t).value());
    m_viewer->tableModel()->setEditable(true);
    updateActions();
    return true;
}

const EditItem* EditController::addedItem(int rank) const {
    if (!m_session->active()) return nullptr;
    for (const EditItem& i : m_session->set().items())
        if (i.added() && rank-- == 0) return &i;
    return nullptr;
}

bool EditController::hasUnsavedEdits() const {
    return m_session->active() && !m_session->undoStack()->isClean() && m_session->undoStack()->index() != m_exportedIndex;
}

bool EditController::exportedWithoutScript() const {
    return m_session->active() && !m_session->undoStack()->isClean() && m_session->undoStack()->index() == m_exportedIndex;
}

void EditController::onChanged() {
    updateActions();
    if (m_current.isEmpty() && m_currentKey.empty()) return;
    // Leave the viewer alone when it shows something else now (a run output, another tensor).
    const bool ours = m_viewer->tensorName() == m_current || (m_current.isEmpty() && m_viewer->tensorName() == q(m_currentKey));
    const EditItem* item = !m_currentKey.empty() ? m_session->itemForSourceKey(m_currentKey)
                         : m_currentAdded >= 0  ? addedItem(m_currentAdded)  // follows renames
                                                : m_session->item(m_current.toStdString());
    if (!item) {
        if (ours && !m_current.isEmpty()) m_viewer->showError(m_current, tr("Deleted by an edit (Ctrl+Z to undo)."));
        m_current.clear();
        m_currentAdded = -1;
        updateActions();
        return;
    }
    const QString name = q(item->name);
    m_current = name;
    updateActions();
    if (!ours) return;
    Result<Tensor> t = m_session->set().value(*item);
    if (!t.ok()) return m_viewer->showError(name, q(t.status().message()));
    const Tensor& shown = m_viewer->tableModel()->tensor();
    if (name != m_viewer->tensorName() || !shown.valid()) m_viewer->setTensor(name, std::move(t).value());
    else if (t.value().rawData() != shown.rawData() || t.value().dtype() != shown.dtype()) m_viewer->updateValues(std::move(t).value());
    m_viewer->tableModel()->setEditable(true);
}

void EditController::onCellEdit(qint64 flat, double value) {
    if (m_current.isEmpty() || m_viewer->tensorName() != m_current) return;
    const Shape& shape = m_viewer->tableModel()->tensor().shape();
    std::vector<int64_t> index(shape.size(), 0);
    for (size_t d = shape.size(); d-- > 0;) {
        const int64_t n = std::max<int64_t>(shape[d], 1);
        index[d] = flat % n;
        flat /= n;
    }
    run(EditOp::setCell(m_current.toStdString(), std::move(index), value));
}

Status EditController::apply(EditOp op) {
    const std::string text = op.describe();
    Status s = m_session->apply(std::move(op));
    report(s);
    if (s.ok()) emit message(q(text));
    return s;
}

void EditController::report(const Status& s) {
    if (s.ok()) return;
    emit message(q(s.message()));
    if (m_dialogs) QMessageBox::warning(m_window, tr("Edit refused"), q(s.message()));
}

bool EditController::needCurrent() {
    if (!m_current.isEmpty()) return true;
    report(Status::failedPrecondition("Select a variable in the model tree first."));
    return false;
}

void EditController::addEditActions(QMenu* edit) {
    QAction* before = edit->actions().isEmpty() ? nullptr : edit->actions().first();
    QAction* undo = m_session->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_session->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts(redoShortcuts());
    // The status line says what was undone instead of keeping the undone edit's message.
    QUndoStack* stack = m_session->undoStack();
    connect(undo, &QAction::triggered, this, [this, stack] { emit message(tr("Undone: %1").arg(stack->text(stack->index()))); });
    connect(redo, &QAction::triggered, this, [this, stack] {
        if (stack->index() > 0) emit message(tr("Redone: %1").arg(stack->text(stack->index() - 1)));
    });
    edit->insertAction(before, undo);
    edit->insertAction(before, redo);
    if (before) edit->insertSeparator(before);
    edit->addSeparator();
    auto act = [this, edit](const QString& text, auto fn, bool current) {
        QAction* a = edit->addAction(text);
        connect(a, &QAction::triggered, this, fn);
        m_needSet.push_back(a);
        if (current) m_needCurrent.push_back(a);
        return a;
    };
    QMenu* sel = edit->addMenu(tr("Select for &Export"));
    m_needSet.push_back(sel->menuAction());
    auto selAct = [this, sel](const QString& text, EditOp op) {
        QAction* a = sel->addAction(text);
        connect(a, &QAction::triggered, this, [this, op] { run(op); });
    };
    selAct(tr("Select &All"), EditOp::select({Selector::Kind::All, {}}));
    selAct(tr("Select &None"), EditOp::deselect({Selector::Kind::All, {}}));
    selAct(tr("&Trainable Only"), EditOp::deselect({Selector::Kind::NonTrainable, {}}));
    selAct(tr("&Without Optimizer Slots"), EditOp::deselect({Selector::Kind::OptimizerSlots, {}}));
    connect(sel->addAction(tr("By &Scope or Regex…")), &QAction::triggered, this, &EditController::selectDialog);
    act(tr("Re&name Variable…"), &EditController::renameDialog, true)->setShortcut(QKeySequence(Qt::Key_F2));
    act(tr("Rename by Re&gex…"), &EditController::renameRegexDialog, false);
    edit->addSeparator();
    act(tr("Set All &Values…"), [this] { valueDialog(EditKind::Fill); }, true);
    act(tr("S&cale Values…"), [this] { valueDialog(EditKind::Scale); }, true);
    act(tr("A&dd to Values…"), [this] { valueDialog(EditKind::Add); }, true);
    act(tr("Re&place from .npy…"), &EditController::fromNpyDialog, true);
    act(tr("Cas&t to Dtype…"), &EditController::castDialog, true);
    act(tr("De&lete Variable"), [this] { if (needCurrent()) run(EditOp::remove(m_current.toStdString())); }, true);
    act(tr("&Add Variable…"), &EditController::addVariableDialog, false);
    edit->addSeparator();
    act(tr("Save Edit &Script…"), [this] { (void)saveScriptDialog(); }, false);
    updateActions();
}

QAction* EditController::addExportActions(QMenu* file) {
    auto act = [this, file](const QString& text, ExportFormat format) {
        QAction* a = file->addAction(text);
        connect(a, &QAction::triggered, this, [this, format] { exportDialog(format); });
        m_needSet.push_back(a);
        return a;
    };
    QAction* checkpoint = act(tr("Export &Checkpoint…"), ExportFormat::Checkpoint);
    checkpoint->setIcon(tfscopeIcon(u"export"));
    act(tr("Export Saved&Model…"), ExportFormat::SavedModel);
    updateActions();
    return checkpoint;
}

void EditController::updateActions() {
    for (QAction* a : m_needSet) a->setEnabled(m_session->active());
    for (QAction* a : m_needCurrent) a->setEnabled(m_session->active() && !m_current.isEmpty());
}

void EditController::selectDialog() {
    QDialog dialog(m_window);
    dialog.setWindowTitle(tr("Select variables for export"));
    auto* form = new QFormLayout(&dialog);
    auto* action = new QComboBox(&dialog);
    action->setObjectName(QStringLiteral("action"));
    action->addItems({tr("Select"), tr("Deselect")});
    auto* kind = new QComboBox(&dialog);
    kind->setObjectName(QStringLiteral("kind"));
    kind->addItems({tr("Scope of the current names"), tr("Variable scope (as in the tree)"), tr("Regex (searched in the name)")});
    auto* pattern = new QLineEdit(&dialog);
    pattern->setObjectName(QStringLiteral("pattern"));
    const int slash = int(m_current.lastIndexOf(QLatin1Char('/')));
    if (slash > 0) pattern->setText(m_current.left(slash + 1));
    form->addRow(tr("Action:"), action);
    form->addRow(tr("Match by:"), kind);
    form->addRow(tr("Pattern:"), pattern);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted) return;
    constexpr Selector::Kind kKinds[] = {Selector::Kind::Scope, Selector::Kind::VariableScope, Selector::Kind::Regex};
    Selector s{kKinds[std::clamp(kind->currentIndex(), 0, 2)], pattern->text().toStdString()};
    run(action->currentIndex() == 0 ? EditOp::select(std::move(s)) : EditOp::deselect(std::move(s)));
}

void EditController::renameDialog() {
    if (!needCurrent()) return;
    bool ok = false;
    const QString to = QInputDialog::getText(m_window, tr("Rename variable"), tr("New name for '%1':").arg(m_current),
                                             QLineEdit::Normal, m_current, &ok);
    if (ok && !to.isEmpty() && to != m_current) run(EditOp::rename(m_current.toStdString(), to.toStdString()));
}

void EditController::renameRegexDialog() {
    QString pattern = QStringLiteral("^"), replacement;
    if (!askTwo(m_window, tr("Rename by regex"), tr("Pattern (ECMAScript):"), pattern, tr("Replacement ($1 …):"), replacement)) return;
    run(EditOp::renameRegex(pattern.toStdString(), replacement.toStdString()));
}

void EditController::valueDialog(EditKind kind) {
    if (!needCurrent()) return;
    const QString label = kind == EditKind::Fill ? tr("Set every element of '%1' to:")
                        : kind == EditKind::Scale ? tr("Multiply every element of '%1' by:")
                                                  : tr("Add to every element of '%1':");
    bool ok = false;
    const double v = QInputDialog::getDouble(m_window, tr("Edit values"), label.arg(m_current), kind == EditKind::Scale ? 1.0 : 0.0,
                                             -std::numeric_limits<double>::max(), std::numeric_limits<double>::max(), 8, &ok);
    if (!ok) return;
    const std::string name = m_current.toStdString();
    run(kind == EditKind::Fill ? EditOp::fill(name, v) : kind == EditKind::Scale ? EditOp::scale(name, v) : EditOp::add(name, v));
}

void EditController::fromNpyDialog() {
    if (!needCurrent()) return;
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Replace '%1' from .npy").arg(m_current), dialogStart(QStringLiteral("npy")),
                                                      tr("NumPy arrays (*.npy)"));
    rememberDialogChoice(QStringLiteral("npy"), path);
    if (!path.isEmpty()) run(EditOp::fromNpy(m_current.toStdString(), QFileInfo(path).absoluteFilePath().toStdString()));
}

void EditController::castDialog() {
    if (!needCurrent()) return;
    const EditItem* item = m_session->item(m_current.toStdString());
    QStringList names;
    int current = 0;
    for (DType d : kEditableDtypes) {
        if (item && d == item->dtype) current = int(names.size());
        names << dtypeLabel(d);
    }
    bool ok = false;
    const QString to = QInputDialog::getItem(m_window, tr("Cast values"), tr("New dtype for '%1':").arg(m_current), names, current, false, &ok);
    if (!ok) return;
    const auto d = dtypeFromName(to.toStdString());
    if (d) run(EditOp::cast(m_current.toStdString(), *d));
}

void EditController::addVariableDialog() {
    QDialog dialog(m_window);
    dialog.setWindowTitle(tr("Add variable"));
    auto* form = new QFormLayout(&dialog);
    auto* name = new QLineEdit(&dialog);
    name->setObjectName(QStringLiteral("name"));
    auto* dtype = new QComboBox(&dialog);
    dtype->setObjectName(QStringLiteral("dtype"));
    for (DType d : kEditableDtypes) dtype->addItem(dtypeLabel(d), int(d));
    auto* shape = new QLineEdit(&dialog);
    shape->setObjectName(QStringLiteral("shape"));
    shape->setPlaceholderText(tr("e.g. 3, 4 (empty: a scalar)"));
    auto* init = new QComboBox(&dialog);
    init->setObjectName(QStringLiteral("init"));
    init->addItems({tr("Zeros"), tr("Ones"), tr("Constant"), tr("From .npy (its dtype and shape)")});
    auto* value = new QDoubleSpinBox(&dialog);
    value->setObjectName(QStringLiteral("value"));
    value->setRange(-1e12, 1e12);
    value->setDecimals(6);
    auto* npyRow = new QWidget(&dialog);
    auto* npyLayout = new QHBoxLayout(npyRow);
    npyLayout->setContentsMargins(0, 0, 0, 0);
    auto* npy = new QLineEdit(npyRow);
    npy->setObjectName(QStringLiteral("npy"));
    auto* browse = new QPushButton(tr("Browse…"), npyRow);
    npyLayout->addWidget(npy, 1);
    npyLayout->addWidget(browse);
    connect(browse, &QPushButton::clicked, &dialog, [&dialog, npy, init] {
        const QString path =
            QFileDialog::getOpenFileName(&dialog, tr("Values of the new variable"), dialogStart(QStringLiteral("npy")), tr("NumPy arrays (*.npy)"));
        if (path.isEmpty()) return;
        rememberDialogChoice(QStringLiteral("npy"), path);
        npy->setText(path);
        init->setCurrentIndex(3);
    });
    auto enable = [=](int i) {
        dtype->setEnabled(i != 3);
        shape->setEnabled(i != 3);
        value->setEnabled(i == 2);
        npyRow->setEnabled(i == 3);
    };
    connect(init, &QComboBox::currentIndexChanged, &dialog, enable);
    enable(0);
    form->addRow(tr("Name:"), name);
    form->addRow(tr("Initial value:"), init);
    form->addRow(tr("Dtype:"), dtype);
    form->addRow(tr("Shape:"), shape);
    form->addRow(tr("Constant:"), value);
    form->addRow(tr(".npy file:"), npyRow);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted) return;
    const std::string newName = name->text().toStdString();
    EditOp op;
    if (init->currentIndex() == 3) {
        op = EditOp::addVariable(newName, DType::Invalid, {}, EditOp::Init::Npy, 0, QFileInfo(npy->text()).absoluteFilePath().toStdString());
    } else {
        std::optional<Shape> s = parseShape(shape->text());
        if (!s) return report(Status::invalidArgument("Invalid shape '" + shape->text().toStdString() + "'."));
        const EditOp::Init i = init->currentIndex() == 0 ? EditOp::Init::Zeros : init->currentIndex() == 1 ? EditOp::Init::Ones : EditOp::Init::Constant;
        op = EditOp::addVariable(newName, DType(dtype->currentData().toInt()), *s, i, value->value());
    }
    if (!apply(std::move(op)).ok()) return;
    showAdded(name->text());  // its row in the tree is the last one under Variables
}

bool EditController::startExport(ExportFormat format, const QString& out) {
    if (!m_session->active()) {
        report(m_session->unavailable());
        return false;
    }
    if (!m_runner->start(m_session->snapshot(), format, out)) return false;
    m_exportingIndex = m_session->undoStack()->index();
    emit message(tr("Exporting to %1…").arg(out));
    if (m_dialogs) {
        m_progress = new QProgressDialog(tr("Exporting to %1…").arg(out), tr("Cancel"), 0, 1000, m_window);
        m_progress->setWindowTitle(tr("Export"));
        m_progress->setWindowModality(Qt::WindowModal);
        m_progress->setMinimumDuration(300);
        connect(m_progress, &QProgressDialog::canceled, m_runner, &ExportRunner::cancel);
        connect(m_runner, &ExportRunner::progress, m_progress, &QProgressDialog::setValue);
    }
    return true;
}

void EditController::onExportFinished(bool ok, const QString& text) {
    if (m_progress) {
        m_progress->reset();  // hides it and stops its show timer
        m_progress->deleteLater();
    }
    // A successful export settles the edits it wrote: no "unsaved edits" warning for them any more.
    if (ok && m_session->active() && m_session->undoStack()->index() == m_exportingIndex) {
        m_exportedIndex = m_exportingIndex;
        emit unsavedEditsChanged(hasUnsavedEdits());
    }
    emit message(text);
    emit exportFinished(ok, text);
    if (m_dialogs && !ok && text != tr("Export cancelled.")) QMessageBox::critical(m_window, tr("Export failed"), text);
    if (m_dialogs && ok && exportedWithoutScript()) {
        QMessageBox box(QMessageBox::Information, tr("Exported"), text, QMessageBox::Save | QMessageBox::Close, m_window);
        box.setInformativeText(tr("Save the edits as an edit script too (tfscope export --script and tfscope run --script replay it)?"));
        box.button(QMessageBox::Save)->setText(tr("Save Edit Script…"));
        box.setDefaultButton(QMessageBox::Close);
        if (box.exec() == QMessageBox::Save) saveScriptDialog();
    }
}

void EditController::exportDialog(ExportFormat format) {
    const bool ckpt = format == ExportFormat::Checkpoint;
    const QString out = QFileDialog::getSaveFileName(m_window, ckpt ? tr("Export checkpoint (prefix)") : tr("Export SavedModel (new folder)"),
                                                     dialogStart(QStringLiteral("export"), ckpt ? QStringLiteral("model.ckpt") : QStringLiteral("saved_model")),
                                                     QString(), nullptr, QFileDialog::DontConfirmOverwrite);
    if (out.isEmpty()) return;
    rememberDialogChoice(QStringLiteral("export"), out);
    startExport(format, out);
}

Status EditController::saveScript(const QString& path) {
    Status s = m_session->saveScript(path);
    report(s);
    if (!s.ok()) return s;
    m_session->undoStack()->setClean();
    emit message(tr("Saved the edit script to %1.").arg(path));
    return s;
}

bool EditController::saveScriptDialog() {
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Save edit script"),
                                                      dialogStart(QStringLiteral("edit-script"), QStringLiteral("edits.json")),
                                                      tr("Edit scripts (*.json)"));
    if (path.isEmpty()) return false;
    rememberDialogChoice(QStringLiteral("edit-script"), path);
    return saveScript(path).ok();
}

}  // namespace tfscope
