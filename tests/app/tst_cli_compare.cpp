// The tfscope binary: export edit flags take the names show gives (display name, object path,
// key; an ambiguous one lists its matches), --out creates missing folders; diff's exit codes
// (0 same, 1 differ with --exit-code, 2 error) and JSON; lint's exit codes and its fix script.
#include <QtTest>

#include <QProcess>

#include "model/checkpoint/checkpoint_reader.h"
#include "shared_models.h"

using namespace tfscope;
using namespace Qt::StringLiterals;

namespace {

struct Run {
    int exitCode = -1;
    std::string out, err;
};

Run runTool(std::initializer_list<std::string> args) {
    QStringList list;
    for (const std::string& a : args) list << QString::fromStdString(a);
    QProcess p;
    p.start(QStringLiteral(TFSCOPE_BIN), list);
    Run r;
    if (!p.waitForFinished(120000)) return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput().toStdString();
    r.err = p.readAllStandardError().toStdString();
    return r;
}

const std::string kData = TFSCOPE_TEST_DATA;

struct TempDir {
    QTemporaryDir dir;
    std::string filePath(const char* rel) const { return dir.path().toStdString() + "/" + rel; }
};

std::vector<double> valuesOf(const std::string& prefix, const std::string& key) {
    auto r = CheckpointReader::open(prefix);
    if (!r.ok()) return {};
    auto t = (*r)->read(key);
    if (!t.ok()) return {};
    std::vector<double> v;
    for (int64_t i = 0; i < t->numElements(); ++i) v.push_back(t->elementAsDouble(i));
    return v;
}

}  // namespace

class TestCliCompare : public QObject {
    Q_OBJECT

private slots:
    void testExportNamesAsShown() {
        TempDir dir;
        Run r = runTool({"export", kData + "/tf2_module", "--set", "weight=10", "--scale", "child/bias=2", "--out",
                         dir.filePath("new/dir/sm")});
        QVERIFY2(r.exitCode == 0, r.err.c_str());
        QCOMPARE(valuesOf(dir.filePath("new/dir/sm/variables/variables"), "weight/.ATTRIBUTES/VARIABLE_VALUE"),
                 (std::vector<double>{10, 10, 10}));
        r = runTool({"export", kData + "/tf2_ckpt/ckpt-2", "--rename", "dense/kernel=>head/kernel", "--out", dir.filePath("ck/model")});
        QVERIFY2(r.exitCode == 0, r.err.c_str());
        auto reader = CheckpointReader::open(dir.filePath("ck/model"));
        QVERIFY(reader.ok());
        QVERIFY((*reader)->find("head/kernel"));
        QVERIFY(!(*reader)->find("model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
        r = runTool({"export", std::string(TFSCOPE_SOURCE_DIR "/resources/demo"), "--set", "count=0", "--out", dir.filePath("demo")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.starts_with("tfscope: The name 'count' is ambiguous: it matches 2 variables: 'keras_api/metrics/"), r.err.c_str());
        QVERIFY(!QFileInfo::exists(QString::fromStdString(dir.filePath("demo"))));
    }

    void testDiffExitCodes() {
        const std::string a = kData + "/tf2_ckpt/ckpt-1", b = kData + "/tf2_ckpt/ckpt-2";
        Run same = runTool({"diff", b, b, "--exit-code"});
        QCOMPARE(same.exitCode, 0);
        QVERIFY(same.out.ends_with("No differences.\n"));
        Run differ = runTool({"diff", a, b, "--exit-code", "--json"});
        QCOMPARE(differ.exitCode, 1);
        const QJsonObject j = QJsonDocument::fromJson(QByteArray::fromStdString(differ.out)).object();
        QVERIFY(j[u"differs"_s].toBool());
        QVERIFY(j[u"summary"_s].toObject()[u"values_changed"_s].toInt() >= 2);
        QCOMPARE(j[u"summary"_s].toObject()[u"only_in_a"_s].toInt(), 0);
        bool kernel = false;
        for (const QJsonValue& v : j[u"variables"_s].toArray()) {
            const QJsonObject o = v.toObject();
            if (o[u"key_a"_s].toString() != QStringLiteral("model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE")) continue;
            kernel = true;
            QCOMPARE(o[u"kind"_s].toString(), QStringLiteral("values_changed"));
            QVERIFY(o[u"max_abs"_s].toDouble() > 0);
            QVERIFY(o[u"cosine"_s].toDouble() > 0.5 && o[u"cosine"_s].toDouble() <= 1.0);
        }
        QVERIFY(kernel);
        QCOMPARE(runTool({"diff", a, b}).exitCode, 0);  // differences without --exit-code
        Run missing = runTool({"diff", kData + "/no_such_model", b, "--exit-code"});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.find("no_such_model") != std::string::npos);
        QCOMPARE(runTool({"diff", a, b, "--match", "name"}).exitCode, 2);
    }

    void testDiffServingVersions() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        const std::string base = TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_2_versions";
        Run r = runTool({"diff", base, base, "--version", "123,124", "--exit-code"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.find("/00000123\nB: ") != std::string::npos && r.out.find("/00000124\n") != std::string::npos, r.out.c_str());
        Run bad = runTool({"diff", base, base, "--version", "7"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.find("no version 7 (versions: 123, 124)") != std::string::npos, bad.err.c_str());
        const std::string tf1 = TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_cpu/00000123";
        const std::string tf2 = TFSCOPE_SHARED_MODELS "/serving_saved_model_half_plus_two_tf2_cpu/00000123";
        Run pairs = runTool({"diff", tf1, tf2, "--match", "shape"});
        QCOMPARE(pairs.exitCode, 0);
        QVERIFY2(pairs.out.find("paired by name: a <=> a/.ATTRIBUTES/VARIABLE_VALUE") != std::string::npos, pairs.out.c_str());
        QVERIFY2(pairs.out.find("only A   a2 DT_FLOAT []") != std::string::npos, pairs.out.c_str());
    }

    void testLintExitCodesAndScript() {
        TempDir dir;
        const std::string full = kData + "/tutorial/model.ckpt", v1only = kData + "/tutorial_v1only/model.ckpt";
        Run bad = runTool({"lint", full, "--checkpoint", v1only});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.out.find("missing     v2 (NotFoundError: Key v2 not found in checkpoint)") != std::string::npos, bad.out.c_str());
        QCOMPARE(runTool({"lint", v1only, "--checkpoint", full}).exitCode, 0);
        // A renamed checkpoint: lint suggests the way back, export applies it, lint passes.
        Run renamed = runTool({"export", full, "--rename", "v1=>w1", "--out", dir.filePath("renamed/model")});
        QVERIFY2(renamed.exitCode == 0, renamed.err.c_str());
        Run fix = runTool({"lint", full, "--checkpoint", dir.filePath("renamed/model"), "--write-script", dir.filePath("fix.json")});
        QCOMPARE(fix.exitCode, 1);
        QVERIFY2(fix.out.find("suggest     w1 => v1") != std::string::npos, fix.out.c_str());
        Run applied = runTool({"export", dir.filePath("renamed/model"), "--script", dir.filePath("fix.json"), "--out", dir.filePath("fixed/model")});
        QVERIFY2(applied.exitCode == 0, applied.err.c_str());
        QCOMPARE(runTool({"lint", full, "--checkpoint", dir.filePath("fixed/model")}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestCliCompare)
#include "tst_cli_compare.moc"
