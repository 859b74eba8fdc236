// The editing flow in the real window on tests/data/tutorial (TF1 Saver: v1 = [1,1,1],
// v2 = [-1]*5): export checkboxes in the tree, rename, a cell edited through the tensor table,
// undo/redo through the Edit menu's actions, background export read back with CheckpointReader,
// the saved edit script replayed by the core, and the refusal to export over the opened model.
#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QInputDialog>
#include <QLineEdit>
#include <QDir>
#include <QFile>
#include <QFont>
#include <QMenuBar>
#include <QProcess>
#include <QProgressDialog>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>

#include <QTreeView>
#include <QUndoStack>
#include "shared_models.h"
#include "temp_settings.h"

#include <functional>

#include "dialog_driver.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/io/npy.h"
#include "model/edit/edit_op.h"
#include "model/edit/edit_set.h"
#include "model/loader/model.h"
#include "views/edit/edit_controller.h"
#include "views/edit/edit_session.h"
#include "views/export/export_runner.h"
#include "views/tensor/tensor_table_model.h"
#include "views/tensor/tensor_viewer.h"
#include "views/tree/model_tree_model.h"
#include "views/tree/tree_panel.h"
#include "views/window/main_window.h"

using namespace tfscope;

namespace {
const QString kTutorial = QStringLiteral(TFSCOPE_TEST_DATA "/tutorial");

QAction* findAction(QWidget* w, const QString& menuTitle, const QString& text) {
    for (QAction* m : w->findChild<QMenuBar*>()->actions()) {
        if (!m->menu() || m->text() != menuTitle) continue;
        std::vector<QMenu*> menus{m->menu()};
        while (!menus.empty()) {
            QMenu* menu = menus.back();
            menus.pop_back();
            for (QAction* a : menu->actions()) {
                if (a->menu()) menus.push_back(a->menu());
                else if (a->text().startsWith(text)) return a;
            }
        }
    }
    return nullptr;
}

// The tree item of variable `name` (summary name), through the proxy the view shows.
QModelIndex treeItem(MainWindow& w, const std::string& name) {
    const auto& vars = w.model()->summary().variables;
    for (size_t v = 0; v < vars.size(); ++v)
        if (vars[v].name == name) return w.treePanel()->proxy()->mapFromSource(w.treePanel()->treeModel()->indexForVariable(int(v)));
    return {};
}

std::vector<float> floats(const Tensor& t) {
    std::vector<float> out;
    for (int64_t i = 0; i < t.numElements(); ++i) out.push_back(t.data<float>()[i]);
    return out;
}

// The Scope item whose name-column path below the Variables section is `path` ("keras_api/metrics").
QModelIndex scopeItem(ModelTreeModel* m, const QString& path) {
    for (int r = 0; r < m->rowCount(); ++r) {
        QModelIndex at = m->index(r, 0);
        if (!at.data().toString().startsWith(QStringLiteral("Variables"))) continue;
        for (const QString& part : path.split(QLatin1Char('/'))) {
            QModelIndex next;
            for (int k = 0; k < m->rowCount(at) && !next.isValid(); ++k)
                if (m->index(k, 0, at).data().toString() == part) next = m->index(k, 0, at);
            if (!next.isValid()) return {};
            at = next;
        }
        return at;
    }
    return {};
}

QStringList dirListing(const QString& dir) { return QDir(dir).entryList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name); }
}  // namespace

class TestEditFlow : public QObject {
    Q_OBJECT
    // Settings (recent files, the file dialogs' history, the last folder) live in a temporary folder:
    // a stale history left in the user's QtProject.conf made a file dialog step hang.
    QTemporaryDir m_settingsDir;

private:
    void open(MainWindow& w) {
        w.setErrorDialogs(false);
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        w.openPath(kTutorial);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        QVERIFY(w.editController()->session()->active());
    }

private slots:
    void initTestCase() { QVERIFY(useTemporarySettings(m_settingsDir, "tst_edit_flow")); }

    void testSelectRenameEditUndoExport() {
        MainWindow w;
        open(w);
        if (QTest::currentTestFailed()) return;
        EditController* ec = w.editController();
        QUndoStack* stack = ec->session()->undoStack();
        const QModelIndex v1 = treeItem(w, "v1"), v2 = treeItem(w, "v2");
        QVERIFY(v1.isValid() && v2.isValid());
        QVERIFY(v2.flags() & Qt::ItemIsUserCheckable);
        QCOMPARE(v1.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));

