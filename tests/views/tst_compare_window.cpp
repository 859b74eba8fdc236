// File > Compare With… and the Restore check dock in the real window.
// Compare: tests/data/tutorial (v1 = [1,1,1], v2 = [-1]*5) against edited exports of it (v1 scaled
// by 3, v2 deleted, z added; v2 cast to double), tests/data/tf2_ckpt ckpt-1 against ckpt-2 (a
// training step; the max |Δ| values are what `tfscope diff --json` prints for them) and, with the
// shared models, the tfx Estimator checkpoints at steps 999 and 1000 and the two TF Serving
// versions of half_plus_two. Restore check: an export with v1 renamed to w1 and v2 of another
// shape into the tutorial graph (one rename fixes v1, nothing fixes v2), and the TF2 half_plus_two
// variables into the TF1 graph (renames a/.ATTRIBUTES/VARIABLE_VALUE => a, b, c applied as edits).
#include <QCheckBox>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>
#include <QUndoStack>

#include <cmath>

#include "load_model.h"
#include "model/diff/model_diff.h"
#include "model/edit/edit_op.h"
#include "model/edit/edit_set.h"
#include "model/export/exporter.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "shared_models.h"
#include "temp_settings.h"
#include "views/edit/edit_controller.h"
#include "views/edit/edit_session.h"
#include "views/panels/restore_check_panel.h"
#include "views/tensor/compare_viewer.h"
#include "views/tensor/tensor_viewer.h"
#include "views/tree/model_tree_model.h"
#include "views/tree/tree_panel.h"
#include "views/window/main_window.h"

using namespace tfscope;
using K = VariableDiff::Kind;

namespace {
const std::string kTutorial = TFSCOPE_TEST_DATA "/tutorial/model.ckpt";

// Writes tutorial's variables with `ops` applied as a checkpoint at dir/name; returns its prefix.
QString exportEdited(const QTemporaryDir& dir, const char* name, const std::vector<EditOp>& ops) {
    EditSet set = openEditSet(kTutorial);
    for (const EditOp& op : ops)
        if (Status s = set.apply(op); !s.ok()) qFatal("%s", s.toString().c_str());
    ExportOptions o;
    o.out = dir.filePath(QString::fromLatin1(name) + QStringLiteral("/model.ckpt")).toStdString();
    if (auto r = exportCheckpoint(set, o); !r.ok()) qFatal("%s", r.status().toString().c_str());
    return QString::fromStdString(o.out);
}

// Every source index of the tree, depth first.
std::vector<QModelIndex> allItems(QAbstractItemModel* m) {
    std::vector<QModelIndex> out, stack{QModelIndex()};
    while (!stack.empty()) {
        const QModelIndex p = stack.back();
        stack.pop_back();
        for (int r = 0; r < m->rowCount(p); ++r) {
            out.push_back(m->index(r, 0, p));
            stack.push_back(m->index(r, 0, p));
        }
    }
    return out;
}

// The tree item (source model) of the variable stored under checkpoint key `key` in A, or the
// "only in B" row of B's key.
QModelIndex itemForKey(MainWindow& w, const std::string& key) {
    ModelTreeModel* m = w.treePanel()->treeModel();
    for (const QModelIndex& i : allItems(m)) {
        const int d = i.data(ModelTreeModel::CompareIndexRole).toInt();
        if (i.data(ModelTreeModel::CheckpointKeyRole).toString().toStdString() == key) return i;
        if (d >= 0 && i.data(ModelTreeModel::KindRole).toInt() == int(ModelTreeModel::Kind::ComparedOnly) &&
            w.comparison()->variables[size_t(d)].keyB == key)
            return i;
    }
    return {};
}

QString info(const QModelIndex& i) { return i.siblingAtColumn(ModelTreeModel::ColInfo).data().toString(); }
int mark(const QModelIndex& i) { return i.data(ModelTreeModel::CompareKindRole).toInt(); }

// Variables (and only-in-B rows) the proxy shows.
// With TFSCOPE_TEST_SCREENSHOTS=DIR set, the window as DIR/NAME (for looking at the views).
void saveShot(MainWindow& w, const char* name) {
    const QString dir = qEnvironmentVariable("TFSCOPE_TEST_SCREENSHOTS");
    if (dir.isEmpty()) return;
    w.setFirstSize(QSize(1400, 860));
    w.show();
    QTest::qWait(200);
    w.grab().save(dir + QLatin1Char('/') + QString::fromLatin1(name));
}

int visibleVariables(MainWindow& w) {
    int n = 0;
    for (const QModelIndex& i : allItems(w.treePanel()->proxy())) {
        const auto kind = ModelTreeModel::Kind(i.data(ModelTreeModel::KindRole).toInt());
        n += kind == ModelTreeModel::Kind::Variable || kind == ModelTreeModel::Kind::ComparedOnly;
    }
    return n;
}

}  // namespace

