#include "views/graph/node_item.h"

#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include "model/layout/level_layout.h"
#include "views/graph/graph_scene.h"

namespace tfscope {
namespace {

QStaticText staticText(const QString& text) {
    QStaticText t(text);
    t.setTextFormat(Qt::PlainText);
    return t;
}

// Draws `t` (shaped with the painter's font) in `r`; `align` is a combination of Qt alignment flags.
void drawAligned(QPainter* painter, QStaticText& t, const QRectF& r, Qt::Alignment align) {
    if (t.text().isEmpty()) return;
    t.prepare(QTransform(), painter->font());
    const QSizeF s = t.size();
    qreal x = align & Qt::AlignLeft ? r.left() : align & Qt::AlignRight ? r.right() - s.width() : r.center().x() - s.width() / 2;
    qreal y = align & Qt::AlignTop ? r.top() : align & Qt::AlignBottom ? r.bottom() - s.height() : r.center().y() - s.height() / 2;
    painter->drawStaticText(QPointF(x, y), t);
}

}  // namespace

NodeItem::NodeItem(Kind kind, int id, QRectF rect, QString title, QString subtitle, QColor fill)
    : m_kind(kind), m_id(id), m_rect(rect), m_title(std::move(title)), m_subtitle(std::move(subtitle)), m_fill(fill) {
    setFlag(ItemIsSelectable, kind != Kind::Frame || true);
    setZValue(kind == Kind::Frame ? -1 : 1);
    m_titleText = staticText(m_title);
    m_subtitleText = staticText(m_subtitle);
    m_frameText = staticText(m_title + QLatin1String("  ") + m_subtitle);
    setToolTip(m_subtitle.isEmpty() ? m_title : m_title + QLatin1Char('\n') + m_subtitle);
}

void NodeItem::setRows(const QStringList& texts, const QStringList& names) {
    m_rowTexts.clear();
    for (const QString& t : texts) m_rowTexts.push_back(staticText(t));
    m_rowNames = names;
    setAcceptHoverEvents(!texts.isEmpty());
}

QRectF NodeItem::rowRect(int row) const {
    const double top = m_rect.top() + ElementSizer::kNodeHeight - 4 + row * ElementSizer::kRowHeight;
    return QRectF(m_rect.left() + 4, top, m_rect.width() - 8, ElementSizer::kRowHeight);
}

int NodeItem::rowAt(QPointF pos) const {
    for (int r = 0; r < int(m_rowTexts.size()); ++r)
        if (rowRect(r).contains(pos)) return r;
    return -1;
}

void NodeItem::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    QGraphicsItem::mousePressEvent(event);
    const int row = event->button() == Qt::LeftButton ? rowAt(event->pos()) : -1;
    if (row >= 0 && row < m_rowNames.size() && !m_rowNames[row].isEmpty())
        if (auto* s = qobject_cast<GraphScene*>(scene())) emit s->weightClicked(m_rowNames[row]);
}

void NodeItem::hoverMoveEvent(QGraphicsSceneHoverEvent* event) {
    const int row = rowAt(event->pos());
    const bool link = row >= 0 && row < m_rowNames.size() && !m_rowNames[row].isEmpty();
    if (link != (m_hoverRow >= 0) || (link && row != m_hoverRow)) {
        m_hoverRow = link ? row : -1;
        if (link) setCursor(Qt::PointingHandCursor);
        else unsetCursor();
        update();
    }
}

void NodeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*) {
    if (m_hoverRow < 0) return;
    m_hoverRow = -1;
    unsetCursor();
    update();
}

void NodeItem::setHighlighted(bool on) {
    if (on == m_highlighted) return;
    m_highlighted = on;
    update();
}

QPainterPath NodeItem::shape() const {
    QPainterPath p;
    if (m_kind == Kind::Frame) p.addRect(QRectF(m_rect.topLeft(), QSizeF(m_rect.width(), 22)));
    else p.addRect(m_rect);
    return p;
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const bool selected = isSelected();
    QColor border = selected ? QColor(0x1e, 0x64, 0xd8) : m_highlighted ? QColor(0xe0, 0x8a, 0x00) : m_fill.darker(160);
    QPen pen(border, selected || m_highlighted ? 2.5 : 1.0);
    pen.setCosmetic(lod < 1);
    painter->setPen(lod < 0.15 && !selected && !m_highlighted ? Qt::NoPen : pen);
    painter->setBrush(m_kind == Kind::Frame ? QColor(0xf7, 0xf8, 0xfa) : m_fill);
    if (m_kind == Kind::Op && lod >= 0.3 && !m_collapsedLook) painter->drawRoundedRect(m_rect, 10, 10);
    else if ((m_kind == Kind::Series || m_collapsedLook) && lod >= 0.3) {
        painter->drawRoundedRect(m_rect.translated(4, -4), 4, 4);
        painter->drawRoundedRect(m_rect, 4, 4);
    } else painter->drawRect(m_rect);
    if (m_kind == Kind::Frame) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(m_fill);
        painter->drawRect(QRectF(m_rect.topLeft(), QSizeF(m_rect.width(), 22)));
    }
    if (lod < 0.3) return;
    painter->setPen(QColor(0x20, 0x20, 0x20));
    QFont f = painter->font();
    f.setPointSizeF(8.5);
    if (m_kind != Kind::Op) f.setBold(true);
    painter->setFont(f);
    if (m_kind == Kind::Frame) {
        QRectF t(m_rect.left() + 6, m_rect.top(), m_rect.width() - 12, 22);
        drawAligned(painter, m_frameText, t, Qt::AlignVCenter | Qt::AlignLeft);
        return;
    }
    if (m_subtitle.isEmpty() || lod < 0.7) {
        drawAligned(painter, m_titleText, m_rect, Qt::AlignCenter);
        return;
    }
    // Title and type fill the top kNodeHeight; weight rows follow.
    const QRectF head(m_rect.left(), m_rect.top(), m_rect.width(), std::min<qreal>(m_rect.height(), ElementSizer::kNodeHeight));
    QRectF top(head.left() + 4, head.top() + 2, head.width() - 8, head.height() / 2);
    QRectF bottom(head.left() + 4, head.center().y(), head.width() - 8, head.height() / 2 - 2);
    drawAligned(painter, m_titleText, top, Qt::AlignHCenter | Qt::AlignBottom);
    f.setBold(false);
    f.setPointSizeF(7.5);
    painter->setFont(f);
    painter->setPen(QColor(0x55, 0x55, 0x55));
    drawAligned(painter, m_subtitleText, bottom, Qt::AlignHCenter | Qt::AlignTop);
    for (int r = 0; r < int(m_rowTexts.size()); ++r) {
        const QRectF rr = rowRect(r);
        const bool link = r < m_rowNames.size() && !m_rowNames[r].isEmpty();
        f.setUnderline(r == m_hoverRow);
        painter->setFont(f);
        painter->setPen(link ? QColor(0x1a, 0x4d, 0x99) : QColor(0x55, 0x55, 0x55));
        drawAligned(painter, m_rowTexts[size_t(r)], rr, Qt::AlignVCenter | Qt::AlignLeft);
    }
}

}  // namespace tfscope
