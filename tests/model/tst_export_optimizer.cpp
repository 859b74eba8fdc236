// Exports without the optimizer, on Keras training checkpoints made by TensorFlow 2.21
// (tests/data/optimizer_ckpts, tests/oracle/make_keras3_fixtures.py): Keras 3 keys the model's
// weights under the optimizer (`optimizer/_trainable_variables/N`), so optimizer state must come
// from the object graph. Per case (Keras 2 and 3; SGD with momentum, Adam, AdamW):
// - the EditSet marks exactly the keys TensorFlow's object identity says are optimizer state;
// - `deselect optimizer_slots` exports exactly the keys TensorFlow itself writes for the same
//   model without the optimizer, each value byte-exact from its source key;
// - the exported object graph holds no optimizer, every key is referenced once, and each
//   attribute's key is its object's first breadth-first path (what TensorFlow restores by);
// - leaving out part of the optimizer state keeps the optimizer object and every key as it was;
// - `tfscope export --no-optimizer-slots` on the command line does the same.
#include <QtTest>

#include <filesystem>
#include <map>
#include <set>

#include "load_model.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/edit/edit_set.h"
#include "model/edit/optimizer_state.h"
#include "model/export/exporter.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "trackable_object_graph.pb.h"

using namespace tfscope;
namespace fs = std::filesystem;

namespace {

const char* const kCases[] = {"k3_sgd_momentum", "k3_adam", "k3_adamw", "k2_sgd_momentum", "k2_adam", "k2_adamw"};

QJsonObject expectedFor(const QString& name) {
    QFile f(QStringLiteral(TFSCOPE_TEST_DATA "/optimizer_ckpts/") + name + "/expected.json");
    if (!f.open(QIODevice::ReadOnly)) qFatal("missing %s", qPrintable(f.fileName()));
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::string prefixFor(const QString& name) {
    return (QStringLiteral(TFSCOPE_TEST_DATA "/optimizer_ckpts/") + name + "/ckpt-1").toStdString();
}

std::set<std::string> stringSet(const QJsonArray& a) {
    std::set<std::string> out;
    for (const QJsonValue& v : a) out.insert(v.toString().toStdString());
    return out;
}

std::set<std::string> keysOf(const CheckpointReader& r) {
    std::set<std::string> out;
    for (const CheckpointEntry& e : r.entries())
        if (e.key != kObjectGraphKey) out.insert(e.key);
    return out;
}

tensorflow::TrackableObjectGraph objectGraphOf(const CheckpointReader& r) {
    tensorflow::TrackableObjectGraph g;
    auto t = r.read(kObjectGraphKey);
    if (!t.ok() || !g.ParseFromString(t->strings()[0])) qFatal("no object graph in %s", r.prefix().c_str());
    return g;
}

// Every bundle key is one attribute's key, and every attribute's key is its object's first
// breadth-first path + "/.ATTRIBUTES/VARIABLE_VALUE"; no optimizer is left.
void checkObjectGraph(const CheckpointReader& r) {
    const tensorflow::TrackableObjectGraph g = objectGraphOf(r);
    const TrackablePaths paths = trackableObjectPaths(g);
    std::map<std::string, int> referenced;
    for (int id = 0; id < g.nodes_size(); ++id) {
        QVERIFY2(paths.reached[size_t(id)], qPrintable(QString("node %1 is unreachable").arg(id)));
        for (const auto& a : g.nodes(id).attributes()) {
            ++referenced[a.checkpoint_key()];
            QCOMPARE(a.checkpoint_key(), paths.path[size_t(id)] + "/.ATTRIBUTES/" + a.name());
        }
    }
    std::set<std::string> keys = keysOf(r);
    std::set<std::string> attrKeys;
    for (const auto& [k, n] : referenced) {
        QCOMPARE(n, 1);
        attrKeys.insert(k);
    }
    QCOMPARE(attrKeys, keys);
    const OptimizerState opt = findOptimizerState(g);
    for (bool o : opt.optimizer) QVERIFY(!o);
}

}  // namespace

class TestExportOptimizer : public QObject {
    Q_OBJECT

private slots:
    void testStateFromObjectGraph_data() {
        QTest::addColumn<QString>("name");
        for (const char* c : kCases) QTest::newRow(c) << QString(c);
    }
    void testStateFromObjectGraph() {
        QFETCH(QString, name);
        const QJsonObject expected = expectedFor(name);
        EditSet set = openEditSet(prefixFor(name));
        std::set<std::string> stateKeys, all;
        for (const EditItem& i : set.items()) {
            all.insert(i.sourceKey);
            if (i.optimizerSlot) stateKeys.insert(i.sourceKey);
        }
        std::set<std::string> source = stringSet(expected["source_keys"].toArray());
        source.erase(kObjectGraphKey);
        QCOMPARE(all, source);
        QCOMPARE(stateKeys, stringSet(expected["optimizer_state"].toArray()));
        // Keras 3 keys trainable weights under the optimizer; none of them is state.
        if (expected["keras_major"].toInt() == 3) {
            const EditItem* w = set.find("optimizer/_trainable_variables/0/.ATTRIBUTES/VARIABLE_VALUE");
            QVERIFY(w);
            QVERIFY(!w->optimizerSlot);
        }
    }

