// The window's first view of real models (MainWindow::viewJson, what `tfscope --view-json`
// writes): the model view shows the network with TensorFlow's plumbing in side groups, a TF2
// Keras model as its layers, and the chosen meta graph; screenshots of model and raw views go to
// build/tests/screenshots for eyes.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <map>

#include <google/protobuf/text_format.h>

#include "graph.pb.h"
#include "graph_pbtxt.h"
#include "model/layout/identical_groups.h"
#include "model/tensor.h"
#include "shared_models.h"
#include "temp_settings.h"
#include "views/graph/graph_canvas.h"
#include "views/graph/graph_scene.h"
#include "views/graph/graph_view.h"
#include "views/graph/node_item.h"
#include "views/panels/properties_panel.h"
#include "views/tensor/tensor_table_model.h"
#include "views/tensor/tensor_viewer.h"
#include "views/window/main_window.h"

using namespace tfscope;

namespace {

const QString kModels = QStringLiteral(TFSCOPE_SHARED_MODELS);

// Opens `path` in a fresh window (model view unless `raw`), waits for the first layout, returns
// the view JSON and saves a screenshot as `shot`.png.
QJsonObject firstView(const QString& path, const QString& shot, bool raw = false, const QString& tags = {}) {
    MainWindow w;
    w.setErrorDialogs(false);
    w.setRawView(raw, /*remember=*/false);
    if (!tags.isEmpty()) w.requestView(tags, {});
    w.show();
    w.openPath(path);
    if (!QTest::qWaitFor([&] { return w.model() && !w.isBusy(); }, 60000)) return {};
    QTest::qWait(100);
    if (!QTest::qWaitFor([&] { return !w.isBusy(); }, 60000)) return {};
    const QString dir = QDir::cleanPath(QStringLiteral(TFSCOPE_BIN "/../../tests/screenshots"));
    QDir().mkpath(dir);
    w.grab().save(dir + QLatin1Char('/') + shot + (raw ? QStringLiteral("_raw.png") : QStringLiteral(".png")));
    return w.viewJson();
}

QJsonObject item(const QJsonObject& view, const QString& name) {
    for (const auto& v : view[QStringLiteral("items")].toArray())
        if (v.toObject()[QStringLiteral("name")].toString() == name) return v.toObject();
    return {};
}

// Writes `def` as a binary .pb in `dir`; returns its path ("" if it could not).
QString writeGraph(const QTemporaryDir& dir, const tensorflow::GraphDef& def) {
    const QString path = dir.filePath(QStringLiteral("graph.pb"));
    QFile f(path);
    const std::string bytes = def.SerializeAsString();
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size())) return {};
    return path;
}

// The same for GraphDef text ("" if it does not parse).
QString writeGraph(const QTemporaryDir& dir, const std::string& text) {
    tensorflow::GraphDef def;
    if (!google::protobuf::TextFormat::ParseFromString(text, &def)) return {};
    return writeGraph(dir, def);
}

}  // namespace

class TestCanvasModelView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(useTemporarySettings(m_settingsDir, "tst_canvas_model_view")); }
    void testInceptionV3();
    void testDemoLayers();
    void testEstimatorFolder();
    void testTfmaEvalMetaGraph();
    void testVdCnnEdgesStayNear();
    void testPropertiesShowSummaryFirst();
    void testSelectingSignatureShowsIt();
    void testClickWeightRowOpensTensor();
    void testIdenticalLayers();
    void testCollapsedCallsOpenOnDoubleClick();
    void testBigGraphViewBuiltOffThread();

private:
    QTemporaryDir m_settingsDir;
};

