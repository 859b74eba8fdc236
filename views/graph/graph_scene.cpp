#include "views/graph/graph_scene.h"

#include <QPixmapCache>

#include <algorithm>

#include "model/graph/op_meta.h"
#include "views/graph/edge_layer_item.h"
#include "views/graph/flat_level_item.h"
#include "views/graph/node_item.h"

namespace tfscope {
namespace {
int g_flatThreshold = 2000;
}  // namespace

int GraphScene::flatThreshold() { return g_flatThreshold; }
void GraphScene::setFlatThreshold(int nodes) { g_flatThreshold = nodes; }

QColor colorForOp(std::string_view op) {
    const Rgb c = opMeta(op).color;
    return QColor(c.r, c.g, c.b);
}

GraphScene::GraphScene(QObject* parent) : QGraphicsScene(parent) {
    // Big levels are single FlatLevelItems, so a scene holds a few thousand items at most; a linear
    // scan of their bounding rects is cheaper than a BSP tree in which every long fan-out edge sits
    // in hundreds of leaves (de-duplicating them dominated pan frames on InceptionV3).
    setItemIndexMethod(QGraphicsScene::NoIndex);
    // Edge layers and flat levels keep a viewport-sized pixmap each (DeviceCoordinateCache); Qt's
    // default 10 MB pixmap cache would evict them between frames on a large screen.
    QPixmapCache::setCacheLimit(std::max(QPixmapCache::cacheLimit(), 96 * 1024));
    // A NodeItem selection clears the flat items' own selection.
    connect(this, &QGraphicsScene::selectionChanged, this, [this] {
        const auto items = selectedItems();
        NodeId node = kNoNode;
        if (!items.isEmpty() && items.front()->type() == NodeItem::Type && static_cast<NodeItem*>(items.front())->isNode())
            node = static_cast<NodeItem*>(items.front())->id();
        markEdgesOf(node);
        if (items.isEmpty()) return;
        for (FlatLevelItem* f : m_flat) f->setSelectedNode(kNoNode);
        clearEdgeSelection();
    });
}

GraphScene::~GraphScene() {
    // ~QGraphicsScene deletes the items, which emits selectionChanged: nothing may touch them then.
    disconnect(this, &QGraphicsScene::selectionChanged, this, nullptr);
    m_edgeLayers.clear();
    m_edgeEnds.clear();
}

void GraphScene::setLayout(const CanvasLayout& layout) {
    // Forget the items before clear() deletes them (it emits selectionChanged on the way).
    m_nodes.clear();
    m_groups.clear();
    m_highlighted.clear();
    m_flat.clear();
    m_edgeLayers.clear();
    m_edgeEnds.clear();
    m_markedNode = kNoNode;
    clear();
    m_itemCount = 0;
    m_drawnCount = 0;
    m_layout = layout;
    auto it = m_layout.levels.find(GroupTree::kRoot);
    if (it == m_layout.levels.end()) return;
    setSceneRect(QRectF(-40, -40, it->second->width + 80, it->second->height + 80));
    addLevel(*it->second, QPointF(0, 0));
    m_drawnCount += m_itemCount;
}

QString GraphScene::edgeLabel(const LevelEdge& e) const {
    if (e.count != 1 || e.control || e.producer == kNoNode) return {};
    const GraphIndex& gi = m_layout.tree->index();
    QString label;
    for (const AttrDisplay& a : gi.attrs(e.producer)) {
        if (label.isEmpty() && (a.name == "T" || a.name == "dtype" || a.name == "out_type" || a.name == "DstT"))
            label = QString::fromStdString(a.text);
        if (a.name == "_output_shapes" && a.text.find("],") == std::string::npos)
            label += QLatin1Char(' ') + QString::fromStdString(a.text);
    }
    if (label.startsWith(QLatin1String("DT_"))) label = label.mid(3).toLower();
    return label.trimmed();
}

void GraphScene::addLevel(const LevelLayout& level, QPointF origin) {
    const GroupTree& tree = *m_layout.tree;
    const GraphIndex& gi = tree.index();
    const bool labels = level.edges.size() <= 2000;
    int ops = 0;
    for (const ElementRef& el : level.elements) ops += el.isGroup() ? 0 : 1;
    const bool flat = ops > g_flatThreshold;
    if (flat) {
        auto* item = new FlatLevelItem(*this, level, origin);
        addItem(item);
        m_flat.push_back(item);
        ++m_itemCount;
        m_drawnCount += item->nodeCount() + int(level.edges.size());
    }
    if (!flat && !level.edges.empty()) {
        auto* layer = new EdgeLayerItem;
        std::vector<std::pair<NodeId, NodeId>> ends;
        auto nodeAt = [&](int element) {
            const ElementRef r = level.elements[size_t(element)];
            return r.isGroup() ? kNoNode : NodeId(r.id);
        };
        for (const LevelEdge& e : level.edges) {
            if (e.path.size() < 2) continue;  // addEdge() skips it too
            QPolygonF poly;
            poly.reserve(qsizetype(e.path.size()));
            for (const LayoutPoint& p : e.path) poly << origin + QPointF(p.x, p.y);
            layer->addEdge(poly, e.control, e.count, labels ? edgeLabel(e) : QString());
            ends.emplace_back(nodeAt(e.from), nodeAt(e.to));
        }
        addItem(layer);
        m_edgeLayers.push_back(layer);
        m_edgeEnds.push_back(std::move(ends));
        ++m_itemCount;
        // Counted per edge: the view's antialiasing choice depends on how much is drawn.
        m_drawnCount += layer->edgeCount() - 1;
    }
    for (size_t i = 0; i < level.elements.size(); ++i) {
        ElementRef el = level.elements[i];
        QRectF r(origin.x() + level.centers[i].x - level.widths[i] / 2, origin.y() + level.centers[i].y - level.heights[i] / 2,
                 level.widths[i], level.heights[i]);
        NodeItem* item;
        if (el.isGroup()) {
            const Group& g = tree.group(el.id);
            QString title = QString::fromStdString(g.label);
            QString sub = g.series ? QStringLiteral("%1 groups, %2 nodes").arg(g.childGroups.size()).arg(g.totalNodes)
                                   : QStringLiteral("%1 nodes").arg(g.totalNodes);
            bool open = m_layout.isExpanded(el.id);
            auto kind = open ? NodeItem::Kind::Frame : g.series ? NodeItem::Kind::Series : NodeItem::Kind::Group;
            item = new NodeItem(kind, el.id, r, title, sub, g.series ? QColor(0xc9, 0xe4, 0xde) : isSideGroupScope(g.path) ? QColor(0xe4, 0xe4, 0xe4)
                                                                                                                           : QColor(0xd4, 0xe2, 0xf4));
            m_groups.insert(el.id, item);
            addItem(item);
            ++m_itemCount;
            if (open) {
                auto it = m_layout.levels.find(el.id);
                if (it != m_layout.levels.end())
                    addLevel(*it->second, r.topLeft() + QPointF(ElementSizer::kPad, ElementSizer::kTitle));
            }
        } else if (!flat) {
            std::string_view op = gi.op(el.id);
            QString sub = QString::fromUtf8(op.data(), qsizetype(op.size()));
            QString tip;
            QStringList rowTexts, rowNames;
            if (m_modelView && size_t(el.id) < m_modelView->folded.size()) {
                // Folded weights are rows under the op type ("kernel ⟨3×3×1×8⟩"; a click opens
                // the tensor); all of them are in the tooltip.
                const auto& rows = m_modelView->folded[size_t(el.id)];
                const std::vector<std::string> texts = weightRowTexts(rows);
                for (size_t k = 0; k < texts.size(); ++k) {
                    rowTexts << QString::fromStdString(texts[k]);
                    const int w = rowWeight(rows, k);
                    rowNames << (w >= 0 ? QString::fromStdString(rows[size_t(w)].name) : QString());
                }
                if (int fan = m_modelView->fanOut[size_t(el.id)]) sub += QStringLiteral(" \u2192\u00d7%1").arg(fan);
                for (const FoldedWeight& w : rows)
                    tip += QStringLiteral("\n%1  %2 %3").arg(QString::fromStdString(w.name), QString::fromStdString(w.dtype), QString::fromStdString(w.shape));
            }
            QColor fill = colorForOp(op);
            bool collapsedCall = false;
            if (m_modelView && size_t(el.id) < m_modelView->collapsed.size() && m_modelView->collapsed[size_t(el.id)] != CollapsedCall::None) {
                // A call left closed: a group box saying why ("double-click to open" in the tooltip).
                collapsedCall = true;
                const QString callee = QString::fromStdString(m_modelView->callee[size_t(el.id)]);
                sub = m_modelView->collapsed[size_t(el.id)] == CollapsedCall::Recursive
                          ? QStringLiteral("recursive: %1").arg(callee)
                          : QStringLiteral("%1 \u00b7 %2 nodes").arg(callee).arg(m_modelView->calleeNodes[size_t(el.id)]);
                tip += m_modelView->collapsed[size_t(el.id)] == CollapsedCall::Recursive
                           ? QStringLiteral("\n%1 calls itself; not inlined. Double-click to open the function.").arg(callee)
                           : QStringLiteral("\nA large function body, not inlined. Double-click to open it here.");
                fill = QColor(0xd4, 0xe2, 0xf4);
            }
            item = new NodeItem(NodeItem::Kind::Op, el.id, r, QString::fromStdString(tree.nodeLabel(el.id)), sub, fill);
            item->setCollapsedLook(collapsedCall);
            if (!rowTexts.isEmpty()) item->setRows(rowTexts, rowNames);
            if (!tip.isEmpty()) item->setToolTip(QString::fromStdString(std::string(gi.name(el.id))) + tip);
            m_nodes.insert(el.id, item);
            addItem(item);
            ++m_itemCount;
        }
    }
}

NodeItem* GraphScene::visibleItemFor(NodeId id) const {
    if (NodeItem* n = m_nodes.value(id)) return n;
    if (!m_layout.tree || id < 0 || id >= m_layout.tree->index().nodeCount()) return nullptr;
    // Outermost collapsed ancestor group that has an item.
    NodeItem* best = nullptr;
    for (int g = m_layout.tree->groupOf(id); g >= 0; g = m_layout.tree->group(g).parent)
        if (NodeItem* it = m_groups.value(g); it && !m_layout.isExpanded(g)) best = it;
    return best;
}

QRectF GraphScene::selectNode(NodeId id) {
    if (NodeItem* it = visibleItemFor(id)) {
        QSignalBlocker block(this);
        clearSelection();
        for (FlatLevelItem* f : m_flat) f->setSelectedNode(kNoNode);
        clearEdgeSelection();
        it->setSelected(true);
        markEdgesOf(it->isNode() ? NodeId(it->id()) : kNoNode);
        return it->sceneBoundingRect();
    }
    for (FlatLevelItem* f : m_flat)
        if (f->contains(id)) {
            {
                QSignalBlocker block(this);
                clearSelection();
            }
            for (FlatLevelItem* g : m_flat) g->setSelectedNode(g == f ? id : kNoNode);
            clearEdgeSelection();
            return f->nodeRect(id);
        }
    return {};
}

void GraphScene::edgeClicked(EdgeLayerItem* layer, int edge) {
    {
        QSignalBlocker block(this);
        clearSelection();
    }
    for (FlatLevelItem* f : m_flat) f->setSelectedNode(kNoNode);
    markEdgesOf(kNoNode);
    for (EdgeLayerItem* l : m_edgeLayers) l->setSelectedEdge(l == layer ? edge : -1);
}

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    QGraphicsScene::mousePressEvent(event);
    if (!mouseGrabberItem()) clearEdgeSelection();
}

void GraphScene::markEdgesOf(NodeId id) {
    if (id == m_markedNode) return;
    m_markedNode = id;
    for (size_t l = 0; l < m_edgeLayers.size(); ++l) {
        std::vector<int> edges;
        if (id != kNoNode)
            for (size_t e = 0; e < m_edgeEnds[l].size(); ++e)
                if (m_edgeEnds[l][e].first == id || m_edgeEnds[l][e].second == id) edges.push_back(int(e));
        m_edgeLayers[l]->setMarkedEdges(edges);
    }
}

void GraphScene::clearEdgeSelection() {
    for (EdgeLayerItem* l : m_edgeLayers) l->setSelectedEdge(-1);
}

void GraphScene::highlightNodes(const std::vector<NodeId>& ids) {
    for (FlatLevelItem* f : m_flat) f->setHighlighted(ids);
    for (NodeItem* it : m_highlighted) it->setHighlighted(false);
    m_highlighted.clear();
    for (NodeId id : ids)
        if (NodeItem* it = visibleItemFor(id); it && !it->isHighlighted()) {
            it->setHighlighted(true);
            m_highlighted.push_back(it);
        }
}

}  // namespace tfscope
