// MainWindow: opening off the GUI thread, open-error handling (the previous model stays open and
// the message names the file), the properties panel text for a known node, selecting items, the
// unsaved-edits marker and prompt.
#include <QAbstractButton>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include "shared_models.h"
#include "temp_settings.h"

#include <algorithm>

#include "dialog_driver.h"
#include "model/edit/edit_op.h"
#include "model/graph/graph_index.h"
#include "views/edit/edit_controller.h"
#include "views/edit/edit_session.h"
#include "views/graph/graph_canvas.h"
#include "views/panels/properties_panel.h"
#include "views/panels/node_properties.h"
#include "views/tensor/tensor_table_model.h"
#include "views/tensor/tensor_viewer.h"
#include "views/window/main_window.h"

using namespace tfscope;

namespace {
const QString kTutorial = QStringLiteral(TFSCOPE_TEST_DATA "/tutorial");
const QString kDemo = QStringLiteral(TFSCOPE_SOURCE_DIR "/resources/demo");
const QString kHalfPlusTwo = QStringLiteral(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123");
}

class TestMainWindow : public QObject {
    Q_OBJECT
    // Settings (recent files, the file dialogs' history, the last folder) live in a temporary folder:
    // a stale history left in the user's QtProject.conf made a file dialog step hang.
    QTemporaryDir m_settingsDir;
private slots:
    void initTestCase() { QVERIFY(useTemporarySettings(m_settingsDir, "tst_main_window")); }

    void testOpenErrorKeepsPreviousModel() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        MainWindow w;
        w.setErrorDialogs(false);
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        QSignalSpy failed(&w, &MainWindow::loadFailed);
        w.openPath(QStringLiteral("/nonexistent/tfscope/model"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("/nonexistent/tfscope/model")));
        QVERIFY(!w.model());

        w.openPath(kHalfPlusTwo);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        auto first = w.model();
        QVERIFY(first);
        QVERIFY(w.canvas()->graph());
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 20000);

        QTemporaryDir dir;
        const QString bad = dir.filePath(QStringLiteral("saved_model.pb"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a protobuf \xff\xff\xff\xff");
        f.close();
        w.openPath(dir.path());
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, 10000);
        QVERIFY2(failed.at(1).at(0).toString().contains(dir.path()), qPrintable(failed.at(1).at(0).toString()));
        QCOMPARE(w.model(), first);  // still open
        QCOMPARE(loaded.count(), 1);
    }

    void testPropertiesOfKnownNode() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        MainWindow w;
        w.setErrorDialogs(false);
        w.setRawView(true, /*remember=*/false);  // the graph's own nodes, weights not folded
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        w.openPath(kHalfPlusTwo);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        auto g = w.canvas()->graph();
        NodeId mul = g->find("Mul");
        QVERIFY(mul != kNoNode);
        const QString text = nodePropertiesText(*g, mul);
        QVERIFY2(text.startsWith(QStringLiteral("name: Mul\nop: Mul\ndevice: /device:CPU:0\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("attr T: DT_FLOAT\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("input 0: a/read:0\ninput 1: x:0\n")), qPrintable(text));
        QVERIFY2(text.endsWith(QStringLiteral("output 0: Add")), qPrintable(text));
        const QString html = nodePropertiesHtml(*g, mul, &w.model()->summary());
        QVERIFY(html.contains(QStringLiteral("href=\"node:x\"")));
    }

