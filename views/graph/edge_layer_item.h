#pragma once
// EdgeLayerItem: every drawn edge of one laid-out level (each possibly a bundle of graph edges
// between two groups) in one QGraphicsItem, instead of one item per edge. Painting culls edges by
// their bounding box, clips the visible ones to the exposed rect and draws the data edges in a few
// batched drawLines() calls (one per pen width, by bundle size; dashed control edges one piece at a
// time, to keep their dash phase); arrowheads from zoom 0.3, the dtype/shape label or bundle
// count from 0.7. The item only claims points near an edge, so clicks elsewhere still reach the
// nodes below and pan the view.
//
//   auto* layer = new EdgeLayerItem;
//   layer->addEdge(polyline, /*control=*/false, /*count=*/1, QStringLiteral("float (1,299,299,3)"));
//   scene->addItem(layer);
//   int e = layer->edgeAt(scenePos);   // -1 when no edge is within a few pixels
//
// Clicking an edge selects it (drawn blue on top) through GraphScene::edgeClicked(); hovering shows
// its label or bundle count as the tooltip. The selected node's edges are marked (orange, labelled).

#include <QGraphicsItem>
#include <QPolygonF>
#include <QStaticText>
#include <QString>

#include <vector>

namespace tfscope {

class EdgeLayerItem : public QGraphicsItem {
public:
    // Zoom (level of detail) from which every edge shows its label.
    static constexpr double kAllLabelsZoom = 1.5;
    enum { Type = UserType + 4 };
    EdgeLayerItem();
    int type() const override { return Type; }
    QRectF boundingRect() const override { return m_bounds; }
    // True only near an edge: the rest of the level stays clickable and draggable.
    bool contains(const QPointF& point) const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    // Adds one edge (scene coordinates; >= 2 points). Call before the item is in a scene.
    void addEdge(const QPolygonF& points, bool control, int count, QString label);
    int edgeCount() const { return int(m_edges.size()); }
    QPolygonF edgePath(int edge) const;
    bool isControl(int edge) const { return m_edges[size_t(edge)].control; }
    // Tooltip text of an edge: its label, or "N edges" for a bundle.
    QString edgeToolTip(int edge) const;
    // The edge passing within `tolerance` scene units of `scenePos` (the nearest one), or -1.
    int edgeAt(QPointF scenePos, qreal tolerance = 4) const;
    int selectedEdge() const { return m_selected; }
    // Selects `edge` (-1 clears) without emitting anything.
    void setSelectedEdge(int edge);
    // The selected node's edges: drawn highlighted, with their labels at any zoom from 0.7.
    void setMarkedEdges(const std::vector<int>& edges);
    bool isMarked(int edge) const { return size_t(edge) < m_marked.size() && m_marked[size_t(edge)]; }
    int markedCount() const { return m_markedCount; }
    // True when edge `edge`'s label (or bundle count) is drawn at zoom `lod`: every edge's from
    // kAllLabelsZoom, the hovered, selected and marked ones' from 0.7.
    bool showsLabel(int edge, qreal lod) const;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void hoverMoveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    struct Edge {
        int begin, end;     // points in m_points
        QRectF bounds;      // of the polyline, widened by the pen and arrowhead (hit-testing)
        QRectF paintBounds; // bounds and the label
        bool control;
        int count;
        int width;          // pen width 1..5
        QString label;
        QStaticText text;   // count or label, shaped once
    };
    int nearest(QPointF p, qreal tolerance) const;

    std::vector<QPointF> m_points;
    std::vector<Edge> m_edges;
    QRectF m_bounds;
    int m_selected = -1;
    int m_hovered = -1;
    std::vector<char> m_marked;
    int m_markedCount = 0;
};

}  // namespace tfscope
