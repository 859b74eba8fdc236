#include "views/graph/flat_level_item.h"

#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QtMath>

#include <algorithm>
#include <cmath>

#include "views/graph/exposed_rect.h"
#include "views/graph/graph_scene.h"

namespace tfscope {
namespace {

// Arrowhead at the end of segment from → tip.
void drawArrow(QPainter* painter, QPointF from, QPointF tip, qreal size) {
    QLineF line(from, tip);
    if (line.length() < 0.1) return;
    qreal angle = std::atan2(-line.dy(), line.dx());
    QPointF a = tip - QPointF(std::cos(angle - M_PI / 7) * size, -std::sin(angle - M_PI / 7) * size);
    QPointF b = tip - QPointF(std::cos(angle + M_PI / 7) * size, -std::sin(angle + M_PI / 7) * size);
    const QPointF tri[3] = {tip, a, b};
    painter->drawPolygon(tri, 3);
}

// QRectF::intersects() is out of line and normalizes; these rects are already normal.
inline bool overlaps(const QRectF& a, const QRectF& b) {
    return a.left() <= b.right() && b.left() <= a.right() && a.top() <= b.bottom() && b.top() <= a.bottom();
}

// Pen width of a bundle of `count` edges, 1..5.
inline int edgeWidth(int count) { return count > 1 ? std::clamp(int(1.0 + std::log2(double(count))), 1, 5) : 1; }

}  // namespace

FlatLevelItem::FlatLevelItem(GraphScene& scene, const LevelLayout& level, QPointF origin) : m_scene(scene) {
    const GroupTree& tree = *scene.canvasLayout().tree;
    const GraphIndex& gi = tree.index();
    setFlag(ItemUsesExtendedStyleOption);
    setAcceptHoverEvents(true);
    setZValue(0.5);
    // Zoomed out, tens of thousands of boxes and edges are in view (~35 ms a frame at 100k nodes).
    // The view keeps the visible part as a pixmap and, when panning, scrolls it and paints only
    // the exposed strip; setHighlighted() and selection changes update() it, a zoom re-renders.
    setCacheMode(DeviceCoordinateCache);
    std::unordered_map<std::string_view, int> opSlot;
    m_nodes.reserve(level.elements.size());
    m_slot.reserve(level.elements.size());
    double maxW = 0, maxH = 0;
    QRectF bounds;
    for (size_t i = 0; i < level.elements.size(); ++i) {
        QRectF r(origin.x() + level.centers[i].x - level.widths[i] / 2, origin.y() + level.centers[i].y - level.heights[i] / 2,
                 level.widths[i], level.heights[i]);
        bounds |= r;
        ElementRef el = level.elements[i];
        if (el.isGroup()) continue;
        std::string_view op = gi.op(el.id);
        auto [it, inserted] = opSlot.try_emplace(op, int(m_ops.size()));
        if (inserted) {
            m_ops.push_back(QString::fromUtf8(op.data(), qsizetype(op.size())));
            m_palette.push_back(colorForOp(op));
        }
        m_slot.emplace(el.id, int(m_nodes.size()));
        m_nodes.push_back({el.id, r, it->second});
        maxW = std::max(maxW, r.width());
        maxH = std::max(maxH, r.height());
    }
    m_highlighted.assign(m_nodes.size(), 0);
    for (const LevelEdge& e : level.edges) {
        if (e.path.size() < 2) continue;
        Edge edge{int(m_points.size()), 0, {}, e.control, e.count};
        for (const LayoutPoint& p : e.path) m_points.push_back(origin + QPointF(p.x, p.y));
        edge.end = int(m_points.size());
        double x0 = m_points[size_t(edge.begin)].x(), x1 = x0, y0 = m_points[size_t(edge.begin)].y(), y1 = y0;
        for (int k = edge.begin; k < edge.end; ++k) {
            x0 = std::min(x0, m_points[size_t(k)].x());
            x1 = std::max(x1, m_points[size_t(k)].x());
            y0 = std::min(y0, m_points[size_t(k)].y());
            y1 = std::max(y1, m_points[size_t(k)].y());
        }
        edge.bounds = QRectF(QPointF(x0, y0), QPointF(x1, y1)).adjusted(-8, -8, 8, 8);
        bounds |= edge.bounds;
        m_edges.push_back(edge);
    }
    m_bounds = bounds.adjusted(-4, -4, 4, 4);
    // Buckets by node centre; a query widens its rect by the largest half size.
    m_cell = std::max({400.0, maxW, maxH});
    m_maxHalf = QSizeF(maxW / 2 + 1, maxH / 2 + 1);
    m_cols = std::max(1, int(std::ceil(m_bounds.width() / m_cell)));
    m_rows = std::max(1, int(std::ceil(m_bounds.height() / m_cell)));
    auto cellOf = [&](QPointF c) {
        int cx = std::clamp(int((c.x() - m_bounds.left()) / m_cell), 0, m_cols - 1);
        int cy = std::clamp(int((c.y() - m_bounds.top()) / m_cell), 0, m_rows - 1);
        return size_t(cy) * size_t(m_cols) + size_t(cx);
    };
    m_cellStart.assign(size_t(m_cols) * size_t(m_rows) + 1, 0);
    for (const Node& n : m_nodes) ++m_cellStart[cellOf(n.rect.center()) + 1];
    for (size_t c = 1; c < m_cellStart.size(); ++c) m_cellStart[c] += m_cellStart[c - 1];
    m_cellNodes.resize(m_nodes.size());
    std::vector<int> fill(m_cellStart.begin(), m_cellStart.end() - 1);
    for (size_t i = 0; i < m_nodes.size(); ++i) m_cellNodes[size_t(fill[cellOf(m_nodes[i].rect.center())]++)] = int(i);
}

QPainterPath FlatLevelItem::shape() const {
    QPainterPath p;
    p.addRect(m_bounds);
    return p;
}

std::vector<int> FlatLevelItem::slotsIn(const QRectF& r) const {
    std::vector<int> out;
    QRectF q = r.adjusted(-m_maxHalf.width(), -m_maxHalf.height(), m_maxHalf.width(), m_maxHalf.height()).intersected(m_bounds);
    if (q.isEmpty() && !(r.width() == 0 && m_bounds.contains(r.topLeft()))) return out;
    int x0 = std::clamp(int((q.left() - m_bounds.left()) / m_cell), 0, m_cols - 1);
    int x1 = std::clamp(int((q.right() - m_bounds.left()) / m_cell), 0, m_cols - 1);
    int y0 = std::clamp(int((q.top() - m_bounds.top()) / m_cell), 0, m_rows - 1);
    int y1 = std::clamp(int((q.bottom() - m_bounds.top()) / m_cell), 0, m_rows - 1);
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
            size_t c = size_t(y) * size_t(m_cols) + size_t(x);
            for (int k = m_cellStart[c]; k < m_cellStart[c + 1]; ++k) {
                int s = m_cellNodes[size_t(k)];
                if (overlaps(m_nodes[size_t(s)].rect, r)) out.push_back(s);
            }
        }
    return out;
}

