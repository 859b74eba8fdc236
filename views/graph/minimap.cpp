#include "views/graph/minimap.h"

#include <QGraphicsScene>
#include <QMouseEvent>
#include <QPainter>

#include "views/graph/graph_view.h"

namespace tfscope {

Minimap::Minimap(GraphView* main, QWidget* parent) : QWidget(parent), m_main(main) {
    setFixedSize(200, 140);
    setCursor(Qt::PointingHandCursor);
    connect(main, &GraphView::viewportChanged, this, &Minimap::updateVisibility);
}

void Minimap::refit() {
    QGraphicsScene* scene = m_main->scene();
    m_sceneRect = scene ? scene->itemsBoundingRect() : QRectF();
    m_pixmap = QPixmap();
    if (m_sceneRect.isEmpty()) return updateVisibility();
    qreal s = std::min((width() - 4) / m_sceneRect.width(), (height() - 4) / m_sceneRect.height());
    // Letterboxed; a layout far wider than tall (or the reverse) is stretched to a visible band
    // instead of shrinking to a blank line.
    QSizeF size = m_sceneRect.size() * s;
    constexpr qreal kMinBand = 16;
    size = QSizeF(std::max(size.width(), std::min<qreal>(kMinBand, width() - 4)), std::max(size.height(), std::min<qreal>(kMinBand, height() - 4)));
    m_target = QRectF(QPointF((width() - size.width()) / 2, (height() - size.height()) / 2), size);
    m_pixmap = QPixmap(size.toSize() + QSize(1, 1));
    m_pixmap.fill(Qt::white);
    QPainter p(&m_pixmap);
    scene->render(&p, QRectF(QPointF(0, 0), size), m_sceneRect);
    updateVisibility();
}

void Minimap::updateVisibility() {
    // Only useful when part of the scene is out of view.
    const QRectF visible = m_main->mapToScene(m_main->viewport()->rect()).boundingRect();
    setVisible(!m_sceneRect.isEmpty() && !visible.contains(m_sceneRect));
    update();
}

QPointF Minimap::toScene(QPointF p) const {
    if (m_target.isEmpty()) return {};
    return m_sceneRect.topLeft() + QPointF((p.x() - m_target.left()) / m_target.width() * m_sceneRect.width(),
                                           (p.y() - m_target.top()) / m_target.height() * m_sceneRect.height());
}

void Minimap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), QColor(0xfb, 0xfb, 0xfb));
    p.setPen(QColor(0xb0, 0xb0, 0xb0));
    p.drawRect(rect().adjusted(0, 0, -1, -1));
    if (m_pixmap.isNull()) return;
    p.drawPixmap(m_target.topLeft(), m_pixmap);
    QRectF visible = m_main->mapToScene(m_main->viewport()->rect()).boundingRect();
    auto map = [&](QPointF s) {
        return m_target.topLeft() + QPointF((s.x() - m_sceneRect.left()) / m_sceneRect.width() * m_target.width(),
                                            (s.y() - m_sceneRect.top()) / m_sceneRect.height() * m_target.height());
    };
    QRectF r(map(visible.topLeft()), map(visible.bottomRight()));
    p.setPen(QPen(QColor(0xd0, 0x30, 0x30), 1.5));
    p.setBrush(QColor(0xd0, 0x30, 0x30, 30));
    p.drawRect(r.intersected(QRectF(rect())));
}

void Minimap::mousePressEvent(QMouseEvent* event) { m_main->centerOn(toScene(event->position())); }

void Minimap::mouseMoveEvent(QMouseEvent* event) {
    if (event->buttons() & Qt::LeftButton) m_main->centerOn(toScene(event->position()));
}

}  // namespace tfscope
