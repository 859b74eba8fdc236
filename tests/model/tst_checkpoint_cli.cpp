// `tfscope ckpt` against TensorFlow 2.15's inspect_checkpoint output (tests/data/ckpt/*.expected.txt,
// made by make_fixtures.py), plus --verify, --json and exit codes. Runs the built binary.
#include <QtTest>

#include <nlohmann/json.hpp>

#include "shared_models.h"

namespace {

const QString kData = QStringLiteral(TFSCOPE_TEST_DATA "/ckpt");
const QString kModels = QStringLiteral(TFSCOPE_SHARED_MODELS);

struct Run {
    int code = -1;
    QByteArray out, err;
};

Run tfscope(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(TFSCOPE_BIN), QStringList{QStringLiteral("ckpt")} + args);
    p.waitForFinished(60000);
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

}  // namespace

class TestCheckpointCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (!QFile::exists(QStringLiteral(TFSCOPE_BIN)))
            QSKIP("The tfscope binary is not built; build target 'tfscope' first.");
    }

    void testMatchesInspectCheckpoint_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("expected");
        QTest::addRow("dtypes --all_tensors") << kData + "/dtypes/ckpt" << "--all_tensors" << "dtypes.all_tensors";
        QTest::addRow("dtypes listing") << kData + "/dtypes/ckpt" << "" << "dtypes.list";
        QTest::addRow("partitioned --all_tensors") << kData + "/partitioned/ckpt" << "--all_tensors" << "partitioned.all_tensors";
        QTest::addRow("partitioned listing") << kData + "/partitioned/ckpt" << "" << "partitioned.list";
        QTest::addRow("sharded --all_tensors") << kData + "/sharded/ckpt" << "--all_tensors" << "sharded.all_tensors";
        QTest::addRow("tf1 saver folder") << kData + "/tf1_saver" << "--all_tensors" << "tf1_saver.all_tensors";
        QTest::addRow("V1 --all_tensors") << kModels + "/serving_session_bundle_half_plus_two/00000123/export-00000-of-00001"
                                          << "--all_tensors" << "half_plus_two_v1.all_tensors";
        QTest::addRow("V1 listing") << kModels + "/serving_session_bundle_half_plus_two/00000123/export-00000-of-00001" << ""
                                    << "half_plus_two_v1.list";
        QTest::addRow("keras --all_tensors") << kModels + "/kotlindl_mnist1_saved_model/variables/variables" << "--all_tensors"
                                             << "kotlindl.all_tensors";
        QTest::addRow("keras listing (SavedModel folder)") << kModels + "/kotlindl_mnist1_saved_model" << "" << "kotlindl.list";
    }
    void testMatchesInspectCheckpoint() {
        QFETCH(QString, path);
        QFETCH(QString, flag);
        QFETCH(QString, expected);
        if (path.startsWith(kModels)) TFSCOPE_REQUIRE_SHARED_MODELS();
        QStringList args{path};
        if (!flag.isEmpty()) args << flag;
        Run r = tfscope(args);
        QCOMPARE(r.code, 0);
        QFile f(kData + "/" + expected + ".expected.txt");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray want = f.readAll();
        if (r.out != want) {
            QTemporaryDir keep;
            keep.setAutoRemove(false);
            QFile actual(keep.path() + "/" + expected + ".actual.txt");
            QVERIFY(actual.open(QIODevice::WriteOnly));
            actual.write(r.out);
            actual.close();
            QProcess diff;
            diff.start(QStringLiteral("diff"), {QStringLiteral("-u"), f.fileName(), actual.fileName()});
            diff.waitForFinished();
            qWarning().noquote() << diff.readAllStandardOutput().left(4000);
            QFAIL(qPrintable(QStringLiteral("output differs; see ") + actual.fileName()));
        }
    }

    void testTensorName() {
        Run r = tfscope({kData + "/dtypes/ckpt", QStringLiteral("--tensor_name"), QStringLiteral("int32")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, QByteArray("tensor: int32 (int32) [2, 2]\n[[   1   10]\n [-100 1000]]\n# Total number of params: 2075\n"));
        Run missing = tfscope({kData + "/dtypes/ckpt", QStringLiteral("--tensor_name"), QStringLiteral("nope")});
        QCOMPARE(missing.code, 1);
        QVERIFY(missing.err.contains("Tensor 'nope' not found"));
    }

    // --printoptions as inspect_checkpoint passes them to numpy.set_printoptions; expected texts
    // are numpy 1.26's str() under the same options.
    void testPrintOptions() {
        const QString ckpt = kData + "/dtypes/ckpt";
        Run r = tfscope({ckpt, QStringLiteral("--tensor_name"), QStringLiteral("float32"), QStringLiteral("--printoptions"),
                         QStringLiteral("threshold=2,edgeitems=1")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, QByteArray("tensor: float32 (float32) [2, 3]\n[[ 5.00e-01 ... -3.25e+00]\n [ 1.00e-03 ...  7.00e+00]]\n"
                                   "# Total number of params: 2075\n"));
        r = tfscope({ckpt, QStringLiteral("--tensor_name"), QStringLiteral("float32"), QStringLiteral("--printoptions"),
                     QStringLiteral("precision=2")});
        QCOMPARE(r.out.split('\n').value(2), QByteArray(" [ 1.00e-03  1.00e+02  7.00e+00]]"));
        Run bad = tfscope({ckpt, QStringLiteral("--printoptions"), QStringLiteral("suppress=True")});
        QCOMPARE(bad.code, 2);
        QCOMPARE(bad.err, QByteArray("tfscope: Print option 'suppress=True' is not 'name=non-negative integer'.\n"));
    }

    void testJson() {
        Run r = tfscope({kData + "/sharded/ckpt", QStringLiteral("--all_tensors"), QStringLiteral("--json"), QStringLiteral("--verify")});
        QCOMPARE(r.code, 0);
        auto doc = nlohmann::ordered_json::parse(r.out.toStdString());  // keeps the printed field order
        QCOMPARE(doc["format"].get<std::string>(), std::string("V2"));
        QCOMPARE(doc["num_shards"].get<int>(), 2);
        QCOMPARE(doc["total_params"].get<int>(), 5);
        QCOMPARE(doc["tensors"][0].dump(), std::string(R"({"name":"x","dtype":"DT_FLOAT","shape":[2],"value":[1.0,2.0]})"));
        QCOMPARE(doc["tensors"][2]["value"].get<std::string>(), std::string("obj"));
        QCOMPARE(doc["verify"]["ok"].get<bool>(), true);
    }

    void testVerifyAndExitCodes() {
        QTemporaryDir tmp;
        const QString prefix = tmp.path() + "/ckpt";
        QVERIFY(QFile::copy(kData + "/dtypes/ckpt.index", prefix + ".index"));
        QVERIFY(QFile::copy(kData + "/dtypes/ckpt.data-00000-of-00001", prefix + ".data-00000-of-00001"));
        Run ok = tfscope({prefix, QStringLiteral("--verify")});
        QCOMPARE(ok.code, 0);
        QVERIFY(ok.out.contains("Verified 25 tensors"));
        // Corrupt the first tensor in data order ("float32", offset 0).
        QFile data(prefix + ".data-00000-of-00001");
        QVERIFY(data.open(QIODevice::ReadWrite));
        QByteArray bytes = data.readAll();
        bytes[0] = char(bytes[0] ^ 0x40);
        data.seek(0);
        data.write(bytes);
        data.close();
        Run bad = tfscope({prefix, QStringLiteral("--verify")});
        QCOMPARE(bad.code, 1);
        QVERIFY2(bad.err.contains("Checksum mismatch for tensor 'float32'"), bad.err.constData());
        QCOMPARE(tfscope({tmp.path() + "/nothing"}).code, 1);
        QCOMPARE(tfscope({}).code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCheckpointCli)
#include "tst_checkpoint_cli.moc"
