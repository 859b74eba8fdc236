#include "views/panels/restore_check_panel.h"

#include <QColor>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>

#include <map>
#include <set>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "views/edit/edit_controller.h"
#include "views/edit/edit_session.h"

namespace tfscope {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
// "float", "double", "int64": the tree's Type column spelling.
QString dtypeText(DType d) { return q(dtypeEnumName(d)).remove(QStringLiteral("DT_")).toLower(); }
QString typeText(DType d, const Shape& s) {
    QStringList dims;
    for (int64_t x : s) dims << QString::number(x);
    return QStringLiteral("%1 [%2]").arg(dtypeText(d), dims.join(QLatin1Char(',')));
}
const QString kFolderKey = QStringLiteral("restoreCheck/lastFolder");

QString pickModelFile(QWidget* parent, const QString& title) {
    const QString filters = RestoreCheckPanel::tr(
        "Model files (saved_model.pb saved_model.pbtxt *.index *.meta checkpoint);;Checkpoint index (*.index);;All files (*)");
    const QString p = QFileDialog::getOpenFileName(parent, title, QSettings().value(kFolderKey).toString(), filters);
    if (!p.isEmpty()) QSettings().setValue(kFolderKey, QFileInfo(p).absolutePath());
    return p;
}

}  // namespace

RestoreCheckPanel::RestoreCheckPanel(EditController* edit, QWidget* parent) : QWidget(parent), m_edit(edit) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    layout->addWidget(m_title);
    auto* buttons = new QHBoxLayout;
    auto* ckpt = new QPushButton(tr("Checkpoint…"), this);
    ckpt->setToolTip(tr("Check that a checkpoint restores into the open model"));
    auto* into = new QPushButton(tr("Into Model…"), this);
    into->setToolTip(tr("Check that the open model's variables restore into another model's graph"));
    m_apply = new QPushButton(tr("Apply Suggested Renames"), this);
    m_apply->setEnabled(false);
    buttons->addWidget(ckpt);
    buttons->addWidget(into);
    buttons->addStretch(1);
    buttons->addWidget(m_apply);
    layout->addLayout(buttons);
    m_findings = new QTreeWidget(this);
    m_findings->setColumnCount(ColumnCount);
    m_findings->setHeaderLabels({tr("Key"), tr("Problem"), tr("Suggested fix")});
    m_findings->setRootIsDecorated(false);
    m_findings->setWordWrap(true);
    m_findings->setAlternatingRowColors(true);
    m_findings->header()->setStretchLastSection(true);
    m_findings->setColumnWidth(ColKey, 240);
    m_findings->setColumnWidth(ColProblem, 420);
    layout->addWidget(m_findings, 1);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    layout->addWidget(m_summary);
    connect(ckpt, &QPushButton::clicked, this, &RestoreCheckPanel::checkCheckpointDialog);
    connect(into, &QPushButton::clicked, this, &RestoreCheckPanel::checkIntoDialog);
    connect(m_apply, &QPushButton::clicked, this, [this] { applySuggestedRenames(); });
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &RestoreCheckPanel::onFinished);
    m_title->setText(tr("Open a model to check that its checkpoint restores."));
}

RestoreCheckPanel::~RestoreCheckPanel() {
    m_watcher.cancel();
    m_watcher.waitForFinished();
}

void RestoreCheckPanel::setModel(std::shared_ptr<const Model> model) {
    m_model = std::move(model);
    m_report.reset();
    m_error.clear();
    fill();
    if (!m_model || !m_model->checkpoint()) {
        m_watcher.cancel();
        m_title->setText(m_model ? tr("The open model has no variables: choose a checkpoint to restore into it (Checkpoint…).")
                                 : tr("Open a model to check that its checkpoint restores."));
        return;
    }
    auto open = m_model;
    start(tr("its own variables"), [model = std::move(open)](Progress&) -> Result<RestoreCheckRun> {
        RestoreCheckRun run;
        TFS_ASSIGN_OR_RETURN(run.check, checkRestore(*model, *model->checkpoint(), model.get()));
        run.modelPath = run.checkpointPath = q(model->openedPath());
        run.checkpointIsOpenModel = true;
        return run;
    });
}