    void testSelectVariableShowsTensor() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        MainWindow w;
        w.setErrorDialogs(false);
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        w.openPath(kHalfPlusTwo);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 20000);
        QVERIFY(w.selectItem(QStringLiteral("b")));
        TensorTableModel* t = w.tensorViewer()->tableModel();
        QCOMPARE(t->rowCount(), 1);
        QCOMPARE(t->index(0, 0).data().toString(), QStringLiteral("2"));
        QVERIFY(w.selectItem(QStringLiteral("Add")));  // a graph node
        QTRY_COMPARE_WITH_TIMEOUT(w.canvas()->selectedNode(), w.canvas()->graph()->find("Add"), 10000);
        QVERIFY(!w.selectItem(QStringLiteral("no such thing")));
    }

    void testFunctionOpensAsGraph() {
        MainWindow w;
        w.setErrorDialogs(false);
        w.setRawView(true, /*remember=*/false);  // the raw graph, whose call nodes name their functions
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        w.openPath(QStringLiteral(TFSCOPE_SOURCE_DIR "/resources/demo"));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        auto main = w.canvas()->graph();
        QVERIFY(main);
        const auto& fns = main->functionNames();
        auto it = std::find_if(fns.begin(), fns.end(), [](const std::string& f) { return f.find("wrapped_model") != std::string::npos; });
        QVERIFY(it != fns.end());
        QVERIFY(w.selectItem(QString::fromStdString(*it)));
        QVERIFY(w.canvas()->graph() != main);
        QVERIFY(w.canvas()->graph()->isFunctionBody());
        const QString f = QString::fromStdString(*it);
        QCOMPARE(w.properties()->toPlainText(), QStringLiteral("Function %1\nMain graph \u203a %1").arg(f));
        // A call link inside f opens g below it on the trail; f's link steps back to f.
        const QString g = QString::fromStdString(*std::find_if(fns.begin(), fns.end(), [&](const std::string& x) { return x != *it; }));
        emit w.properties()->functionLinkActivated(g);
        auto gGraph = w.canvas()->graph();
        QVERIFY(gGraph != main && gGraph->isFunctionBody());
        QCOMPARE(w.properties()->toPlainText(), QStringLiteral("Function %2\nMain graph \u203a %1 \u203a %2").arg(f, g));
        emit w.properties()->functionLinkActivated(f);
        QVERIFY(w.canvas()->graph() != gGraph);
        QCOMPARE(w.properties()->toPlainText(), QStringLiteral("Function %1\nMain graph \u203a %1").arg(f));
        emit w.properties()->functionLinkActivated(QString());  // "Main graph"
        QCOMPARE(w.canvas()->graph(), main);
    }

    // Pending edits: windowModified ([*] in the title), and opening another model or closing asks
    // Save Edit Script… / Discard / Cancel.
    void testUnsavedEditsPrompt() {
        MainWindow w;
        w.setErrorDialogs(false);
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        w.openPath(kTutorial);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        QCOMPARE(w.windowTitle(), QStringLiteral("tutorial[*] — tfscope"));
        QVERIFY(!w.isWindowModified());
        EditController* ec = w.editController();
        QVERIFY(ec->apply(EditOp::scale("v1", 2.0)).ok());
        QVERIFY(w.isWindowModified());
        ec->session()->undoStack()->undo();
        QVERIFY(!w.isWindowModified());
        ec->session()->undoStack()->redo();
        QVERIFY(w.isWindowModified());
        w.setErrorDialogs(true);
        w.show();

        // Cancel: the other model is not opened, the window does not close.
        QString text;
        onNextModal<QMessageBox>([&](QMessageBox* box) {
            text = box->text();
            box->button(QMessageBox::Cancel)->click();
        });
        w.openPath(kDemo);
        QCOMPARE(text, QStringLiteral("The variables of tutorial have edits that are not saved as an edit script."));
        QVERIFY(!w.isBusy());
        QCOMPARE(QString::fromStdString(w.model()->rootPath()), kTutorial);
        onNextModal<QMessageBox>([](QMessageBox* box) { box->button(QMessageBox::Cancel)->click(); });
        QVERIFY(!w.close());
        QVERIFY(w.isVisible());
        QVERIFY(w.isWindowModified());

        // Save Edit Script…: the file dialog, then the edits count as saved.
        QTemporaryDir dir;
        const QString script = dir.filePath(QStringLiteral("edits.json"));
        onNextModal<QMessageBox>([&](QMessageBox* box) {
            QCOMPARE(box->button(QMessageBox::Save)->text(), QStringLiteral("Save Edit Script…"));
            onNextModal<QFileDialog>([&](QFileDialog* d) {
                chooseFile(d, script);
            });
            box->button(QMessageBox::Save)->click();
        });
        QVERIFY(w.confirmDiscardEdits());
        QFile f(script);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(f.readAll().contains(R"("op": "scale")"), "the saved script holds the edit");
        QVERIFY(!w.isWindowModified());
        QVERIFY(w.confirmDiscardEdits());  // nothing pending: no prompt (no handler is waiting)
        // The script and export dialogs remember their folders, each its own.
        QString scriptStart, exportStart;
        onNextModal<QFileDialog>([&](QFileDialog* d) {
            scriptStart = d->directory().canonicalPath();
            static_cast<QDialog*>(d)->reject();
        });
        QVERIFY(!ec->saveScriptDialog());
        QCOMPARE(scriptStart, QDir(dir.path()).canonicalPath());
        onNextModal<QFileDialog>([&](QFileDialog* d) {
            exportStart = d->directory().canonicalPath();
            static_cast<QDialog*>(d)->reject();
        });
        ec->exportSelectedDialog(ExportFormat::Checkpoint);
        QVERIFY(!exportStart.isEmpty() && exportStart != QDir(dir.path()).canonicalPath());

        // Discard: the other model opens and the marker goes.
        QVERIFY(ec->apply(EditOp::fill("v2", 4.0)).ok());
        QVERIFY(w.isWindowModified());
        onNextModal<QMessageBox>([](QMessageBox* box) { box->button(QMessageBox::Discard)->click(); });
        w.openPath(kDemo);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 20000);
        QCOMPARE(w.windowTitle(), QStringLiteral("demo[*] — tfscope"));
        QVERIFY(!w.isWindowModified());
        w.setErrorDialogs(false);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
