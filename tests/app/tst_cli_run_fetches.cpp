// `tfscope run --fetches` and `tfscope scan --fetches` through the binary, and `scan` over every
// shared real model and TF-made fixture, listing the ops that still have no kernel: only non-core
// custom ops (TF Text, TF Decision Forests, tf.contrib) may remain needed.
#include <QtTest>

#include "cli_process.h"

#include <QDirIterator>

#include <algorithm>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "shared_models.h"

using namespace Qt::StringLiterals;

namespace {

using Run = CliRun;

QString fixture(const QString& rel) { return QStringLiteral(TFSCOPE_TEST_DATA "/fetch/") + rel; }

// Ops from libraries outside core TensorFlow, which tfscope does not implement.
bool isNonCoreOp(const QString& op) {
    static const QStringList kCustom = {u"CaseFoldUTF8"_s, u"ConstrainedSequence"_s, u"MaxSpanningTree"_s, u"NormalizeUTF8"_s,
                                        u"RegexSplitWithOffsets"_s, u"RougeL"_s, u"SentenceFragments"_s, u"SplitMergeTokenizeWithOffsets"_s,
                                        u"UnicodeScriptTokenizeWithOffsets"_s, u"WhitespaceTokenizeWithOffsets"_s,
                                        u"WordpieceTokenizeWithOffsets"_s, u"NearestNeighbors"_s};
    return kCustom.contains(op) || op.startsWith("Sentencepiece"_L1) || op.startsWith("SimpleML"_L1) ||
           op.startsWith("TFText"_L1);
}

}  // namespace

class TestCliRunFetches : public QObject {
    Q_OBJECT
private slots:
    void testFrozenFixtureTextAndOutdir();
    void testErrorsExitOne();
    void testScanFetchSets();
    void testSharedFrozenGraph();
    void testScanEveryModelListsOnlyCustomOps();
};

void TestCliRunFetches::testFrozenFixtureTextAndOutdir() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Run r = runTfscope({u"run"_s, fixture(u"saver/model.ckpt.meta"_s), u"--fetches"_s, u"pred,hidden:0"_s, u"--input_exprs"_s,
                        u"x:0=[[0.5,-1,2]]"_s, u"--outdir"_s, dir.path()});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.startsWith("Result for tensor pred:0:\n"), r.out.constData());
    QVERIFY(r.out.contains("Result for tensor hidden:0:\n"));
    QVERIFY(QFileInfo::exists(dir.filePath(u"pred_0.npy"_s)));
    QVERIFY(QFileInfo::exists(dir.filePath(u"hidden_0.npy"_s)));
    // '/' in a tensor name becomes "__" in the file name.
    r = runTfscope({u"run"_s, fixture(u"quantized/quantized.pb"_s), u"--fetches"_s, u"w1"_s, u"--outdir"_s, dir.path(), u"--json"_s});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
    const QJsonObject first = doc["results"_L1].toArray().at(0).toObject();
    QCOMPARE(first["tensor"_L1].toString(), u"w1:0"_s);
    QCOMPARE(first["dtype"_L1].toString(), u"DT_FLOAT"_s);
    QCOMPARE(first["shape"_L1].toArray().size(), 2);
    QCOMPARE(first["file"_L1].toString(), dir.filePath(u"w1_0.npy"_s));
    r = runTfscope({u"run"_s, fixture(u"quantized/quantized.pb"_s), u"--fetches"_s, u"w1"_s, u"--outdir"_s, dir.path()});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("already exists"), r.err.constData());
}

void TestCliRunFetches::testErrorsExitOne() {
    Run r = runTfscope({u"run"_s, fixture(u"frozen/frozen.pb"_s), u"--fetches"_s, u"Identity"_s, u"--input_exprs"_s, u"x=[[1,2,3]]"_s});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("Cannot feed a value of shape [1,3] to tensor 'x:0', which has shape [-1,4]."), r.err.constData());
    r = runTfscope({u"run"_s, fixture(u"frozen/frozen.pb"_s), u"--fetches"_s, u"nope:0"_s});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("'nope:0'"), r.err.constData());
}

void TestCliRunFetches::testScanFetchSets() {
    Run r = runTfscope({u"scan"_s, fixture(u"saver/model.ckpt.meta"_s), u"--fetches"_s, u"pred;train"_s, u"--feeds"_s, u"x:0,y:0"_s, u"--json"_s});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonArray sets = QJsonDocument::fromJson(r.out).object()["fetch_sets"_L1].toArray();
    QCOMPARE(sets.size(), 2);
    // Inference needs no training op; the training step does.
    QVERIFY(sets.at(0).toObject()["unsupported_ops"_L1].toArray().isEmpty());
    QVERIFY(!sets.at(0).toObject()["ops"_L1].toArray().contains(u"ApplyAdam"_s));
    QVERIFY(sets.at(1).toObject()["ops"_L1].toArray().contains(u"ApplyAdam"_s));
}

