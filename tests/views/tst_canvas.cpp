// Graph canvas painting and layout details: the per-level EdgeLayerItem (hit-testing, selection,
// tooltips, clicks elsewhere falling through), the device-cached items repainting after a
// highlight or selection change, and the grid wrap of a wide rank of sources. Graphs are built
// from compact text: "name<-input1,^ctrl;name2" (one node per ';').
#include <QDir>
#include <QFile>
#include <QGraphicsView>
#include <QImage>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <map>
#include <set>

#include "graph.pb.h"
#include "model/graph/graph_index.h"
#include "model/layout/canvas_layout.h"
#include "tests/graph_text.h"
#include "views/graph/edge_layer_item.h"
#include "views/graph/flat_level_item.h"
#include "views/graph/graph_canvas.h"
#include "views/graph/graph_scene.h"
#include "views/graph/graph_view.h"
#include "views/graph/node_item.h"

using namespace tfscope;
using tfscope::testing::graphFrom;

namespace {

// True if a pixel within `radius` of `at` is close to `color`.
bool hasColorNear(const QImage& img, QPoint at, QColor color, int radius = 3) {
    for (int dy = -radius; dy <= radius; ++dy)
        for (int dx = -radius; dx <= radius; ++dx) {
            const QPoint p = at + QPoint(dx, dy);
            if (!img.rect().contains(p)) continue;
            const QColor c = img.pixelColor(p);
            if (std::abs(c.red() - color.red()) < 24 && std::abs(c.green() - color.green()) < 24 && std::abs(c.blue() - color.blue()) < 24)
                return true;
        }
    return false;
}

bool showGraph(GraphCanvas& canvas, const QString& text) {
    canvas.resize(900, 600);
    canvas.show();
    QSignalSpy ready(&canvas, &GraphCanvas::layoutReady);
    canvas.setGraph(graphFrom(text));
    return ready.wait(30000);
}

}  // namespace

