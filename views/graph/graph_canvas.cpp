#include "views/graph/graph_canvas.h"

#include <algorithm>
#include <utility>

#include <QGridLayout>
#include <QPainter>
#include <QTimer>

#include "views/graph/graph_scene.h"
#include "views/graph/graph_view.h"
#include "views/graph/minimap.h"
#include "views/graph/node_item.h"

namespace tfscope {

GraphCanvas::GraphCanvas(QWidget* parent) : QWidget(parent) {
    m_scene = new GraphScene(this);
    m_view = new GraphView(this);
    m_view->setScene(m_scene);
    m_minimap = new Minimap(m_view, this);
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_view, 0, 0);
    grid->addWidget(m_minimap, 0, 0, Qt::AlignRight | Qt::AlignBottom);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &GraphCanvas::applyResult);
    connect(m_view, &GraphView::groupActivated, this, &GraphCanvas::toggleGroup);
    connect(m_scene, &QGraphicsScene::selectionChanged, this, &GraphCanvas::onSelectionChanged);
    connect(m_scene, &GraphScene::weightClicked, this, &GraphCanvas::weightActivated);
    connect(m_view, &GraphView::nodeActivated, this, [this](int node) {
        if (m_modelView && size_t(node) < m_modelView->collapsed.size() && m_modelView->collapsed[size_t(node)] != CollapsedCall::None)
            emit collapsedCallActivated(node);
    });
    connect(m_scene, &GraphScene::nodeClicked, this, [this](int node) {
        m_selected = node;
        emit nodeSelected(node);
    });
}

GraphCanvas::~GraphCanvas() {
    m_watcher.cancel();
    m_watcher.waitForFinished();
}

void GraphCanvas::setGraph(std::shared_ptr<const GraphIndex> index, std::shared_ptr<const ModelView> view) {
    m_index = std::move(index);
    m_modelView = std::move(view);
    m_scene->setModelView(m_modelView);
    m_selected = kNoNode;
    m_revealWhenLaidOut = kNoNode;
    m_highlight.clear();
    m_layout = CanvasLayout();
    m_scene->setLayout(m_layout);
    m_minimap->refit();
    if (!m_index) return;
    m_fitPending = true;
    ++m_generation;
    m_watcher.cancel();
    quint64 gen = m_generation;
    m_running = gen;
    m_pending = true;
    auto index2 = m_index;
    auto view2 = m_modelView;
    m_watcher.setFuture(runJob<JobOutcome<CanvasLayout>>([index2, view2](Progress& p) {
        CanvasLayout first = initialCanvasLayout(GroupTree::build(index2, view2 ? modelViewRows(*view2) : NodeRows()));
        if (view2) openFirstView(first);
        auto layout = relayoutCanvas(std::move(first), -1, &p);
        JobOutcome<CanvasLayout> o;
        if (layout.ok()) o.value = std::make_shared<const CanvasLayout>(std::move(layout).value());
        else o.status = layout.status();
        return o;
    }));
}

void GraphCanvas::request(CanvasLayout next, int changed) {
    ++m_generation;
    m_watcher.cancel();
    m_running = m_generation;
    m_pending = true;
    m_watcher.setFuture(runJob<JobOutcome<CanvasLayout>>([next = std::move(next), changed](Progress& p) {
        auto layout = relayoutCanvas(next, changed, &p);
        JobOutcome<CanvasLayout> o;
        if (layout.ok()) o.value = std::make_shared<const CanvasLayout>(std::move(layout).value());
        else o.status = layout.status();
        return o;
    }));
}

void GraphCanvas::applyResult() {
    if (m_running != m_generation) return;
    m_pending = false;
    QFuture<JobOutcome<CanvasLayout>> f = m_watcher.future();
    if (f.isCanceled() || f.resultCount() == 0) return;
    JobOutcome<CanvasLayout> o = f.result();
    if (!o.status.ok()) {
        if (o.status.code() != Status::Code::Cancelled) emit layoutFailed(QString::fromStdString(o.status.message()));
        return;
    }
    m_layout = *o.value;
    m_scene->setLayout(m_layout);
    // Antialiasing long polylines dominates frame time on big levels; keep it for small scenes.
    m_view->setRenderHint(QPainter::Antialiasing, m_scene->drawnCount() < 1000);
    if (!m_highlight.empty()) m_scene->highlightNodes(m_highlight);
    if (m_fitPending) {
        m_fitPending = false;
        m_view->fitAll();
    }
    if (!m_pendingGroups.empty()) {
        const std::vector<int> groups = std::exchange(m_pendingGroups, {});
        selectGroups(groups);
    }
    NodeId target = m_pendingReveal != kNoNode ? m_pendingReveal : m_selected;
    m_pendingReveal = kNoNode;
    if (target != kNoNode)
        if (QRectF r = m_scene->selectNode(target); !r.isEmpty()) m_view->centerOn(r.center());
    QTimer::singleShot(0, m_minimap, &Minimap::refit);
    emit layoutReady();
    if (const NodeId deferred = std::exchange(m_revealWhenLaidOut, kNoNode); deferred != kNoNode) revealNode(deferred);
}

