// Evaluate in the window (issue 12): a graph node's context menu and the tree's "Evaluate" run the
// graph up to that node with the Run panel's inputs, open the value in the tensor viewer and show
// its statistics in Properties; "Feeds and fetches" for graphs without signatures; "Keep
// intermediate tensors" and its cap. Values are TensorFlow's: tests/data/fetch (recorded by
// tests/oracle/make_fetch_fixtures.py) and the shared models' MANIFEST.md values.
#include <QAction>
#include <QCheckBox>
#include <QDockWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "shared_models.h"
#include "temp_settings.h"
#include "views/graph/graph_canvas.h"
#include "views/panels/properties_panel.h"
#include "views/runner/input_editor.h"
#include "views/runner/run_memory.h"
#include "views/runner/runner_panel.h"
#include "views/tensor/tensor_table_model.h"
#include "views/tensor/tensor_viewer.h"
#include "views/tree/tree_panel.h"
#include "views/window/main_window.h"

using namespace tfscope;
using json = nlohmann::json;

namespace {

const QString kFrozen = QStringLiteral(TFSCOPE_TEST_DATA "/fetch/frozen/frozen.pb");
const QString kCppflow = QStringLiteral(TFSCOPE_SHARED_MODELS "/cppflow_load_frozen_graph/model.pb");
const QString kRegressionMeta = QStringLiteral(TFSCOPE_SHARED_MODELS "/onnx_regression/checkpoint/model.meta");
const QString kHalfPlusTwo = QStringLiteral(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123");

json frozenCase() {
    std::ifstream in(TFSCOPE_TEST_DATA "/fetch/frozen/expected_fetches.json");
    return json::parse(in).at("cases").at(0);
}

// "[[a, b, …], …]" of a fixture tensor (float32 values printed exactly).
QString literalOf(const json& j) {
    const auto shape = j.at("shape").get<std::vector<int>>();
    const auto& v = j.at("values");
    QStringList rows;
    for (int r = 0; r < shape[0]; ++r) {
        QStringList cols;
        for (int c = 0; c < shape[1]; ++c) cols << QString::number(v.at(size_t(r * shape[1] + c)).get<double>(), 'g', 9);
        rows << QLatin1Char('[') + cols.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    return QLatin1Char('[') + rows.join(QStringLiteral(", ")) + QLatin1Char(']');
}

// Every element within 1e-6 * max|want| * sqrt(8) (the fixture's longest reduction is 8).
QString mismatch(const Tensor& got, const json& want) {
    if (got.shape() != want.at("shape").get<Shape>()) return QString::fromStdString("shape " + shapeToString(got.shape()));
    double scale = 1e-30;
    for (const auto& x : want.at("values")) scale = std::max(scale, std::abs(x.get<double>()));
    for (size_t i = 0; i < want.at("values").size(); ++i)
        if (std::abs(got.elementAsDouble(int64_t(i)) - want.at("values").at(i).get<double>()) > 1e-6 * scale * std::sqrt(8.0))
            return QStringLiteral("element %1: %2").arg(i).arg(got.elementAsDouble(int64_t(i)));
    return {};
}

bool openModel(MainWindow& w, const QString& path) {
    w.setRawView(true, /*remember=*/false);  // every node on the canvas (the model view folds some)
    QSignalSpy loaded(&w, &MainWindow::modelLoaded);
    w.openPath(path);
    if (!loaded.wait(30000) && loaded.isEmpty()) return false;
    return QTest::qWaitFor([&] { return !w.isBusy(); }, 30000);
}

// Shows the Run panel ("Feeds and fetches" or the default signature) and waits for its form.
bool showForm(MainWindow& w) {
    QSignalSpy ready(w.runner(), &RunnerPanel::formReady);
    if (!w.showRunner()) return false;
    return QTest::qWaitFor([&] { return !w.runner()->isBusy() && (ready.count() > 0 || w.runner()->canRun() || w.runner()->fetchEdit()); }, 30000);
}

// Triggers "Evaluate" of canvas node `name`'s context menu and waits for the result.
QString evaluateFromCanvas(MainWindow& w, const char* name, QSignalSpy& done) {
    const NodeId id = w.canvas()->graph()->find(name);
    if (id == kNoNode) return QStringLiteral("no canvas node");
    std::unique_ptr<QMenu> menu(w.nodeMenu(id));
    QAction* evaluate = nullptr;
    for (QAction* a : menu->actions())
        if (a->text() == QStringLiteral("&Evaluate")) evaluate = a;
    if (!evaluate) return QStringLiteral("no Evaluate action");
    if (evaluate->shortcut() != QKeySequence(Qt::CTRL | Qt::Key_E)) return QStringLiteral("no Ctrl+E");
    const int before = int(done.count());
    evaluate->trigger();
    if (!QTest::qWaitFor([&] { return done.count() > before; }, 30000)) return QStringLiteral("no result");
    return done.last().at(1).toString();
}

// With TFSCOPE_SCREENSHOT_DIR set, saves the window as NAME.png there (to look at by hand).
void maybeScreenshot(MainWindow& w, const char* name) {
    const QByteArray dir = qgetenv("TFSCOPE_SCREENSHOT_DIR");
    if (dir.isEmpty()) return;
    w.resize(1400, 860);
    w.show();
    QTest::qWait(200);
    w.grab().save(QString::fromLocal8Bit(dir) + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png"));
}

}  // namespace

class TestEvaluateWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(useTemporarySettings(m_settingsDir, "tst_evaluate_window")); }
    void init() { QSettings().remove(QStringLiteral("runnerInputs")); }  // each case starts without remembered inputs
    void cleanup() { setKeptTensorsLimit(0); }

    // A frozen GraphDef: one editor per Placeholder, the sink prefilled as the fetch, Run gives
    // TensorFlow's values; Evaluate on an intermediate from the canvas opens TF's value and
    // Properties shows its statistics.
    void testFeedsAndFetchesOnFrozenGraph() {
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(openModel(w, kFrozen));
        QVERIFY(showForm(w));
        RunnerPanel* r = w.runner();
        QVERIFY(r->isFetchMode());
        QCOMPARE(int(r->editors().size()), 1);
        InputEditor* x = r->editor(QStringLiteral("x:0"));
        QVERIFY(x);
        QVERIFY(r->fetchEdit());
        QCOMPARE(r->fetchEdit()->toPlainText(), QStringLiteral("Identity:0"));
        const json c = frozenCase();
        x->literalEdit()->setPlainText(literalOf(c.at("feeds").at("x:0")));
        QVERIFY(x->isValid());
        r->fetchEdit()->setPlainText(QStringLiteral("Identity\ndense1/Relu:0"));
        QVERIFY(r->canRun());
        QSignalSpy finished(r, &RunnerPanel::runFinished);
        r->run();
        QVERIFY(finished.wait(30000));
        QCOMPARE(r->errorText(), QString());
        QVERIFY(mismatch(r->outputs().at("Identity:0"), c.at("fetches").at("Identity:0")).isEmpty());
        QVERIFY(mismatch(r->outputs().at("dense1/Relu:0"), c.at("fetches").at("dense1/Relu:0")).isEmpty());
        // A bad fetch name says why and disables Run.
        r->fetchEdit()->setPlainText(QStringLiteral("nope:0"));
        QVERIFY(!r->canRun());
        QVERIFY(r->runButton()->toolTip().contains(QStringLiteral("no tensor 'nope:0'")));
        r->fetchEdit()->setPlainText(QStringLiteral("Identity:0"));

        // Evaluate from the canvas's context menu.
        QSignalSpy done(r, &RunnerPanel::evaluated);
        QCOMPARE(evaluateFromCanvas(w, "dense1/Relu", done), QString());
        QCOMPARE(w.tensorViewer()->tensorName(), QStringLiteral("dense1/Relu:0"));
        const auto values = r->lastValues(QStringLiteral("dense1/Relu"));
        QCOMPARE(int(values.size()), 1);
        QVERIFY(mismatch(values[0].second, c.at("fetches").at("dense1/Relu:0")).isEmpty());
        QVERIFY(w.statusText().startsWith(QStringLiteral("Evaluated dense1/Relu")));
        // Properties of that node: the last value's shape, dtype and statistics.
        w.selectItem(QStringLiteral("dense1/Relu"));
        const QString props = w.properties()->toPlainText();
        QVERIFY2(props.contains(QStringLiteral("Last value")), qPrintable(props));
        QVERIFY2(props.contains(QStringLiteral("dense1/Relu:0: float32 [2,8]")), qPrintable(props));
        // min / max / mean of TensorFlow's values, within the float tolerance.
        const auto& want = c.at("fetches").at("dense1/Relu:0").at("values");
        double mn = 1e30, mx = -1e30, sum = 0;
        for (const auto& v : want) {
            mn = std::min(mn, v.get<double>());
            mx = std::max(mx, v.get<double>());
            sum += v.get<double>();
        }
        auto shown = [&](const QString& label) {  // the value after "label" in the statistics table
            const QStringList lines = props.split(QLatin1Char('\n'));
            const qsizetype i = lines.lastIndexOf(label);
            return i >= 0 && i + 1 < lines.size() ? lines[i + 1].toDouble() : std::nan("");
        };
        QVERIFY2(std::abs(shown(QStringLiteral("min")) - mn) < 1e-6, qPrintable(props));
        QVERIFY2(std::abs(shown(QStringLiteral("max")) - mx) < 1e-6 * mx, qPrintable(props));
        QVERIFY2(std::abs(shown(QStringLiteral("mean")) - sum / double(want.size())) < 1e-6, qPrintable(props));
        QCOMPARE(shown(QStringLiteral("NaN")), 0.0);
        QCOMPARE(shown(QStringLiteral("Inf")), 0.0);
        QCOMPARE(mn, 0.0);  // a Relu
        w.propertiesDock()->raise();
        maybeScreenshot(w, "evaluate_frozen");

        // Without x, a node that needs it fails with a message naming the placeholder.
        x->literalEdit()->setPlainText(QString());
        const QString error = evaluateFromCanvas(w, "dense1/Relu", done);
        QVERIFY2(error.contains(QStringLiteral("'x'")) || error.contains(QStringLiteral("x:0")), qPrintable(error));
        QVERIFY2(w.statusText().startsWith(QStringLiteral("Cannot evaluate dense1/Relu: ")), qPrintable(w.statusText()));
        w.selectItem(QStringLiteral("dense1/Relu"));
        QVERIFY(w.properties()->toPlainText().contains(QStringLiteral("Evaluate failed: ")));
    }

    // Evaluate before the Run panel was ever shown: it opens Feeds and fetches (the placeholder
    // prefilled with zeros of one row), then evaluates, and the Run panel is shown for its inputs.
    void testEvaluateOpensTheRunPanel() {
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(openModel(w, kFrozen));
        QVERIFY(w.runnerDock()->isHidden());
        QSignalSpy done(w.runner(), &RunnerPanel::evaluated);
        QCOMPARE(evaluateFromCanvas(w, "dense1/Relu", done), QString());
        QVERIFY(!w.runnerDock()->isHidden());
        QVERIFY(w.runner()->isFetchMode());
        const auto v = w.runner()->lastValues(QStringLiteral("dense1/Relu"));
        QCOMPARE(int(v.size()), 1);
        QCOMPARE(v[0].second.shape(), (Shape{1, 8}));
        QCOMPARE(w.tensorViewer()->tensorName(), QStringLiteral("dense1/Relu:0"));
    }

    // Keep intermediate tensors: after one run, any node's value is in Properties and Evaluate
    // opens it without running; with a small cap, what did not fit is said.
    void testKeepIntermediates() {
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(openModel(w, kFrozen));
        QVERIFY(showForm(w));
        RunnerPanel* r = w.runner();
        const json c = frozenCase();
        r->editor(QStringLiteral("x:0"))->literalEdit()->setPlainText(literalOf(c.at("feeds").at("x:0")));
        r->keepIntermediatesBox()->setChecked(true);
        QSignalSpy finished(r, &RunnerPanel::runFinished);
        r->run();
        QVERIFY(finished.wait(30000));
        QCOMPARE(r->errorText(), QString());
        QVERIFY2(r->keptText().startsWith(QStringLiteral("Kept ")), qPrintable(r->keptText()));
        QVERIFY(!r->keptText().contains(QStringLiteral("did not fit")));
        const auto relu = r->lastValues(QStringLiteral("dense1/Relu"));
        QCOMPARE(int(relu.size()), 1);
        QVERIFY(mismatch(relu[0].second, c.at("fetches").at("dense1/Relu:0")).isEmpty());
        QVERIFY(!r->lastValues(QStringLiteral("dense1/MatMul")).empty());  // fused away in a plain run
        w.selectItem(QStringLiteral("dense1/Relu"));
        QVERIFY(w.properties()->toPlainText().contains(QStringLiteral("dense1/Relu:0: float32 [2,8]")));
        // Evaluate answers from the kept values at once (no job: the signal comes synchronously).
        QSignalSpy done(r, &RunnerPanel::evaluated);
        r->evaluate(QStringLiteral("dense1/Relu"));
        QCOMPARE(done.count(), 1);
        QVERIFY(done.at(0).at(2).toString().endsWith(QStringLiteral("(kept by the last run)")));

        // A cap of 40 bytes: the [2,4] input fits, the layers do not.
        setKeptTensorsLimit(40);
        r->run();
        QVERIFY(finished.wait(30000));
        QVERIFY2(r->keptText().contains(QStringLiteral("did not fit under the cap of 40 bytes")), qPrintable(r->keptText()));
        QVERIFY(r->lastValues(QStringLiteral("dense1/Relu")).empty());
        QVERIFY(!r->lastValues(QStringLiteral("x")).empty());
        maybeScreenshot(w, "keep_cap");
    }

    // A TF1 Saver .meta beside its checkpoint (Adam, gradients, a summary, an input pipeline): one
    // editor per Placeholder, the Saver's PlaceholderWithDefault pre-filled and optional, the loss as
    // the prefilled fetch; Evaluate of `pred` with the checkpoint's variables gives TensorFlow's value.
    void testSaverMetaPlaceholders() {
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(openModel(w, QStringLiteral(TFSCOPE_TEST_DATA "/fetch/saver/model.ckpt.meta")));
        QVERIFY(showForm(w));
        RunnerPanel* r = w.runner();
        QVERIFY(r->isFetchMode());
        QStringList keys;
        for (const InputEditor* e : r->editors()) keys << QString::fromStdString(e->key());
        QCOMPARE(keys.join(QLatin1Char(' ')), QStringLiteral("x:0 y:0 save/Const:0 save/filename:0"));
        for (const char* name : {"save/Const:0", "save/filename:0"}) {  // the Saver's PlaceholderWithDefault chain
            const InputEditor* filename = r->editor(QString::fromLatin1(name));
            QVERIFY(filename->isOptional());
            QVERIFY(filename->defaultValue().valid());
            QCOMPARE(QString::fromStdString(filename->defaultValue().strings()[0]), QStringLiteral("model"));
            QVERIFY(filename->isValid());
        }
        QVERIFY(!r->editor(QStringLiteral("x:0"))->isOptional());
        QCOMPARE(r->fetchEdit()->toPlainText(), QStringLiteral("loss:0"));

        std::ifstream in(TFSCOPE_TEST_DATA "/fetch/saver/expected_fetches.json");
        const json c = json::parse(in).at("cases").at(0);
        r->editor(QStringLiteral("x:0"))->literalEdit()->setPlainText(literalOf(c.at("feeds").at("x:0")));
        QSignalSpy done(r, &RunnerPanel::evaluated);
        QCOMPARE(evaluateFromCanvas(w, "pred", done), QString());
        const auto pred = r->lastValues(QStringLiteral("pred"));
        QCOMPARE(int(pred.size()), 1);
        const QString m = mismatch(pred[0].second, c.at("fetches").at("pred:0"));
        QVERIFY2(m.isEmpty(), qPrintable(m));
        // The loss needs y too (prefilled with zeros): left empty, the error names it.
        r->editor(QStringLiteral("y:0"))->literalEdit()->setPlainText(QString());
        const QString error = evaluateFromCanvas(w, "loss", done);
        QVERIFY2(error.contains(QStringLiteral("'y'")), qPrintable(error + QStringLiteral(" / ") + w.statusText()));
        w.runnerDock()->raise();
        maybeScreenshot(w, "saver_meta");
    }

    // cppflow's frozen graph: x:0 ones(1,5) -> Identity:0 = 0.5656322 (MANIFEST.md).
    void testSharedFrozenGraphEvaluate() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(openModel(w, kCppflow));
        QVERIFY(showForm(w));
        RunnerPanel* r = w.runner();
        InputEditor* x = r->editor(QStringLiteral("x:0"));
        QVERIFY(x);
        x->literalEdit()->setPlainText(QStringLiteral("[[1, 1, 1, 1, 1]]"));
        QSignalSpy done(r, &RunnerPanel::evaluated);
        QCOMPARE(evaluateFromCanvas(w, "Identity", done), QString());
        const auto v = r->lastValues(QStringLiteral("Identity"));
        QCOMPARE(int(v.size()), 1);
        QVERIFY(std::abs(v[0].second.elementAsDouble(0) - 0.5656322) < 1e-5);
        QVERIFY(std::abs(w.tensorViewer()->tableModel()->index(0, 0).data().toDouble() - 0.5656322) < 1e-6);
    }