void TestCliRunFetches::testSharedFrozenGraph() {
    TFSCOPE_REQUIRE_SHARED_MODELS();
    Run r = runTfscope({u"run"_s, QStringLiteral(TFSCOPE_SHARED_MODELS "/cppflow_load_frozen_graph/model.pb"), u"--fetches"_s, u"Identity:0"_s,
                        u"--input_exprs"_s, u"x:0=[[1,1,1,1,1]]"_s, u"--json"_s});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject res = QJsonDocument::fromJson(r.out).object()["results"_L1].toArray().at(0).toObject();
    QVERIFY(std::abs(res["value"_L1].toArray().at(0).toArray().at(0).toDouble() - 0.5656322) < 1e-5);
}

void TestCliRunFetches::testScanEveryModelListsOnlyCustomOps() {
    TFSCOPE_REQUIRE_SHARED_MODELS();
    QStringList paths;
    QDirIterator it(QStringLiteral(TFSCOPE_SHARED_MODELS), QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo f(it.next());
        if (!f.isFile() || f.path().contains("/variables"_L1) || f.path().contains("/assets"_L1)) continue;
        if (f.fileName() == "saved_model.pb"_L1 || f.fileName() == "saved_model.pbtxt"_L1) paths << f.path();
        else if (f.suffix() == "meta"_L1 || (f.suffix() == "pb"_L1 && f.fileName() != "fingerprint.pb"_L1 && f.fileName() != "keras_metadata.pb"_L1))
            paths << f.filePath();
    }
    QDirIterator fx(QStringLiteral(TFSCOPE_TEST_DATA), {u"*.pb"_s, u"*.meta"_s}, QDir::Files, QDirIterator::Subdirectories);
    while (fx.hasNext()) {
        const QFileInfo f(fx.next());
        if (f.fileName() == "fingerprint.pb"_L1 || f.fileName() == "keras_metadata.pb"_L1 || f.path().contains("/assets"_L1)) continue;
        paths << (f.fileName() == "saved_model.pb"_L1 ? f.path() : f.filePath());
    }
    paths.removeDuplicates();
    QVERIFY(paths.size() > 60);
    QMap<QString, QStringList> neededMissing, unneededMissing;
    int scanned = 0;
    QStringList unreadable;
    for (const QString& p : paths) {
        Run r = runTfscope({u"scan"_s, p, u"--json"_s});
        if (r.exitCode != 0) {
            unreadable << p.section(u'/', -2) + ": "_L1 + QString::fromUtf8(r.err).trimmed();
            continue;
        }
        ++scanned;
        for (const auto& mg : QJsonDocument::fromJson(r.out).object()["meta_graphs"_L1].toArray())
            for (const auto& u : mg.toObject()["unsupported_ops"_L1].toArray()) {
                const QJsonObject o = u.toObject();
                auto& into = o["needed"_L1].toBool() ? neededMissing : unneededMissing;
                into[o["op"_L1].toString()] << p.section(u'/', -2);
            }
    }
    for (auto i = neededMissing.begin(); i != neededMissing.end(); ++i)
        qInfo("still missing, needed: %s (%s)", qPrintable(i.key()), qPrintable(i.value().join(", "_L1)));
    for (auto i = unneededMissing.begin(); i != unneededMissing.end(); ++i)
        qInfo("no kernel, not needed by loading or any signature: %s", qPrintable(i.key()));
    for (const QString& u : unreadable) qInfo("not loadable: %s", qPrintable(u));
    QVERIFY(scanned > 60);
    // A model that needs a custom op cannot run anyway; any other must need no missing core op.
    QMap<QString, QStringList> missingByModel;
    for (auto i = neededMissing.begin(); i != neededMissing.end(); ++i)
        for (const QString& m : i.value()) missingByModel[m] << i.key();
    QStringList core;
    for (auto i = missingByModel.begin(); i != missingByModel.end(); ++i) {
        const bool custom = std::any_of(i.value().begin(), i.value().end(), isNonCoreOp);
        if (!custom) core << i.key() + ": "_L1 + i.value().join(", "_L1);
        else
            for (const QString& op : i.value())
                if (!isNonCoreOp(op)) qInfo("core op without a kernel, in a model that needs custom ops anyway: %s (%s)", qPrintable(op), qPrintable(i.key()));
    }
    QVERIFY2(core.isEmpty(), qPrintable("models that need core ops without a kernel: "_L1 + core.join("; "_L1)));
}

QTEST_GUILESS_MAIN(TestCliRunFetches)
#include "tst_cli_run_fetches.moc"
