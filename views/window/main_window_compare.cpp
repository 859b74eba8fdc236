// MainWindow: File > Compare With… (a second model beside the first: marks in the tree, the
// Compare tab for the selected variable) and the Restore check dock's menu entries.
#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QTabWidget>
#include <QToolButton>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/loader/model_loader.h"
#include "views/panels/restore_check_panel.h"
#include "views/tensor/compare_viewer.h"
#include "views/tree/model_tree_model.h"
#include "views/tree/tree_panel.h"
#include "views/util/plural.h"
#include "views/window/main_window.h"

namespace tfscope {
namespace {
const QString kCompareFolderKey = QStringLiteral("compare/lastFolder");
}  // namespace

void MainWindow::addCompareActions(QMenu* file) {
    file->addSeparator();
    QAction* withFile = file->addAction(tr("&Compare With…"));
    connect(withFile, &QAction::triggered, this, [this] {
        const QString filters = tr("Model files (saved_model.pb saved_model.pbtxt *.index *.meta *.pb *.pbtxt checkpoint);;All files (*)");
        const QString p = QFileDialog::getOpenFileName(this, tr("Compare the open model with"), QSettings().value(kCompareFolderKey).toString(), filters);
        if (p.isEmpty()) return;
        QSettings().setValue(kCompareFolderKey, QFileInfo(p).absolutePath());
        compareWith(p);
    });
    QAction* withFolder = file->addAction(tr("Compare With &Folder…"));
    connect(withFolder, &QAction::triggered, this, [this] {
        const QString p = QFileDialog::getExistingDirectory(this, tr("Compare the open model with the SavedModel or checkpoint folder"),
                                                            QSettings().value(kCompareFolderKey).toString());
        if (p.isEmpty()) return;
        QSettings().setValue(kCompareFolderKey, p);
        compareWith(p);
    });
    m_stopCompare = file->addAction(tr("S&top Comparing"));
    m_stopCompare->setEnabled(false);
    connect(m_stopCompare, &QAction::triggered, this, &MainWindow::stopComparing);
    for (QAction* a : {withFile, withFolder}) {
        a->setEnabled(false);
        connect(this, &MainWindow::modelLoaded, a, [a] { a->setEnabled(true); });
    }
    QAction* check = file->addAction(tr("Check Restore of C&heckpoint…"));
    // The dock at a modest height the first time it shows (it opens below the centre).
    auto showDock = [this] {
        if (m_restoreDock->isHidden()) resizeDocks({m_restoreDock}, {240}, Qt::Vertical);
        m_restoreDock->show();
        m_restoreDock->raise();
    };
    connect(check, &QAction::triggered, this, [this, showDock] {
        showDock();
        m_restore->checkCheckpointDialog();
    });
    QAction* into = file->addAction(tr("Check Restore &Into Model…"));
    connect(into, &QAction::triggered, this, [this, showDock] {
        showDock();
        m_restore->checkIntoDialog();
    });
}

void MainWindow::compareWith(const QString& path) {
    if (!m_model) return;
    m_compareJob.cancel();
    m_comparePath = path;
    m_statusLabel->setText(tr("Comparing with %1…").arg(path));
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    auto a = m_model;
    const std::string p = path.toStdString();
    m_compareJob.setFuture(runJob<JobOutcome<Compared>>([a, p](Progress& progress) {
        auto b = ModelLoader::load(p);
        if (!b.ok()) return JobOutcome<Compared>::from(Result<Compared>(b.status()));
        ModelDiffOptions o;
        o.progress = &progress;
        auto d = diffModels(*a, **b, o);
        if (!d.ok()) return JobOutcome<Compared>::from(Result<Compared>(d.status()));
        return JobOutcome<Compared>::from(Result<Compared>(Compared{*b, std::move(d).value()}));
    }));
}

void MainWindow::onCompared() {
    if (m_comparePath.isEmpty()) return;  // stopped (or a new model opened) while it ran
    m_progress->hide();
    m_cancel->hide();
    auto f = m_compareJob.future();
    if (f.isCanceled() || f.resultCount() == 0) {
        m_statusLabel->setText(tr("Comparing cancelled."));
        emit compareFinished(tr("cancelled"));
        return;
    }
    const JobOutcome<Compared> o = f.result();
    if (!o.status.ok()) {
        QString message = QString::fromStdString(o.status.message());
        if (!message.contains(m_comparePath)) message = m_comparePath + QStringLiteral(": ") + message;
        m_statusLabel->setText(tr("Could not compare with %1").arg(m_comparePath));
        emit compareFinished(message);
        if (m_errorDialogs) QMessageBox::critical(this, tr("Cannot compare"), message);
        return;
    }
    m_other = o.value->other;
    m_diff = std::shared_ptr<const ModelDiff>(o.value, &o.value->diff);
    m_tree->treeModel()->setComparison(m_diff, compareLabel(*m_other, *m_model));
    if (m_tabs->indexOf(m_compare) < 0) m_tabs->addTab(m_compare, tr("Compare"));
    m_compare->clear();
    m_stopCompare->setEnabled(true);
    const ModelDiff& d = *m_diff;
    m_statusLabel->setText(tr("Compared with %1: %2 changed, %3 dtype/shape changed, %4 removed, %5 added, %6 equal")
                               .arg(QString::fromStdString(m_other->openedPath()))
                               .arg(d.count(VariableDiff::Kind::ValuesChanged))
                               .arg(d.count(VariableDiff::Kind::DtypeChanged) + d.count(VariableDiff::Kind::ShapeChanged))
                               .arg(d.count(VariableDiff::Kind::OnlyInA))
                               .arg(d.count(VariableDiff::Kind::OnlyInB))
                               .arg(d.count(VariableDiff::Kind::Equal)));
    emit compareFinished(QString());
}

void MainWindow::stopComparing() {
    if (m_compareJob.isRunning()) {
        m_progress->hide();
        m_cancel->hide();
    }
    m_compareJob.cancel();
    m_comparePath.clear();
    const bool was = m_diff != nullptr;
    m_diff.reset();
    m_other.reset();
    m_compare->clear();
    const int tab = m_tabs->indexOf(m_compare);
    if (tab >= 0) m_tabs->removeTab(tab);
    if (m_stopCompare) m_stopCompare->setEnabled(false);
    if (was && m_tree->treeModel()->comparison()) m_tree->treeModel()->setComparison(nullptr, {});
}

// A short name for a model: its folder or prefix name, with the parent folder when both models
// would otherwise have the same name.
QString MainWindow::compareLabel(const Model& m, const Model& other) const {
    const QFileInfo info(QString::fromStdString(m.openedPath()));
    const QFileInfo otherInfo(QString::fromStdString(other.openedPath()));
    if (info.fileName() != otherInfo.fileName()) return info.fileName();
    return info.dir().dirName() + QLatin1Char('/') + info.fileName();
}

void MainWindow::showComparison(int i) {
    if (!m_diff || i < 0 || i >= int(m_diff->variables.size())) return;
    const VariableDiff& d = m_diff->variables[size_t(i)];
    auto read = [](const std::shared_ptr<const Model>& m, const std::string& key, QString& error) {
        if (key.empty()) return Tensor();
        auto ckpt = m ? m->checkpoint() : nullptr;
        if (!ckpt) {
            error = tr("The model has no checkpoint.");
            return Tensor();
        }
        auto t = ckpt->read(key, /*verifyCrc=*/false);
        if (!t.ok()) {
            error = QString::fromStdString(t.status().message());
            return Tensor();
        }
        return std::move(t).value();
    };
    QString errorA, errorB;
    Tensor a = read(m_model, d.keyA, errorA);
    Tensor b = read(m_other, d.keyB, errorB);
    m_compare->showVariable(d, std::move(a), std::move(b), compareLabel(*m_model, *m_other), compareLabel(*m_other, *m_model), errorA, errorB);
    m_tabs->setCurrentWidget(m_compare);
}

}  // namespace tfscope
