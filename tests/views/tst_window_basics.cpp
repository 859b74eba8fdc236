// The window as a desktop tool, driven through real widgets: Redo by its keys, tensor cells that
// never cut a number (kotlindl's dense_4/kernel with the shared models; an in-repo tensor always),
// a refused cell edit says why, Find from one character with where each hit is, layout kept across
// two window instances (temporary settings file), docks that keep their width when the Run panel
// opens or a long-named tensor is shown, the View menu's panels, Help > About, the first size
// under QT_SCALE_FACTOR=1.5, inputs with a default shown as such (TF2 half_plus_two), the
// signature highlight for the inputs given, singular/plural counts.
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QDockWidget>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QUndoStack>

#include "dialog_driver.h"
#include "model/edit/edit_op.h"
#include "model/graph/graph_index.h"
#include "offscreen_screen.h"
#include "shared_models.h"
#include "temp_settings.h"
#include "views/edit/edit_controller.h"
#include "views/edit/edit_session.h"
#include "views/graph/graph_canvas.h"
#include "views/panels/properties_panel.h"
#include "views/runner/input_editor.h"
#include "views/runner/runner_panel.h"
#include "views/tensor/tensor_table_model.h"
#include "views/tensor/tensor_viewer.h"
#include "views/tree/model_tree_model.h"
#include "views/tree/tree_panel.h"
#include "views/window/main_window.h"

using namespace tfscope;

namespace {
const QString kTf2Module = QStringLiteral(TFSCOPE_TEST_DATA "/tf2_module");
const QString kKotlin = QStringLiteral(TFSCOPE_SHARED_MODELS "/kotlindl_mnist1_saved_model");
const QString kHp2Tf2 = QStringLiteral(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_tf2_cpu/00000123");
const QString kHp2 = QStringLiteral(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123");
const char kWeight[] = "weight/.ATTRIBUTES/VARIABLE_VALUE";

QAction* findAction(QWidget* w, const QString& menuTitle, const QString& text) {
    for (QAction* m : w->findChild<QMenuBar*>()->actions()) {
        if (!m->menu() || m->text() != menuTitle) continue;
        for (QAction* a : m->menu()->actions())
            if (a->text() == text) return a;
    }
    return nullptr;
}

bool open(MainWindow& w, const QString& path) {
    QSignalSpy loaded(&w, &MainWindow::modelLoaded);
    w.openPath(path);
    if (!(loaded.count() > 0 || loaded.wait(30000))) return false;
    QElapsedTimer t;
    t.start();
    while (w.isBusy() && t.elapsed() < 30000) QTest::qWait(20);
    return !w.isBusy();
}

std::vector<float> floats(const Tensor& t) {
    std::vector<float> out;
    for (int64_t i = 0; i < t.numElements(); ++i) out.push_back(t.data<float>()[i]);
    return out;
}

// The cell's text fits its column: nothing is elided.
bool fits(QTableView* table, int row, int col) {
    const QString text = table->model()->index(row, col).data().toString();
    return table->columnWidth(col) >= table->fontMetrics().horizontalAdvance(text) + 6;
}
}  // namespace

class TestWindowBasics : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(useTemporarySettings(m_settingsDir, "tst_window_basics"));
    }

