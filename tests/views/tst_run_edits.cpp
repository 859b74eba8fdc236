// The edit → test-run loop: the Run panel takes the window's unsaved value edits (written into the
// session's variables, not reloaded), says so, and "Run with original values" runs without them,
// side by side in the outputs table. Undoing the edit gives the file's values back to the next run.
// A successful export settles the edits (no warning as if they were lost).
// In-repo fixture: tests/data/tf2_module (y = x * weight + child.bias, TF2 resource variables);
// with the shared models also TF1 half_plus_two (y = a * x + b, ref variables).
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QUndoStack>

#include "model/edit/edit_op.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "shared_models.h"
#include "temp_settings.h"
#include "views/edit/edit_controller.h"
#include "views/edit/edit_session.h"
#include "views/runner/input_editor.h"
#include "views/runner/runner_panel.h"
#include "views/window/main_window.h"

using namespace tfscope;

namespace {
const QString kTf2Module = QStringLiteral(TFSCOPE_TEST_DATA "/tf2_module");
const QString kHalfPlusTwo = QStringLiteral(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123");

std::vector<float> floats(const Tensor& t) {
    std::vector<float> out;
    for (int64_t i = 0; i < t.numElements(); ++i) out.push_back(t.data<float>()[i]);
    return out;
}

bool openForm(RunnerPanel& panel, const QString& signature) {
    QSignalSpy ready(&panel, &RunnerPanel::formReady);
    if (!panel.selectSignature(signature)) return false;
    return ready.count() > 0 || ready.wait(30000);
}

void setLiteral(RunnerPanel& panel, const QString& key, const QString& text) {
    InputEditor* e = panel.editor(key);
    QVERIFY(e);
    e->literalEdit()->setFocus();
    e->literalEdit()->selectAll();
    QTest::keyClicks(e->literalEdit(), text);
    QVERIFY2(e->isValid(), qPrintable(e->validationText()));
}

bool click(RunnerPanel& panel, QPushButton* button) {
    QSignalSpy done(&panel, &RunnerPanel::runFinished);
    QTest::mouseClick(button, Qt::LeftButton);
    return done.count() > 0 || done.wait(30000);
}
}  // namespace

class TestRunEdits : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(useTemporarySettings(m_settingsDir, "tst_run_edits"));
    }

    void testTf2EditedAndOriginalSideBySide() {
        auto model = ModelLoader::load(kTf2Module.toStdString());
        QVERIFY2(model.ok(), model.status().message().c_str());
        EditSession edits;
        edits.setModel(model.value());
        QVERIFY(edits.active());
        RunnerPanel panel;
        panel.setEditSession(&edits);
        panel.setModel(model.value());
        QVERIFY(openForm(panel, QStringLiteral("serving_default")));
        QVERIFY(panel.editsLabel()->isHidden());
        QVERIFY(panel.runOriginalButton()->isHidden());
        setLiteral(panel, QStringLiteral("x"), QStringLiteral("[[1.0, 2.0, 3.0]]"));

        // The file's values: y = x * [2, 3, 4] + [0.5, -0.5, 1] (TensorFlow's recorded output).
        QVERIFY(click(panel, panel.runButton()));
        QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
        QCOMPARE(floats(panel.outputs().at("y")), (std::vector<float>{2.5f, 5.5f, 13.0f}));

        // An unsaved edit of `weight` is what the next run uses, and the panel says so.
        const EditItem* weight = nullptr;
        for (const EditItem& i : edits.set().items())
            if (i.sourceKey == "weight/.ATTRIBUTES/VARIABLE_VALUE") weight = &i;
        QVERIFY(weight);
        const std::string name = weight->name;
        QVERIFY(edits.apply(EditOp::fill(name, 1.0)).ok());
        QCOMPARE(panel.editedCount(), 1);
        QVERIFY(!panel.editsLabel()->isHidden());
        QCOMPARE(panel.editsLabel()->text(), QStringLiteral("Run with 1 edited variable: %1").arg(QString::fromStdString(name)));
        QVERIFY(!panel.runOriginalButton()->isHidden());
        QVERIFY(click(panel, panel.runButton()));
        QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
        QCOMPARE(floats(panel.outputs().at("y")), (std::vector<float>{1.5f, 1.5f, 4.0f}));
        QVERIFY2(panel.statusText().endsWith(QStringLiteral(", with 1 edited variable.")), qPrintable(panel.statusText()));
        QVERIFY(panel.outputList()->isColumnHidden(4));  // no original run yet

        // "Run with original values": the file's values again, side by side with the edited run.
        QVERIFY(click(panel, panel.runOriginalButton()));
        QCOMPARE(floats(panel.originalOutputs().at("y")), (std::vector<float>{2.5f, 5.5f, 13.0f}));
        QCOMPARE(floats(panel.outputs().at("y")), (std::vector<float>{1.5f, 1.5f, 4.0f}));
        QVERIFY2(panel.statusText().endsWith(QStringLiteral(", with the original values.")), qPrintable(panel.statusText()));
        QVERIFY(!panel.outputList()->isColumnHidden(4));
        QCOMPARE(panel.outputList()->headerItem()->text(3), QStringLiteral("Edited values"));
        QCOMPARE(panel.outputList()->headerItem()->text(4), QStringLiteral("Original values"));
        QTreeWidgetItem* row = panel.outputList()->topLevelItem(0);
        QCOMPARE(row->text(3), QStringLiteral("1.5, 1.5, 4"));
        QCOMPARE(row->text(4), QStringLiteral("2.5, 5.5, 13"));
        // Both value columns fit a narrow dock: dtype and shape step aside into the name's tooltip.
        panel.resize(360, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(click(panel, panel.runOriginalButton()));
        QTreeWidget* list = panel.outputList();
        QVERIFY(list->isColumnHidden(1) && list->isColumnHidden(2));
        QCOMPARE(list->topLevelItem(0)->toolTip(0), QStringLiteral("float32 [1,3]"));
        const int right = list->header()->sectionViewportPosition(4) + 20;
        QVERIFY2(right <= list->viewport()->width(), qPrintable(QString::number(right)));

        // The edited run again (the session got the original back in between), then other inputs:
        // the original column goes away, it was for other inputs.
        QVERIFY(click(panel, panel.runButton()));
        QCOMPARE(floats(panel.outputs().at("y")), (std::vector<float>{1.5f, 1.5f, 4.0f}));
        setLiteral(panel, QStringLiteral("x"), QStringLiteral("[[2.0, 2.0, 2.0]]"));
        QVERIFY(click(panel, panel.runButton()));
        QCOMPARE(floats(panel.outputs().at("y")), (std::vector<float>{2.5f, 1.5f, 3.0f}));
        QVERIFY(panel.outputList()->isColumnHidden(4));

        // Undo: no edits; the next run has the file's values back.
        edits.undoStack()->undo();
        QCOMPARE(panel.editedCount(), 0);
        QVERIFY(panel.editsLabel()->isHidden());
        QVERIFY(click(panel, panel.runButton()));
        QCOMPARE(floats(panel.outputs().at("y")), (std::vector<float>{4.5f, 5.5f, 9.0f}));
        QCOMPARE(panel.statusText().contains(QStringLiteral("edited")), false);
    }

    void testTf1RefVariables() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto model = ModelLoader::load(kHalfPlusTwo.toStdString());
        QVERIFY2(model.ok(), model.status().message().c_str());
        EditSession edits;
        edits.setModel(model.value());
        RunnerPanel panel;
        panel.setModel(model.value());
        panel.setEditSession(&edits);
        QVERIFY(openForm(panel, QStringLiteral("serving_default")));
        setLiteral(panel, QStringLiteral("x"), QStringLiteral("[[2.0]]"));
        QVERIFY(edits.apply(EditOp::fill("a", 1.0)).ok());  // y = a * x + b, a was 0.5
        QCOMPARE(panel.editsLabel()->text(), QStringLiteral("Run with 1 edited variable: a"));
        QVERIFY(click(panel, panel.runButton()));
        QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
        QCOMPARE(floats(panel.outputs().at("y")), (std::vector<float>{4.0f}));
        QVERIFY(click(panel, panel.runOriginalButton()));
        QCOMPARE(floats(panel.originalOutputs().at("y")), (std::vector<float>{3.0f}));
        // A cast cannot be run (the graph reads float32): said, and the run keeps the file's value.
        QVERIFY(edits.apply(EditOp::cast("b", DType::Double)).ok());
        QVERIFY2(panel.editsLabel()->text().contains(QStringLiteral("Not used by runs: 'b': cast to float64, the graph reads float32")),
                 qPrintable(panel.editsLabel()->text()));
        QVERIFY(click(panel, panel.runButton()));
        QCOMPARE(floats(panel.outputs().at("y")), (std::vector<float>{4.0f}));
    }

    // A successful export settles the edits: no "unsaved edits" question on reopening, the window
    // is not marked modified; a later edit is pending again.
    void testExportSettlesEdits() {
        MainWindow w;
        w.setErrorDialogs(false);
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        w.openPath(kTf2Module);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        EditController* ec = w.editController();
        QVERIFY(ec->apply(EditOp::fill("weight/.ATTRIBUTES/VARIABLE_VALUE", 1.0)).ok());
        QVERIFY(ec->hasUnsavedEdits());
        QVERIFY(w.isWindowModified());
        QTemporaryDir out;
        QSignalSpy exported(ec, &EditController::exportFinished);
        QVERIFY(ec->startExport(ExportFormat::Checkpoint, out.filePath(QStringLiteral("model.ckpt"))));
        QVERIFY(exported.wait(30000));
        QVERIFY2(exported.at(0).at(0).toBool(), qPrintable(exported.at(0).at(1).toString()));
        QVERIFY(!ec->hasUnsavedEdits());
        QVERIFY(ec->exportedWithoutScript());
        QVERIFY(!w.isWindowModified());
        QVERIFY(ec->apply(EditOp::fill("weight/.ATTRIBUTES/VARIABLE_VALUE", 2.0)).ok());
        QVERIFY(ec->hasUnsavedEdits());
        QVERIFY(w.isWindowModified());
        ec->session()->undoStack()->undo();  // back to what was exported
        QVERIFY(!ec->hasUnsavedEdits());
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 30000);
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestRunEdits)
#include "tst_run_edits.moc"