class TestCompareWindow : public QObject {
    Q_OBJECT
    QTemporaryDir m_settingsDir;
    QTemporaryDir m_dir;

    bool open(MainWindow& w, const QString& path) {
        w.setErrorDialogs(false);
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        w.openPath(path);
        return loaded.wait(30000) || loaded.count() == 1;
    }
    bool compare(MainWindow& w, const QString& path) {
        QSignalSpy done(&w, &MainWindow::compareFinished);
        w.compareWith(path);
        if (!done.count() && !done.wait(60000)) return false;
        return done.first().first().toString().isEmpty() && w.comparison();
    }
    // Selects a tree item and waits for the compare view's difference.
    void select(MainWindow& w, const QModelIndex& source) {
        QSignalSpy ready(w.compareViewer(), &CompareViewer::differenceReady);
        w.treePanel()->selectSource(source);
        QVERIFY(ready.count() || ready.wait(20000));
        QTRY_VERIFY_WITH_TIMEOUT(!w.compareViewer()->busy(), 20000);
    }
    bool checked(RestoreCheckPanel* p) {
        QSignalSpy spy(p, &RestoreCheckPanel::checked);
        return (spy.count() || spy.wait(30000)) && !p->busy();
    }
    // The findings table as "key | problem | fix" lines.
    static QStringList findings(RestoreCheckPanel* p) {
        QStringList out;
        for (int r = 0; r < p->findings()->topLevelItemCount(); ++r) {
            const QTreeWidgetItem* it = p->findings()->topLevelItem(r);
            out << it->text(0) + QStringLiteral(" | ") + it->text(1) + QStringLiteral(" | ") + it->text(2);
        }
        return out;
    }

private slots:
    void initTestCase() {
        QVERIFY(useTemporarySettings(m_settingsDir, "tst_compare_window"));
        QVERIFY(m_dir.isValid());
    }

