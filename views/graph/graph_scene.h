#pragma once
// GraphScene: turns a CanvasLayout snapshot into items: one NodeItem per visible node, collapsed
// group or expanded-group frame, and one EdgeLayerItem per level holding all its laid-out (bundled)
// edges. A level with more than flatThreshold() op nodes is one FlatLevelItem instead (nodes and
// edges painted by one item with its own index). Rebuilt from scratch on each new snapshot; the
// scene owns its items (docs/architecture.md#ownership).

#include <QGraphicsScene>
#include <QHash>

#include "model/graph/model_view.h"
#include "model/layout/canvas_layout.h"

namespace tfscope {

class EdgeLayerItem;
class FlatLevelItem;
class NodeItem;

class GraphScene : public QGraphicsScene {
    Q_OBJECT
public:
    explicit GraphScene(QObject* parent = nullptr);
    ~GraphScene() override;

    void setLayout(const CanvasLayout& layout);
    // Annotations of the model view the next layouts show (folded weights, fan-out counts), or null.
    void setModelView(std::shared_ptr<const ModelView> view) { m_modelView = std::move(view); }
    const CanvasLayout& canvasLayout() const { return m_layout; }
    NodeItem* nodeItem(NodeId id) const { return m_nodes.value(id); }
    NodeItem* groupItem(int group) const { return m_groups.value(group); }
    // The visible item standing for node `id`: its own box, or the innermost collapsed group.
    NodeItem* visibleItemFor(NodeId id) const;
    // Highlights these nodes (or the collapsed groups holding them); clears the previous set.
    void highlightNodes(const std::vector<NodeId>& ids);
    int itemCountBuilt() const { return m_itemCount; }
    // Boxes and edges drawn, counting each one a FlatLevelItem paints.
    int drawnCount() const { return m_drawnCount; }
    // Selects the visible thing standing for `id` (a NodeItem or a node of a FlatLevelItem), without
    // emitting nodeClicked. Returns its scene rect, empty when nothing shows it.
    QRectF selectNode(NodeId id);
    const std::vector<FlatLevelItem*>& flatItems() const { return m_flat; }
    // One per drawn level that has edges (not the FlatLevelItem levels), outermost first.
    const std::vector<EdgeLayerItem*>& edgeLayers() const { return m_edgeLayers; }
    // Levels with more op nodes than this are drawn by one FlatLevelItem (tests lower it).
    static int flatThreshold();
    static void setFlatThreshold(int nodes);
    // Called by a FlatLevelItem when the user clicks one of its nodes.
    void flatNodeClicked(NodeId id) { emit nodeClicked(id); }
    // Called by an EdgeLayerItem when the user clicks edge `edge` of it: selects that edge only.
    void edgeClicked(EdgeLayerItem* layer, int edge);
    // Clears every edge selection.
    void clearEdgeSelection();
    // Marks the edges drawn to and from node `id`'s box (kNoNode: none) in every edge layer.
    void markEdgesOf(NodeId id);
    NodeId markedNode() const { return m_markedNode; }

signals:
    void nodeClicked(int node);   // a node of a FlatLevelItem was selected by the user
    void weightClicked(const QString& name);  // a folded weight's row of a node was clicked

protected:
    // A click on empty canvas also clears the edge selection.
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;

private:
    void addLevel(const LevelLayout& level, QPointF origin);
    QString edgeLabel(const LevelEdge& e) const;

    CanvasLayout m_layout;
    std::shared_ptr<const ModelView> m_modelView;
    QHash<int, NodeItem*> m_nodes;
    QHash<int, NodeItem*> m_groups;
    std::vector<NodeItem*> m_highlighted;
    std::vector<FlatLevelItem*> m_flat;
    std::vector<EdgeLayerItem*> m_edgeLayers;
    // Per edge layer, per edge: the nodes its ends are (kNoNode for a group end).
    std::vector<std::vector<std::pair<NodeId, NodeId>>> m_edgeEnds;
    NodeId m_markedNode = kNoNode;
    int m_itemCount = 0;
    int m_drawnCount = 0;
};

// Fill colour for an op type (by broad category) and for groups.
QColor colorForOp(std::string_view op);

}  // namespace tfscope
