#include "views/graph/edge_layer_item.h"

#include <QGraphicsSceneMouseEvent>
#include <QLineF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QtMath>

#include <algorithm>
#include <cmath>

#include "views/graph/exposed_rect.h"
#include "views/graph/graph_scene.h"

namespace tfscope {
namespace {

const QColor kData(0x60, 0x6a, 0x78);
const QColor kControl(0x9a, 0x9a, 0x9a);
const QColor kSelected(0x1e, 0x64, 0xd8);
const QColor kMarked(0xe0, 0x8a, 0x00);

// Liang–Barsky: the part of `line` inside `r`; false when none.
bool clipLine(const QLineF& line, const QRectF& r, QLineF* out) {
    double t0 = 0, t1 = 1;
    const double dx = line.dx(), dy = line.dy();
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {line.x1() - r.left(), r.right() - line.x1(), line.y1() - r.top(), r.bottom() - line.y1()};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0) return false;
            continue;
        }
        double t = q[i] / p[i];
        if (p[i] < 0) t0 = std::max(t0, t);
        else t1 = std::min(t1, t);
        if (t0 > t1) return false;
    }
    *out = QLineF(line.pointAt(t0), line.pointAt(t1));
    return true;
}

// QRectF::intersects() is out of line and normalizes; these rects are already normal.
inline bool overlaps(const QRectF& a, const QRectF& b) {
    return a.left() <= b.right() && b.left() <= a.right() && a.top() <= b.bottom() && b.top() <= a.bottom();
}

// Squared distance from p to segment ab.
double distance2(QPointF p, QPointF a, QPointF b) {
    const double dx = b.x() - a.x(), dy = b.y() - a.y();
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / len2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    const double ex = a.x() + t * dx - p.x(), ey = a.y() + t * dy - p.y();
    return ex * ex + ey * ey;
}

// The arrowhead triangle at the end of segment from → tip; false for a degenerate segment.
bool arrowHead(QPointF from, QPointF tip, qreal size, QPointF out[3]) {
    QLineF line(from, tip);
    if (line.length() < 0.1) return false;
    const qreal angle = std::atan2(-line.dy(), line.dx());
    out[0] = tip;
    out[1] = tip - QPointF(std::cos(angle - M_PI / 7) * size, -std::sin(angle - M_PI / 7) * size);
    out[2] = tip - QPointF(std::cos(angle + M_PI / 7) * size, -std::sin(angle + M_PI / 7) * size);
    return true;
}

// Where an edge's label starts: the middle of a straight edge, else its middle point.
QPointF labelAnchor(const QPointF* points, qsizetype n) { return n == 2 ? (points[0] + points[1]) / 2 : points[n / 2]; }

}  // namespace

EdgeLayerItem::EdgeLayerItem() {
    setZValue(0);
    setFlag(ItemUsesExtendedStyleOption);
    setAcceptHoverEvents(true);
    // Hundreds of long overlapping fan-out edges cost ~20 ms to rasterize per frame. The view keeps
    // this item's visible part as a pixmap and, when panning, scrolls it and paints only the newly
    // exposed strip; update() (selection) and a zoom change invalidate it.
    setCacheMode(DeviceCoordinateCache);
}

void EdgeLayerItem::addEdge(const QPolygonF& points, bool control, int count, QString label) {
    if (points.size() < 2) return;
    Edge e{int(m_points.size()), 0, {}, {}, control, count, 1, std::move(label), {}};
    m_points.insert(m_points.end(), points.begin(), points.end());
    e.end = int(m_points.size());
    e.width = count > 1 ? std::clamp(int(1.0 + std::log2(double(count))), 1, 5) : 1;
    e.bounds = points.boundingRect().adjusted(-6 - e.width, -6 - e.width, 6 + e.width, 6 + e.width);
    e.text.setText(count > 1 ? QStringLiteral("×%1").arg(count) : e.label);
    e.text.setTextFormat(Qt::PlainText);
    e.paintBounds = e.bounds;
    if (!e.text.text().isEmpty()) e.paintBounds |= QRectF(labelAnchor(points.data(), points.size()) - QPointF(0, 18), QSizeF(8.0 * e.text.text().size() + 12, 22));
    m_bounds |= e.paintBounds;
    m_edges.push_back(std::move(e));
}