    void testRedoKeys() {
        // Each key once: a key listed twice makes Qt report an ambiguous shortcut and do nothing.
        const QList<QKeySequence> keys = EditController::redoShortcuts();
        QCOMPARE(keys.first(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
        for (const QKeySequence& k : keys) QCOMPARE(keys.count(k), 1);

        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(open(w, kTf2Module));
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        EditController* ec = w.editController();
        QVERIFY(ec->apply(EditOp::fill(kWeight, 1.0)).ok());
        QSignalSpy messages(ec, &EditController::message);
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(floats(ec->session()->value(kWeight).value()), (std::vector<float>{2, 3, 4}));
        QVERIFY(!messages.isEmpty());
        QVERIFY2(messages.last().at(0).toString().startsWith(QStringLiteral("Undone: ")), qPrintable(messages.last().at(0).toString()));
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(floats(ec->session()->value(kWeight).value()), (std::vector<float>{1, 1, 1}));
        QVERIFY2(messages.last().at(0).toString().startsWith(QStringLiteral("Redone: ")), qPrintable(messages.last().at(0).toString()));
        ec->session()->setModel(nullptr);  // no unsaved-edits question on close
    }

    void testSmallNumbersNotCut() {
        TensorViewer viewer;
        viewer.resize(900, 500);
        viewer.show();
        const float small = 0.00427148491f, negative = -0.00468271f;
        viewer.setTensor(QStringLiteral("a_long_scope_name/another_scope/yet_another_scope/kernel_with_a_long_name"),
                         Tensor::fromVector<float>({2, 2}, {small, negative, 3.4028235e38f, 1e-30f}));
        QTableView* table = viewer.table();
        QCOMPARE(table->model()->index(0, 0).data().toString(), QStringLiteral("0.004271485"));
        QCOMPARE(table->model()->index(0, 1).data().toString(), QStringLiteral("-0.00468271"));
        for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 2; ++c) QVERIFY2(fits(table, r, c), qPrintable(table->model()->index(r, c).data().toString()));
        // Full precision in the tooltip and in Copy.
        QCOMPARE(table->model()->index(0, 0).data(Qt::ToolTipRole).toString(), QStringLiteral("[0, 0] = 0.004271485"));
        QCOMPARE(table->model()->index(1, 0).data(Qt::ToolTipRole).toString(), QStringLiteral("[1, 0] = 3.4028235e+38"));
        table->selectionModel()->select(QItemSelection(table->model()->index(1, 0), table->model()->index(1, 1)), QItemSelectionModel::Select);
        viewer.copySelection();
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("3.4028235e+38\t1e-30\n"));
        viewer.setTensor(QStringLiteral("d"), Tensor::fromVector<double>({1}, {-0.000123456789012345}));
        QVERIFY2(fits(table, 0, 0), qPrintable(table->model()->index(0, 0).data().toString()));
    }

