// ModelTreeModel over the shared half_plus_two models: sections, the five signatures, the
// variables a=0.5, b=2, c=3 with their tensors, the slot toggle and the model tester.
#include <QAbstractItemModelTester>
#include <QFileInfo>
#include <QImage>
#include <QPixmap>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTest>

#include "shared_models.h"

#include "model/checkpoint/checkpoint_reader.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "views/tree/model_tree_model.h"
#include "views/tree/tree_panel.h"
#include "views/window/icons.h"

using namespace tfscope;

namespace {

std::shared_ptr<const Model> load(const char* rel) {
    auto m = ModelLoader::load(std::string(TFSCOPE_SHARED_MODELS) + "/" + rel);
    if (!m.ok()) qWarning("%s", m.status().message().c_str());
    return m.ok() ? m.value() : nullptr;
}

QModelIndex child(const QAbstractItemModel& m, const QModelIndex& parent, const QString& name) {
    for (int r = 0; r < m.rowCount(parent); ++r)
        if (m.index(r, 0, parent).data().toString() == name) return m.index(r, 0, parent);
    return {};
}

QStringList names(const QAbstractItemModel& m, const QModelIndex& parent) {
    QStringList out;
    for (int r = 0; r < m.rowCount(parent); ++r) out << m.index(r, 0, parent).data().toString();
    return out;
}

}  // namespace

class TestModelTree : public QObject {
    Q_OBJECT
private slots:
    void testHalfPlusTwoTf1() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto model = load("serving_saved_model_half_plus_two_cpu/00000123");
        QVERIFY(model);
        ModelTreeModel tree;
        QAbstractItemModelTester tester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
        tree.setModel(model);
        QStringList top = names(tree, {});
        QCOMPARE(top.front(), QStringLiteral("Model"));
        QVERIFY(top.contains(QStringLiteral("MetaGraph {serve}")));
        QVERIFY(top.contains(QStringLiteral("Variables")));
        QModelIndex sigs = child(tree, child(tree, {}, QStringLiteral("MetaGraph {serve}")), QStringLiteral("Signatures"));
        QCOMPARE(names(tree, sigs), QStringList({QStringLiteral("classify_x_to_y"), QStringLiteral("regress_x2_to_y3"),
                                                 QStringLiteral("regress_x_to_y"), QStringLiteral("regress_x_to_y2"),
                                                 QStringLiteral("serving_default")}));
        QModelIndex serving = child(tree, sigs, QStringLiteral("serving_default"));
        QCOMPARE(serving.siblingAtColumn(ModelTreeModel::ColInfo).data().toString(), QStringLiteral("tensorflow/serving/predict"));
        // Details may be elided in a narrow panel: its full text is the tooltip (none when empty).
        QCOMPARE(serving.siblingAtColumn(ModelTreeModel::ColInfo).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("tensorflow/serving/predict"));
        QVERIFY(!serving.siblingAtColumn(ModelTreeModel::ColType).data(Qt::ToolTipRole).isValid());
        QModelIndex x = tree.index(0, 0, child(tree, serving, QStringLiteral("inputs")));
        QCOMPARE(x.data().toString(), QStringLiteral("x"));
        QCOMPARE(x.siblingAtColumn(ModelTreeModel::ColType).data().toString(), QStringLiteral("float"));
        QCOMPARE(x.siblingAtColumn(ModelTreeModel::ColShape).data().toString(), QStringLiteral("(-1, 1)"));
        QCOMPARE(x.siblingAtColumn(ModelTreeModel::ColInfo).data().toString(), QStringLiteral("x:0"));
        QCOMPARE(x.data(ModelTreeModel::NodeNameRole).toString(), QStringLiteral("x"));