    // v1 scaled by 3 (ones -> threes: max |Δ| 2), v2 deleted (removed), z added; the largest
    // changes list all three elements of v1 with both values; Changed only hides nothing here but
    // the sections; Stop comparing removes every mark and the Compare tab.
    void testMarksAndDifference() {
        const QString edited = exportEdited(m_dir, "edited",
                                            {EditOp::scale("v1", 3), EditOp::remove("v2"), EditOp::addVariable("z", DType::Float, {2}, EditOp::Init::Ones)});
        MainWindow w;
        QVERIFY(open(w, QString::fromStdString(kTutorial)));
        QVERIFY(compare(w, edited));
        const QModelIndex v1 = itemForKey(w, "v1"), v2 = itemForKey(w, "v2"), z = itemForKey(w, "z");
        QVERIFY(v1.isValid() && v2.isValid() && z.isValid());
        QCOMPARE(mark(v1), int(K::ValuesChanged));
        QCOMPARE(info(v1), QStringLiteral("changed, max |Δ| 2"));
        QCOMPARE(mark(v2), int(K::OnlyInA));
        QVERIFY2(info(v2).startsWith(QStringLiteral("removed")), qPrintable(info(v2)));
        QCOMPARE(mark(z), int(K::OnlyInB));
        QVERIFY2(info(z).startsWith(QStringLiteral("added")), qPrintable(info(z)));
        QCOMPARE(z.parent().data().toString(), QStringLiteral("Only in edited/model.ckpt"));
        QCOMPARE(info(z.parent()), QStringLiteral("1 variable"));
        QCOMPARE(z.siblingAtColumn(ModelTreeModel::ColShape).data().toString(), v1.siblingAtColumn(ModelTreeModel::ColShape).data().toString().replace(QLatin1Char('3'), QLatin1Char('2')));
        QVERIFY(v1.data(Qt::BackgroundRole).value<QColor>().isValid());
        QVERIFY(w.treePanel()->compareBar()->isVisibleTo(w.treePanel()));

        select(w, v1);
        CompareViewer* cv = w.compareViewer();
        QCOMPARE(w.findChild<QTabWidget*>()->currentWidget(), static_cast<QWidget*>(cv));
        QVERIFY2(cv->summaryText().contains(QStringLiteral("max |Δ| 2, max rel 0.666666667, rms 2, cosine 1, 3 of 3 elements changed")),
                 qPrintable(cv->summaryText()));
        QVERIFY(cv->elementDiff());
        QCOMPARE(cv->elementDiff()->changed, 3);
        const Tensor& d = cv->elementDiff()->difference;
        QCOMPARE(d.numElements(), 3);
        for (int i = 0; i < 3; ++i) QCOMPARE(d.data<double>()[i], 2.0);
        QCOMPARE(cv->largestTable()->rowCount(), 3);
        QCOMPARE(cv->largestTable()->item(0, 0)->text(), QStringLiteral("[0]"));
        QCOMPARE(cv->largestTable()->item(0, 1)->text(), QStringLiteral("1"));
        QCOMPARE(cv->largestTable()->item(0, 2)->text(), QStringLiteral("3"));
        QCOMPARE(cv->largestTable()->item(0, 3)->text(), QStringLiteral("2"));
        QCOMPARE(cv->differenceViewer()->tensorName(), QStringLiteral("B − A: v1"));
        QTRY_VERIFY_WITH_TIMEOUT(cv->differenceViewer()->statsText().contains(QStringLiteral("2")), 10000);
        QCOMPARE(cv->viewerA()->tensorName(), QStringLiteral("A: v1"));
        QCOMPARE(cv->viewerB()->tensorName(), QStringLiteral("B: v1"));
        saveShot(w, "compare_marks.png");

        // Removed: A's tensor, no difference.
        select(w, v2);
        QVERIFY(!cv->elementDiff());
        QCOMPARE(cv->tabs()->currentWidget(), static_cast<QWidget*>(cv->viewerA()));
        QCOMPARE(cv->viewerA()->tensorName(), QStringLiteral("A: v2"));
        QVERIFY2(cv->differenceViewer()->tensorName().endsWith(QStringLiteral("v2")), qPrintable(cv->differenceViewer()->tensorName()));

        w.treePanel()->changedOnlyBox()->setChecked(true);
        QCOMPARE(visibleVariables(w), 3);
        w.treePanel()->changedOnlyBox()->setChecked(false);

        w.stopComparing();
        QVERIFY(!w.comparison());
        QVERIFY(!w.treePanel()->treeModel()->comparison());
        QCOMPARE(mark(itemForKey(w, "v1")), -1);
        QVERIFY(!itemForKey(w, "z").isValid());
        QCOMPARE(w.findChild<QTabWidget*>()->indexOf(cv), -1);
        QVERIFY(!w.treePanel()->compareBar()->isVisibleTo(w.treePanel()));
    }