int FlatLevelItem::slotAt(QPointF p) const {
    for (int s : slotsIn(QRectF(p, QSizeF(0.01, 0.01))))
        if (m_nodes[size_t(s)].rect.contains(p)) return s;
    return -1;
}

NodeId FlatLevelItem::nodeAt(QPointF scenePos) const {
    int s = slotAt(mapFromScene(scenePos));
    return s < 0 ? kNoNode : m_nodes[size_t(s)].id;
}

QRectF FlatLevelItem::nodeRect(NodeId id) const {
    auto it = m_slot.find(id);
    return it == m_slot.end() ? QRectF() : mapRectToScene(m_nodes[size_t(it->second)].rect);
}

void FlatLevelItem::setSelectedNode(NodeId id) {
    if (id == m_selected) return;
    QRectF old = nodeRect(m_selected);
    m_selected = contains(id) ? id : kNoNode;
    if (!old.isEmpty()) update(mapRectFromScene(old).adjusted(-3, -3, 3, 3));
    if (m_selected != kNoNode) update(m_nodes[size_t(m_slot.at(m_selected))].rect.adjusted(-3, -3, 3, 3));
}

void FlatLevelItem::setHighlighted(const std::vector<NodeId>& ids) {
    std::fill(m_highlighted.begin(), m_highlighted.end(), 0);
    for (NodeId id : ids)
        if (auto it = m_slot.find(id); it != m_slot.end()) m_highlighted[size_t(it->second)] = 1;
    update();
}

void FlatLevelItem::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    int s = event->button() == Qt::LeftButton ? slotAt(event->pos()) : -1;
    if (s < 0) {
        setSelectedNode(kNoNode);
        event->ignore();
        return;
    }
    m_scene.clearSelection();
    setSelectedNode(m_nodes[size_t(s)].id);
    m_scene.flatNodeClicked(m_selected);
    event->accept();
}

void FlatLevelItem::hoverMoveEvent(QGraphicsSceneHoverEvent* event) {
    int s = slotAt(event->pos());
    if (s < 0) {
        setToolTip(QString());
        return;
    }
    const Node& n = m_nodes[size_t(s)];
    setToolTip(QString::fromStdString(m_scene.canvasLayout().tree->nodeLabel(n.id)) + QLatin1Char('\n') + m_ops[size_t(n.op)]);
}

void FlatLevelItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const QRectF exposed = visibleExposedRect(painter, option, m_bounds);
    if (exposed.isEmpty()) return;
    // Edges: batched by style into one drawLines() call each; none when nodes are a few pixels
    // wide, no control edges while small, arrowheads from 0.3.
    if (lod >= 0.04) {
        const QColor data(0x60, 0x6a, 0x78), ctrl(0x9a, 0x9a, 0x9a);
        std::vector<QLineF> lines[2][5];   // [control][width - 1]
        std::vector<int> arrows;
        for (size_t i = 0; i < m_edges.size(); ++i) {
            const Edge& e = m_edges[i];
            if (!overlaps(e.bounds, exposed) || (e.control && lod < 0.15)) continue;
            std::vector<QLineF>& v = lines[e.control ? 1 : 0][edgeWidth(e.count) - 1];
            for (int k = e.begin; k + 1 < e.end; ++k) v.emplace_back(m_points[size_t(k)], m_points[size_t(k + 1)]);
            if (lod >= 0.3) arrows.push_back(int(i));
        }
        painter->setBrush(Qt::NoBrush);
        for (int c = 0; c < 2; ++c)
            for (int w = 0; w < 5; ++w) {
                if (lines[c][w].empty()) continue;
                QPen pen(c ? ctrl : data, w + 1.0, c ? Qt::DashLine : Qt::SolidLine);
                pen.setCosmetic(lod < 0.5);
                painter->setPen(pen);
                painter->drawLines(lines[c][w].data(), int(lines[c][w].size()));
            }
        painter->setPen(Qt::NoPen);
        for (int i : arrows) {
            const Edge& e = m_edges[size_t(i)];
            painter->setBrush(e.control ? ctrl : data);
            drawArrow(painter, m_points[size_t(e.end - 2)], m_points[size_t(e.end - 1)], 6 + edgeWidth(e.count));
        }
    }
    const std::vector<int> visible = slotsIn(exposed);
    if (lod < 0.3) {
        // Plain rectangles, batched by colour.
        std::vector<std::vector<QRectF>> byOp(m_ops.size());
        for (int s : visible) byOp[size_t(m_nodes[size_t(s)].op)].push_back(m_nodes[size_t(s)].rect);
        for (size_t o = 0; o < byOp.size(); ++o) {
            if (byOp[o].empty()) continue;
            if (lod < 0.15) painter->setPen(Qt::NoPen);
            else {
                QPen pen(m_palette[o].darker(160), 1.0);
                pen.setCosmetic(true);
                painter->setPen(pen);
            }
            painter->setBrush(m_palette[o]);
            painter->drawRects(byOp[o].data(), int(byOp[o].size()));
        }
    } else {
        const GroupTree& tree = *m_scene.canvasLayout().tree;
        QFont f = painter->font();
        f.setPointSizeF(8.5);
        QFont small = f;
        small.setPointSizeF(7.5);
        for (int s : visible) {
            const Node& n = m_nodes[size_t(s)];
            QPen pen(m_palette[size_t(n.op)].darker(160), 1.0);
            pen.setCosmetic(lod < 1);
            painter->setPen(pen);
            painter->setBrush(m_palette[size_t(n.op)]);
            painter->drawRoundedRect(n.rect, 10, 10);
            painter->setPen(QColor(0x20, 0x20, 0x20));
            painter->setFont(f);
            const QString title = QString::fromStdString(tree.nodeLabel(n.id));
            if (lod < 0.7) {
                painter->drawText(n.rect, Qt::AlignCenter, title);
                continue;
            }
            const QRectF& r = n.rect;
            painter->drawText(QRectF(r.left() + 4, r.top() + 2, r.width() - 8, r.height() / 2), Qt::AlignHCenter | Qt::AlignBottom, title);
            painter->setFont(small);
            painter->setPen(QColor(0x55, 0x55, 0x55));
            painter->drawText(QRectF(r.left() + 4, r.center().y(), r.width() - 8, r.height() / 2 - 2), Qt::AlignHCenter | Qt::AlignTop,
                              m_ops[size_t(n.op)]);
        }
    }
    // Highlight and selection borders on top.
    painter->setBrush(Qt::NoBrush);
    for (int s : visible) {
        const Node& n = m_nodes[size_t(s)];
        const bool sel = n.id == m_selected;
        if (!sel && !m_highlighted[size_t(s)]) continue;
        QPen pen(sel ? QColor(0x1e, 0x64, 0xd8) : QColor(0xe0, 0x8a, 0x00), 2.5);
        pen.setCosmetic(lod < 1);
        painter->setPen(pen);
        if (lod >= 0.3) painter->drawRoundedRect(n.rect, 10, 10);
        else painter->drawRect(n.rect);
    }
}

}  // namespace tfscope