        QModelIndex vars = child(tree, {}, QStringLiteral("Variables"));
        QCOMPARE(names(tree, vars), QStringList({QStringLiteral("a"), QStringLiteral("a2"), QStringLiteral("b"),
                                                 QStringLiteral("c"), QStringLiteral("c2"), QStringLiteral("filename_tensor")}));
        const float expected[] = {0.5f, 0.5f, 2.0f, 3.0f, 3.0f};
        for (int r = 0; r < 5; ++r) {
            QModelIndex v = tree.index(r, 0, vars);
            QCOMPARE(v.siblingAtColumn(ModelTreeModel::ColType).data().toString(), QStringLiteral("float"));
            QCOMPARE(v.siblingAtColumn(ModelTreeModel::ColShape).data().toString(), QStringLiteral("()"));
            auto t = model->checkpoint()->read(v.data(ModelTreeModel::CheckpointKeyRole).toString().toStdString());
            QVERIFY(t.ok());
            QCOMPARE(t->data<float>()[0], expected[r]);
        }
        QVERIFY(tree.indexForVariable(2).isValid());
        QCOMPARE(tree.indexForVariable(2).data().toString(), QStringLiteral("b"));
    }

    void testTf2ObjectGraphAndFilter() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        auto model = load("serving_saved_model_half_plus_two_tf2_cpu/00000123");
        QVERIFY(model);
        TreePanel panel;
        QAbstractItemModelTester tester(panel.proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.treeModel()->setModel(model);
        const ModelTreeModel& tree = *panel.treeModel();
        QModelIndex mg = child(tree, {}, QStringLiteral("MetaGraph {serve}"));
        QModelIndex objects = child(tree, mg, QStringLiteral("Object graph"));
        QVERIFY(objects.isValid());
        QStringList rootChildren = names(tree, objects);
        for (const char* n : {"a", "b", "c", "signatures"}) QVERIFY2(rootChildren.contains(QString::fromLatin1(n)), n);
        // The five half_plus_two signatures, classify_x2_to_y3 and the init op.
        QCOMPARE(names(tree, child(tree, mg, QStringLiteral("Signatures"))).join(QLatin1Char(',')),
                 QStringLiteral("__saved_model_init_op,classify_x2_to_y3,classify_x_to_y,regress_x2_to_y3,regress_x_to_y,"
                                "regress_x_to_y2,serving_default"));
        // Filtering keeps matching rows and their ancestors only.
        panel.filterEdit()->setText(QStringLiteral("regress_x2_to_y3"));
        QSortFilterProxyModel* p = panel.proxy();
        QModelIndex pmg = p->index(0, 0);
        QVERIFY(pmg.isValid());
        QVERIFY(p->rowCount() >= 1);
        QModelIndex found = panel.findByName(QStringLiteral("regress_x2_to_y3"));
        QVERIFY(found.isValid());
        QVERIFY(p->mapFromSource(found).isValid());
        QVERIFY(!p->mapFromSource(child(tree, {}, QStringLiteral("Model"))).isValid());
    }

    // The demo's two Keras metrics each hold "count" and "total" (same graph names): the tree
    // places those four by object path, so no two siblings share a name.
    void testDemoMetricsDisambiguated() {
        auto m = ModelLoader::load(TFSCOPE_SOURCE_DIR "/resources/demo");
        QVERIFY(m.ok());
        ModelTreeModel tree;
        QAbstractItemModelTester tester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
        tree.setModel(m.value());
        const QModelIndex vars = child(tree, {}, QStringLiteral("Variables"));
        QVERIFY(vars.isValid());
        QCOMPARE(names(tree, vars), (QStringList{QStringLiteral("conv1"), QStringLiteral("conv2"), QStringLiteral("dense1"), QStringLiteral("keras_api"), QStringLiteral("probabilities")}));
        const QModelIndex metrics = child(tree, child(tree, vars, QStringLiteral("keras_api")), QStringLiteral("metrics"));
        QCOMPARE(names(tree, metrics), (QStringList{QStringLiteral("0"), QStringLiteral("1")}));
        for (const QString& k : {QStringLiteral("0"), QStringLiteral("1")}) {
            const QModelIndex metric = child(tree, metrics, k);
            QCOMPARE(names(tree, metric), (QStringList{QStringLiteral("count"), QStringLiteral("total")}));
            const QModelIndex count = child(tree, metric, QStringLiteral("count"));
            QCOMPARE(count.data(ModelTreeModel::CheckpointKeyRole).toString(),
                     QStringLiteral("keras_api/metrics/%1/count/.ATTRIBUTES/VARIABLE_VALUE").arg(k));
        }
        QCOMPARE(names(tree, child(tree, vars, QStringLiteral("conv1"))), (QStringList{QStringLiteral("bias"), QStringLiteral("kernel")}));
    }

    // The own SVG icons load from the resource and draw something; tree kinds carry theirs.
    void testIcons() {
        const QStringList names{QStringLiteral("open"), QStringLiteral("reload"), QStringLiteral("fit"), QStringLiteral("zoom-in"),
                                QStringLiteral("zoom-out"), QStringLiteral("run"), QStringLiteral("export"), QStringLiteral("variable"),
                                QStringLiteral("signature"), QStringLiteral("function"), QStringLiteral("asset"), QStringLiteral("scope"),
                                QStringLiteral("graph")};
        const QByteArray sheet = qgetenv("TFSCOPE_ICON_SHEET");
        QImage all(int(names.size()) * 68, 64, QImage::Format_ARGB32);
        all.fill(Qt::white);
        for (int i = 0; i < int(names.size()); ++i) {
            const QIcon icon = tfscopeIcon(names[i]);
            QVERIFY2(!icon.isNull(), qPrintable(names[i]));
            const QImage img = icon.pixmap(64, 64).toImage();
            QCOMPARE(img.size(), QSize(64, 64));
            int opaque = 0;
            for (int y = 0; y < 64; ++y)
                for (int x = 0; x < 64; ++x) opaque += qAlpha(img.pixel(x, y)) > 128;
            QVERIFY2(opaque > 200, qPrintable(names[i]));
            for (int y = 0; y < 64; ++y)
                for (int x = 0; x < 64; ++x)
                    if (qAlpha(img.pixel(x, y)) > 0) all.setPixel(i * 68 + x, y, img.pixel(x, y));
        }
        if (!sheet.isEmpty()) all.save(QString::fromLocal8Bit(sheet));
        QVERIFY(tfscopeIcon(u"no-such-icon").isNull());

        auto m = ModelLoader::load(TFSCOPE_SOURCE_DIR "/resources/demo");
        QVERIFY(m.ok());
        ModelTreeModel tree;
        tree.setModel(m.value());
        const QModelIndex vars = child(tree, {}, QStringLiteral("Variables"));
        const QModelIndex conv1 = child(tree, vars, QStringLiteral("conv1"));
        QVERIFY(!conv1.data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(!child(tree, conv1, QStringLiteral("kernel")).data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(!conv1.siblingAtColumn(ModelTreeModel::ColType).data(Qt::DecorationRole).isValid());
        QVERIFY(!vars.data(Qt::DecorationRole).isValid());
    }

    void testSlotToggleOnCheckpoint() {
        // A TF2 checkpoint with Adam slots (made by tests/oracle) when present; else skip.
        const QString dir = QStringLiteral(TFSCOPE_TEST_DATA "/tf2_ckpt");
        if (!QFileInfo::exists(dir)) QSKIP("tests/data/tf2_ckpt not generated");
        auto m = ModelLoader::load(dir.toStdString());
        QVERIFY2(m.ok(), m.ok() ? "" : m.status().message().c_str());
        ModelTreeModel tree;
        QAbstractItemModelTester tester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
        tree.setModel(m.value());
        int slotCount = 0;
        for (const VariableSummary& v : m.value()->summary().variables) slotCount += v.isOptimizerSlot;
        QVERIFY(slotCount > 0);
        const QString withSlots = tree.dump();
        tree.setShowSlots(false);
        const QString without = tree.dump();
        QCOMPARE(int(withSlots.count(QStringLiteral("slot "))), slotCount);
        QCOMPARE(without.count(QStringLiteral("slot ")), 0);
    }
};

QTEST_MAIN(TestModelTree)
#include "tst_model_tree.moc"