    void testKotlinDenseKernel() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(open(w, kKotlin));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.selectItem(QStringLiteral("dense_4/kernel")));
        QTableView* table = w.tensorViewer()->table();
        QCOMPARE(table->model()->rowCount(), 784);
        // TensorFlow: 0.004271485 (numpy prints it as 0.00427148 at its default 8 decimals).
        QCOMPARE(table->model()->index(0, 1).data().toString(), QStringLiteral("0.004271485"));
        QCOMPARE(table->model()->index(0, 1).data(Qt::ToolTipRole).toString(), QStringLiteral("[0, 1] = 0.004271485"));
        for (int c = 0; c < 10; ++c) QVERIFY2(fits(table, 0, c), qPrintable(table->model()->index(0, c).data().toString()));
        if (qEnvironmentVariableIsSet("TFSCOPE_SCREENS")) w.grab().save(qEnvironmentVariable("TFSCOPE_SCREENS") + QStringLiteral("/tensor_kotlindl_dense4_kernel.png"));
    }

    void testRefusedCellSaysWhy() {
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(open(w, kTf2Module));
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QVERIFY(w.selectItem(QString::fromLatin1(kWeight)));
        QTableView* table = w.tensorViewer()->table();
        QVERIFY(w.tensorViewer()->tableModel()->isEditable());
        const QModelIndex cell = table->model()->index(1, 0);
        table->setCurrentIndex(cell);
        table->edit(cell);
        auto* editor = qobject_cast<QLineEdit*>(table->indexWidget(cell));
        if (!editor) editor = table->viewport()->findChild<QLineEdit*>();
        QVERIFY(editor);
        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("abc"));
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_COMPARE(w.tensorViewer()->noticeText(),  // the delegate commits from a queued call
                     QStringLiteral("'abc' is not a number: enter a number (2.5, -1e-3), nan, inf or -inf (true/false count as 1/0)."));
        QCOMPARE(cell.data().toString(), QStringLiteral("3"));
        QVERIFY(!w.editController()->hasUnsavedEdits());
    }

    void testFindOneCharacter() {
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(open(w, kTf2Module));
        QAction* find = findAction(&w, QStringLiteral("&Edit"), QStringLiteral("&Find…"));
        QVERIFY(find);
        QStringList rows, infos;
        onNextModal<QDialog>([&](QDialog* d) {
            auto* edit = d->findChild<QLineEdit*>();
            auto* list = d->findChild<QListWidget*>();
            auto* info = d->findChild<QLabel*>();
            QTest::keyClicks(edit, QStringLiteral("x"));  // one character
            for (int i = 0; i < list->count(); ++i) rows << list->item(i)->text();
            infos << info->text();
            QTest::keyClicks(edit, QStringLiteral("qqq"));
            infos << info->text() << QString::number(list->count());
            edit->clear();
            infos << info->text();
            d->reject();
        });
        find->trigger();
        QVERIFY(!rows.isEmpty());
        QCOMPARE(infos.value(0), QStringLiteral("%1 matches").arg(rows.size()));
        QCOMPARE(infos.value(1), QStringLiteral("0 matches"));
        QCOMPARE(infos.value(2), QStringLiteral("0"));
        QCOMPARE(infos.value(3), QString());  // no stale count
        // The two signatures' inputs named x say which signature they belong to.
        QVERIFY2(rows.contains(QStringLiteral("tree  x  DT_FLOAT  scale_x:0   — in MetaGraph [serve] › Signatures › scale › inputs")) ||
                     std::any_of(rows.begin(), rows.end(), [](const QString& r) { return r.contains(QStringLiteral("› scale ›")); }),
                 qPrintable(rows.join(QLatin1Char('\n'))));
        QVERIFY(std::any_of(rows.begin(), rows.end(), [](const QString& r) { return r.contains(QStringLiteral("› serving_default ›")); }));
    }

    void testLayoutAcrossInstances() {
        QTemporaryDir dir;
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
        {
            MainWindow w;
            w.restoreLayout();
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.resize(1000, 700);
            w.propertiesDock()->hide();
            w.treePanel()->view()->header()->resizeSection(0, 333);
            QTest::qWait(50);
            w.close();  // saves the layout
        }
        {
            MainWindow w;
            w.restoreLayout();
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QCOMPARE(w.size(), QSize(1000, 700));
            QVERIFY(w.propertiesDock()->isHidden());
            QCOMPARE(w.treePanel()->view()->header()->sectionSize(0), 333);
            // The View menu brings a closed panel back.
            QAction* props = findAction(&w, QStringLiteral("&View"), QStringLiteral("Properties Panel"));
            QVERIFY(props && props->isCheckable() && !props->isChecked());
            props->trigger();
            QVERIFY(!w.propertiesDock()->isHidden());
            for (const char* panel : {"Model Panel", "Run Panel"}) QVERIFY(findAction(&w, QStringLiteral("&View"), QString::fromLatin1(panel)));
        }
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    }

    void testDocksKeepTheirWidth() {
        MainWindow w;
        w.setErrorDialogs(false);
        w.resize(1400, 860);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(open(w, kTf2Module));
        QTest::qWait(50);
        const int tree = w.treeDock()->width(), props = w.propertiesDock()->width(), centre = w.centralWidget()->width();
        QVERIFY(w.showRunner(QStringLiteral("serving_default")));
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy() && !w.runner()->editors().empty(), 30000);
        QTest::qWait(50);
        QVERIFY2(std::abs(w.treeDock()->width() - tree) <= 2, qPrintable(QStringLiteral("%1 -> %2").arg(tree).arg(w.treeDock()->width())));
        QVERIFY2(std::abs(w.runnerDock()->width() - props) <= 2, qPrintable(QStringLiteral("%1 -> %2").arg(props).arg(w.runnerDock()->width())));
        QVERIFY(std::abs(w.centralWidget()->width() - centre) <= 2);
        w.tensorViewer()->setTensor(QString(300, QLatin1Char('n')), Tensor(DType::Double, {1000, 1000}));
        QTest::qWait(50);
        QVERIFY2(std::abs(w.centralWidget()->width() - centre) <= 2, qPrintable(QStringLiteral("%1 -> %2").arg(centre).arg(w.centralWidget()->width())));
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 30000);
    }

    void testAbout() {
        const QString text = MainWindow::aboutText();
        QVERIFY2(text.contains(QStringLiteral("tfscope 0.")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Qt ") + QString::fromLatin1(qVersion())));
        QVERIFY(text.contains(QStringLiteral("License: ")));
        MainWindow w;
        QVERIFY(findAction(&w, QStringLiteral("&Help"), QStringLiteral("&About tfscope")));
        QVERIFY(findAction(&w, QStringLiteral("&Help"), QStringLiteral("&Documentation")));
    }

    // QT_SCALE_FACTOR=1.5 on a 1600×1000 screen (where it opened at 2100×1290): the first window
    // fits the screen (the binary's --screenshot).
    void testFirstSizeFitsScaledScreen() {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("scaled.png"));
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_SCALE_FACTOR"), QStringLiteral("1.5"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), offscreenPlatform(dir, 1600, 1000));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.path());
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(TFSCOPE_BIN), {kTf2Module, QStringLiteral("--screenshot"), png});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        QImage shot(png);
        QVERIFY(!shot.isNull());
        const QSize screen(1600, 1000);  // device pixels
        QVERIFY2(shot.width() <= screen.width() && shot.height() <= screen.height(),
                 qPrintable(QStringLiteral("%1x%2 on %3x%4").arg(shot.width()).arg(shot.height()).arg(screen.width()).arg(screen.height())));
        QVERIFY(shot.width() >= screen.width() * 8 / 10);  // and uses most of it
        if (qEnvironmentVariableIsSet("TFSCOPE_SCREENS")) shot.save(qEnvironmentVariable("TFSCOPE_SCREENS") + QStringLiteral("/window_scale_1.5.png"));
    }

    // TF2 half_plus_two's x is a PlaceholderWithDefault: shown with the required inputs, pre-filled.
    void testInputWithDefault() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(open(w, kHp2Tf2));
        QVERIFY(w.showRunner(QStringLiteral("serving_default")));
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy() && !w.runner()->editors().empty(), 30000);
        RunnerPanel* r = w.runner();
        QVERIFY(!r->optionalToggle());  // nothing is computed by the graph
        InputEditor* x = r->editor(QStringLiteral("x"));
        QVERIFY(x && x->isVisible() == r->isVisible());
        QVERIFY(x->isOptional() && !x->isComputed());
        QCOMPARE(x->literalEdit()->toPlainText(), QStringLiteral("[0.0]"));
        const auto labels = x->findChildren<QLabel*>();
        QVERIFY(std::any_of(labels.begin(), labels.end(), [](QLabel* l) { return l->text().contains(QStringLiteral("has a default: [0.0]")); }));
        QVERIFY(std::none_of(labels.begin(), labels.end(), [](QLabel* l) { return l->text().contains(QStringLiteral("computed by the graph")); }));
        QSignalSpy done(r, &RunnerPanel::runFinished);
        r->run();
        QVERIFY(done.wait(30000));
        QVERIFY2(r->errorText().isEmpty(), qPrintable(r->errorText()));
        QCOMPARE(floats(r->outputs().at("y")), (std::vector<float>{2.0f}));  // 0.5 * 0 + 2
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 30000);
    }

    // The signature highlight stops at the fed inputs: regress_x_to_y fed its tf.Example input
    // runs ParseExample; serving_default (x fed) does not.
    void testSignatureHighlightForInputs() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        MainWindow w;
        w.setErrorDialogs(false);
        w.setRawView(true, /*remember=*/false);  // the graph's own nodes: variables are not folded
        QVERIFY(open(w, kHp2));
        auto g = w.canvas()->graph();
        const NodeId parse = g->find("ParseExample/ParseExample");
        QVERIFY(parse != kNoNode);
        QSignalSpy ready(w.runner(), &RunnerPanel::formReady);
        QVERIFY(w.showRunner(QStringLiteral("serving_default")));
        QVERIFY(ready.wait(30000));
        QSignalSpy done(w.runner(), &RunnerPanel::runFinished);
        w.runner()->run();
        QVERIFY(done.wait(30000));
        const QString status = w.statusText();
        QVERIFY2(status.startsWith(QStringLiteral("Signature serving_default runs ")), qPrintable(status));
        const auto& lit = w.canvas()->highlighted();
        QVERIFY(std::find(lit.begin(), lit.end(), parse) == lit.end());
        QVERIFY(std::find(lit.begin(), lit.end(), g->find("y")) != lit.end());
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 30000);
    }

    // The window wires its edits to the Run panel: edit `a` of half_plus_two, run, compare.
    void testWindowRunsWithEdits() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        MainWindow w;
        w.setErrorDialogs(false);
        w.resize(1400, 860);
        QVERIFY(open(w, kHp2));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.selectItem(QStringLiteral("a")));
        QVERIFY(w.editController()->apply(EditOp::fill("a", 1.0)).ok());
        QVERIFY(w.showRunner(QStringLiteral("serving_default")));
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy() && !w.runner()->editors().empty(), 30000);
        RunnerPanel* r = w.runner();
        r->editor(QStringLiteral("x"))->literalEdit()->setPlainText(QStringLiteral("[[2.0], [4.0]]"));
        QCOMPARE(r->editsLabel()->text(), QStringLiteral("Run with 1 edited variable: a"));
        QSignalSpy done(r, &RunnerPanel::runFinished);
        r->run();
        QVERIFY(done.wait(30000));
        QCOMPARE(floats(r->outputs().at("y")), (std::vector<float>{4.0f, 6.0f}));  // a * x + 2 with a = 1
        QTest::mouseClick(r->runOriginalButton(), Qt::LeftButton);
        QVERIFY(done.wait(30000));
        QCOMPARE(floats(r->originalOutputs().at("y")), (std::vector<float>{3.0f, 4.0f}));  // a = 0.5
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 30000);
        if (qEnvironmentVariableIsSet("TFSCOPE_SCREENS")) {
            // The first-start dock widths of a 1400-wide window (this test's screen is 800×600).
            w.resizeDocks({w.treeDock(), w.runnerDock()}, {392, 294}, Qt::Horizontal);
            QTest::qWait(50);
            w.grab().save(qEnvironmentVariable("TFSCOPE_SCREENS") + QStringLiteral("/run_panel_edited.png"));
        }
        w.editController()->session()->setModel(nullptr);
    }

    // A checkpoint folder lists its checkpoints by name and step; double click opens one; the
    // context menu offers it too.
    void testCheckpointFolder() {
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(open(w, QStringLiteral(TFSCOPE_TEST_DATA "/tf2_ckpt")));
        ModelTreeModel* m = w.treePanel()->treeModel();
        QModelIndex section;
        for (int r = 0; r < m->rowCount(); ++r)
            if (m->index(r, 0).data().toString() == QStringLiteral("Checkpoints")) section = m->index(r, 0);
        QVERIFY(section.isValid());
        QCOMPARE(m->rowCount(section), 2);
        QCOMPARE(m->index(0, 0, section).data().toString(), QStringLiteral("ckpt-1"));
        QCOMPARE(m->index(1, 0, section).data().toString(), QStringLiteral("ckpt-2 (latest)"));
        QVERIFY2(m->index(0, ModelTreeModel::ColInfo, section).data().toString().startsWith(QStringLiteral("step 1 — ")),
                 qPrintable(m->index(0, ModelTreeModel::ColInfo, section).data().toString()));
        const QModelIndex first = m->index(0, 0, section);
        std::unique_ptr<QMenu> menu(w.treeMenu(first));
        QCOMPARE(menu->actions().first()->text(), QStringLiteral("&Open This Checkpoint"));
        // Properties: never the previous item's text.
        w.treePanel()->selectSource(first);
        QVERIFY2(w.properties()->toPlainText().startsWith(QStringLiteral("ckpt-1")), qPrintable(w.properties()->toPlainText()));
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        emit w.treePanel()->view()->activated(w.treePanel()->proxy()->mapFromSource(first));
        QVERIFY(loaded.wait(30000));
        QCOMPARE(QString::fromStdString(w.model()->openedPath()), QStringLiteral(TFSCOPE_TEST_DATA "/tf2_ckpt/ckpt-1"));
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 30000);
    }

    // A variable's context menu; selecting it reveals its node; a signature's properties list its
    // inputs and outputs with dtypes and shapes.
    void testVariableMenuAndProperties() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        MainWindow w;
        w.setErrorDialogs(false);
        w.setRawView(true, /*remember=*/false);  // the graph's own nodes: variables are not folded
        QVERIFY(open(w, kHp2));
        const QModelIndex a = w.treePanel()->findByName(QStringLiteral("a"));
        QVERIFY(a.isValid());
        w.treePanel()->selectSource(a);
        const auto& lit = w.canvas()->highlighted();
        QCOMPARE(int(lit.size()), 1);
        QCOMPARE(std::string(w.canvas()->graph()->name(lit[0])), std::string("a"));
        std::unique_ptr<QMenu> menu(w.treeMenu(a));
        QStringList texts;
        for (QAction* act : menu->actions())
            if (!act->isSeparator()) texts << act->text();
        QCOMPARE(texts, (QStringList{QStringLiteral("Show in &Graph"), QStringLiteral("&Evaluate"), QStringLiteral("&Copy Name"),
                                     QStringLiteral("Copy &Value"), QStringLiteral("Re&name…"), QStringLiteral("&Export Selected Variables…")}));
        menu->actions()[3]->trigger();  // after the separator: Copy Name
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("a"));
        for (QAction* act : menu->actions())
            if (act->text() == QStringLiteral("Copy &Value")) act->trigger();
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("0.5"));

        const QModelIndex sig = w.treePanel()->findByName(QStringLiteral("regress_x_to_y"));
        QVERIFY(sig.isValid());
        w.treePanel()->selectSource(sig);
        const QString text = w.properties()->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("tensorflow/serving/regress")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("inputs\nstring\nunknown_rank\ntf_example:0")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("outputs\nfloat\n(-1, 1)\ny:0")), qPrintable(text));
    }

    // F5 keeps the signature chosen in the Run panel.
    void testReloadKeepsSignature() {
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(open(w, kTf2Module));
        QVERIFY(w.showRunner(QStringLiteral("scale")));
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy() && !w.runner()->editors().empty(), 30000);
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        w.reload();
        QVERIFY(loaded.wait(30000));
        QCOMPARE(w.runner()->signature(), QStringLiteral("scale"));
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy() && !w.runner()->editors().empty(), 30000);
        QVERIFY(w.runner()->editor(QStringLiteral("factor")));
    }

    // The graph node's context menu: copy the name, highlight its consumers.
    void testNodeMenu() {
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(open(w, kTf2Module));
        auto g = w.canvas()->graph();
        const NodeId x = g->find("serving_default_x");
        QVERIFY(x != kNoNode);
        std::unique_ptr<QMenu> menu(w.nodeMenu(x));
        QStringList texts;
        for (QAction* act : menu->actions())
            if (!act->isSeparator()) texts << act->text();
        QCOMPARE(texts, (QStringList{QStringLiteral("&Evaluate"), QStringLiteral("&Copy Name"), QStringLiteral("Show &Properties"),
                                     QStringLiteral("Highlight &Inputs"), QStringLiteral("Highlight &Outputs")}));
        for (QAction* act : menu->actions()) {
            if (act->text() == QStringLiteral("&Copy Name")) act->trigger();
            if (act->text() == QStringLiteral("Highlight &Outputs")) act->trigger();
        }
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("serving_default_x"));
        std::vector<NodeId> want{x};
        for (const ConsumerRef& c : g->consumers(x)) want.push_back(c.node);
        QVERIFY(want.size() >= 2);
        QCOMPARE(w.canvas()->highlighted(), want);
        QCOMPARE(w.statusText(), QStringLiteral("%1 consumer%2").arg(want.size() - 1).arg(want.size() == 2 ? QString() : QStringLiteral("s")));
    }

    void testCountsSayOneItem() {
        MainWindow w;
        w.setErrorDialogs(false);
        QVERIFY(open(w, kTf2Module));
        const QString dump = w.treePanel()->treeModel()->dump(1);
        ModelTreeModel* m = w.treePanel()->treeModel();
        QStringList infos;
        std::vector<QModelIndex> stack{QModelIndex()};
        while (!stack.empty()) {
            QModelIndex p = stack.back();
            stack.pop_back();
            for (int r = 0; r < m->rowCount(p); ++r) {
                infos << m->index(r, ModelTreeModel::ColInfo, p).data().toString();
                stack.push_back(m->index(r, 0, p));
            }
        }
        for (const QString& i : infos) {
            QVERIFY2(!i.startsWith(QStringLiteral("1 items")) && !i.startsWith(QStringLiteral("1 params")) && !i.contains(QStringLiteral("(s)")), qPrintable(i));
        }
        QVERIFY(infos.contains(QStringLiteral("1 item")) || std::any_of(infos.begin(), infos.end(), [](const QString& i) { return i.startsWith(QStringLiteral("1 param,")); }));
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestWindowBasics)
#include "tst_window_basics.moc"