void TestCanvasModelView::testInceptionV3() {
    TFSCOPE_REQUIRE_SHARED_MODELS();
    const QString path = kModels + QStringLiteral("/tfnet_graph_meta/InceptionV3.meta");
    const QJsonObject v = firstView(path, QStringLiteral("InceptionV3"));
    QCOMPARE(v[QStringLiteral("view")].toString(), QStringLiteral("model"));
    QStringList sideGroups;
    for (const auto& e : v[QStringLiteral("items")].toArray()) {
        const QJsonObject it = e.toObject();
        const QString op = it[QStringLiteral("op")].toString();
        if (it[QStringLiteral("kind")].toString() == QLatin1String("side-group")) sideGroups << it[QStringLiteral("name")].toString();
        if (it.contains(QStringLiteral("side_group"))) continue;
        QVERIFY2(op != QLatin1String("AssignVariableOp") && op != QLatin1String("RestoreV2") && op != QLatin1String("IdentityN"),
                 qPrintable(it[QStringLiteral("name")].toString()));
    }
    QVERIFY2(sideGroups.contains(QStringLiteral("(Initialization)")), qPrintable(sideGroups.join(u',')));
    QVERIFY2(sideGroups.contains(QStringLiteral("(Save & Restore)")), qPrintable(sideGroups.join(u',')));
    // The network is opened down to its blocks; the first layer's convolution shows its weights.
    const QJsonObject conv = item(v, QStringLiteral("module_apply_default/InceptionV3/InceptionV3/Conv2d_1a_3x3/Conv2D"));
    QCOMPARE(conv[QStringLiteral("kind")].toString(), QStringLiteral("op"));
    QCOMPARE(conv[QStringLiteral("weights")].toArray().at(0).toObject()[QStringLiteral("shape")].toString(), QStringLiteral("[3,3,3,32]"));
    // Blocks in dataflow order, top to bottom.
    double last = -1;
    for (const char* block : {"Conv2d_1a_3x3", "Conv2d_2a_3x3", "MaxPool_3a_3x3", "Mixed_5b", "Mixed_6a", "Mixed_7c"}) {
        const QJsonObject b = item(v, QStringLiteral("module_apply_default/InceptionV3/InceptionV3/") + QLatin1String(block));
        QVERIFY2(!b.isEmpty(), block);
        const double y = b[QStringLiteral("rect")].toArray().at(1).toDouble();
        QVERIFY2(y > last, block);
        last = y;
    }
    const QJsonObject raw = firstView(path, QStringLiteral("InceptionV3"), true);
    QCOMPARE(raw[QStringLiteral("view")].toString(), QStringLiteral("raw"));
    QVERIFY(!item(raw, QStringLiteral("module")).isEmpty());
}

void TestCanvasModelView::testDemoLayers() {
    const QJsonObject v = firstView(QStringLiteral(TFSCOPE_SOURCE_DIR "/resources/demo"), QStringLiteral("demo"));
    QCOMPARE(v[QStringLiteral("signature")].toString(), QStringLiteral("serving_default"));
    for (const char* layer : {"conv1", "conv2", "dense1", "probabilities"}) {
        const QJsonObject g = item(v, QStringLiteral("digits_cnn/") + QLatin1String(layer));
        QCOMPARE(g[QStringLiteral("kind")].toString(), QStringLiteral("group"));
    }
    const QJsonObject conv = item(v, QStringLiteral("digits_cnn/conv1/Conv2D"));
    const QJsonObject kernel = conv[QStringLiteral("weights")].toArray().at(0).toObject();
    QCOMPARE(kernel[QStringLiteral("name")].toString(), QStringLiteral("conv1/kernel"));
    QCOMPARE(kernel[QStringLiteral("dtype")].toString(), QStringLiteral("float32"));
    QCOMPARE(kernel[QStringLiteral("shape")].toString(), QStringLiteral("[3,3,1,8]"));
    for (const auto& e : v[QStringLiteral("items")].toArray())
        QVERIFY(e.toObject()[QStringLiteral("op")].toString() != QLatin1String("StatefulPartitionedCall"));
    firstView(QStringLiteral(TFSCOPE_SOURCE_DIR "/resources/demo"), QStringLiteral("demo"), true);
}