    // A bare .meta beside its checkpoint: pred = 0.21396178 X + 1.0495254 with the checkpoint's
    // variables; the tree's variable W evaluates to its restored value.
    void testSharedMetaEvaluateAndTree() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(openModel(w, kRegressionMeta));
        QVERIFY(showForm(w));
        RunnerPanel* r = w.runner();
        QVERIFY(r->isFetchMode());
        InputEditor* x = r->editor(QStringLiteral("X:0"));
        QVERIFY(x);
        x->literalEdit()->setPlainText(QStringLiteral("[0, 1, 2]"));
        QSignalSpy done(r, &RunnerPanel::evaluated);
        w.evaluateNode(QStringLiteral("pred"));
        QVERIFY(done.wait(30000));
        QCOMPARE(done.last().at(1).toString(), QString());
        const auto pred = r->lastValues(QStringLiteral("pred"));
        QCOMPARE(int(pred.size()), 1);
        const double want[] = {1.0495254, 1.2634871, 1.4774489};
        for (int i = 0; i < 3; ++i) QVERIFY(std::abs(pred[0].second.elementAsDouble(i) - want[i]) < 1e-5);
        // The tree: variable W's context menu has Evaluate.
        QVERIFY(w.selectItem(QStringLiteral("W")));
        const QModelIndex current = w.treePanel()->proxy()->mapToSource(w.treePanel()->view()->currentIndex());
        std::unique_ptr<QMenu> menu(w.treeMenu(current));
        QAction* evaluate = nullptr;
        for (QAction* a : menu->actions())
            if (a->text() == QStringLiteral("&Evaluate")) evaluate = a;
        QVERIFY(evaluate);
        evaluate->trigger();
        QVERIFY(done.wait(30000));
        QCOMPARE(done.last().at(1).toString(), QString());
        const auto wv = r->lastValues(done.last().at(0).toString());
        QVERIFY(!wv.empty());
        QVERIFY(std::abs(wv[0].second.elementAsDouble(0) - 0.21396178) < 1e-7);
    }

    // A signature run with Keep intermediate tensors: half_plus_two's Mul (0.5 x) after one run.
    void testSharedSignatureKeep() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(openModel(w, kHalfPlusTwo));
        QVERIFY(w.showRunner(QStringLiteral("serving_default")));
        QVERIFY(QTest::qWaitFor([&] { return w.runner()->canRun() || !w.runner()->editors().empty(); }, 30000));
        RunnerPanel* r = w.runner();
        r->editor(QStringLiteral("x"))->literalEdit()->setPlainText(QStringLiteral("[[2.0], [6.0]]"));
        QSignalSpy finished(r, &RunnerPanel::runFinished);
        // A plain run: the output's node (y:0, an Identity of Add) has its value, the intermediate Mul not.
        r->run();
        QVERIFY(finished.wait(30000));
        QCOMPARE(int(r->lastValues(QStringLiteral("y")).size()), 1);
        QCOMPARE(r->lastValues(QStringLiteral("y"))[0].second.data<float>()[0], 3.0f);
        QVERIFY(r->lastValues(QStringLiteral("Mul")).empty());
        r->keepIntermediatesBox()->setChecked(true);
        r->run();
        QVERIFY(finished.wait(30000));
        QCOMPARE(r->errorText(), QString());
        const auto mul = r->lastValues(QStringLiteral("Mul"));
        QCOMPARE(int(mul.size()), 1);
        QCOMPARE(mul[0].second.data<float>()[0], 1.0f);
        QCOMPARE(mul[0].second.data<float>()[1], 3.0f);
        const auto y = r->lastValues(QStringLiteral("Add"));
        QCOMPARE(int(y.size()), 1);
        QCOMPARE(y[0].second.data<float>()[1], 5.0f);
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestEvaluateWindow)
#include "tst_evaluate_window.moc"