    // A cast: dtype changed, no element-wise difference; the other variable equal from its crc32c
    // and hidden by Changed only.
    void testDtypeChangedAndChangedOnly() {
        const QString cast = exportEdited(m_dir, "cast", {EditOp::cast("v2", DType::Double)});
        MainWindow w;
        QVERIFY(open(w, QString::fromStdString(kTutorial)));
        QVERIFY(compare(w, cast));
        const QModelIndex v1 = itemForKey(w, "v1"), v2 = itemForKey(w, "v2");
        QCOMPARE(mark(v1), int(K::Equal));
        QCOMPARE(info(v1), QStringLiteral("equal"));
        QVERIFY(!v1.data(Qt::BackgroundRole).value<QColor>().isValid());
        QCOMPARE(mark(v2), int(K::DtypeChanged));
        QCOMPARE(info(v2), QStringLiteral("dtype changed: float → double"));
        QCOMPARE(visibleVariables(w), 2);
        w.treePanel()->changedOnlyBox()->setChecked(true);
        QCOMPARE(visibleVariables(w), 1);
        QVERIFY(w.treePanel()->proxy()->mapFromSource(v2).isValid());
        QVERIFY(!w.treePanel()->proxy()->mapFromSource(v1).isValid());
        select(w, w.treePanel()->proxy()->mapToSource(w.treePanel()->proxy()->mapFromSource(v2)));
        QVERIFY(!w.compareViewer()->elementDiff());
        QVERIFY2(w.compareViewer()->differenceViewer()->tensorName().contains(QStringLiteral("v2")), "");
        QCOMPARE(w.compareViewer()->tabs()->currentWidget(), static_cast<QWidget*>(w.compareViewer()->viewerB()));
    }

    // A Keras training step (in-repo): 8 changed, 4 equal; dense/bias's max |Δ| is the value
    // `tfscope diff tests/data/tf2_ckpt/ckpt-1 tests/data/tf2_ckpt/ckpt-2 --json` prints.
    void testTrainingStep() {
        MainWindow w;
        QVERIFY(open(w, QStringLiteral(TFSCOPE_TEST_DATA "/tf2_ckpt/ckpt-1")));
        QVERIFY(compare(w, QStringLiteral(TFSCOPE_TEST_DATA "/tf2_ckpt/ckpt-2")));
        QCOMPARE(w.comparison()->count(K::ValuesChanged), 8);
        QCOMPARE(w.comparison()->count(K::Equal), 4);
        const QModelIndex bias = itemForKey(w, "model/layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE");
        QVERIFY(bias.isValid());
        QCOMPARE(mark(bias), int(K::ValuesChanged));
        QCOMPARE(info(bias), QStringLiteral("changed, max |Δ| 0.04982"));
        QCOMPARE(w.comparison()->variables[size_t(bias.data(ModelTreeModel::CompareIndexRole).toInt())].values.maxAbs, 0.04982425644993782);
        select(w, bias);
        const ElementDiff* e = w.compareViewer()->elementDiff();
        QVERIFY(e && !e->largest.empty());
        QCOMPARE(e->largest.front().absDiff(), 0.04982425644993782);
        QVERIFY(e->largest.size() == 2 && e->largest[0].absDiff() >= e->largest[1].absDiff());
        const QModelIndex kernel = itemForKey(w, "model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE");
        select(w, kernel);
        QCOMPARE(w.compareViewer()->elementDiff()->largest.front().absDiff(),
                 w.comparison()->variables[size_t(kernel.data(ModelTreeModel::CompareIndexRole).toInt())].values.maxAbs);
        w.treePanel()->changedOnlyBox()->setChecked(true);
        QCOMPARE(visibleVariables(w), 8);
        select(w, bias);
        saveShot(w, "compare.png");
    }

