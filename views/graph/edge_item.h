#pragma once
// EdgeItem: one drawn edge (possibly a bundle of graph edges between two groups): a polyline with
// an arrowhead; dashed for control edges, thicker with a count for bundles, a dtype/shape label
// when zoomed in. Not selectable; hover shows the tooltip.

#include <QGraphicsItem>
#include <QPainterPath>
#include <QStaticText>

namespace tfscope {

class EdgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 2 };
    EdgeItem(const QPolygonF& points, bool control, int count, QString label);
    int type() const override { return Type; }
    QRectF boundingRect() const override { return m_bounds; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QPolygonF m_points;
    QRectF m_bounds;
    bool m_control;
    int m_count;
    QString m_label;
    QStaticText m_text;   // count or label, shaped once
};

}  // namespace tfscope
