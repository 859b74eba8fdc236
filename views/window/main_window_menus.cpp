// MainWindow: recent files, TF Serving versions, graph export and the global search dialog.
#include "views/window/main_window.h"

#include <QActionGroup>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>

#include <cctype>

#include "views/edit/edit_controller.h"
#include "views/graph/graph_canvas.h"
#include "views/graph/graph_view.h"
#include "views/tree/model_tree_model.h"
#include "views/tree/tree_panel.h"
#include "views/util/dialog_folder.h"
#include "views/util/plural.h"

namespace tfscope {
namespace {
constexpr int kMaxRecent = 10;
const QString kRecentKey = QStringLiteral("recentPaths");
}  // namespace

void MainWindow::setErrorDialogs(bool on) {
    m_errorDialogs = on;
    m_edit->setDialogs(on);
}

// File > Export Checkpoint/SavedModel and the Edit menu's variable edits (undo/redo first).
QAction* MainWindow::createEditActions(QMenu* file, QMenu* edit) {
    file->addSeparator();
    QAction* exportCheckpoint = m_edit->addExportActions(file);
    m_edit->addEditActions(edit);
    edit->addSeparator();
    connect(m_edit, &EditController::message, m_statusLabel, &QLabel::setText);
    return exportCheckpoint;
}

void MainWindow::addRecent(const QString& path) {
    QSettings settings;
    QStringList list = settings.value(kRecentKey).toStringList();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > kMaxRecent) list.removeLast();
    settings.setValue(kRecentKey, list);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
    m_recentMenu->clear();
    const QStringList list = QSettings().value(kRecentKey).toStringList();
    for (const QString& p : list) connect(m_recentMenu->addAction(p), &QAction::triggered, this, [this, p] { openPath(p); });
    m_recentMenu->setEnabled(!list.isEmpty());
}

void MainWindow::updateVersionMenu() {
    m_versionMenu->clear();
    m_versionMenu->setEnabled(!m_versions.empty());
    const QString shown = m_model ? QFileInfo(QString::fromStdString(m_model->openedPath())).absoluteFilePath() : QString();
    auto* group = new QActionGroup(m_versionMenu);
    for (const ServingVersion& v : m_versions) {
        const QString path = QString::fromStdString(v.path);
        QAction* a = m_versionMenu->addAction(tr("Version %1%2").arg(v.version).arg(v.served ? tr(" (served)") : QString()));
        a->setCheckable(true);
        a->setChecked(QFileInfo(path).absoluteFilePath() == shown);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, path] { openPath(path); });
    }
}

void MainWindow::exportGraph(bool svg) {
    const QString filter = svg ? tr("SVG images (*.svg)") : tr("PNG images (*.png)");
    QString path = QFileDialog::getSaveFileName(this, tr("Export graph"),
                                                dialogStart(QStringLiteral("graph-image"), svg ? QStringLiteral("graph.svg") : QStringLiteral("graph.png")), filter);
    if (path.isEmpty()) return;
    rememberDialogChoice(QStringLiteral("graph-image"), path);
    double scale = 1;
    if (!svg) {
        bool ok = false;
        const QStringList scales{QStringLiteral("1×"), QStringLiteral("2×"), QStringLiteral("3×"), QStringLiteral("4×")};
        const QString pick = QInputDialog::getItem(this, tr("Export graph"), tr("Scale (image pixels per layout unit):"), scales, 1, false, &ok);
        if (!ok) return;
        scale = pick.left(1).toDouble();
    }
    QString error = svg ? m_canvas->view()->exportSvg(path) : m_canvas->view()->exportPng(path, scale);
    if (!error.isEmpty()) QMessageBox::critical(this, tr("Export failed"), error);
    else statusBar()->showMessage(tr("Exported %1").arg(path), 4000);
}

// Ctrl+F: one list over graph nodes (name or op) and tree items (name, type, details).
void MainWindow::findDialog() {
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Find"));
    dialog.resize(560, 420);
    auto* layout = new QVBoxLayout(&dialog);
    auto* edit = new QLineEdit(&dialog);
    edit->setPlaceholderText(tr("Node name, op, variable, signature…"));
    auto* list = new QListWidget(&dialog);
    auto* info = new QLabel(&dialog);
    layout->addWidget(edit);
    layout->addWidget(list, 1);
    layout->addWidget(info);
    constexpr int kMax = 500;
    auto refresh = [&] {
        list->clear();
        info->clear();  // no count left from an earlier query
        const QString text = edit->text();
        if (text.isEmpty()) return;
        const std::string needle = text.toLower().toStdString();
        auto lowerHas = [&](std::string_view s) {
            std::string l(s);
            for (char& c : l) c = char(std::tolower(uchar(c)));
            return l.find(needle) != std::string::npos;
        };
        int shown = 0;
        if (auto g = m_canvas->graph())
            for (NodeId n = 0; n < g->nodeCount() && shown < kMax; ++n)
                if (lowerHas(g->name(n)) || lowerHas(g->op(n))) {
                    auto* it = new QListWidgetItem(tr("node  %1  (%2)").arg(QString::fromUtf8(g->name(n).data(), qsizetype(g->name(n).size())),
                                                                              QString::fromUtf8(g->op(n).data(), qsizetype(g->op(n).size()))), list);
                    it->setData(Qt::UserRole, n);
                    ++shown;
                }
        ModelTreeModel* m = m_tree->treeModel();
        std::vector<QModelIndex> stack{QModelIndex()};
        while (!stack.empty() && shown < kMax) {
            QModelIndex parent = stack.back();
            stack.pop_back();
            for (int r = 0; r < m->rowCount(parent) && shown < kMax; ++r) {
                QModelIndex i = m->index(r, 0, parent);
                bool hit = false;
                for (int c = 0; c < ModelTreeModel::ColumnCount && !hit; ++c) hit = i.siblingAtColumn(c).data().toString().contains(text, Qt::CaseInsensitive);
                if (hit) {
                    // Where it is (meta graph › Signatures › key › inputs), so look-alikes differ.
                    QStringList where;
                    for (QModelIndex p = i.parent(); p.isValid(); p = p.parent()) where.prepend(p.data().toString());
                    QString label = tr("tree  %1  %2").arg(i.data().toString(), i.siblingAtColumn(ModelTreeModel::ColInfo).data().toString()).trimmed();
                    if (!where.isEmpty()) label += tr("   — in %1").arg(where.join(QStringLiteral(" › ")));
                    auto* it = new QListWidgetItem(label, list);
                    it->setData(Qt::UserRole, -1);
                    it->setData(Qt::UserRole + 1, QVariant::fromValue(QPersistentModelIndex(i)));
                    ++shown;
                }
                stack.push_back(i);
            }
        }
        info->setText(shown >= kMax ? tr("First %1 matches").arg(kMax) : countText(shown, tr("%1 match"), tr("%1 matches")));
    };
    connect(edit, &QLineEdit::textChanged, &dialog, refresh);
    connect(list, &QListWidget::itemActivated, &dialog, [&](QListWidgetItem* it) {
        int node = it->data(Qt::UserRole).toInt();
        if (node >= 0) revealNodeByName(QString::fromUtf8(m_canvas->graph()->name(node).data(), qsizetype(m_canvas->graph()->name(node).size())));
        else m_tree->selectSource(it->data(Qt::UserRole + 1).value<QPersistentModelIndex>());
        dialog.accept();
    });
    dialog.exec();
}

}  // namespace tfscope
