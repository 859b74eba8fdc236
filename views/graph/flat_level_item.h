#pragma once
// FlatLevelItem: one item that paints every op node and every edge of a big level (frozen graphs,
// large function bodies: thousands of nodes without scopes) instead of one QGraphicsItem each.
// Nodes sit in a uniform grid of buckets, so painting touches only the buckets the exposed rect
// meets, and a click or hover finds its node in one bucket. Edges are culled by their bounding
// box; text, arrowheads and edges vanish as the zoom drops (level of detail).
//
//   auto* item = new FlatLevelItem(*scene, level, origin);   // only the level's op nodes
//   scene->addItem(item);
//   NodeId n = item->nodeAt(scenePos);                         // kNoNode when between nodes
//
// Selecting a node calls GraphScene::flatNodeClicked(), which emits GraphScene::nodeClicked.

#include <QColor>
#include <QGraphicsItem>
#include <QString>

#include <unordered_map>
#include <vector>

#include "model/layout/level_layout.h"

namespace tfscope {

class GraphScene;

class FlatLevelItem : public QGraphicsItem {
public:
    enum { Type = UserType + 3 };
    // `scene`'s layout tree must outlive this. Group elements of `level` are skipped (drawn by
    // NodeItems); edges touching them are still drawn here.
    FlatLevelItem(GraphScene& scene, const LevelLayout& level, QPointF origin);
    int type() const override { return Type; }
    QRectF boundingRect() const override { return m_bounds; }
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    int nodeCount() const { return int(m_nodes.size()); }
    // The node whose box holds `scenePos`, or kNoNode.
    NodeId nodeAt(QPointF scenePos) const;
    bool contains(NodeId id) const { return m_slot.count(id) != 0; }
    // Scene rect of node `id`; empty when it is not here.
    QRectF nodeRect(NodeId id) const;
    NodeId selectedNode() const { return m_selected; }
    // Selects `id` (kNoNode clears) without emitting anything.
    void setSelectedNode(NodeId id);
    void setHighlighted(const std::vector<NodeId>& ids);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void hoverMoveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    struct Node {
        NodeId id;
        QRectF rect;      // scene coordinates
        int op;           // index into m_ops and m_palette
    };
    struct Edge {
        int begin, end;   // points in m_points
        QRectF bounds;
        bool control;
        int count;
    };
    int slotAt(QPointF p) const;
    std::vector<int> slotsIn(const QRectF& r) const;

    GraphScene& m_scene;
    std::vector<Node> m_nodes;
    std::unordered_map<NodeId, int> m_slot;
    std::vector<QString> m_ops;     // distinct op types of the level
    std::vector<QColor> m_palette;  // their fill colours
    std::vector<QPointF> m_points;
    std::vector<Edge> m_edges;
    // Buckets: m_cellStart[c] .. m_cellStart[c+1] index m_cellNodes.
    QRectF m_bounds;
    QSizeF m_maxHalf;
    double m_cell = 400;
    int m_cols = 1, m_rows = 1;
    std::vector<int> m_cellStart;
    std::vector<int> m_cellNodes;
    NodeId m_selected = kNoNode;
    std::vector<char> m_highlighted;   // by slot
};

}  // namespace tfscope
