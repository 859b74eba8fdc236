// Evaluate (RunnerPanel::evaluate, the window's Signature > Evaluate Selected Node, Ctrl+E): the
// graph runs up to one node with the runner's current inputs and the value opens in the viewer.
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "shared_models.h"
#include "temp_settings.h"
#include "views/runner/input_editor.h"
#include "views/runner/runner_panel.h"

using namespace tfscope;

namespace {
const QString kHalfPlusTwo = QStringLiteral(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123");
}

class TestEvaluate : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        // The runner remembers inputs in QSettings: keep them here.
        QVERIFY(useTemporarySettings(m_settingsDir, "tst_evaluate"));
    }

    void testEvaluatesIntermediateWithCurrentInputs() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto model = ModelLoader::load(kHalfPlusTwo.toStdString());
        QVERIFY(model.ok());
        RunnerPanel panel;
        panel.setModel(model.value());
        QSignalSpy ready(&panel, &RunnerPanel::formReady);
        QVERIFY(panel.selectSignature(QStringLiteral("serving_default")));
        QVERIFY(ready.count() > 0 || ready.wait(30000));
        InputEditor* x = panel.editor(QStringLiteral("x"));
        QVERIFY(x);
        x->literalEdit()->setPlainText(QStringLiteral("[[2.0], [6.0]]"));
        QVERIFY(x->isValid());
        QSignalSpy opened(&panel, &RunnerPanel::tensorActivated);
        QSignalSpy done(&panel, &RunnerPanel::evaluated);
        panel.evaluate(QStringLiteral("Mul"));  // a * x, an intermediate no signature outputs
        QVERIFY(done.wait(30000));
        QCOMPARE(done.at(0).at(1).toString(), QString());
        QCOMPARE(done.at(0).at(2).toString(), QStringLiteral("Mul:0: [2,1] float32"));
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened.at(0).at(0).toString(), QStringLiteral("Mul:0"));
        const Tensor t = opened.at(0).at(1).value<Tensor>();
        QCOMPARE(t.data<float>()[0], 1.0f);
        QCOMPARE(t.data<float>()[1], 3.0f);
        // A node that is not there: the error, no tensor.
        panel.evaluate(QStringLiteral("no_such_node"));
        QVERIFY(done.wait(30000));
        QVERIFY(done.at(1).at(1).toString().contains(QStringLiteral("no node 'no_such_node'")));
        QCOMPARE(opened.count(), 1);
    }

    void testWithoutSessionSaysSo() {
        RunnerPanel panel;
        QSignalSpy done(&panel, &RunnerPanel::evaluated);
        panel.evaluate(QStringLiteral("y"));
        QCOMPARE(done.count(), 1);
        QVERIFY(done.at(0).at(1).toString().startsWith(QStringLiteral("No session is open")));
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestEvaluate)
#include "tst_evaluate.moc"