    void testExportWithoutOptimizer_data() { testStateFromObjectGraph_data(); }
    void testExportWithoutOptimizer() {
        QFETCH(QString, name);
        const QJsonObject expected = expectedFor(name);
        const QJsonObject exportKeys = expected["export"].toObject();
        EditSet set = openEditSet(prefixFor(name));
        QVERIFY(set.apply(EditOp::deselect({Selector::Kind::OptimizerSlots, {}})).ok());
        QTemporaryDir dir;
        ExportOptions o;
        o.out = dir.filePath("out/model").toStdString();
        auto report = exportCheckpoint(set, o);
        QVERIFY2(report.ok(), report.status().toString().c_str());
        auto out = CheckpointReader::open(o.out);
        QVERIFY2(out.ok(), out.status().toString().c_str());
        auto src = CheckpointReader::open(prefixFor(name));
        QVERIFY(src.ok());
        std::set<std::string> want;
        for (const QString& k : exportKeys.keys()) want.insert(k.toStdString());
        QCOMPARE(keysOf(**out), want);
        for (const QString& k : exportKeys.keys()) {
            const QJsonObject e = exportKeys[k].toObject();
            auto got = (*out)->read(k.toStdString());
            QVERIFY2(got.ok(), got.status().toString().c_str());
            auto from = (*src)->read(e["source"].toString().toStdString());
            QVERIFY(from.ok());
            QVERIFY2(got->sameContent(*from), qPrintable(k));  // byte-exact from the source key
            QCOMPARE(QString::fromStdString(dtypeEnumName(got->dtype())), e["dtype"].toString());
            const QJsonArray values = e["value"].toArray();
            QCOMPARE(got->numElements(), int64_t(values.size()));
            for (int i = 0; i < values.size(); ++i) QCOMPARE(got->elementAsDouble(i), values[i].toDouble());
            // Where the key changed, the report says so.
            if (e["source"].toString() != k) QCOMPARE(report->rekeyed.at(e["source"].toString().toStdString()), k.toStdString());
        }
        checkObjectGraph(**out);
    }

    // Only the moments left out (the iteration count kept): the optimizer object stays, so
    // nothing is re-keyed and Keras 3's weights keep their keys under the optimizer.
    void testPartialOptimizerStateKeepsOptimizer() {
        const QJsonObject expected = expectedFor("k3_adam");
        EditSet set = openEditSet(prefixFor("k3_adam"));
        QVERIFY(set.apply(EditOp::deselect({Selector::Kind::Regex, "^optimizer/_variables/"})).ok());
        QTemporaryDir dir;
        ExportOptions o;
        o.out = dir.filePath("model").toStdString();
        auto report = exportCheckpoint(set, o);
        QVERIFY2(report.ok(), report.status().toString().c_str());
        QVERIFY(report->rekeyed.empty());
        auto out = CheckpointReader::open(o.out);
        QVERIFY(out.ok());
        const std::set<std::string> keys = keysOf(**out);
        QVERIFY(keys.count("optimizer/_trainable_variables/0/.ATTRIBUTES/VARIABLE_VALUE"));
        QVERIFY(keys.count("optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE"));
        for (const std::string& k : keys) QVERIFY2(!k.starts_with("optimizer/_variables/"), k.c_str());
        const tensorflow::TrackableObjectGraph g = objectGraphOf(**out);
        const OptimizerState opt = findOptimizerState(g);
        int optimizers = 0;
        for (bool b : opt.optimizer) optimizers += b;
        QCOMPARE(optimizers, 1);
        for (int id = 0; id < g.nodes_size(); ++id)
            for (const auto& a : g.nodes(id).attributes()) QVERIFY(keys.count(a.checkpoint_key()));
    }

    // A user's rename wins over re-keying.
    void testUserRenameKept() {
        EditSet set = openEditSet(prefixFor("k3_sgd_momentum"));
        QVERIFY(set.apply(EditOp::deselect({Selector::Kind::OptimizerSlots, {}})).ok());
        QVERIFY(set.apply(EditOp::rename("optimizer/_trainable_variables/0/.ATTRIBUTES/VARIABLE_VALUE", "kernel0")).ok());
        QTemporaryDir dir;
        ExportOptions o;
        o.out = dir.filePath("model").toStdString();
        auto report = exportCheckpoint(set, o);
        QVERIFY2(report.ok(), report.status().toString().c_str());
        auto out = CheckpointReader::open(o.out);
        QVERIFY(out.ok());
        QVERIFY((*out)->find("kernel0"));
        QVERIFY((*out)->find("model/_functional/_operations/1/bias/.ATTRIBUTES/VARIABLE_VALUE"));
        QVERIFY(!(*out)->find("model/_functional/_operations/1/_kernel/.ATTRIBUTES/VARIABLE_VALUE"));
    }

    void testCommandLine() {
        QTemporaryDir dir;
        const QString out = dir.filePath("cli/model");
        QProcess p;
        p.start(QStringLiteral(TFSCOPE_BIN), {"export", QString::fromStdString(prefixFor("k3_adamw")), "--no-optimizer-slots",
                                               "--out", out, "--json"});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QJsonObject j = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QStringList names;
        for (const QJsonValue& v : j["variables"].toArray()) names << v.toObject()["name"].toString();
        names.sort();
        QStringList want = expectedFor("k3_adamw")["export"].toObject().keys();
        want.sort();
        QCOMPARE(names, want);
    }
};

QTEST_GUILESS_MAIN(TestExportOptimizer)
#include "tst_export_optimizer.moc"
