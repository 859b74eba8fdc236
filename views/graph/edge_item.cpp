#include "views/graph/edge_item.h"

#include <QLineF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QtMath>

#include <cmath>

namespace tfscope {
namespace {

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

}  // namespace

EdgeItem::EdgeItem(const QPolygonF& points, bool control, int count, QString label)
    : m_points(points), m_control(control), m_count(count), m_label(std::move(label)) {
    m_bounds = m_points.boundingRect().adjusted(-6, -6, 6, 6);
    if (!m_label.isEmpty()) m_bounds = m_bounds.adjusted(0, 0, 8.0 * m_label.size(), 0);
    m_text.setText(m_count > 1 ? QStringLiteral("×%1").arg(m_count) : m_label);
    m_text.setTextFormat(Qt::PlainText);
    setZValue(0);
    setFlag(ItemUsesExtendedStyleOption);
    setAcceptedMouseButtons(Qt::NoButton);
    if (m_count > 1) setToolTip(QStringLiteral("%1 edges").arg(m_count));
    else if (!m_label.isEmpty()) setToolTip(m_label);
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    if (m_points.size() < 2) return;
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    qreal width = m_count > 1 ? std::min(1.0 + std::log2(double(m_count)), 5.0) : 1.0;
    QPen pen(m_control ? QColor(0x9a, 0x9a, 0x9a) : QColor(0x60, 0x6a, 0x78), width);
    if (m_control) pen.setStyle(Qt::DashLine);
    pen.setCosmetic(lod < 0.5);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    // Long edges (fan-outs across a level) mostly lie outside the exposed rect: rasterizing and
    // dashing all of them dominated pan frames, so only their visible parts are drawn.
    const QRectF clip = option->exposedRect.adjusted(-8, -8, 8, 8);
    if (option->exposedRect.isEmpty() || clip.contains(m_bounds)) {
        painter->drawPolyline(m_points);
    } else {
        qreal along = 0;
        for (qsizetype i = 0; i + 1 < m_points.size(); ++i) {
            QLineF seg(m_points[i], m_points[i + 1]), part;
            if (clipLine(seg, clip, &part)) {
                if (m_control) {
                    // Keep the dash phase where it would be on the whole polyline.
                    pen.setDashOffset((along + QLineF(seg.p1(), part.p1()).length()) / std::max(width, 1.0));
                    painter->setPen(pen);
                }
                painter->drawLine(part);
            }
            along += seg.length();
        }
    }
    if (lod < 0.3) return;
    // Arrowhead at the end.
    QPointF tip = m_points.back(), from = m_points[m_points.size() - 2];
    QLineF line(from, tip);
    if (line.length() > 0.1) {
        qreal angle = std::atan2(-line.dy(), line.dx());
        qreal size = 6 + width;
        QPointF a = tip - QPointF(std::cos(angle - M_PI / 7) * size, -std::sin(angle - M_PI / 7) * size);
        QPointF b = tip - QPointF(std::cos(angle + M_PI / 7) * size, -std::sin(angle + M_PI / 7) * size);
        painter->setPen(Qt::NoPen);
        painter->setBrush(pen.color());
        painter->drawPolygon(QPolygonF({tip, a, b}));
    }
    if (lod < 0.7) return;
    if (m_text.text().isEmpty()) return;
    QPointF mid = m_points[m_points.size() / 2];
    if (m_points.size() == 2) mid = (m_points[0] + m_points[1]) / 2;
    QFont f = painter->font();
    f.setPointSizeF(7);
    painter->setFont(f);
    painter->setPen(QColor(0x40, 0x40, 0x40));
    // drawText() put the baseline at the point; a static text hangs from its top-left.
    const QFontMetricsF fm(f);
    painter->drawStaticText(mid + QPointF(4, -2 - fm.ascent()), m_text);
}

}  // namespace tfscope
