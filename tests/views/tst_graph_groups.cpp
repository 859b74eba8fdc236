// Group tree, edge bundling and expand/collapse re-layout of the graph canvas, on graphs built
// from compact text: "name<-input1,^ctrl;name2" (one node per ';').
#include <QGraphicsView>
#include <QSignalSpy>
#include <QTest>

#include "graph.pb.h"
#include "model/graph/graph_index.h"
#include "views/graph/canvas_layout.h"
#include "views/graph/flat_level_item.h"
#include "views/graph/graph_canvas.h"
#include "views/graph/graph_scene.h"
#include "views/graph/graph_view.h"
#include "views/graph/node_item.h"
#include "tests/views/graph_text.h"

using namespace tfscope;
using tfscope::testing::graphFrom;

namespace {

// "label" per element at one level, groups marked with '+', series with '*'.
QString levelText(const GroupTree& t, int g) {
    QStringList out;
    for (ElementRef e : t.children(g))
        out << (e.isGroup() ? (t.group(e.id).series ? QStringLiteral("*") : QStringLiteral("+")) + QString::fromStdString(t.group(e.id).label)
                            : QString::fromStdString(t.nodeLabel(e.id)));
    return out.join(QLatin1Char(' '));
}

const QString kGraph = QStringLiteral(
    "input; conv1/w; conv1/conv<-input,conv1/w; layer_1/x<-conv1/conv; layer_2/x<-layer_1/x; layer_3/x<-layer_2/x;"
    "layer_3/y<-layer_3/x,^conv1/w; out<-layer_3/y,layer_3/x; head; head/z<-out");

}  // namespace

class TestGraphGroups : public QObject {
    Q_OBJECT
private slots:
    void testTree() {
        auto index = graphFrom(kGraph);
        QVERIFY(index);
        auto tree = GroupTree::build(index);
        QCOMPARE(levelText(*tree, GroupTree::kRoot), QStringLiteral("+conv1 +head *layer_[1-3] input out"));
        int series = tree->findGroup("layer_[1-3]");
        QVERIFY(series > 0);
        QCOMPARE(levelText(*tree, series), QStringLiteral("+layer_1 +layer_2 +layer_3"));
        QCOMPARE(tree->group(series).totalNodes, 4);
        // A node named like a scope is shown inside it as "(head)".
        QCOMPARE(levelText(*tree, tree->findGroup("head")), QStringLiteral("(head) z"));
        NodeId y = index->find("layer_3/y");
        QVERIFY(tree->contains(series, y));
        QVERIFY(!tree->contains(tree->findGroup("conv1"), y));
        QCOMPARE(tree->childOf(GroupTree::kRoot, y).id, series);
    }

    void testBundledEdges() {
        auto tree = GroupTree::build(graphFrom(kGraph));
        auto level = computeLevelLayout(*tree, GroupTree::kRoot, [](int) { return nullptr; }, nullptr);
        QVERIFY(level.ok());
        QStringList edges;
        for (const LevelEdge& e : (*level)->edges) {
            auto name = [&](int i) {
                ElementRef r = (*level)->elements[size_t(i)];
                return QString::fromStdString(r.isGroup() ? tree->group(r.id).label : tree->nodeLabel(r.id));
            };
            edges << QStringLiteral("%1>%2x%3%4").arg(name(e.from), name(e.to)).arg(e.count).arg(e.control ? QStringLiteral("c") : QString());
        }
        edges.sort();
        // conv1 → series carries one data and one control edge; series → out two data edges.
        QCOMPARE(edges.join(QLatin1Char(' ')),
                 QStringLiteral("conv1>layer_[1-3]x2 input>conv1x1 layer_[1-3]>outx2 out>headx1"));
        for (const LevelEdge& e : (*level)->edges) QVERIFY(e.path.size() >= 2);
    }

    void testExpandCollapseRelayoutsOnlyWhatChanged() {
        auto tree = GroupTree::build(graphFrom(kGraph));
        auto first = relayoutCanvas(initialCanvasLayout(tree), -1, nullptr);
        QVERIFY(first.ok());
        QCOMPARE(first->levelsComputed, 1);
        const int series = tree->findGroup("layer_[1-3]"), l3 = tree->findGroup("layer_3");
        CanvasLayout next = *first;
        next.expanded[size_t(series)] = 1;
        auto expanded = relayoutCanvas(next, series, nullptr);
        QVERIFY(expanded.ok());
        QCOMPARE(expanded->levelsComputed, 2);  // the series interior + the root
        next = *expanded;
        next.expanded[size_t(l3)] = 1;
        auto deeper = relayoutCanvas(next, l3, nullptr);
        QCOMPARE(deeper->levelsComputed, 3);    // layer_3, the series, the root
        // The expanded series is bigger than its collapsed box.
        auto sizeOf = [&](const CanvasLayout& c, int g) {
            const LevelLayout& root = *c.levels.at(GroupTree::kRoot);
            for (size_t i = 0; i < root.elements.size(); ++i)
                if (root.elements[i].isGroup() && root.elements[i].id == g) return root.widths[i] * root.heights[i];
            return 0.0;
        };
        QVERIFY(sizeOf(*deeper, series) > sizeOf(*first, series));
        next = *deeper;
        next.expanded[size_t(series)] = 0;
        auto collapsed = relayoutCanvas(next, series, nullptr);
        QCOMPARE(collapsed->levelsComputed, 1);  // only the root; interiors stay cached
        QCOMPARE(sizeOf(*collapsed, series), sizeOf(*first, series));
    }

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
