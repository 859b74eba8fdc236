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
#include "views/graph/canvas_layout.h"
#include "views/graph/edge_layer_item.h"
#include "views/graph/flat_level_item.h"
#include "views/graph/graph_canvas.h"
#include "views/graph/graph_scene.h"
#include "views/graph/graph_view.h"
#include "views/graph/node_item.h"
#include "tests/views/graph_text.h"

using namespace tfscope;
using tfscope::testing::graphFrom;

namespace {

std::shared_ptr<const LevelLayout> rootLevel(const QString& text) {
    auto laid = relayoutCanvas(initialCanvasLayout(GroupTree::build(graphFrom(text))), -1, nullptr);
    if (!laid.ok()) return nullptr;
    return laid.value().levels.at(GroupTree::kRoot);
}

// Element count per row (by centre y) of a level, top to bottom.
std::vector<int> rowSizes(const LevelLayout& l) {
    std::map<long, int> rows;
    for (const LayoutPoint& c : l.centers) ++rows[std::lround(c.y)];
    std::vector<int> out;
    for (const auto& [y, n] : rows) out.push_back(n);
    return out;
}

bool overlapping(const LevelLayout& l) {
    for (size_t i = 0; i < l.centers.size(); ++i)
        for (size_t j = i + 1; j < l.centers.size(); ++j)
            if (std::abs(l.centers[i].x - l.centers[j].x) < (l.widths[i] + l.widths[j]) / 2 &&
                std::abs(l.centers[i].y - l.centers[j].y) < (l.heights[i] + l.heights[j]) / 2)
                return true;
    return false;
}

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

    // 30 unconnected nodes: a grid of at most ceil(sqrt(30)) = 6 per row, not one row of 30.
    void testWrapUnconnectedIntoGrid() {
        QString text;
        for (int i = 0; i < 30; ++i) text += QStringLiteral("n_%1;").arg(i);
        auto level = rootLevel(text);
        QVERIFY(level);
        const std::vector<int> rows = rowSizes(*level);
        QCOMPARE(rows.size(), size_t(5));
        for (int n : rows) QVERIFY(n <= 6);
        QVERIFY(!overlapping(*level));
        // Within the reported box, which starts at the origin.
        double maxW = 0;
        for (size_t i = 0; i < level->centers.size(); ++i) {
            QVERIFY(level->centers[i].x - level->widths[i] / 2 >= -0.01);
            QVERIFY(level->centers[i].y - level->heights[i] / 2 >= -0.01);
            QVERIFY(level->centers[i].x + level->widths[i] / 2 <= level->width + 0.01);
            QVERIFY(level->centers[i].y + level->heights[i] / 2 <= level->height + 0.01);
            maxW = std::max(maxW, level->widths[i]);
        }
        QVERIFY(level->width <= 6 * maxW + 5 * kWrapGap + 0.01);
    }

    // 20 variables feeding one call (a TF2 top level): the sources wrap above the call and their
    // edges run from each source's bottom to the call's top.
    void testWrapSourcesAboveTheirConsumer() {
        QString text, inputs;
        for (int i = 0; i < 20; ++i) {
            text += QStringLiteral("v_%1;").arg(i);
            inputs += (i ? QStringLiteral(",") : QString()) + QStringLiteral("v_%1").arg(i);
        }
        text += QStringLiteral("call<-") + inputs + QStringLiteral(";out<-call");
        auto level = rootLevel(text);
        QVERIFY(level);
        const std::vector<int> rows = rowSizes(*level);
        QCOMPARE(rows.size(), size_t(4 + 2));   // ceil(20 / 5) grid rows, then call, then out
        for (size_t r = 0; r < 4; ++r) QVERIFY(rows[r] <= 5);
        QVERIFY(!overlapping(*level));
        int call = -1, out = -1;
        const GroupTree tree = *GroupTree::build(graphFrom(text));
        for (size_t i = 0; i < level->elements.size(); ++i) {
            const std::string label = tree.nodeLabel(level->elements[i].id);
            if (label == "call") call = int(i);
            if (label == "out") out = int(i);
        }
        QVERIFY(call >= 0 && out >= 0);
        const double callTop = level->centers[size_t(call)].y - level->heights[size_t(call)] / 2;
        for (size_t i = 0; i < level->elements.size(); ++i)
            if (int(i) != call && int(i) != out) QVERIFY(level->centers[i].y + level->heights[i] / 2 < callTop);
        QVERIFY(level->centers[size_t(out)].y > level->centers[size_t(call)].y);
        QCOMPARE(level->edges.size(), size_t(21));
        for (const LevelEdge& e : level->edges) {
            QVERIFY(e.path.size() >= 2);
            if (e.from == call) continue;   // routed by the engine
            QCOMPARE(e.to, call);
            const LayoutPoint a = level->centers[size_t(e.from)], b = level->centers[size_t(e.to)];
            QCOMPARE(e.path.front().x, a.x);
            QCOMPARE(e.path.front().y, a.y + level->heights[size_t(e.from)] / 2);
            QVERIFY(std::abs(e.path.back().y - (b.y - level->heights[size_t(e.to)] / 2)) < 1.0);
        }
    }

    // Ranks that are fed (a fan-out) and short rows of sources stay as the engine laid them out.
    void testNoWrap() {
        QString fan = QStringLiteral("src;");
        for (int i = 0; i < 20; ++i) fan += QStringLiteral("t_%1<-src;").arg(i);
        auto level = rootLevel(fan);
        QVERIFY(level);
        QCOMPARE(rowSizes(*level), std::vector<int>({1, 20}));
        QString few;
        for (int i = 0; i < int(kWrapMinElements) - 1; ++i) few += QStringLiteral("n_%1;").arg(i);
        level = rootLevel(few);
        QVERIFY(level);
        QCOMPARE(rowSizes(*level), std::vector<int>({int(kWrapMinElements) - 1}));
    }
};

QTEST_MAIN(TestCanvas)
#include "tst_canvas.moc"