    // A partitioned variable (tests/data/v1_sharded: emb split into emb/part_0 and emb/part_1
    // over two shards, both with the checkpoint key "emb"): both carry the whole variable's mark, and
    // selecting one compares the full tensors.
    void testPartitionedVariable() {
        const std::string src = TFSCOPE_TEST_DATA "/v1_sharded";
        auto model = ModelLoader::load(src);
        QVERIFY2(model.ok(), model.status().toString().c_str());
        auto set = EditSet::fromModel(*model);
        QVERIFY(set.ok());
        QVERIFY(set->apply(EditOp::scale("emb", 2)).ok());
        ExportOptions o;
        o.out = m_dir.filePath(QStringLiteral("emb2/model.ckpt")).toStdString();
        QVERIFY(exportCheckpoint(*set, o).ok());
        MainWindow w;
        QVERIFY(open(w, QString::fromStdString(src)));
        QVERIFY(compare(w, QString::fromStdString(o.out)));
        int parts = 0;
        for (const QModelIndex& i : allItems(w.treePanel()->treeModel())) {
            if (!i.data().toString().startsWith(QStringLiteral("part_"))) continue;
            ++parts;
            QCOMPARE(mark(i), int(K::ValuesChanged));
            QCOMPARE(info(i), QStringLiteral("changed, max |Δ| 15"));  // emb's largest element 15 doubled
            select(w, i);
            QCOMPARE(w.compareViewer()->elementDiff()->difference.shape(), (Shape{6, 2}));
            QCOMPARE(w.compareViewer()->largestTable()->item(0, 0)->text(), QStringLiteral("[5, 1]"));
            QCOMPARE(w.compareViewer()->largestTable()->item(0, 2)->text(), QStringLiteral("30"));
            // Picking a row shows that element: emb[4, 0] (12 -> 24) is the fourth largest.
            QCOMPARE(w.compareViewer()->largestTable()->item(3, 0)->text(), QStringLiteral("[4, 0]"));
            w.compareViewer()->largestTable()->setCurrentCell(3, 0);
            for (TensorViewer* v : {w.compareViewer()->differenceViewer(), w.compareViewer()->viewerA(), w.compareViewer()->viewerB()}) {
                QCOMPARE(v->table()->currentIndex().row(), 4);
                QCOMPARE(v->table()->currentIndex().column(), 0);
            }
            QCOMPARE(w.compareViewer()->viewerA()->table()->currentIndex().data().toString(), QStringLiteral("12"));
            QCOMPARE(w.compareViewer()->viewerB()->table()->currentIndex().data().toString(), QStringLiteral("24"));
        }
        QCOMPARE(parts, 2);
        QCOMPARE(mark(itemForKey(w, "w")), int(K::Equal));
    }

