// Group tree, edge bundling and expand/collapse re-layout of the graph canvas, on graphs built
// from compact text: "name<-input1,^ctrl;name2" (one node per ';').
#include <QGraphicsView>
#include <QSignalSpy>
#include <QTest>

#include "graph.pb.h"
#include "model/graph/graph_index.h"
#include "model/layout/canvas_layout.h"
#include "tests/graph_text.h"
#include "views/graph/flat_level_item.h"
#include "views/graph/graph_canvas.h"
#include "views/graph/graph_scene.h"
#include "views/graph/graph_view.h"
#include "views/graph/node_item.h"

using namespace tfscope;
using tfscope::testing::graphFrom;

namespace {

const QString kGraph = QStringLiteral(
    "input; conv1/w; conv1/conv<-input,conv1/w; layer_1/x<-conv1/conv; layer_2/x<-layer_1/x; layer_3/x<-layer_2/x;"
    "layer_3/y<-layer_3/x,^conv1/w; out<-layer_3/y,layer_3/x; head; head/z<-out");

}  // namespace

class TestGraphGroups : public QObject {
    Q_OBJECT
private slots:
    void testSceneItems() {
        auto tree = GroupTree::build(graphFrom(kGraph));
        CanvasLayout c = initialCanvasLayout(tree);
        c.expanded[size_t(tree->findGroup("conv1"))] = 1;
        auto laid = relayoutCanvas(c, tree->findGroup("conv1"), nullptr);
        QVERIFY(laid.ok());
        GraphScene scene;
        scene.setLayout(*laid);
        const GraphIndex& gi = tree->index();
        QVERIFY(scene.nodeItem(gi.find("conv1/w")));          // inside the expanded group
        QVERIFY(!scene.nodeItem(gi.find("layer_2/x")));       // hidden in the series
        NodeItem* stand = scene.visibleItemFor(gi.find("layer_2/x"));
        QVERIFY(stand);
        QCOMPARE(stand->kind(), NodeItem::Kind::Series);
        QCOMPARE(scene.groupItem(tree->findGroup("conv1"))->kind(), NodeItem::Kind::Frame);
        // Items of the expanded group lie inside its frame.
        QVERIFY(scene.groupItem(tree->findGroup("conv1"))->boundingRect().contains(scene.nodeItem(gi.find("conv1/conv"))->boundingRect()));
        scene.highlightNodes({gi.find("layer_2/x"), gi.find("input")});
        QVERIFY(stand->isHighlighted());
        QVERIFY(scene.nodeItem(gi.find("input"))->isHighlighted());
    }

    // A flat level above the threshold is one FlatLevelItem: its index finds nodes by position and
    // a click selects through the same GraphCanvas::nodeSelected signal NodeItems use.
    void testFlatLevelItem() {
        const int oldThreshold = GraphScene::flatThreshold();
        GraphScene::setFlatThreshold(100);
        const QString text = testing::flatChainsText(600);
        GraphCanvas canvas;
        canvas.resize(900, 600);
        canvas.show();
        QSignalSpy ready(&canvas, &GraphCanvas::layoutReady);
        canvas.setGraph(graphFrom(text));
        QVERIFY(ready.wait(30000));
        GraphScene::setFlatThreshold(oldThreshold);
        QCOMPARE(canvas.scene()->flatItems().size(), size_t(1));
        QCOMPARE(canvas.scene()->items().size(), 1);   // no item per node or edge
        FlatLevelItem* flat = canvas.scene()->flatItems().front();
        QCOMPARE(flat->nodeCount(), 600);
        const GraphIndex& gi = *canvas.graph();
        const NodeId target = gi.find("op_123");
        const QRectF box = flat->nodeRect(target);
        QVERIFY(!box.isEmpty());
        QCOMPARE(gi.name(flat->nodeAt(box.center())), std::string_view("op_123"));
        QCOMPARE(gi.name(flat->nodeAt(box.topLeft() + QPointF(1, 1))), std::string_view("op_123"));
        QCOMPARE(gi.name(flat->nodeAt(box.bottomRight() - QPointF(1, 1))), std::string_view("op_123"));
        QCOMPARE(flat->nodeAt(box.topLeft() - QPointF(1, 1)) == target, false);
        QCOMPARE(flat->nodeAt(flat->boundingRect().bottomRight() + QPointF(50, 50)), kNoNode);
        // Every node is found at its own centre.
        for (NodeId n = 0; n < gi.nodeCount(); ++n) QCOMPARE(flat->nodeAt(flat->nodeRect(n).center()), n);

        QSignalSpy selected(&canvas, &GraphCanvas::nodeSelected);
        GraphView* view = canvas.view();
        view->resetTransform();
        view->centerOn(box.center());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(box.center()));
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.at(0).at(0).toInt(), target);
        QCOMPARE(flat->selectedNode(), target);
        QCOMPARE(canvas.selectedNode(), target);
        // Revealing another node moves the selection; highlights reach the flat item too.
        const NodeId other = gi.find("op_7");
        canvas.revealNode(other);
        QCOMPARE(flat->selectedNode(), other);
        QCOMPARE(selected.count(), 2);
        QCOMPARE(canvas.scene()->selectNode(target), box);
        QCOMPARE(flat->selectedNode(), target);
    }
};

QTEST_MAIN(TestGraphGroups)
#include "tst_graph_groups.moc"
