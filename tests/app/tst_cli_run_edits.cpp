// `tfscope run` with edits: --script EDITS.json and the value-edit flags of `tfscope export`
// (--set/--scale/--add/--from-npy) change the variables for that run only, so a GUI-saved edit
// script can be test-run before it is exported. In-repo fixture tests/data/tf2_module
// (serving_default: y = x * weight + child.bias; weight [2, 3, 4], bias [0.5, -0.5, 1]).
#include <QtTest>

#include "cli_process.h"

#include <QProcess>

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;

namespace {

const QString kModule = QStringLiteral(TFSCOPE_TEST_DATA "/tf2_module");

using Run = CliRun;

std::vector<double> yOf(const Run& r) {
    auto doc = nlohmann::json::parse(r.out.toStdString());
    return doc["outputs"]["y"]["value"][0].get<std::vector<double>>();
}

QStringList runArgs(const QStringList& extra) {
    return QStringList{u"run"_s, kModule, u"--signature_def"_s, u"serving_default"_s, u"--input_exprs"_s, u"x=[[1.0, 2.0, 3.0]]"_s,
                       u"--json"_s} +
           extra;
}

}  // namespace

class TestCliRunEdits : public QObject {
    Q_OBJECT
private slots:
    void testFlags() {
        Run plain = runTfscope(runArgs({}));
        QVERIFY2(plain.exitCode == 0, plain.err.constData());
        QCOMPARE(yOf(plain), (std::vector<double>{2.5, 5.5, 13.0}));
        QVERIFY(!nlohmann::json::parse(plain.out.toStdString()).contains("edited_variables"));

        const QString weight = u"weight/.ATTRIBUTES/VARIABLE_VALUE"_s;
        Run set = runTfscope(runArgs({u"--set"_s, weight + u"=1"_s}));
        QVERIFY2(set.exitCode == 0, set.err.constData());
        QCOMPARE(yOf(set), (std::vector<double>{1.5, 1.5, 4.0}));
        auto doc = nlohmann::json::parse(set.out.toStdString());
        QCOMPARE(doc["edited_variables"], nlohmann::json::array({weight.toStdString()}));

        Run scaled = runTfscope(runArgs({u"--scale"_s, weight + u"=0.5"_s, u"--set"_s, u"child/bias/.ATTRIBUTES/VARIABLE_VALUE[2]=0"_s}));
        QVERIFY2(scaled.exitCode == 0, scaled.err.constData());
        QCOMPARE(yOf(scaled), (std::vector<double>{1.5, 2.5, 6.0}));  // x * [1, 1.5, 2] + [0.5, -0.5, 0]

        // Text mode names the edited variables on stderr and keeps stdout as without edits.
        QStringList text = runArgs({u"--add"_s, weight + u"=1"_s});
        text.removeAll(u"--json"_s);
        Run added = runTfscope(text);
        QVERIFY2(added.exitCode == 0, added.err.constData());
        const QByteArray said = "Running with 1 edited variable: " + weight.toUtf8();
        QVERIFY2(added.err.contains(said), added.err.constData());
        QVERIFY2(added.out.contains("[[ 3.5  7.5 16. ]]"), added.out.constData());
    }

    void testScript() {
        QTemporaryDir dir;
        const QString script = dir.filePath(u"edits.json"_s);
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"version": 1, "edits": [{"op": "fill", "name": "weight/.ATTRIBUTES/VARIABLE_VALUE", "value": 0}]})");
        f.close();
        Run r = runTfscope(runArgs({u"--script"_s, script}));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(yOf(r), (std::vector<double>{0.5, -0.5, 1.0}));
    }

    void testErrors() {
        Run bad = runTfscope(runArgs({u"--scale"_s, u"weight"_s}));
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("--scale expects 'name=value', got 'weight'."), bad.err.constData());
        Run missing = runTfscope(runArgs({u"--set"_s, u"nope=1"_s}));
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("Variable 'nope' does not exist."), missing.err.constData());
        Run cast = runTfscope(runArgs({u"--script"_s, u"/no/such/edits.json"_s}));
        QCOMPARE(cast.exitCode, 1);
        QVERIFY2(cast.err.contains("/no/such/edits.json"), cast.err.constData());
    }

    // `export` parses the same flags with the same code: the same usage errors, nothing written.
    void testExportFlagErrors() {
        QTemporaryDir dir;
        const QString out = dir.filePath(u"out"_s);
        const std::pair<QStringList, const char*> cases[] = {
            {{u"--scale"_s, u"weight"_s}, "--scale expects 'name=value', got 'weight'."},
            {{u"--set"_s, u"weight=abc"_s}, "--set expects a number, got 'abc'."},
            {{u"--set"_s, u"weight[0,x]=1"_s}, "--set expects an index like 'w[0,1]=2.5', got 'weight[0,x]'."},
            {{u"--from-npy"_s, u"weight"_s}, "--from-npy expects 'name=file.npy', got 'weight'."},
        };
        for (const auto& [flags, said] : cases) {
            Run r = runTfscope(QStringList{u"export"_s, kModule, u"--out"_s, out} + flags);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(said), r.err.constData());
            QVERIFY(!QFileInfo::exists(out));
        }
        Run ok = runTfscope({u"export"_s, kModule, u"--out"_s, out, u"--set"_s, u"weight[1]=7"_s, u"--json"_s});
        QVERIFY2(ok.exitCode == 0, ok.err.constData());
        Run r = runTfscope(QStringList{u"run"_s, out, u"--signature_def"_s, u"serving_default"_s, u"--input_exprs"_s,
                                       u"x=[[1.0, 2.0, 3.0]]"_s, u"--json"_s});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(yOf(r), (std::vector<double>{2.5, 13.5, 13.0}));
    }
};

QTEST_MAIN(TestCliRunEdits)
#include "tst_cli_run_edits.moc"