class TestCanvas : public QObject {
    Q_OBJECT
private slots:
    // A node revealed while the graph's first layout is still running (the window selects a
    // variable's node right after a load, on a busy machine) is revealed once the layout lands:
    // its collapsed scope opens and the node is selected.
    void testRevealBeforeFirstLayout() {
        GraphCanvas canvas;
        canvas.resize(900, 600);
        canvas.show();
        canvas.setGraph(graphFrom(QStringLiteral("a; s/b<-a; s/t/c<-s/b; d<-s/t/c")));
        const NodeId c = canvas.graph()->find("s/t/c");
        QVERIFY(c != kNoNode);
        QVERIFY(!canvas.scene()->nodeItem(c));  // no layout yet: applyResult() needs the event loop
        canvas.revealNode(c);
        QTRY_VERIFY_WITH_TIMEOUT(canvas.scene()->nodeItem(c) && canvas.scene()->nodeItem(c)->isSelected(), 30000);
        QCOMPARE(canvas.selectedNode(), c);
    }
    // All edges of a level are one item; a click near an edge selects that edge, a click elsewhere
    // reaches the node under it.
    void testEdgeLayerHitTestAndSelect() {
        GraphCanvas canvas;
        QVERIFY(showGraph(canvas, QStringLiteral("a; b<-a; c<-b,^a; d<-c")));
        GraphScene* scene = canvas.scene();
        QCOMPARE(scene->edgeLayers().size(), size_t(1));
        EdgeLayerItem* layer = scene->edgeLayers().front();
        QCOMPARE(layer->edgeCount(), 4);
        int edgeItems = 0;
        for (QGraphicsItem* it : scene->items()) edgeItems += it->type() == EdgeLayerItem::Type ? 1 : 0;
        QCOMPARE(edgeItems, 1);
        int controls = 0;
        for (int e = 0; e < layer->edgeCount(); ++e) controls += layer->isControl(e) ? 1 : 0;
        QCOMPARE(controls, 1);

        // Each edge is found at the middle of each of its segments, and a few units off it.
        for (int e = 0; e < layer->edgeCount(); ++e) {
            const QPolygonF path = layer->edgePath(e);
            QVERIFY(path.size() >= 2);
            const QPointF mid = (path[0] + path[1]) / 2;
            QCOMPARE(layer->edgeAt(mid), e);
            QCOMPARE(layer->edgeAt(mid + QPointF(3, 0)), e);
            QCOMPARE(layer->edgeAt(mid + QPointF(40, 0)) == e, false);
        }
        const GraphIndex& gi = *canvas.graph();
        NodeItem* b = scene->nodeItem(gi.find("b"));
        QVERIFY(b);
        // Beside the boxes and away from every edge: not part of the layer.
        const QPointF empty = scene->itemsBoundingRect().bottomRight() + QPointF(30, 30);
        QCOMPARE(layer->edgeAt(empty), -1);
        QVERIFY(!layer->contains(layer->mapFromScene(empty)));

        GraphView* view = canvas.view();
        view->resetTransform();
        const QPolygonF path = layer->edgePath(0);
        const QPointF mid = (path[0] + path[1]) / 2;
        view->centerOn(mid);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(mid));
        QCOMPARE(layer->selectedEdge(), 0);
        // A click on a node selects it and clears the edge selection.
        QSignalSpy selected(&canvas, &GraphCanvas::nodeSelected);
        const QPointF corner = b->sceneBoundingRect().topLeft() + QPointF(6, 6);
        QCOMPARE(layer->edgeAt(corner), -1);
        view->centerOn(corner);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(corner));
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.at(0).at(0).toInt(), gi.find("b"));
        QCOMPARE(layer->selectedEdge(), -1);
        // Selecting an edge again, then clicking empty canvas, clears it.
        view->centerOn(mid);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(mid));
        QCOMPARE(layer->selectedEdge(), 0);
        QVERIFY(scene->selectedItems().isEmpty());
        view->centerOn(empty);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(empty));
        QCOMPARE(layer->selectedEdge(), -1);
    }

    // Selecting a node marks its edges (orange) and shows their dtype labels at a normal zoom;
    // the other edges stay plain and unlabelled; a click on empty canvas clears the marks.
    void testSelectedNodeEdgesMarked() {
        GraphCanvas canvas;
        canvas.resize(900, 600);
        canvas.show();
        auto g = std::make_shared<tensorflow::GraphDef>();
        for (const char* spec : {"a", "b<a", "c<b", "d<c", "e<a"}) {
            auto* n = g->add_node();
            n->set_name(std::string(1, spec[0]));
            n->set_op("Identity");
            if (spec[1] == '<') n->add_input(std::string(1, spec[2]));
            (*n->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
        }
        QSignalSpy ready(&canvas, &GraphCanvas::layoutReady);
        canvas.setGraph(GraphIndex::build(std::shared_ptr<const tensorflow::GraphDef>(g)).value());
        QVERIFY(ready.wait(30000));
        GraphScene* scene = canvas.scene();
        EdgeLayerItem* layer = scene->edgeLayers().front();
        QCOMPARE(layer->edgeCount(), 4);
        QCOMPARE(layer->markedCount(), 0);
        const NodeId b = canvas.graph()->find("b");
        scene->nodeItem(b)->setSelected(true);
        QCOMPARE(scene->markedNode(), b);
        QCOMPARE(layer->markedCount(), 2);  // a -> b and b -> c
        const QRectF box = scene->nodeItem(b)->sceneBoundingRect().adjusted(-3, -3, 3, 3);
        for (int e = 0; e < layer->edgeCount(); ++e) {
            const QPolygonF path = layer->edgePath(e);
            const bool touchesB = box.contains(path.front()) || box.contains(path.back());
            QCOMPARE(layer->isMarked(e), touchesB);
            QCOMPARE(layer->showsLabel(e, 1.0), touchesB);  // "float" on b's edges only
            QVERIFY(layer->showsLabel(e, EdgeLayerItem::kAllLabelsZoom));
            QCOMPARE(layer->edgeToolTip(e), QStringLiteral("float"));
        }
        // Drawn in the marking colour.
        GraphView* view = canvas.view();
        view->resetTransform();
        int marked = 0;
        while (!layer->isMarked(marked)) ++marked;
        const QPolygonF path = layer->edgePath(marked);
        const QPointF mid = (path.front() + path.back()) / 2;
        view->centerOn(mid);
        QVERIFY(hasColorNear(view->viewport()->grab().toImage(), view->mapFromScene(mid), QColor(0xe0, 0x8a, 0x00)));
        scene->clearSelection();
        QCOMPARE(layer->markedCount(), 0);
        // Revealing a node (the tree selects it) marks its edges too.
        scene->selectNode(canvas.graph()->find("c"));
        QCOMPARE(layer->markedCount(), 2);  // b -> c and c -> d
    }

    void testEdgeToolTips() {
        EdgeLayerItem layer;
        layer.addEdge(QPolygonF({QPointF(0, 0), QPointF(0, 100)}), false, 1, QStringLiteral("float [2,3]"));
        layer.addEdge(QPolygonF({QPointF(200, 0), QPointF(200, 50), QPointF(260, 100)}), false, 5, QString());
        layer.addEdge(QPolygonF({QPointF(400, 0)}), true, 1, QString());   // too short: dropped
        QCOMPARE(layer.edgeCount(), 2);
        QCOMPARE(layer.edgeToolTip(0), QStringLiteral("float [2,3]"));
        QCOMPARE(layer.edgeToolTip(1), QStringLiteral("5 edges"));
        QCOMPARE(layer.edgeAt(QPointF(230, 75)), 1);   // on the second segment
        QCOMPARE(layer.edgeAt(QPointF(100, 50)), -1);
        QVERIFY(layer.boundingRect().contains(QRectF(0, 0, 260, 100)));
    }

    // The edge layer paints from a cached pixmap: selecting an edge must still repaint it.
    void testCachedEdgeLayerRepaintsSelection() {
        GraphCanvas canvas;
        QVERIFY(showGraph(canvas, QStringLiteral("a; b<-a")));
        EdgeLayerItem* layer = canvas.scene()->edgeLayers().front();
        QCOMPARE(layer->cacheMode(), QGraphicsItem::DeviceCoordinateCache);
        GraphView* view = canvas.view();
        view->resetTransform();
        const QPolygonF path = layer->edgePath(0);
        const QPointF mid = (path[0] + path.back()) / 2;
        view->centerOn(mid);
        const QColor blue(0x1e, 0x64, 0xd8);
        const QPoint at = view->mapFromScene(mid);
        QVERIFY(!hasColorNear(view->viewport()->grab().toImage(), at, blue));
        layer->setSelectedEdge(0);
        QVERIFY(hasColorNear(view->viewport()->grab().toImage(), at, blue));
        layer->setSelectedEdge(-1);
        QVERIFY(!hasColorNear(view->viewport()->grab().toImage(), at, blue));
    }

    // A big flat level paints from a cached pixmap: a highlight change must reach the screen, at
    // full zoom and zoomed out.
    void testCachedFlatLevelRepaintsHighlight() {
        const int oldThreshold = GraphScene::flatThreshold();
        GraphScene::setFlatThreshold(100);
        const QString text = testing::flatChainsText(600);
        GraphCanvas canvas;
        const bool shown = showGraph(canvas, text);
        GraphScene::setFlatThreshold(oldThreshold);
        QVERIFY(shown);
        FlatLevelItem* flat = canvas.scene()->flatItems().front();
        QCOMPARE(flat->cacheMode(), QGraphicsItem::DeviceCoordinateCache);
        const GraphIndex& gi = *canvas.graph();
        const NodeId target = gi.find("op_123");
        const QRectF box = flat->nodeRect(target);
        const QColor orange(0xe0, 0x8a, 0x00);
        GraphView* view = canvas.view();
        for (qreal zoom : {1.0, 0.2}) {
            view->resetTransform();
            view->scale(zoom, zoom);
            view->centerOn(box.center());
            canvas.highlightNodes({});
            const QPoint edge = view->mapFromScene(QPointF(box.center().x(), box.top()));
            QVERIFY2(!hasColorNear(view->viewport()->grab().toImage(), edge, orange), qPrintable(QStringLiteral("zoom %1").arg(zoom)));
            canvas.highlightNodes({target});
            QVERIFY2(hasColorNear(view->viewport()->grab().toImage(), edge, orange), qPrintable(QStringLiteral("zoom %1").arg(zoom)));
            // Panning (the cached pixmap is scrolled) keeps it.
            view->centerOn(box.center() + QPointF(30 / zoom, 0));
            const QPoint moved = view->mapFromScene(QPointF(box.center().x(), box.top()));
            QVERIFY(hasColorNear(view->viewport()->grab().toImage(), moved, orange));
            canvas.highlightNodes({});
            QVERIFY(!hasColorNear(view->viewport()->grab().toImage(), moved, orange));
        }
    }

    // Exporting renders the scene without the view's cache: the edges must still be there.
    void testExportDrawsEdges() {
        GraphCanvas canvas;
        QVERIFY(showGraph(canvas, QStringLiteral("a; b<-a; c<-b,^a")));
        EdgeLayerItem* layer = canvas.scene()->edgeLayers().front();
        const QPolygonF path = layer->edgePath(0);
        const QPointF mid = (path[0] + path[1]) / 2;
        const QString png = QDir::temp().filePath(QStringLiteral("tfscope_tst_canvas.png"));
        QCOMPARE(canvas.view()->exportPng(png), QString());
        QImage img(png);
        QVERIFY(!img.isNull());
        const QRectF r = canvas.scene()->itemsBoundingRect().adjusted(-20, -20, 20, 20);
        QVERIFY(hasColorNear(img, (mid - r.topLeft()).toPoint(), QColor(0x60, 0x6a, 0x78), 2));
        // The whole scene at its own resolution, not the view's zoom; a scale multiplies it.
        QCOMPARE(img.size(), QSize(int(r.width()) + 1, int(r.height()) + 1));
        const QString png2 = QDir::temp().filePath(QStringLiteral("tfscope_tst_canvas_2x.png"));
        QCOMPARE(canvas.view()->exportPng(png2, 2.0), QString());
        QCOMPARE(QImage(png2).size(), QSize(int(r.width() * 2) + 1, int(r.height() * 2) + 1));
        QVERIFY(hasColorNear(QImage(png2), ((mid - r.topLeft()) * 2).toPoint(), QColor(0x60, 0x6a, 0x78), 3));
        QFile::remove(png2);
        const QString svg = QDir::temp().filePath(QStringLiteral("tfscope_tst_canvas.svg"));
        QCOMPARE(canvas.view()->exportSvg(svg), QString());
        QFile f(svg);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("#606a78"));   // data edges
        QVERIFY(text.contains("#9a9a9a"));   // the dashed control edge
        QVERIFY(!text.contains("<image"));   // vectors, not the view's cached pixmaps
        QFile::remove(png);
        QFile::remove(svg);
    }

};

QTEST_MAIN(TestCanvas)
#include "tst_canvas.moc"
