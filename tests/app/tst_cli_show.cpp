// Golden-file tests of `tfscope show` and `tfscope versions` on the shared real models. The
// expected texts (tests/data/cli/*.expected.txt) were generated from tfscope's output after
// checking it against TensorFlow's `saved_model_cli show` (tests/data/cli/compare_saved_model_cli.py;
// only the op set order and tfscope's extra Variables/Assets sections differ).
// On mismatch the test writes NAME.actual.txt next to the expected file and prints `diff -u`.
#include <QtTest>

#include "cli_process.h"

#include <QProcess>

#include "shared_models.h"

using namespace Qt::StringLiterals;

namespace {

const QString kModels = QStringLiteral(TFSCOPE_SHARED_MODELS);
const QString kCliData = QStringLiteral(TFSCOPE_TEST_DATA "/cli");

using Run = CliRun;

QStringList expand(const QStringList& args) {
    QStringList out;
    for (const QString& a : args) out << QString(a).replace("$MODELS"_L1, kModels);
    return out;
}

}  // namespace

class TestCliShow : public QObject {
    Q_OBJECT
private slots:
    void testGolden_data() {
        QTest::addColumn<QStringList>("args");
        const QString hp2 = u"$MODELS/serving_saved_model_half_plus_two_cpu/00000123"_s;
        auto row = [](const char* name, QStringList args) { QTest::addRow("%s", name) << args; };
        row("hp2_cpu_all", {u"show"_s, hp2, u"--all"_s});
        row("hp2_cpu_tags", {u"show"_s, hp2});
        row("hp2_cpu_serve", {u"show"_s, hp2, u"--tag_set"_s, u"serve"_s});
        row("hp2_cpu_serve_default", {u"show"_s, hp2, u"--tag_set"_s, u"serve"_s, u"--signature_def"_s, u"serving_default"_s});
        row("hp2_cpu_listops", {u"show"_s, hp2, u"--tag_set"_s, u"serve"_s, u"--list_ops"_s});
        row("hp2_tf2_all", {u"show"_s, u"$MODELS/serving_saved_model_half_plus_two_tf2_cpu/00000123"_s, u"--all"_s});
        row("hp2_2v_base_all", {u"show"_s, u"$MODELS/serving_saved_model_half_plus_two_2_versions"_s, u"--all"_s});
        row("counter_all", {u"show"_s, u"$MODELS/serving_saved_model_counter/00000123"_s, u"--all"_s});
        row("hp3_all", {u"show"_s, u"$MODELS/serving_saved_model_half_plus_three/00000123"_s, u"--all"_s});
        row("pbtxt_all", {u"show"_s, u"$MODELS/tf_cc_half_plus_two_pbtxt/00000123"_s, u"--all"_s});
        row("rust_reg_all", {u"show"_s, u"$MODELS/rust_test_resources_regression-model"_s, u"--all"_s});
        row("rust_reg_tags", {u"show"_s, u"$MODELS/rust_test_resources_regression-model"_s});
        row("rust_reg_ts", {u"show"_s, u"$MODELS/rust_test_resources_regression-model"_s, u"--tag_set"_s, u"train,serve"_s});
        row("kotlindl_all", {u"show"_s, u"$MODELS/kotlindl_mnist1_saved_model"_s, u"--all"_s});
        row("tfma_all", {u"show"_s, u"$MODELS/tfx_trainer_current_Format-TFMA/1646034758"_s, u"--all"_s});
        row("tfjs_multi_all", {u"show"_s, u"$MODELS/tfjs_node_module_with_multiple_signatures"_s, u"--all"_s});
        row("onnx_reg_all", {u"show"_s, u"$MODELS/onnx_regression/saved_model"_s, u"--all"_s});
        row("rust_regsm_all", {u"show"_s, u"$MODELS/rust_regression_savedmodel"_s, u"--all"_s});
        row("cppflow_all", {u"show"_s, u"$MODELS/cppflow_load_model/model"_s, u"--all"_s});
        row("hp2_mlmd_all", {u"show"_s, u"$MODELS/serving_saved_model_half_plus_two_mlmd/00000123"_s, u"--all"_s});
        row("versions_2v", {u"versions"_s, u"$MODELS/serving_saved_model_half_plus_two_2_versions"_s});
        row("hp2_cpu_json", {u"show"_s, hp2, u"--json"_s});
        row("tfma_eval_json", {u"show"_s, u"$MODELS/tfx_trainer_current_Format-TFMA/1646034758"_s, u"--tag_set"_s, u"eval"_s, u"--json"_s});
        row("versions_2v_json", {u"versions"_s, u"$MODELS/serving_saved_model_half_plus_two_2_versions"_s, u"--json"_s});
    }
    void testGolden() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        QFETCH(QStringList, args);
        const QString name = QString::fromUtf8(QTest::currentDataTag());
        Run r = runTfscope(expand(args));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // Absolute paths (JSON, versions) are written as $MODELS in the expected files.
        QByteArray actual = r.out;
        actual.replace(kModels.toUtf8(), "$MODELS");
        QFile expectedFile(kCliData + "/"_L1 + name + ".expected.txt"_L1);
        const QString actualPath = kCliData + "/"_L1 + name + ".actual.txt"_L1;
        QByteArray expected;
        if (expectedFile.open(QIODevice::ReadOnly)) expected = expectedFile.readAll();
        if (actual != expected) {
            QFile out(actualPath);
            if (out.open(QIODevice::WriteOnly)) out.write(actual);
            out.close();
            QProcess diff;
            diff.start(u"diff"_s, {u"-u"_s, expectedFile.fileName(), actualPath});
            diff.waitForFinished();
            qWarning("%s", diff.readAllStandardOutput().constData());
            QFAIL(qPrintable(u"output differs from "_s + expectedFile.fileName()));
        }
        QFile::remove(actualPath);
    }

    void testErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("stderrText");
        const QString hp2 = u"$MODELS/serving_saved_model_half_plus_two_cpu/00000123"_s;
        QTest::addRow("missing tag set") << QStringList{u"show"_s, hp2, u"--tag_set"_s, u"gpu"_s} << 1
            << u"tfscope: $MODELS/serving_saved_model_half_plus_two_cpu/00000123: MetaGraphDef associated with tag-set 'gpu' could not be found in SavedModel.\n"_s;
        QTest::addRow("missing signature") << QStringList{u"show"_s, hp2, u"--tag_set"_s, u"serve"_s, u"--signature_def"_s, u"nope"_s} << 1
            << u"tfscope: $MODELS/serving_saved_model_half_plus_two_cpu/00000123: Could not find signature \"nope\". Please choose from: classify_x_to_y, regress_x2_to_y3, regress_x_to_y, regress_x_to_y2, serving_default.\n"_s;
        QTest::addRow("no such path") << QStringList{u"show"_s, u"$MODELS/does_not_exist"_s} << 1
            << u"tfscope: No such file or folder '$MODELS/does_not_exist'.\n"_s;
        QTest::addRow("signature without tag set") << QStringList{u"show"_s, hp2, u"--signature_def"_s, u"x"_s} << 2
            << u"tfscope: --signature_def needs --tag_set.\n"_s;
        QTest::addRow("versions of a saved model") << QStringList{u"versions"_s, hp2} << 1
            << u"tfscope: $MODELS/serving_saved_model_half_plus_two_cpu/00000123: Not a TF Serving base folder (no numeric version folder holding a SavedModel).\n"_s;
    }
    void testErrors() {
        TFSCOPE_REQUIRE_SHARED_MODELS();
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, stderrText);
        Run r = runTfscope(expand(args));
        QCOMPARE(r.exitCode, exitCode);
        QCOMPARE(QString::fromUtf8(r.err).replace(kModels, "$MODELS"_L1), stderrText);
        QVERIFY(r.out.isEmpty());
    }

    void testUsageError() {
        Run r = runTfscope({u"show"_s});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliShow)
#include "tst_cli_show.moc"