QPolygonF EdgeLayerItem::edgePath(int edge) const {
    const Edge& e = m_edges[size_t(edge)];
    return QPolygonF(QList<QPointF>(m_points.begin() + e.begin, m_points.begin() + e.end));
}

QString EdgeLayerItem::edgeToolTip(int edge) const {
    const Edge& e = m_edges[size_t(edge)];
    if (e.count > 1) return QStringLiteral("%1 edges").arg(e.count);
    return e.label;
}

int EdgeLayerItem::nearest(QPointF p, qreal tolerance) const {
    int best = -1;
    double bestD = 0;
    for (size_t i = 0; i < m_edges.size(); ++i) {
        const Edge& e = m_edges[i];
        if (!e.bounds.contains(p)) continue;
        const double tol = tolerance + e.width / 2.0;
        for (int k = e.begin; k + 1 < e.end; ++k) {
            const double d = distance2(p, m_points[size_t(k)], m_points[size_t(k + 1)]);
            if (d <= tol * tol && (best < 0 || d < bestD)) {
                best = int(i);
                bestD = d;
            }
        }
    }
    return best;
}

int EdgeLayerItem::edgeAt(QPointF scenePos, qreal tolerance) const { return nearest(mapFromScene(scenePos), tolerance); }

bool EdgeLayerItem::contains(const QPointF& point) const { return nearest(point, 4) >= 0; }

QPainterPath EdgeLayerItem::shape() const {
    QPainterPath p;
    p.addRect(m_bounds);
    return p;
}

void EdgeLayerItem::setSelectedEdge(int edge) {
    if (edge == m_selected) return;
    if (m_selected >= 0) update(m_edges[size_t(m_selected)].bounds);
    m_selected = edge >= 0 && edge < edgeCount() ? edge : -1;
    if (m_selected >= 0) update(m_edges[size_t(m_selected)].bounds);
}

void EdgeLayerItem::setMarkedEdges(const std::vector<int>& edges) {
    if (edges.empty() && m_markedCount == 0) return;
    m_marked.assign(m_edges.size(), 0);
    m_markedCount = 0;
    for (int e : edges)
        if (e >= 0 && e < edgeCount() && !m_marked[size_t(e)]) {
            m_marked[size_t(e)] = 1;
            ++m_markedCount;
        }
    update();
}

bool EdgeLayerItem::showsLabel(int edge, qreal lod) const {
    if (edge < 0 || edge >= edgeCount() || m_edges[size_t(edge)].text.text().isEmpty() || lod < 0.7) return false;
    return lod >= kAllLabelsZoom || edge == m_selected || edge == m_hovered || isMarked(edge);
}

void EdgeLayerItem::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    const int e = nearest(event->pos(), 4);
    if (e < 0 || event->button() != Qt::LeftButton) {
        event->ignore();
        return;
    }
    if (auto* s = qobject_cast<GraphScene*>(scene())) s->edgeClicked(this, e);
    else setSelectedEdge(e);
    event->accept();
}

void EdgeLayerItem::hoverMoveEvent(QGraphicsSceneHoverEvent* event) {
    const int e = nearest(event->pos(), 4);
    setToolTip(e < 0 ? QString() : edgeToolTip(e));
    if (e != m_hovered) {
        if (m_hovered >= 0) update(m_edges[size_t(m_hovered)].paintBounds);
        m_hovered = e;
        if (m_hovered >= 0) update(m_edges[size_t(m_hovered)].paintBounds);
    }
}

void EdgeLayerItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const QRectF exposed = visibleExposedRect(painter, option, m_bounds);
    if (exposed.isEmpty()) return;
    // Long edges (fan-outs across a level) mostly lie outside the exposed rect: only their visible
    // parts are drawn, batched by style, since one call per edge dominated pan frames.
    const QRectF clip = exposed.adjusted(-8, -8, 8, 8);
    std::vector<QLineF> lines[5];      // solid, by width - 1
    struct Dashed {
        QLineF line;
        qreal phase;                   // distance along the polyline where `line` starts
        int width;
    };
    std::vector<Dashed> dashed;
    std::vector<int> visible;
    for (size_t i = 0; i < m_edges.size(); ++i) {
        const Edge& e = m_edges[i];
        if (!overlaps(e.paintBounds, exposed)) continue;
        visible.push_back(int(i));
        const bool inside = clip.contains(e.bounds);
        qreal along = 0;
        for (int k = e.begin; k + 1 < e.end; ++k) {
            QLineF seg(m_points[size_t(k)], m_points[size_t(k + 1)]), part = seg;
            if (inside || clipLine(seg, clip, &part)) {
                if (!e.control) lines[e.width - 1].push_back(part);
                else dashed.push_back({part, along + QLineF(seg.p1(), part.p1()).length(), e.width});
            }
            if (e.control) along += seg.length();
        }
    }
    painter->setBrush(Qt::NoBrush);
    for (int w = 0; w < 5; ++w) {
        if (lines[w].empty()) continue;
        QPen pen(kData, w + 1.0);
        pen.setCosmetic(lod < 0.5);
        painter->setPen(pen);
        painter->drawLines(lines[w].data(), int(lines[w].size()));
    }
    // Control edges one piece at a time, each with the dash phase it has on the whole polyline, so
    // the pattern stays continuous across the strips a cached pan repaints.
    for (const Dashed& d : dashed) {
        QPen pen(kControl, d.width, Qt::DashLine);
        pen.setCosmetic(lod < 0.5);
        // Dash lengths are in pen widths, in device pixels for a cosmetic pen.
        pen.setDashOffset(d.phase * (lod < 0.5 ? lod : 1.0) / d.width);
        painter->setPen(pen);
        painter->drawLine(d.line);
    }
    if (m_markedCount > 0) {
        for (int i : visible) {
            if (!isMarked(i) || i == m_selected) continue;
            const Edge& e = m_edges[size_t(i)];
            QPen pen(kMarked, e.width + 1.5);
            pen.setCosmetic(lod < 0.5);
            painter->setPen(pen);
            painter->drawPolyline(m_points.data() + e.begin, e.end - e.begin);
        }
    }
    if (m_selected >= 0 && overlaps(m_edges[size_t(m_selected)].bounds, exposed)) {
        const Edge& e = m_edges[size_t(m_selected)];
        QPen pen(kSelected, e.width + 2.0);
        pen.setCosmetic(lod < 0.5);
        painter->setPen(pen);
        painter->drawPolyline(m_points.data() + e.begin, e.end - e.begin);
    }
    if (lod < 0.3) return;
    painter->setPen(Qt::NoPen);
    const QRectF arrowClip = exposed.adjusted(-16, -16, 16, 16);
    for (int c = 0; c < 4; ++c) {
        painter->setBrush(c == 0 ? kData : c == 1 ? kControl
                                       : c == 2   ? kSelected
                                                  : kMarked);
        for (int i : visible) {
            const Edge& e = m_edges[size_t(i)];
            const bool marked = isMarked(i) && i != m_selected;
            const bool mine = c == 2 ? i == m_selected : c == 3 ? marked
                                                                : i != m_selected && !marked && e.control == (c == 1);
            if (!mine) continue;
            const QPointF tip = m_points[size_t(e.end - 1)];
            if (!arrowClip.contains(tip)) continue;
            QPointF tri[3];
            if (arrowHead(m_points[size_t(e.end - 2)], tip, 6 + e.width + (c >= 2 ? 2 : 0), tri)) painter->drawConvexPolygon(tri, 3);
        }
    }
    if (lod < 0.7) return;
    // Labels (shape, ×count) of every edge only when zoomed in; otherwise of the hovered, the
    // selected and the selected node's edges, so a small graph at fit is not covered in text.
    QFont f = painter->font();
    f.setPointSizeF(7);
    painter->setFont(f);
    painter->setPen(QColor(0x40, 0x40, 0x40));
    const QFontMetricsF fm(f);
    for (int i : visible) {
        const Edge& e = m_edges[size_t(i)];
        if (!showsLabel(i, lod)) continue;
        const QPointF mid = labelAnchor(m_points.data() + e.begin, e.end - e.begin);
        // A static text hangs from its top-left; the label's baseline sits just above `mid`. The
        // whole label is tested: the view repaints narrow strips when panning a cached layer.
        const QPointF at = mid + QPointF(4, -2 - fm.ascent());
        if (!overlaps(QRectF(at, QSizeF(8.0 * e.text.text().size() + 8, fm.height() + 2)), exposed)) continue;
        painter->drawStaticText(at, e.text);
    }
}

}  // namespace tfscope