void RestoreCheckPanel::checkCheckpoint(const QString& path) {
    if (!m_model) return;
    auto model = m_model;
    const std::string p = path.toStdString();
    start(path, [model, p](Progress& progress) -> Result<RestoreCheckRun> {
        TFS_ASSIGN_OR_RETURN(std::shared_ptr<const Model> other, ModelLoader::load(p, &progress));
        if (!other->checkpoint()) return Status::invalidArgument(p + ": not a checkpoint (no variables).");
        RestoreCheckRun run;
        TFS_ASSIGN_OR_RETURN(run.check, checkRestore(*model, *other->checkpoint(), other.get()));
        run.modelPath = q(model->openedPath());
        run.checkpointPath = q(other->openedPath());
        return run;
    });
}

void RestoreCheckPanel::checkInto(const QString& path) {
    if (!m_model) return;
    auto model = m_model;
    const std::string p = path.toStdString();
    start(path, [model, p](Progress& progress) -> Result<RestoreCheckRun> {
        if (!model->checkpoint()) return Status::failedPrecondition("The open model has no variables to restore.");
        TFS_ASSIGN_OR_RETURN(std::shared_ptr<const Model> target, ModelLoader::load(p, &progress));
        RestoreCheckRun run;
        auto check = checkRestore(*target, *model->checkpoint(), model.get());
        if (!check.ok()) return check.status().withContext(p);
        run.check = std::move(check).value();
        run.modelPath = q(target->openedPath());
        run.checkpointPath = q(model->openedPath());
        run.checkpointIsOpenModel = true;
        return run;
    });
}

void RestoreCheckPanel::checkCheckpointDialog() {
    if (!m_model) return;
    const QString p = pickModelFile(this, tr("Checkpoint to restore into the open model"));
    if (!p.isEmpty()) checkCheckpoint(p);
}

void RestoreCheckPanel::checkIntoDialog() {
    if (!m_model) return;
    const QString p = pickModelFile(this, tr("Model whose graph the open model's variables restore into"));
    if (!p.isEmpty()) checkInto(p);
}

void RestoreCheckPanel::start(const QString& what, std::function<Result<RestoreCheckRun>(Progress&)> fn) {
    m_watcher.cancel();
    m_report.reset();
    m_error.clear();
    m_applied = false;
    fill();
    m_title->setText(tr("Checking %1…").arg(what));
    m_watcher.setFuture(runJob<JobOutcome<RestoreCheckRun>>([fn = std::move(fn)](Progress& p) { return JobOutcome<RestoreCheckRun>::from(fn(p)); }));
}

void RestoreCheckPanel::onFinished() {
    auto f = m_watcher.future();
    if (f.isCanceled() || f.resultCount() == 0) return;
    const JobOutcome<RestoreCheckRun> o = f.result();
    if (!o.status.ok()) m_error = q(o.status.message());
    else m_report = o.value;
    fill();
    emit checked();
}

bool RestoreCheckPanel::canApply() const {
    if (!m_report || !m_report->checkpointIsOpenModel || m_applied || !m_edit->session()->active()) return false;
    // Some rename not made yet (the edits may already hold them all).
    for (const RestoreCheck::Rename& rn : m_report->check.renames) {
        const EditItem* item = m_edit->session()->itemForSourceKey(rn.from);
        if (item && item->name != rn.to) return true;
    }
    return false;
}