        // Edit > Select for Export > Select None, then tick v2's checkbox.
        QAction* none = findAction(&w, QStringLiteral("&Edit"), QStringLiteral("Select &None"));
        QVERIFY(none);
        none->trigger();
        QCOMPARE(v1.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        QCOMPARE(v2.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        QVERIFY(w.treePanel()->proxy()->setData(v2, Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(v2.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(v1.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        QCOMPARE(ec->session()->set().selectedCount(), 1);

        // Show v2 (tree selection → tensor viewer), rename it.
        QVERIFY(w.selectItem(QStringLiteral("v2")));
        QCOMPARE(ec->currentVariable(), QStringLiteral("v2"));
        QVERIFY(!v2.data(ModelTreeModel::ModifiedRole).toBool());
        QVERIFY(ec->apply(EditOp::rename("v2", "head/w2")).ok());
        QCOMPARE(ec->currentVariable(), QStringLiteral("head/w2"));
        QCOMPARE(w.tensorViewer()->tensorName(), QStringLiteral("head/w2"));
        QVERIFY(v2.data(ModelTreeModel::ModifiedRole).toBool());
        QVERIFY(!v1.data(ModelTreeModel::ModifiedRole).toBool());
        QCOMPARE(v2.data().toString(), QStringLiteral("v2  [→ head/w2]"));
        QCOMPARE(v1.data().toString(), QStringLiteral("v1"));
        // A refused rename changes nothing and adds no undo step.
        const Status refused = ec->apply(EditOp::rename("head/w2", "v1"));
        QCOMPARE(QString::fromStdString(refused.message()), QStringLiteral("Cannot rename 'head/w2' to 'v1': a variable named 'v1' already exists."));
        QCOMPARE(stack->count(), 3);

        // Edit cell [3] through the table model (what the view's delegate calls).
        TensorTableModel* table = w.tensorViewer()->tableModel();
        QVERIFY(table->flags(table->index(3, 0)) & Qt::ItemIsEditable);
        QVERIFY(!table->setData(table->index(3, 0), QStringLiteral("abc"), Qt::EditRole));
        QVERIFY(table->setData(table->index(3, 0), QStringLiteral("2.5"), Qt::EditRole));
        QCOMPARE(stack->count(), 4);
        QCOMPARE(table->index(3, 0).data().toString(), QStringLiteral("2.5"));
        QCOMPARE(floats(ec->session()->value("head/w2").value()), (std::vector<float>{-1, -1, -1, 2.5f, -1}));
        QCOMPARE(v2.data().toString(), QStringLiteral("v2  [→ head/w2, values edited]"));
        QVERIFY(v2.data(Qt::FontRole).value<QFont>().bold());
        if (const QByteArray shot = qgetenv("TFSCOPE_EDIT_SCREENSHOT"); !shot.isEmpty()) {
            w.treePanel()->view()->setColumnWidth(ModelTreeModel::ColName, 260);
            w.grab().save(QString::fromLocal8Bit(shot));
            for (QAction* m : w.findChild<QMenuBar*>()->actions())
                if (m->menu()) {
                    m->menu()->adjustSize();
                    m->menu()->grab().save(QString::fromLocal8Bit(shot) + m->text().remove(QLatin1Char('&')) + QStringLiteral(".png"));
                }
        }

        // Ctrl+Z / Ctrl+Shift+Z through the Edit menu's actions.
        QAction* undo = findAction(&w, QStringLiteral("&Edit"), QStringLiteral("&Undo"));
        QAction* redo = findAction(&w, QStringLiteral("&Edit"), QStringLiteral("&Redo"));
        QVERIFY(undo && redo);
        QCOMPARE(undo->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Z));
        QCOMPARE(redo->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
        undo->trigger();
        QCOMPARE(table->index(3, 0).data().toString(), QStringLiteral("-1"));
        QCOMPARE(floats(ec->session()->value("head/w2").value()), (std::vector<float>(5, -1.0f)));
        QVERIFY(!ec->session()->item("head/w2")->valueEdited());
        redo->trigger();
        QCOMPARE(table->index(3, 0).data().toString(), QStringLiteral("2.5"));
        QCOMPARE(floats(ec->session()->value("head/w2").value()), (std::vector<float>{-1, -1, -1, 2.5f, -1}));

        // Save the edit script; File > Export (checkpoint) in the background.
        QTemporaryDir dir;
        const QString script = dir.filePath(QStringLiteral("edits.json"));
        QVERIFY(ec->saveScript(script).ok());
        QSignalSpy done(ec, &EditController::exportFinished);
        const QString out = dir.filePath(QStringLiteral("out/model.ckpt"));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("out"))));
        QVERIFY(ec->startExport(ExportFormat::Checkpoint, out));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
        QCOMPARE(done.at(0).at(1).toString(), QStringLiteral("Exported 1 tensors to '%1'.").arg(out));

        auto reader = CheckpointReader::open(out.toStdString());
        QVERIFY2(reader.ok(), reader.status().message().c_str());
        QCOMPARE(reader.value()->entries().size(), size_t(1));
        QCOMPARE(reader.value()->entries()[0].key, std::string("head/w2"));
        auto t = reader.value()->read("head/w2");
        QVERIFY(t.ok());
        QCOMPARE(t.value().dtype(), DType::Float);
        QCOMPARE(t.value().shape(), Shape({5}));
        QCOMPARE(floats(t.value()), (std::vector<float>{-1, -1, -1, 2.5f, -1}));

        // The script holds the four steps and replays to the same variables.
        QFile f(script);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const std::string json = f.readAll().toStdString();
        auto ops = parseEditScript(json, dir.path().toStdString());
        QVERIFY2(ops.ok(), ops.status().message().c_str());
        QCOMPARE(ops.value().size(), size_t(4));
        QCOMPARE(int(ops.value()[0].kind()), int(EditKind::Deselect));
        QCOMPARE(int(ops.value()[1].kind()), int(EditKind::Select));
        QCOMPARE(ops.value()[1].get<edits::Select>()->selector.pattern, std::string("v2"));
        QCOMPARE(int(ops.value()[2].kind()), int(EditKind::Rename));
        QCOMPARE(int(ops.value()[3].kind()), int(EditKind::SetCell));
        auto src = CheckpointReader::open(kTutorial.toStdString() + "/model.ckpt");
        QVERIFY(src.ok());
        auto replay = EditSet::fromCheckpoint(std::shared_ptr<const CheckpointReader>(std::move(src).value()));
        QVERIFY(replay.ok());
        QVERIFY(replay.value().applyAll(ops.value()).ok());
        auto items = replay.value().exportItems();
        QCOMPARE(items.size(), size_t(1));
        QCOMPARE(items[0]->name, std::string("head/w2"));
        QCOMPARE(floats(replay.value().value(*items[0]).value()), (std::vector<float>{-1, -1, -1, 2.5f, -1}));

        // Undo everything: no marks, both boxes ticked again.
        while (stack->canUndo()) undo->trigger();
        QVERIFY(!v2.data(ModelTreeModel::ModifiedRole).toBool());
        QCOMPARE(v1.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(v2.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(w.tensorViewer()->tensorName(), QStringLiteral("v2"));
    }

    // The GUI's edit script, replayed by `tfscope export --script` (the built binary), gives the
    // same checkpoint as the GUI's own export: same keys, dtypes, shapes and bytes. On the TF2 demo
    // model (names are checkpoint keys) a scope checkbox writes one `variable_scope` rule.
    void testScriptReplayedByCliMatchesGuiExport() {
        MainWindow w;
        w.setErrorDialogs(false);
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        const QString demo = QStringLiteral(TFSCOPE_SOURCE_DIR "/resources/demo");
        w.openPath(demo);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        EditController* ec = w.editController();
        QVERIFY(ec->session()->active());
        ModelTreeModel* m = w.treePanel()->treeModel();
        const QModelIndex conv1 = scopeItem(m, QStringLiteral("conv1")), metrics = scopeItem(m, QStringLiteral("keras_api/metrics"));
        QVERIFY(conv1.isValid() && metrics.isValid());
        QCOMPARE(m->rowCount(metrics), 2);  // metrics 0 and 1, each with count and total
        QVERIFY(m->setData(conv1, Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(m->setData(metrics, Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(ec->session()->set().selectedCount(), 12 - 2 - 4);
        const std::string kernel = "layer_with_weights-3/kernel/.ATTRIBUTES/VARIABLE_VALUE";
        const std::string bias = "layer_with_weights-2/bias/.ATTRIBUTES/VARIABLE_VALUE";
        QVERIFY(w.selectItem(QString::fromStdString(kernel)));
        QVERIFY(ec->apply(EditOp::rename(kernel, "head/kernel")).ok());
        QVERIFY(ec->apply(EditOp::scale(bias, -3.0)).ok());
        QVERIFY(ec->apply(EditOp::setCell("head/kernel", {0, 1}, 7.25)).ok());
        QVERIFY(ec->apply(EditOp::addVariable("extra/scale", DType::Double, {2, 3}, EditOp::Init::Constant, 1.5)).ok());

        QTemporaryDir dir;
        const QString script = dir.filePath(QStringLiteral("edits.json"));
        QVERIFY(ec->saveScript(script).ok());
        QFile f(script);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray json = f.readAll();
        QVERIFY2(json.contains(R"("variable_scope": "conv1/")"), json.constData());
        // The metrics' tree path is their object path, which their checkpoint keys share: a plain scope.
        QVERIFY2(json.contains(R"("scope": "keras_api/metrics/")"), json.constData());
        QVERIFY2(!json.contains("regex") && json.size() < 1200, json.constData());

        QSignalSpy done(ec, &EditController::exportFinished);
        const QString guiOut = dir.filePath(QStringLiteral("gui/model.ckpt")), cliOut = dir.filePath(QStringLiteral("cli/model.ckpt"));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("gui"))) && QDir().mkpath(dir.filePath(QStringLiteral("cli"))));
        QVERIFY(ec->startExport(ExportFormat::Checkpoint, guiOut));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));

        QProcess cli;
        cli.start(QStringLiteral(TFSCOPE_BIN), {QStringLiteral("export"), demo, QStringLiteral("--script"), script,
                                                QStringLiteral("--out"), cliOut, QStringLiteral("--format"), QStringLiteral("checkpoint")});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0, cli.readAllStandardError().constData());

        auto gui = CheckpointReader::open(guiOut.toStdString());
        auto cl = CheckpointReader::open(cliOut.toStdString());
        QVERIFY2(gui.ok(), gui.status().message().c_str());
        QVERIFY2(cl.ok(), cl.status().message().c_str());
        const auto& ge = gui.value()->entries();
        const auto& ce = cl.value()->entries();
        QCOMPARE(ce.size(), ge.size());
        QCOMPARE(ge.size(), size_t(6 + 1 + 1));  // 6 variables, the added one, the object graph
        for (size_t i = 0; i < ge.size(); ++i) {
            QCOMPARE(ce[i].key, ge[i].key);
            QCOMPARE(ce[i].dtype, ge[i].dtype);
            QCOMPARE(ce[i].shape, ge[i].shape);
            auto a = gui.value()->read(ge[i].key);
            auto b = cl.value()->read(ce[i].key);
            QVERIFY(a.ok() && b.ok());
            QVERIFY2(a.value().sameContent(b.value()), ge[i].key.c_str());
            if (ge[i].dtype == DType::String) continue;
            for (int64_t k = 0; k < a.value().numElements(); ++k) QCOMPARE(b.value().elementAsDouble(k), a.value().elementAsDouble(k));
        }
        // The edits are in both: the renamed cell, the scaled bias, the added constant; conv1 and the metrics are gone.
        auto src = w.model()->checkpoint();
        QCOMPARE(cl.value()->read("head/kernel").value().elementAsDouble(1), 7.25);
        const Tensor srcBias = src->read(bias).value(), outBias = cl.value()->read(bias).value();
        QCOMPARE(outBias.numElements(), srcBias.numElements());
        for (int64_t k = 0; k < srcBias.numElements(); ++k) QCOMPARE(outBias.elementAsDouble(k), double(float(srcBias.elementAsDouble(k) * -3.0)));
        const Tensor extra = cl.value()->read("extra/scale").value();
        QCOMPARE(extra.dtype(), DType::Double);
        QCOMPARE(extra.shape(), Shape({2, 3}));
        QCOMPARE(extra.elementAsDouble(5), 1.5);
        QVERIFY(!cl.value()->find("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
        QVERIFY(!cl.value()->find("keras_api/metrics/1/count/.ATTRIBUTES/VARIABLE_VALUE"));
    }

    void testExportOverSourceRefused() {
        MainWindow w;
        open(w);
        if (QTest::currentTestFailed()) return;
        EditController* ec = w.editController();
        QVERIFY(ec->apply(EditOp::scale("v1", 2.0)).ok());
        const QStringList before = dirListing(kTutorial);
        QSignalSpy done(ec, &EditController::exportFinished);
        const QString prefix = QDir(kTutorial).canonicalPath() + QStringLiteral("/model.ckpt");
        QVERIFY(ec->startExport(ExportFormat::Checkpoint, prefix));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QCOMPARE(done.at(0).at(0).toBool(), false);
        QCOMPARE(done.at(0).at(1).toString(),
                 QStringLiteral("The output '%1' is the opened model or lies inside it; choose another path.").arg(prefix));
        QCOMPARE(dirListing(kTutorial), before);
        auto src = CheckpointReader::open(prefix.toStdString());
        QVERIFY(src.ok());
        QCOMPARE(floats(src.value()->read("v1").value()), (std::vector<float>(3, 1.0f)));
    }

    void testSavedModelExport() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        MainWindow w;
        w.setErrorDialogs(false);
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        w.openPath(QStringLiteral(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123"));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        EditController* ec = w.editController();
        QVERIFY(ec->session()->active());
        const std::vector<float> a = floats(ec->session()->value("a").value());
        QCOMPARE(a, std::vector<float>{0.5f});
        QVERIFY(ec->apply(EditOp::scale("a", 4.0)).ok());
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("sm"));
        QSignalSpy done(ec, &EditController::exportFinished);
        QVERIFY(ec->startExport(ExportFormat::SavedModel, out));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
        QVERIFY(QFile::exists(out + QStringLiteral("/saved_model.pb")));
        auto reader = CheckpointReader::open(out.toStdString() + "/variables/variables");
        QVERIFY2(reader.ok(), reader.status().message().c_str());
        QCOMPARE(floats(reader.value()->read("a").value()), std::vector<float>{2.0f});
        QCOMPARE(floats(reader.value()->read("b").value()), std::vector<float>{2.0f});
    }

    void testCancelExportLeavesNothing() {
        MainWindow w;
        open(w);
        if (QTest::currentTestFailed()) return;
        w.setErrorDialogs(true);  // the progress dialog; neither outcome here opens a message box
        EditController* ec = w.editController();
        // 64 MB of new values, so the export is still writing when Cancel arrives.
        QVERIFY(ec->apply(EditOp::addVariable("big", DType::Float, {16 << 20}, EditOp::Init::Ones)).ok());
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("model.ckpt"));
        QSignalSpy done(ec, &EditController::exportFinished);
        QVERIFY(ec->startExport(ExportFormat::Checkpoint, out));
        QVERIFY(!ec->startExport(ExportFormat::Checkpoint, out));  // one at a time
        // The progress dialog's Cancel button.
        auto* progress = w.findChild<QProgressDialog*>();
        QVERIFY(progress);
        auto* cancel = progress->findChild<QPushButton*>();
        QVERIFY(cancel);
        QCOMPARE(cancel->text(), QStringLiteral("Cancel"));
        cancel->click();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QCOMPARE(done.at(0).at(0).toBool(), false);
        QCOMPARE(done.at(0).at(1).toString(), QStringLiteral("Export cancelled."));
        QTRY_COMPARE_WITH_TIMEOUT(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList(), 5000);
    }

    // A scope's tri-state box deselects/selects everything under it (slots included) in one step.
    void testScopeCheckbox() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        MainWindow w;
        w.setErrorDialogs(false);
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        w.openPath(QStringLiteral(TFSCOPE_SHARED_MODELS "/kotlindl_mnist1_saved_model"));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        EditController* ec = w.editController();
        QVERIFY(ec->session()->active());
        ModelTreeModel* m = w.treePanel()->treeModel();
        // The first scope under Variables that holds several variables.
        QModelIndex scope;
        std::vector<QModelIndex> vars;
        std::function<void(const QModelIndex&)> collect = [&](const QModelIndex& p) {
            for (int r = 0; r < m->rowCount(p); ++r) {
                QModelIndex c = m->index(r, 0, p);
                if (ModelTreeModel::Kind(c.data(ModelTreeModel::KindRole).toInt()) == ModelTreeModel::Kind::Variable) vars.push_back(c);
                collect(c);
            }
        };
        for (int r = 0; r < m->rowCount() && !scope.isValid(); ++r) {
            QModelIndex sec = m->index(r, 0);
            for (int k = 0; k < m->rowCount(sec) && !scope.isValid(); ++k) {
                QModelIndex c = m->index(k, 0, sec);
                if (ModelTreeModel::Kind(c.data(ModelTreeModel::KindRole).toInt()) != ModelTreeModel::Kind::Scope) continue;
                vars.clear();
                collect(c);
                if (vars.size() >= 2) scope = c;
            }
        }
        QVERIFY(scope.isValid());
        const int total = ec->session()->set().selectedCount();
        QCOMPARE(scope.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QVERIFY(m->setData(scope, Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(scope.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        for (const QModelIndex& v : vars) QCOMPARE(v.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        QCOMPARE(ec->session()->set().selectedCount(), total - int(vars.size()));
        QCOMPARE(ec->session()->undoStack()->count(), 1);
        QVERIFY(m->setData(vars.front(), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(scope.data(Qt::CheckStateRole).toInt(), int(Qt::PartiallyChecked));
        ec->session()->undoStack()->undo();
        ec->session()->undoStack()->undo();
        QCOMPARE(scope.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(ec->session()->set().selectedCount(), total);
    }

    void testDeleteAndAddVariable() {
        MainWindow w;
        open(w);
        if (QTest::currentTestFailed()) return;
        EditController* ec = w.editController();
        QVERIFY(w.selectItem(QStringLiteral("v1")));
        QAction* del = findAction(&w, QStringLiteral("&Edit"), QStringLiteral("De&lete Variable"));
        QVERIFY(del && del->isEnabled());
        del->trigger();
        const QModelIndex v1 = treeItem(w, "v1");
        QVERIFY(v1.data(ModelTreeModel::ModifiedRole).toBool());
        QCOMPARE(v1.data().toString(), QStringLiteral("v1  [deleted]"));
        QVERIFY(v1.data(Qt::FontRole).value<QFont>().strikeOut());
        QVERIFY(!(v1.flags() & Qt::ItemIsUserCheckable));
        QVERIFY(ec->currentVariable().isEmpty());
        QVERIFY(!del->isEnabled());
        QVERIFY(ec->apply(EditOp::addVariable("bias", DType::Float, {2}, EditOp::Init::Constant, 0.5)).ok());
        QCOMPARE(ec->session()->set().items().size(), size_t(2));
        ec->session()->undoStack()->undo();
        ec->session()->undoStack()->undo();
        QVERIFY(!v1.data(ModelTreeModel::ModifiedRole).toBool());
        QCOMPARE(v1.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(ec->currentVariable(), QStringLiteral("v1"));
        QCOMPARE(w.tensorViewer()->tensorName(), QStringLiteral("v1"));
        QCOMPARE(floats(w.tensorViewer()->tableModel()->tensor()), (std::vector<float>(3, 1.0f)));
        QVERIFY(w.tensorViewer()->tableModel()->isEditable());
    }

    // Added variables are rows at the end of Variables (marked, checkable, following renames and
    // undo); selecting one shows its values.
    void testAddedVariableRows() {
        MainWindow w;
        open(w);
        if (QTest::currentTestFailed()) return;
        EditController* ec = w.editController();
        ModelTreeModel* m = w.treePanel()->treeModel();
        QModelIndex vars;
        for (int r = 0; r < m->rowCount(); ++r)
            if (m->index(r, 0).data().toString().startsWith(QStringLiteral("Variables"))) vars = m->index(r, 0);
        QVERIFY(vars.isValid());
        QCOMPARE(m->rowCount(vars), 2);  // v1, v2
        QSignalSpy inserted(m, &QAbstractItemModel::rowsInserted);
        QVERIFY(ec->apply(EditOp::addVariable("extra/bias", DType::Float, {2}, EditOp::Init::Constant, 0.5)).ok());
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(m->rowCount(vars), 3);
        const QModelIndex row = m->index(2, 0, vars);
        QCOMPARE(ModelTreeModel::Kind(row.data(ModelTreeModel::KindRole).toInt()), ModelTreeModel::Kind::AddedVariable);
        QCOMPARE(row.data().toString(), QStringLiteral("extra/bias  [added]"));
        QCOMPARE(row.siblingAtColumn(ModelTreeModel::ColType).data().toString(), QStringLiteral("float"));
        QCOMPARE(row.siblingAtColumn(ModelTreeModel::ColShape).data().toString(), QStringLiteral("(2)"));
        QVERIFY(row.data(ModelTreeModel::ModifiedRole).toBool());
        QVERIFY(row.data(Qt::FontRole).value<QFont>().bold());
        QVERIFY(row.flags() & Qt::ItemIsUserCheckable);
        QCOMPARE(row.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QVERIFY(m->setData(row, Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(!ec->session()->item("extra/bias")->selected);
        QCOMPARE(vars.siblingAtColumn(ModelTreeModel::ColInfo).data().toString(), QStringLiteral("8 params, 32 bytes — 2 of 3 selected for export, 2 edits"));

        // The tree's selection shows it (through the proxy the view uses).
        w.treePanel()->selectSource(row);
        QCOMPARE(w.tensorViewer()->tensorName(), QStringLiteral("extra/bias"));
        QCOMPARE(floats(w.tensorViewer()->tableModel()->tensor()), (std::vector<float>{0.5f, 0.5f}));
        QCOMPARE(ec->currentVariable(), QStringLiteral("extra/bias"));

        QVERIFY(ec->apply(EditOp::rename("extra/bias", "head/bias")).ok());
        QCOMPARE(m->index(2, 0, vars).data().toString(), QStringLiteral("head/bias  [added]"));
        QVERIFY(ec->apply(EditOp::addVariable("step", DType::Int64, {}, EditOp::Init::Zeros)).ok());
        QCOMPARE(m->rowCount(vars), 4);
        QCOMPARE(m->index(3, 0, vars).data().toString(), QStringLiteral("step  [added]"));
        // Adding a row keeps the tree's current row, so the viewer stays on the variable shown.
        QCOMPARE(w.tensorViewer()->tensorName(), QStringLiteral("head/bias"));
        QCOMPARE(w.treePanel()->proxy()->mapToSource(w.treePanel()->view()->currentIndex()).row(), 2);
        if (const QByteArray shot = qgetenv("TFSCOPE_EDIT_SCREENSHOT"); !shot.isEmpty()) {
            w.treePanel()->view()->expandAll();
            w.treePanel()->view()->setColumnWidth(ModelTreeModel::ColName, 260);
            w.grab().save(QString::fromLocal8Bit(shot) + QStringLiteral("added.png"));
        }
        QUndoStack* stack = ec->session()->undoStack();
        while (stack->canUndo()) stack->undo();
        QCOMPARE(m->rowCount(vars), 2);
        QCOMPARE(vars.siblingAtColumn(ModelTreeModel::ColInfo).data().toString(), QStringLiteral("8 params, 32 bytes — 2 of 2 selected for export"));
        stack->redo();  // the add again
        QCOMPARE(m->rowCount(vars), 3);
        QCOMPARE(m->index(2, 0, vars).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(w.treePanel()->proxy()->rowCount(w.treePanel()->proxy()->mapFromSource(vars)), 3);
    }

    // The Edit menu's dialogs driven as a user would (fields filled, OK pressed), each checked by
    // the edit it pushed and the values it left.
    void testEditDialogs() {
        MainWindow w;
        open(w);
        if (QTest::currentTestFailed()) return;
        EditController* ec = w.editController();
        QUndoStack* stack = ec->session()->undoStack();
        auto trigger = [&](const QString& text) {
            QAction* a = findAction(&w, QStringLiteral("&Edit"), text);
            QVERIFY2(a && a->isEnabled(), qPrintable(text));
            a->trigger();
        };
        auto last = [&]() -> const EditOp& { return ec->session()->set().edits().back(); };
        auto vals = [&](const std::string& name) {
            std::vector<double> out;
            const Tensor t = ec->session()->value(name).value();
            for (int64_t i = 0; i < t.numElements(); ++i) out.push_back(t.elementAsDouble(i));
            return out;
        };
        QVERIFY(w.selectItem(QStringLiteral("v1")));

        // Rename (F2): the dialog offers the current name.
        QString label, offered;
        onNextModal<QInputDialog>([&](QInputDialog* d) {
            label = d->labelText();
            offered = d->textValue();
            d->setTextValue(QStringLiteral("net/v1"));
            d->accept();
        });
        trigger(QStringLiteral("Re&name Variable"));
        QCOMPARE(label, QStringLiteral("New name for 'v1':"));
        QCOMPARE(offered, QStringLiteral("v1"));
        QCOMPARE(int(last().kind()), int(EditKind::Rename));
        QCOMPARE(last().get<edits::Rename>()->to, std::string("net/v1"));
        QCOMPARE(ec->currentVariable(), QStringLiteral("net/v1"));
        // Cancel pushes nothing.
        onNextModal<QInputDialog>([](QInputDialog* d) {
            d->setTextValue(QStringLiteral("ignored"));
            d->reject();
        });
        trigger(QStringLiteral("Re&name Variable"));
        QCOMPARE(stack->count(), 1);

        // Set / scale / add to all values.
        auto number = [&](const QString& action, double v) {
            onNextModal<QInputDialog>([v](QInputDialog* d) {
                d->setDoubleValue(v);
                d->accept();
            });
            trigger(action);
        };
        number(QStringLiteral("Set All &Values"), 4.5);
        QCOMPARE(int(last().kind()), int(EditKind::Fill));
        QCOMPARE(vals("net/v1"), (std::vector<double>{4.5, 4.5, 4.5}));
        number(QStringLiteral("S&cale Values"), 2.0);
        QCOMPARE(int(last().kind()), int(EditKind::Scale));
        QCOMPARE(vals("net/v1"), (std::vector<double>{9, 9, 9}));
        number(QStringLiteral("A&dd to Values"), -1.25);
        QCOMPARE(int(last().kind()), int(EditKind::Add));
        QCOMPARE(vals("net/v1"), (std::vector<double>{7.75, 7.75, 7.75}));
        QCOMPARE(floats(w.tensorViewer()->tableModel()->tensor()), (std::vector<float>{7.75f, 7.75f, 7.75f}));

        // Replace from .npy through the file dialog.
        QTemporaryDir dir;
        const QString npy = dir.filePath(QStringLiteral("v1.npy"));
        QVERIFY(io::writeNpy(npy.toStdString(), Tensor::fromVector<float>({3}, {0.5f, 1.5f, 2.5f})).ok());
        onNextModal<QFileDialog>([&](QFileDialog* d) {
            chooseFile(d, npy);
        });
        trigger(QStringLiteral("Re&place from .npy"));
        QCOMPARE(int(last().kind()), int(EditKind::FromNpy));
        QCOMPARE(last().get<edits::FromNpy>()->path, npy.toStdString());
        QCOMPARE(vals("net/v1"), (std::vector<double>{0.5, 1.5, 2.5}));
        // The next .npy dialog starts in the folder chosen last.
        QString startedIn;
        onNextModal<QFileDialog>([&](QFileDialog* d) {
            startedIn = d->directory().canonicalPath();
            static_cast<QDialog*>(d)->reject();
        });
        trigger(QStringLiteral("Re&place from .npy"));
        QCOMPARE(startedIn, QDir(dir.path()).canonicalPath());
        QCOMPARE(vals("net/v1"), (std::vector<double>{0.5, 1.5, 2.5}));

        // Cast: the list starts at the current dtype.
        QString startDtype;
        onNextModal<QInputDialog>([&](QInputDialog* d) {
            startDtype = d->textValue();
            d->setTextValue(QStringLiteral("float64"));
            d->accept();
        });
        trigger(QStringLiteral("Cas&t to Dtype"));
        QCOMPARE(startDtype, QStringLiteral("float32"));
        QCOMPARE(int(last().kind()), int(EditKind::Cast));
        QCOMPARE(ec->session()->item("net/v1")->dtype, DType::Double);
        QCOMPARE(w.tensorViewer()->tableModel()->tensor().dtype(), DType::Double);

        // Add variable: a constant, then one from .npy.
        auto addVariable = [&](const QString& name, int init, const QString& dtype, const QString& shape, double value, const QString& path) {
            onNextModal<QDialog>([=](QDialog* d) {
                QCOMPARE(d->windowTitle(), QStringLiteral("Add variable"));
                d->findChild<QLineEdit*>(QStringLiteral("name"))->setText(name);
                d->findChild<QComboBox*>(QStringLiteral("init"))->setCurrentIndex(init);
                auto* dt = d->findChild<QComboBox*>(QStringLiteral("dtype"));
                dt->setCurrentIndex(dt->findText(dtype));
                d->findChild<QLineEdit*>(QStringLiteral("shape"))->setText(shape);
                d->findChild<QDoubleSpinBox*>(QStringLiteral("value"))->setValue(value);
                d->findChild<QLineEdit*>(QStringLiteral("npy"))->setText(path);
                d->accept();
            });
            trigger(QStringLiteral("&Add Variable"));
        };
        addVariable(QStringLiteral("extra/k"), 2, QStringLiteral("int32"), QStringLiteral("2, 2"), 3.0, {});
        QCOMPARE(int(last().kind()), int(EditKind::AddVariable));
        QCOMPARE(ec->session()->item("extra/k")->dtype, DType::Int32);
        QCOMPARE(ec->session()->item("extra/k")->shape, Shape({2, 2}));
        QCOMPARE(vals("extra/k"), (std::vector<double>{3, 3, 3, 3}));
        QCOMPARE(ec->currentVariable(), QStringLiteral("extra/k"));
        addVariable(QStringLiteral("extra/npy"), 3, QStringLiteral("int32"), QStringLiteral("9"), 0, npy);
        QCOMPARE(last().get<edits::AddVariable>()->init, EditOp::Init::Npy);
        QCOMPARE(ec->session()->item("extra/npy")->dtype, DType::Float);
        QCOMPARE(vals("extra/npy"), (std::vector<double>{0.5, 1.5, 2.5}));

        // Delete (no dialog): the shown variable goes.
        QVERIFY(w.selectItem(QStringLiteral("v2")));
        trigger(QStringLiteral("De&lete Variable"));
        QCOMPARE(int(last().kind()), int(EditKind::Delete));
        QVERIFY(!ec->session()->item("v2"));

        // Select for Export > By Scope or Regex: deselect the scope 'extra/'.
        onNextModal<QDialog>([](QDialog* d) {
            d->findChild<QComboBox*>(QStringLiteral("action"))->setCurrentIndex(1);
            d->findChild<QComboBox*>(QStringLiteral("kind"))->setCurrentIndex(0);
            d->findChild<QLineEdit*>(QStringLiteral("pattern"))->setText(QStringLiteral("extra/"));
            d->accept();
        });
        trigger(QStringLiteral("By &Scope or Regex"));
        QCOMPARE(int(last().kind()), int(EditKind::Deselect));
        QCOMPARE(int(last().get<edits::Deselect>()->selector.kind), int(Selector::Kind::Scope));
        QVERIFY(!ec->session()->item("extra/k")->selected && !ec->session()->item("extra/npy")->selected);
        QVERIFY(ec->session()->item("net/v1")->selected);

        // Rename by regex.
        onNextModal<QDialog>([](QDialog* d) {
            d->findChild<QLineEdit*>(QStringLiteral("first"))->setText(QStringLiteral("^extra/(.*)$"));
            d->findChild<QLineEdit*>(QStringLiteral("second"))->setText(QStringLiteral("added/$1"));
            d->accept();
        });
        trigger(QStringLiteral("Rename by Re&gex"));
        QCOMPARE(int(last().kind()), int(EditKind::RenameRegex));
        QVERIFY(ec->session()->item("added/k") && ec->session()->item("added/npy"));
        QCOMPARE(stack->count(), 11);  // one step per accepted dialog and the delete
    }
};

QTEST_MAIN(TestEditFlow)
#include "tst_edit_flow.moc"