void TestCanvasModelView::testEstimatorFolder() {
    TFSCOPE_REQUIRE_SHARED_MODELS();
    const QString path = kModels + QStringLiteral("/tfx_trainer_current_Format-Serving");
    const QJsonObject v = firstView(path, QStringLiteral("tfx_estimator"));
    QCOMPARE(item(v, QStringLiteral("dnn"))[QStringLiteral("kind")].toString(), QStringLiteral("group"));
    QCOMPARE(item(v, QStringLiteral("linear"))[QStringLiteral("kind")].toString(), QStringLiteral("group"));
    for (const auto& e : v[QStringLiteral("items")].toArray()) {
        const QJsonObject it = e.toObject();
        if (it.contains(QStringLiteral("side_group"))) continue;
        QVERIFY2(!it[QStringLiteral("name")].toString().startsWith(QLatin1String("checkpoint_initializer")),
                 qPrintable(it[QStringLiteral("name")].toString()));
    }
    firstView(path, QStringLiteral("tfx_estimator"), true);
}

void TestCanvasModelView::testTfmaEvalMetaGraph() {
    TFSCOPE_REQUIRE_SHARED_MODELS();
    const QJsonObject v = firstView(kModels + QStringLiteral("/tfx_trainer_current_Format-TFMA"), QStringLiteral("tfma_eval"), false,
                                    QStringLiteral("eval"));
    QCOMPARE(v[QStringLiteral("tags")].toArray(), QJsonArray{QStringLiteral("eval")});
    QVERIFY(!v[QStringLiteral("signature")].toString().isEmpty());
    QVERIFY(v[QStringLiteral("items")].toArray().size() > 3);
}

// Control edges are hidden and plumbing is not wired to the network, so no edge loops far around.
void TestCanvasModelView::testVdCnnEdgesStayNear() {
    TFSCOPE_REQUIRE_SHARED_MODELS();
    const QJsonObject v = firstView(kModels + QStringLiteral("/tfnet_graph_meta/vd_cnn.meta"), QStringLiteral("vd_cnn"));
    const double margin = v[QStringLiteral("margin")].toDouble();
    QVERIFY(margin > 0);
    const QJsonArray edges = v[QStringLiteral("edges")].toArray();
    QVERIFY(edges.size() > 3);
    for (const auto& e : edges) {
        const QJsonObject edge = e.toObject();
        QVERIFY(!edge[QStringLiteral("control")].toBool());
        const QJsonArray a = item(v, edge[QStringLiteral("from")].toString())[QStringLiteral("rect")].toArray();
        const QJsonArray b = item(v, edge[QStringLiteral("to")].toString())[QStringLiteral("rect")].toArray();
        QVERIFY(a.size() == 4 && b.size() == 4);
        const double left = std::min(a[0].toDouble(), b[0].toDouble()) - margin;
        const double right = std::max(a[0].toDouble() + a[2].toDouble(), b[0].toDouble() + b[2].toDouble()) + margin;
        const double top = std::min(a[1].toDouble(), b[1].toDouble()) - margin;
        const double bottom = std::max(a[1].toDouble() + a[3].toDouble(), b[1].toDouble() + b[3].toDouble()) + margin;
        for (const auto& p : edge[QStringLiteral("path")].toArray()) {
            const double x = p.toArray()[0].toDouble(), y = p.toArray()[1].toDouble();
            QVERIFY2(x >= left && x <= right && y >= top && y <= bottom,
                     qPrintable(QStringLiteral("%1 -> %2 at (%3, %4)").arg(edge[QStringLiteral("from")].toString(), edge[QStringLiteral("to")].toString()).arg(x).arg(y)));
        }
    }
    firstView(kModels + QStringLiteral("/tfnet_graph_meta/vd_cnn.meta"), QStringLiteral("vd_cnn"), true);
}