    // The tfx Estimator checkpoints at steps 999 and 1000 (`tfscope diff`: 52 changed, 8 equal;
    // global_step max |Δ| 1).
    void testSharedTfxSteps() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        const QString dir = QStringLiteral(TFSCOPE_SHARED_MODELS "/tfx_trainer_current_Format-Serving/");
        MainWindow w;
        QVERIFY(open(w, dir + QStringLiteral("model.ckpt-999")));
        QVERIFY(compare(w, dir + QStringLiteral("model.ckpt-1000")));
        QCOMPARE(w.comparison()->count(K::ValuesChanged), 52);
        QCOMPARE(w.comparison()->count(K::Equal), 8);
        const QModelIndex step = itemForKey(w, "global_step");
        QCOMPARE(info(step), QStringLiteral("changed, max |Δ| 1"));
        select(w, step);
        QCOMPARE(w.compareViewer()->largestTable()->item(0, 1)->text(), QStringLiteral("999"));
        QCOMPARE(w.compareViewer()->largestTable()->item(0, 2)->text(), QStringLiteral("1000"));
        w.treePanel()->changedOnlyBox()->setChecked(true);
        QCOMPARE(visibleVariables(w), 52);
    }

    // The two TF Serving versions of half_plus_two hold the same values: every mark is "equal".
    void testSharedTwoVersionsEqual() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        const QString base = QStringLiteral(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_2_versions/");
        MainWindow w;
        QVERIFY(open(w, base + QStringLiteral("00000123")));
        QVERIFY(compare(w, base + QStringLiteral("00000124")));
        for (const char* key : {"a", "b", "c"}) QCOMPARE(mark(itemForKey(w, key)), int(K::Equal));
        w.treePanel()->changedOnlyBox()->setChecked(true);
        QCOMPARE(visibleVariables(w), 0);
    }

    void testCompareError() {
        MainWindow w;
        QVERIFY(open(w, QString::fromStdString(kTutorial)));
        QSignalSpy done(&w, &MainWindow::compareFinished);
        w.compareWith(m_dir.filePath(QStringLiteral("missing")));
        QVERIFY(done.wait(20000));
        QVERIFY2(done.first().first().toString().contains(m_dir.filePath(QStringLiteral("missing"))), qPrintable(done.first().first().toString()));
        QVERIFY(!w.comparison());

        // Stopped while it runs: no result lands later, no marks.
        QSignalSpy again(&w, &MainWindow::compareFinished);
        w.compareWith(QStringLiteral(TFSCOPE_TEST_DATA "/tutorial"));
        w.stopComparing();
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 20000);
        QTest::qWait(100);
        QCOMPARE(again.count(), 0);
        QVERIFY(!w.comparison());
        QCOMPARE(mark(itemForKey(w, "v1")), -1);
    }

    // Restore check: v1 renamed to w1 and v2 of another shape, restored into the tutorial graph
    // (its SaverDef): v1 is missing and the rename w1 => v1 fixes it; v2's shape cannot be fixed
    // by a rename. Checked from the graph (Checkpoint…: the renames apply to the other file) and
    // from the checkpoint (Into Model…: Apply pushes the rename as one undoable edit).
    void testRestoreCheckPanel() {
        const QString bad = exportEdited(m_dir, "bad",
                                         {EditOp::rename("v1", "w1"), EditOp::remove("v2"), EditOp::addVariable("v2", DType::Float, {4}, EditOp::Init::Zeros)});
        MainWindow w;
        QVERIFY(open(w, QString::fromStdString(kTutorial)));
        RestoreCheckPanel* p = w.restoreCheck();
        QVERIFY(checked(p));  // its own variables, on open
        QVERIFY(p->report() && p->report()->check.restores());
        QCOMPARE(p->findings()->topLevelItemCount(), 0);
        QVERIFY(p->summaryText().startsWith(QStringLiteral("The checkpoint restores.")));

        p->checkCheckpoint(bad);
        QVERIFY(checked(p));
        QVERIFY(p->report());
        QCOMPARE(findings(p), (QStringList{
                                  QStringLiteral("v1 | missing: NotFoundError: Key v1 not found in checkpoint | rename w1 ⇒ v1 (only checkpoint tensor of this dtype and shape)"),
                                  QStringLiteral("v2 | mismatch: the model has float [5], the checkpoint float [4] | cannot be fixed by a rename: the stored values have another shape"),
                              }));
        QVERIFY2(p->summaryText().contains(QStringLiteral("Renames cannot fix: v2 has another shape.")), qPrintable(p->summaryText()));
        QVERIFY(!p->canApply());
        QVERIFY(!p->applyButton()->isEnabled());
        w.restoreCheckDock()->show();
        saveShot(w, "restore_check.png");

        // The View menu lists the dock like the others.
        bool listed = false;
        for (QAction* a : w.menuBar()->actions())
            if (a->text() == QStringLiteral("&View"))
                for (QAction* b : a->menu()->actions()) listed = listed || b->text() == QStringLiteral("Restore check Panel");
        QVERIFY(listed);

        MainWindow w2;
        QVERIFY(open(w2, bad));
        RestoreCheckPanel* p2 = w2.restoreCheck();
        QVERIFY(checked(p2));
        p2->checkInto(QString::fromStdString(kTutorial));
        QVERIFY(checked(p2));
        QVERIFY(p2->canApply());
        QVERIFY(p2->applyButton()->isEnabled());
        QUndoStack* stack = w2.editController()->session()->undoStack();
        QCOMPARE(stack->count(), 0);
        QTest::mouseClick(p2->applyButton(), Qt::LeftButton);
        QCOMPARE(stack->count(), 1);
        QCOMPARE(stack->undoText(), QStringLiteral("Apply 1 suggested rename(s)"));
        const EditItem* item = w2.editController()->session()->itemForSourceKey("w1");
        QVERIFY(item);
        QCOMPARE(item->name, std::string("v1"));
        QVERIFY(!p2->applyButton()->isEnabled());
        QVERIFY2(p2->summaryText().contains(QStringLiteral("Applied the suggested renames")), qPrintable(p2->summaryText()));
        stack->undo();
        QCOMPARE(w2.editController()->session()->itemForSourceKey("w1")->name, std::string("w1"));
    }

    // TF2 half_plus_two's variables into the TF1 graph: renames a, b, c (as `tfscope lint` suggests),
    // applied as three rename edits in one undo step; exported, the checkpoint restores (lint).
    void testSharedTf2IntoTf1Graph() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        const QString tf1 = QStringLiteral(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_2_versions/00000123");
        const QString tf2 = QStringLiteral(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_tf2_cpu/00000123");
        MainWindow w;
        QVERIFY(open(w, tf2));
        RestoreCheckPanel* p = w.restoreCheck();
        QVERIFY(checked(p));
        p->checkInto(tf1);
        QVERIFY(checked(p));
        QVERIFY(p->report());
        QCOMPARE(p->report()->check.missing, (std::vector<std::string>{"a", "b", "c"}));
        QCOMPARE(findings(p).first(),
                 QStringLiteral("a | missing: NotFoundError: Key a not found in checkpoint | rename a/.ATTRIBUTES/VARIABLE_VALUE ⇒ a (same name)"));
        QCOMPARE(p->applySuggestedRenames(), 3);
        const EditSet& set = w.editController()->session()->set();
        QStringList renamed;
        for (const EditItem& it : set.items())
            if (it.renamed()) renamed << QString::fromStdString(it.sourceKey + " -> " + it.name);
        renamed.sort();
        QCOMPARE(renamed, (QStringList{QStringLiteral("a/.ATTRIBUTES/VARIABLE_VALUE -> a"), QStringLiteral("b/.ATTRIBUTES/VARIABLE_VALUE -> b"),
                                       QStringLiteral("c/.ATTRIBUTES/VARIABLE_VALUE -> c")}));
        QCOMPARE(w.editController()->session()->undoStack()->count(), 1);

        // Exported, the renamed variables restore into the TF1 graph.
        ExportOptions o;
        o.out = m_dir.filePath(QStringLiteral("fixed/variables")).toStdString();
        QVERIFY(exportCheckpoint(set, o).ok());
        RestoreCheckPanel check(w.editController());
        check.setModel(*ModelLoader::load(tf1.toStdString()));
        QVERIFY(checked(&check));
        check.checkCheckpoint(QString::fromStdString(o.out));
        QVERIFY(checked(&check));
        QVERIFY(check.report() && check.report()->check.restores());

        // Checked again: the renames are all made, nothing is left to apply.
        p->checkInto(tf1);
        QVERIFY(checked(p));
        QCOMPARE(p->report()->check.renames.size(), size_t(3));
        QVERIFY(!p->canApply());

        // What renames cannot fix: the other TF1 half_plus_two also has a2 and c2.
        p->checkInto(QStringLiteral(TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123"));
        QVERIFY(checked(p));
        QVERIFY2(p->summaryText().contains(QStringLiteral("Renames cannot fix: a2 is missing; c2 is missing.")), qPrintable(p->summaryText()));
        w.restoreCheckDock()->show();
        saveShot(w, "restore_check_tf2_into_tf1.png");
    }
};

QTEST_MAIN(TestCompareWindow)
#include "tst_compare_window.moc"