void GraphCanvas::setExpanded(int group, bool expanded) {
    if (!m_layout.tree || group <= GroupTree::kRoot || group >= m_layout.tree->groupCount()) return;
    if (m_layout.isExpanded(group) == expanded) return;
    CanvasLayout next = m_layout;
    next.expanded[size_t(group)] = expanded ? 1 : 0;
    request(std::move(next), group);
}

void GraphCanvas::toggleGroup(int group) { setExpanded(group, !m_layout.isExpanded(group)); }

void GraphCanvas::revealNode(NodeId node) {
    if (!m_layout.tree) {
        // The graph's first layout is still running (a busy machine): reveal once it lands.
        if (m_index && node >= 0 && node < m_index->nodeCount()) m_revealWhenLaidOut = m_selected = node;
        return;
    }
    if (node < 0 || node >= m_layout.tree->index().nodeCount()) return;
    m_selected = node;
    CanvasLayout next = m_layout;
    int deepest = -1;
    for (int g = m_layout.tree->groupOf(node); g > GroupTree::kRoot; g = m_layout.tree->group(g).parent)
        if (!next.expanded[size_t(g)]) {
            next.expanded[size_t(g)] = 1;
            if (deepest < 0) deepest = g;
        }
    if (deepest < 0) {
        // A reveal still being laid out (e.g. of a variable selected just before) must not win
        // over this newer one when its layout lands: applyResult() then selects m_selected.
        m_pendingReveal = kNoNode;
        if (QRectF r = m_scene->selectNode(node); !r.isEmpty()) {
            m_view->centerOn(r.center());
            emit nodeSelected(node);
        }
        return;
    }
    m_pendingReveal = node;
    request(std::move(next), deepest);
}

void GraphCanvas::selectGroups(const std::vector<int>& groups) {
    if (!m_layout.tree) return;
    CanvasLayout next = m_layout;
    int changed = -1;
    for (int g : groups) {
        if (g <= GroupTree::kRoot || g >= m_layout.tree->groupCount()) continue;
        for (int a = m_layout.tree->group(g).parent; a > GroupTree::kRoot; a = m_layout.tree->group(a).parent)
            if (!next.expanded[size_t(a)]) {
                next.expanded[size_t(a)] = 1;
                changed = changed < 0 ? a : changed;
            }
    }
    if (changed >= 0) {
        // Several groups may change: no level is reused but the cached interiors.
        for (int g = 0; g < m_layout.tree->groupCount(); ++g)
            if (next.expanded[size_t(g)] != m_layout.expanded[size_t(g)])
                for (int a = m_layout.tree->group(g).parent; a >= 0; a = m_layout.tree->group(a).parent) next.levels.erase(a);
        m_pendingGroups = groups;
        m_selected = kNoNode;
        request(std::move(next), changed);
        return;
    }
    QSignalBlocker block(m_scene);
    m_scene->clearSelection();
    NodeItem* first = nullptr;
    for (int g : groups)
        if (NodeItem* it = m_scene->groupItem(g)) {
            it->setSelected(true);
            if (!first) first = it;
        }
    if (first) m_view->ensureVisible(first);
}

std::vector<int> GraphCanvas::selectedGroups() const {
    std::vector<int> out;
    for (QGraphicsItem* it : m_scene->selectedItems())
        if (it->type() == NodeItem::Type && !static_cast<NodeItem*>(it)->isNode()) out.push_back(static_cast<NodeItem*>(it)->id());
    std::sort(out.begin(), out.end());
    return out;
}

void GraphCanvas::highlightNodes(const std::vector<NodeId>& nodes) {
    m_highlight = nodes;
    m_scene->highlightNodes(nodes);
}

void GraphCanvas::onSelectionChanged() {
    const auto items = m_scene->selectedItems();
    if (items.isEmpty() || items.front()->type() != NodeItem::Type) return;
    auto* n = static_cast<NodeItem*>(items.front());
    if (n->isNode()) {
        m_selected = n->id();
        emit nodeSelected(n->id());
    } else emit groupSelected(n->id());
}

}  // namespace tfscope