// Before anything is selected, Properties says what the model is and how to call it.
void TestCanvasModelView::testPropertiesShowSummaryFirst() {
    MainWindow w;
    w.setErrorDialogs(false);
    w.openPath(QStringLiteral(TFSCOPE_SOURCE_DIR "/resources/demo"));
    QVERIFY(QTest::qWaitFor([&] { return w.model() && !w.isBusy(); }, 60000));
    const QString text = w.properties()->toPlainText();
    QVERIFY2(text.startsWith(QStringLiteral("demo\nSavedModel")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Meta graph serve,")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Signature serving_default (shown)\ninputs:\n  image: DT_FLOAT (-1, 28, 28, 1)")), qPrintable(text));
}

// Picking another signature in the Model tree shows its dataflow (in its own meta graph).
void TestCanvasModelView::testSelectingSignatureShowsIt() {
    MainWindow w;
    w.setErrorDialogs(false);
    w.setRawView(false, /*remember=*/false);
    w.openPath(QStringLiteral(TFSCOPE_SOURCE_DIR "/resources/demo"));
    QVERIFY(QTest::qWaitFor([&] { return w.model() && !w.isBusy(); }, 60000));
    QCOMPARE(w.viewJson()[QStringLiteral("signature")].toString(), QStringLiteral("serving_default"));
    QVERIFY(w.selectItem(QStringLiteral("classify_top1")));
    // The new layout lands asynchronously (a fresh clone's first run showed isBusy() false before it).
    QVERIFY(QTest::qWaitFor(
        [&] { return !w.isBusy() && w.viewJson()[QStringLiteral("items")].toArray().size() > 3; }, 60000));
    const QJsonObject v = w.viewJson();
    QCOMPARE(v[QStringLiteral("signature")].toString(), QStringLiteral("classify_top1"));
    QCOMPARE(v[QStringLiteral("tags")].toArray(), QJsonArray{QStringLiteral("serve")});
    QVERIFY(v[QStringLiteral("items")].toArray().size() > 3);
}

// A folded weight is a row of its op's box; clicking it shows the variable's values, as picking it
// in the Model tree does.
void TestCanvasModelView::testClickWeightRowOpensTensor() {
    MainWindow w;
    w.setErrorDialogs(false);
    w.setRawView(false, /*remember=*/false);
    w.resize(1200, 800);
    w.show();
    w.openPath(QStringLiteral(TFSCOPE_SOURCE_DIR "/resources/demo"));
    QVERIFY(QTest::qWaitFor([&] { return w.model() && !w.isBusy() && w.canvas()->scene()->canvasLayout().tree; }, 60000));
    GraphCanvas* canvas = w.canvas();
    const NodeId conv = canvas->graph()->find("digits_cnn/conv1/Conv2D");
    QVERIFY(conv != kNoNode);
    NodeItem* item = canvas->scene()->nodeItem(conv);
    QVERIFY(item);
    QCOMPARE(item->rowNames(), QStringList{QStringLiteral("conv1/kernel")});
    // The box is tall enough for its row, which is drawn inside it.
    QVERIFY(item->boundingRect().contains(item->rowRect(0)));
    // At 1:1 with the row in the middle of the view, click it.
    GraphView* view = canvas->view();
    view->setTransform(QTransform());
    const QPointF rowCentre = item->rowRect(0).center();
    view->centerOn(rowCentre);
    QTest::qWait(50);
    const QPoint at = view->mapFromScene(rowCentre);
    QVERIFY(view->viewport()->rect().contains(at));
    QCOMPARE(item->rowAt(rowCentre), 0);
    {
        const QString dir = QDir::cleanPath(QStringLiteral(TFSCOPE_BIN "/../../tests/screenshots"));
        QDir().mkpath(dir);
        canvas->grab().save(dir + QStringLiteral("/demo_weight_rows.png"));  // for eyes: rows at 1:1
    }
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
    QTRY_VERIFY_WITH_TIMEOUT(w.tensorViewer()->isVisible(), 5000);
    QVERIFY2(w.tensorViewer()->tensorName().contains(QStringLiteral("kernel")), qPrintable(w.tensorViewer()->tensorName()));
    const Tensor& t = w.tensorViewer()->tableModel()->tensor();
    QCOMPARE(t.shape(), (Shape{3, 3, 1, 8}));
    // The op itself is selected too (the click landed on its box).
    QCOMPARE(canvas->selectedNode(), conv);
}

