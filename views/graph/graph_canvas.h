#pragma once
// GraphCanvas: the graph tab: a GraphView over a GraphScene with a minimap in the corner. Owns the
// expansion state; every change (first view, expand/collapse, reveal a node) is laid out on a
// worker thread (newest request wins, docs/architecture.md#background-jobs) and the scene is rebuilt from the snapshot.
//
//   canvas->setGraph(model->graphIndex(0));      // top-level scopes, laid out off-thread
//   connect(canvas, &GraphCanvas::nodeSelected, panel, &PropertiesPanel::showNode);

#include <QFutureWatcher>
#include <QWidget>

#include <memory>
#include <optional>

#include "model/graph/model_view.h"
#include "model/layout/canvas_layout.h"
#include "views/util/job.h"

namespace tfscope {

class GraphScene;
class GraphView;
class Minimap;

class GraphCanvas : public QWidget {
    Q_OBJECT
public:
    explicit GraphCanvas(QWidget* parent = nullptr);
    ~GraphCanvas() override;

    // `view` (optional) is the model view `index` was built by (buildModelView): its first view
    // opens the single groups the network sits in and the small layers under them, and its op
    // boxes list their folded weights.
    void setGraph(std::shared_ptr<const GraphIndex> index, std::shared_ptr<const ModelView> view = nullptr);
    const ModelView* modelView() const { return m_modelView.get(); }
    std::shared_ptr<const GraphIndex> graph() const { return m_index; }
    // A layout job runs, or has finished but its result is not applied yet (that happens on the
    // event loop after the job ends).
    bool isBusy() const { return m_pending || m_watcher.isRunning(); }
    GraphView* view() const { return m_view; }
    GraphScene* scene() const { return m_scene; }
    const CanvasLayout& layout() const { return m_layout; }

    void toggleGroup(int group);
    void setExpanded(int group, bool expanded);
    // Expands the groups holding `node`, then selects and centres it.
    void revealNode(NodeId node);
    void highlightNodes(const std::vector<NodeId>& nodes);
    // Selects the boxes of these groups, opening their collapsed ancestors first.
    void selectGroups(const std::vector<int>& groups);
    // Groups whose boxes are selected.
    std::vector<int> selectedGroups() const;
    const std::vector<NodeId>& highlighted() const { return m_highlight; }
    NodeId selectedNode() const { return m_selected; }

signals:
    void nodeSelected(int node);       // NodeId
    void groupSelected(int group);
    // The user clicked a folded weight's row on a node of the model view: `name` is the weight's
    // node (FoldedWeight::name, a variable or constant of the shown graph).
    void weightActivated(const QString& name);
    // A call the model view left collapsed was double-clicked (ModelView::collapsed).
    void collapsedCallActivated(int node);
    void layoutReady();                // a snapshot was applied to the scene
    void layoutFailed(const QString& message);

private:
    void request(CanvasLayout next, int changed);
    void applyResult();
    void onSelectionChanged();

    GraphScene* m_scene;
    GraphView* m_view;
    Minimap* m_minimap;
    std::shared_ptr<const GraphIndex> m_index;
    std::shared_ptr<const ModelView> m_modelView;
    CanvasLayout m_layout;
    QFutureWatcher<JobOutcome<CanvasLayout>> m_watcher;
    quint64 m_generation = 0;
    quint64 m_running = 0;
    bool m_pending = false;  // the newest job's result is still to be applied
    bool m_fitPending = false;
    NodeId m_pendingReveal = kNoNode;
    NodeId m_revealWhenLaidOut = kNoNode;  // asked for before the graph's first layout landed
    NodeId m_selected = kNoNode;
    std::vector<int> m_pendingGroups;  // to select once the layout that shows them lands
    std::vector<NodeId> m_highlight;
};

}  // namespace tfscope
