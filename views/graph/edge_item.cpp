#include "views/graph/edge_item.h"

#include <QLineF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QtMath>

#include <cmath>

namespace tfscope {

EdgeItem::EdgeItem(const QPolygonF& points, bool control, int count, QString label)
    : m_points(points), m_control(control), m_count(count), m_label(std::move(label)) {
    m_bounds = m_points.boundingRect().adjusted(-6, -6, 6, 6);
    if (!m_label.isEmpty()) m_bounds = m_bounds.adjusted(0, 0, 8.0 * m_label.size(), 0);
    setZValue(0);
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
    painter->drawPolyline(m_points);
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
    QString text = m_count > 1 ? QStringLiteral("×%1").arg(m_count) : m_label;
    if (text.isEmpty()) return;
    QPointF mid = m_points[m_points.size() / 2];
    if (m_points.size() == 2) mid = (m_points[0] + m_points[1]) / 2;
    QFont f = painter->font();
    f.setPointSizeF(7);
    painter->setFont(f);
    painter->setPen(QColor(0x40, 0x40, 0x40));
    painter->drawText(mid + QPointF(4, -2), text);
}

}  // namespace tfscope