// Selecting a residual unit says how many units share its structure and selects them on request.
void TestCanvasModelView::testIdenticalLayers() {
    QTemporaryDir dir;
    const QString path = writeGraph(dir, residualUnitsText());
    QVERIFY(!path.isEmpty());
    MainWindow w;
    w.setErrorDialogs(false);
    w.setRawView(false, /*remember=*/false);
    w.show();
    w.openPath(path);
    QVERIFY(QTest::qWaitFor([&] { return w.model() && !w.isBusy() && w.canvas()->layout().tree; }, 60000));
    QVERIFY(w.canvas()->modelView());
    const GroupTree& tree = *w.canvas()->layout().tree;
    const int unitC = tree.findGroup("unit_c");
    QVERIFY(unitC > 0);
    NodeItem* box = w.canvas()->scene()->groupItem(unitC);
    QVERIFY(box);
    box->setSelected(true);
    const QString text = w.properties()->toPlainText();
    QVERIFY2(text.contains(QStringLiteral("identical layers: 4")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("select them")), qPrintable(text));
    // The link selects unit_a .. unit_d.
    const QString html = w.properties()->toHtml();
    const qsizetype at = html.indexOf(QStringLiteral("groups:"));
    QVERIFY(at > 0);
    const QString link = html.mid(at, html.indexOf(QLatin1Char('"'), at) - at);
    emit w.properties()->anchorClicked(QUrl(link));
    QTRY_COMPARE_WITH_TIMEOUT(int(w.canvas()->selectedGroups().size()), 4, 10000);
    QStringList paths;
    for (int g : w.canvas()->selectedGroups()) paths << QString::fromStdString(tree.group(g).path);
    paths.sort();
    QCOMPARE(paths.join(u' '), QStringLiteral("unit_a unit_b unit_c unit_d"));
    // unit_e (another kernel shape) is alone.
    w.canvas()->scene()->clearSelection();
    w.canvas()->scene()->groupItem(tree.findGroup("unit_e"))->setSelected(true);
    QVERIFY2(w.properties()->toPlainText().contains(QStringLiteral("identical layers: 1")), qPrintable(w.properties()->toPlainText()));
}

namespace {
// Double-clicks canvas node `name`'s box at 1:1.
void doubleClickNode(GraphCanvas* canvas, const char* name) {
    NodeItem* item = canvas->scene()->nodeItem(canvas->graph()->find(name));
    QVERIFY(item);
    GraphView* view = canvas->view();
    view->setTransform(QTransform());
    const QPointF at = item->sceneBoundingRect().center();
    view->centerOn(at);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(at));
}
}  // namespace