void RestoreCheckPanel::fill() {
    m_findings->clear();
    m_summary->clear();
    m_apply->setEnabled(false);
    if (!m_error.isEmpty()) {
        m_title->setText(tr("The check failed."));
        m_summary->setText(m_error);
        return;
    }
    if (!m_report) return;
    const RestoreCheck& r = m_report->check;
    const bool saver = r.path == RestoreCheck::Path::SaverDef;
    m_title->setText(tr("Restoring %1\ninto %2 (through its %3, %4 variables)")
                         .arg(m_report->checkpointPath, m_report->modelPath, saver ? tr("SaverDef") : tr("object graph"))
                         .arg(r.expected.size()));
    std::map<std::string, const RestoreCheck::Rename*> renameTo, renameFrom;
    for (const RestoreCheck::Rename& rn : r.renames) {
        renameTo[rn.to] = &rn;
        renameFrom[rn.from] = &rn;
    }
    auto row = [this](const std::string& key, const QString& problem, const QString& fix, bool fixable) {
        auto* item = new QTreeWidgetItem(m_findings, {q(key), problem, fix});
        for (int c = 0; c < ColumnCount; ++c) item->setToolTip(c, item->text(c));
        if (!fixable) item->setForeground(ColFix, QColor(0xc6, 0x28, 0x28));
    };
    QStringList unfixable;
    for (const std::string& k : r.missing) {
        const QString problem = saver ? tr("missing: NotFoundError: Key %1 not found in checkpoint").arg(q(k))
                                      : tr("missing: the variable would keep its initial value");
        auto it = renameTo.find(k);
        if (it != renameTo.end()) row(k, problem, tr("rename %1 ⇒ %2 (%3)").arg(q(it->second->from), q(k), q(it->second->reason)), true);
        else {
            row(k, problem, tr("cannot be fixed by a rename: no unused checkpoint tensor has its dtype and shape"), false);
            unfixable << tr("%1 is missing").arg(q(k));
        }
    }
    for (const RestoreCheck::Mismatch& m : r.mismatches) {
        row(m.key, tr("mismatch: the model has %1, the checkpoint %2").arg(typeText(m.wantDtype, m.wantShape), typeText(m.gotDtype, m.gotShape)),
            tr("cannot be fixed by a rename: the stored values have another %1").arg(m.wantDtype != m.gotDtype ? tr("dtype") : tr("shape")), false);
        unfixable << tr("%1 has another %2").arg(q(m.key), m.wantDtype != m.gotDtype ? tr("dtype") : tr("shape"));
    }
    for (const auto& [key, from] : r.byFullName)
        row(key, tr("restored by its full name from %1 (Saver.restore's fallback)").arg(q(from)), tr("none needed"), true);
    for (const std::string& k : r.unexpected) {
        auto it = renameFrom.find(k);
        if (it != renameFrom.end()) continue;  // listed with the key it is renamed to
        row(k, saver ? tr("unused: nothing in the model restores it (ignored)") : tr("unused: TensorFlow warns unless expect_partial()"), tr("none needed"),
            true);
    }
    QString summary;
    if (r.restores()) summary = tr("The checkpoint restores.");
    else {
        summary = tr("The checkpoint does not restore: %1 missing, %2 mismatched.").arg(r.missing.size()).arg(r.mismatches.size());
        if (!r.renames.empty()) summary += tr(" %1 suggested rename(s) fix %2 of them.").arg(r.renames.size()).arg(r.renames.size());
        if (!unfixable.isEmpty()) summary += tr(" Renames cannot fix: %1.").arg(unfixable.join(QStringLiteral("; ")));
    }
    summary += tr(" Optimizer slots: %1 in the model, %2 in the checkpoint.").arg(r.slotsExpected).arg(r.slotsInCheckpoint);
    if (!r.renames.empty() && !m_report->checkpointIsOpenModel)
        summary += tr(" The renames apply to the checkpoint: open it and use File > Check Restore Into Model… with this model to apply them.");
    if (m_applied) summary += tr(" Applied the suggested renames as edits: export (File > Export Checkpoint…) to write a checkpoint that restores.");
    m_summary->setText(summary);
    m_apply->setEnabled(canApply());
}

QString RestoreCheckPanel::summaryText() const { return m_summary->text(); }

int RestoreCheckPanel::applySuggestedRenames() {
    if (!canApply()) return 0;
    const std::vector<RestoreCheck::Rename>& renames = m_report->check.renames;
    QUndoStack* stack = m_edit->session()->undoStack();
    stack->beginMacro(tr("Apply %1 suggested rename(s)").arg(renames.size()));
    int applied = 0;
    for (const RestoreCheck::Rename& rn : renames) {
        // The edit Edit > Rename makes; one already made is skipped.
        const EditItem* item = m_edit->session()->itemForSourceKey(rn.from);
        if (item && item->name != rn.to) applied += m_edit->apply(EditOp::rename(rn.from, rn.to)).ok();
    }
    stack->endMacro();
    m_applied = true;
    fill();
    return applied;
}

}  // namespace tfscope
