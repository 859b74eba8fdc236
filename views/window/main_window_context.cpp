// MainWindow: the model tree's context menu (copy, show in graph, rename, export, open a
// checkpoint of a checkpoint folder, run a signature) and what double click does.
#include <QApplication>
#include <QClipboard>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/format/numpy_format.h"
#include "views/edit/edit_controller.h"
#include "views/edit/edit_session.h"
#include "views/graph/graph_canvas.h"
#include "views/graph/graph_view.h"
#include "views/runner/runner_panel.h"
#include "views/tree/model_tree_model.h"
#include "views/tree/tree_panel.h"
#include "views/util/plural.h"
#include "views/window/main_window.h"

namespace tfscope {
namespace {
constexpr int64_t kMaxCopiedElements = 1 << 20;
}  // namespace

QMenu* MainWindow::treeMenu(const QModelIndex& source) {
    auto* menu = new QMenu(this);
    const auto kind = ModelTreeModel::Kind(source.data(ModelTreeModel::KindRole).toInt());
    const QString name = source.siblingAtColumn(ModelTreeModel::ColName).data().toString();
    const QString prefix = source.data(ModelTreeModel::CheckpointPrefixRole).toString();
    const QString signature = source.data(ModelTreeModel::SignatureRole).toString();
    const QString node = source.data(ModelTreeModel::NodeNameRole).toString();
    const QString key = source.data(ModelTreeModel::CheckpointKeyRole).toString();
    if (!prefix.isEmpty()) connect(menu->addAction(tr("&Open This Checkpoint")), &QAction::triggered, this, [this, prefix] { openPath(prefix); });
    if (!signature.isEmpty()) connect(menu->addAction(tr("&Run…")), &QAction::triggered, this, [this, signature] { showRunner(signature); });
    if (!node.isEmpty() && m_canvas->graph() && m_canvas->graph()->find(node.toStdString()) != kNoNode)
        connect(menu->addAction(tr("Show in &Graph")), &QAction::triggered, this, [this, node] { revealNodeByName(node); });
    if (!node.isEmpty()) {
        QAction* evaluate = menu->addAction(tr("&Evaluate"));
        evaluate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
        connect(evaluate, &QAction::triggered, this, [this, node] { evaluateNode(node); });
    }
    if (!menu->isEmpty()) menu->addSeparator();
    // The variable's current name (after renames), else what the row shows.
    const QString editName = source.data(ModelTreeModel::EditNameRole).toString();
    const QString copied = !editName.isEmpty() ? editName : kind == ModelTreeModel::Kind::Variable && !key.isEmpty() ? key
                                                                                                                     : name;
    connect(menu->addAction(tr("&Copy Name")), &QAction::triggered, this, [copied] { QApplication::clipboard()->setText(copied); });
    if (kind == ModelTreeModel::Kind::Variable && !key.isEmpty()) {
        QAction* value = menu->addAction(tr("Copy &Value"));
        connect(value, &QAction::triggered, this, [this, key] {
            // The current value: edits applied.
            const EditItem* item = m_edit->session()->itemForSourceKey(key.toStdString());
            Result<Tensor> t = item                               ? m_edit->session()->set().value(*item)
                               : m_model && m_model->checkpoint() ? m_model->checkpoint()->read(key.toStdString(), false)
                                                                  : Result<Tensor>(Status::notFound("No checkpoint."));
            if (!t.ok()) return m_statusLabel->setText(QString::fromStdString(t.status().message()));
            if (t.value().numElements() > kMaxCopiedElements)
                return m_statusLabel->setText(tr("'%1' has too many elements to copy; use Save .npy in the tensor view.").arg(key));
            QApplication::clipboard()->setText(QString::fromStdString(formatNumpy(t.value())));
        });
        if (m_edit->session()->active()) {
            menu->addSeparator();
            connect(menu->addAction(tr("Re&name…")), &QAction::triggered, this, [this, source] {
                m_tree->selectSource(source);  // the variable the Edit menu acts on
                m_edit->renameCurrentDialog();
            });
            connect(menu->addAction(tr("&Export Selected Variables…")), &QAction::triggered, this,
                    [this] { m_edit->exportSelectedDialog(ExportFormat::Checkpoint); });
        }
    }
    return menu;
}

void MainWindow::onTreeActivated(const QModelIndex& source) {
    const QString prefix = source.data(ModelTreeModel::CheckpointPrefixRole).toString();
    if (!prefix.isEmpty()) return openPath(prefix);  // that checkpoint's values
    const QString signature = source.data(ModelTreeModel::SignatureRole).toString();
    if (!signature.isEmpty()) showRunner(signature);
}

QMenu* MainWindow::nodeMenu(NodeId node) {
    auto* menu = new QMenu(this);
    auto g = m_canvas->graph();
    if (!g || node < 0 || node >= g->nodeCount()) return menu;
    const QString name = QString::fromUtf8(g->name(node).data(), qsizetype(g->name(node).size()));
    // Actions that compute something about the node (Evaluate …) go first, above this separator.
    QAction* evaluate = menu->addAction(tr("&Evaluate"));
    evaluate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    evaluate->setToolTip(tr("Run the graph up to this node with the Run panel's inputs and show its value"));
    const QString graphName = graphNodeName(node);
    connect(evaluate, &QAction::triggered, this, [this, graphName] { evaluateNode(graphName); });
    menu->addSeparator();
    connect(menu->addAction(tr("&Copy Name")), &QAction::triggered, this, [name] { QApplication::clipboard()->setText(name); });
    connect(menu->addAction(tr("Show &Properties")), &QAction::triggered, this, [this, name] { revealNodeByName(name); });
    // Highlight the producers / consumers on the canvas (the Properties panel lists them by name).
    connect(menu->addAction(tr("Highlight &Inputs")), &QAction::triggered, this, [this, node, g] {
        std::vector<NodeId> nodes{node};
        for (const InputRef& in : g->inputs(node))
            if (in.node != kNoNode) nodes.push_back(in.node);
        m_canvas->highlightNodes(nodes);
        m_statusLabel->setText(countText(qint64(nodes.size() - 1), tr("%1 input"), tr("%1 inputs")));
    });
    connect(menu->addAction(tr("Highlight &Outputs")), &QAction::triggered, this, [this, node, g] {
        std::vector<NodeId> nodes{node};
        for (const ConsumerRef& c : g->consumers(node))
            if (c.node != kNoNode) nodes.push_back(c.node);
        m_canvas->highlightNodes(nodes);
        m_statusLabel->setText(countText(qint64(nodes.size() - 1), tr("%1 consumer"), tr("%1 consumers")));
    });
    return menu;
}

QString MainWindow::graphNodeName(NodeId id) const {
    auto g = m_canvas->graph();
    if (!g || id < 0 || id >= g->nodeCount()) return {};
    std::string_view name = g->name(id);
    if (m_canvas->modelView() && !name.empty() && name.front() == '(' && name.find(")/") != std::string_view::npos)
        name = name.substr(name.find(")/") + 2);
    return QString::fromUtf8(name.data(), qsizetype(name.size()));
}

void MainWindow::evaluateNode(const QString& name) {
    if (!m_model || name.isEmpty()) return;
    if (!m_functionTrail.isEmpty())
        return m_statusLabel->setText(tr("Cannot evaluate %1: Evaluate runs nodes of the main graph, not of function %2.")
                                          .arg(name, m_functionTrail.last()));
    // The Run panel (its inputs feed the run: a tab beside Properties) on the meta graph shown (its
    // signature, or Feeds and fetches without one).
    if (m_runnerDock->isHidden()) m_runnerDock->show();
    if (m_runner->metaGraph() != m_choice.metaGraph && !m_runner->isRunning()) {
        const QString spec = QString::number(m_choice.metaGraph) + QLatin1Char('/') + QString::fromStdString(m_choice.signature);
        if (m_choice.signature.empty() || !m_runner->selectSignature(spec)) m_runner->setSignature(m_choice.metaGraph, {});
    }
    // A resource variable's node hands out a handle: show what reading it gives.
    QString target = name;
    if (auto raw = m_model->graphIndex(m_choice.metaGraph)) {
        const NodeId id = raw->find(name.toStdString());
        if (id != kNoNode && raw->op(id) == "VarHandleOp")
            for (const ConsumerRef& c : raw->consumers(id))
                if (!c.control && raw->op(c.node) == "ReadVariableOp") {
                    target = QString::fromUtf8(raw->name(c.node).data(), qsizetype(raw->name(c.node).size()));
                    break;
                }
    }
    m_statusLabel->setText(tr("Evaluating %1…").arg(target));
    m_runner->evaluate(target);
}

QMenu* MainWindow::groupMenu(int group) {
    auto* menu = new QMenu(this);
    const bool expanded = m_canvas->layout().isExpanded(group);
    connect(menu->addAction(expanded ? tr("&Collapse") : tr("&Expand")), &QAction::triggered, this,
            [this, group, expanded] { m_canvas->setExpanded(group, !expanded); });
    return menu;
}

}  // namespace tfscope