// A recursive call and a 1600-node body are single boxes saying so; a double-click inlines the big
// body in place, and opens the recursive function's own graph.
void TestCanvasModelView::testCollapsedCallsOpenOnDoubleClick() {
    QTemporaryDir dir;
    const QString path = writeGraph(dir, callLibraryText());
    QVERIFY(!path.isEmpty());
    MainWindow w;
    w.setErrorDialogs(false);
    w.setRawView(false, /*remember=*/false);
    w.resize(1200, 800);
    w.show();
    w.openPath(path);
    QVERIFY(QTest::qWaitFor([&] { return w.model() && !w.isBusy() && w.canvas()->layout().tree; }, 60000));
    std::map<QString, QString> collapsed;  // function -> why
    auto readCollapsed = [&] {
        collapsed.clear();
        for (const auto& e : w.viewJson()[QStringLiteral("items")].toArray())
            if (e.toObject().contains(QStringLiteral("collapsed")))
                collapsed[e.toObject()[QStringLiteral("function")].toString()] = e.toObject()[QStringLiteral("collapsed")].toString();
    };
    // The calls' groups are opened first so their boxes are drawn.
    for (const char* g : {"r", "p", "b"}) w.canvas()->setExpanded(w.canvas()->layout().tree->findGroup(g), true);
    QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy() && w.canvas()->layout().isExpanded(w.canvas()->layout().tree->findGroup("b")), 30000);
    readCollapsed();
    QCOMPARE(collapsed[QStringLiteral("rec")], QStringLiteral("recursive"));
    QCOMPARE(collapsed[QStringLiteral("ping")], QStringLiteral("recursive"));
    QCOMPARE(collapsed[QStringLiteral("big")], QStringLiteral("large"));
    QCOMPARE(w.canvas()->modelView()->inlinedCalls, 3);
    NodeItem* big = w.canvas()->scene()->nodeItem(w.canvas()->graph()->find("b/call"));
    QVERIFY(big && big->hasCollapsedLook());
    {
        const QString shots = QDir::cleanPath(QStringLiteral(TFSCOPE_BIN "/../../tests/screenshots"));
        QDir().mkpath(shots);
        w.canvas()->view()->fitAll();
        w.canvas()->grab().save(shots + QStringLiteral("/collapsed_calls.png"));  // for eyes
    }
    doubleClickNode(w.canvas(), "b/call");
    QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy() && w.canvas()->modelView() && w.canvas()->modelView()->inlinedCalls == 4, 30000);
    QCOMPARE(w.canvas()->graph()->find("b/call"), kNoNode);  // replaced by big's body
    QVERIFY(w.canvas()->graph()->find("b/n1599") != kNoNode);
    // The recursive call opens rec's graph.
    QTRY_VERIFY_WITH_TIMEOUT(w.canvas()->layout().tree, 30000);
    w.canvas()->setExpanded(w.canvas()->layout().tree->findGroup("r"), true);
    QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy() && w.canvas()->scene()->nodeItem(w.canvas()->graph()->find("r/again")), 30000);
    doubleClickNode(w.canvas(), "r/again");
    QTRY_VERIFY_WITH_TIMEOUT(!w.canvas()->modelView() && w.canvas()->graph() && w.canvas()->graph()->find("again") != kNoNode, 30000);
}

// A graph over MainWindow's async threshold (30,000 nodes: 300 scopes of 100-node chains) gets its
// model view from the thread pool: when the load lands the window is busy with no view yet; then
// the view arrives and is laid out.
void TestCanvasModelView::testBigGraphViewBuiltOffThread() {
    tensorflow::GraphDef def;
    for (int b = 0; b < 300; ++b)
        for (int i = 0; i < 100; ++i) {
            auto* n = def.add_node();
            n->set_name("block_" + std::to_string(b) + "/op_" + std::to_string(i));
            n->set_op(i == 0 ? "Placeholder" : "Relu");
            if (i > 0) n->add_input("block_" + std::to_string(b) + "/op_" + std::to_string(i - 1));
        }
    QTemporaryDir dir;
    const QString path = writeGraph(dir, def);
    QVERIFY(!path.isEmpty());
    MainWindow w;
    w.setErrorDialogs(false);
    w.setRawView(false, /*remember=*/false);
    bool pendingAtLoad = false;
    connect(&w, &MainWindow::modelLoaded, &w, [&] { pendingAtLoad = w.isBusy() && !w.canvas()->modelView(); });
    w.show();
    w.openPath(path);
    QVERIFY(QTest::qWaitFor([&] { return w.model() && !w.isBusy(); }, 120000));
    QVERIFY(pendingAtLoad);
    QVERIFY(w.canvas()->modelView());
    QCOMPARE(w.canvas()->graph()->nodeCount(), 30000);
    const QJsonObject v = w.viewJson();
    QCOMPARE(v[QStringLiteral("view")].toString(), QStringLiteral("model"));
    QVERIFY(v[QStringLiteral("items")].toArray().size() > 0);
}

QTEST_MAIN(TestCanvasModelView)
#include "tst_canvas_model_view.moc"
