// TensorTableModel and computeTensorStats against real tensors of tests/data/dtypes (values from
// TensorFlow, see expected.json) and a 3-D slice.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/progress.h"
#include "views/tensor/tensor_stats.h"
#include "views/tensor/tensor_table_model.h"
#include "views/tensor/tensor_viewer.h"

using namespace tfscope;

class TestTensorTable : public QObject {
    Q_OBJECT
    std::unique_ptr<CheckpointReader> m_reader;

    Tensor read(const char* key) {
        auto t = m_reader->read(key);
        if (!t.ok()) qFatal("%s", t.status().message().c_str());
        return t.value();
    }
    static QStringList column0(const TensorTableModel& m) {
        QStringList out;
        for (int r = 0; r < m.rowCount(); ++r) out << m.index(r, 0).data().toString();
        return out;
    }

private slots:
    void initTestCase() {
        auto r = CheckpointReader::open(TFSCOPE_TEST_DATA "/dtypes/all_dtypes");
        QVERIFY2(r.ok(), r.ok() ? "" : r.status().message().c_str());
        m_reader = std::move(r).value();
    }

    void testFloatMatrix() {
        TensorTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setTensor(read("float"));
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.columnCount(), 2);
        QCOMPARE(m.index(0, 0).data().toString(), QStringLiteral("0.1"));
        QCOMPARE(m.index(0, 1).data().toString(), QStringLiteral("-0"));
        QCOMPARE(m.index(1, 0).data().toString(), QStringLiteral("inf"));
        QCOMPARE(m.index(1, 1).data().toString(), QStringLiteral("nan"));
        QCOMPARE(m.index(2, 1).data().toString(), QStringLiteral("3.402823e+38"));
        QCOMPARE(m.textForRange(0, 0, 1, 1), QStringLiteral("0.1\t-0\ninf\tnan\n"));
    }

    void testHalfBfloatIntsStrings() {
        TensorTableModel m;
        m.setTensor(read("half"));
        QCOMPARE(column0(m), QStringList({QStringLiteral("0.5"), QStringLiteral("-2"), QStringLiteral("6.55e+04"),
                                          QStringLiteral("inf"), QStringLiteral("nan"), QStringLiteral("5.96e-08")}));
        m.setTensor(read("bfloat16"));
        QCOMPARE(column0(m), QStringList({QStringLiteral("1"), QStringLiteral("-0.1563"), QStringLiteral("3.004e+38"), QStringLiteral("-inf")}));
        m.setTensor(read("int64"));
        QCOMPARE(column0(m), QStringList({QStringLiteral("-9223372036854775808"), QStringLiteral("0"), QStringLiteral("9223372036854775807")}));
        m.setTensor(read("uint64"));
        QCOMPARE(m.index(1, 0).data().toString(), QStringLiteral("18446744073709551615"));
        m.setTensor(read("bool"));
        QCOMPARE(m.textForRange(0, 0, 0, 2), QStringLiteral("true\tfalse\ttrue\n"));
        m.setTensor(read("complex64"));
        QCOMPARE(column0(m), QStringList({QStringLiteral("1+2j"), QStringLiteral("-0.5-0.25j")}));
        m.setTensor(read("string_vec"));
        QCOMPARE(m.index(0, 0).data().toString(), QStringLiteral("hello"));
        QCOMPARE(m.index(3, 0).data().toString(), QStringLiteral("café"));
        m.setTensor(read("scalar_int64"));
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(m.columnCount(), 1);
        QCOMPARE(m.index(0, 0).data().toString(), QStringLiteral("-42"));
        m.setTensor(read("empty_float_0x3"));
        QCOMPARE(m.rowCount(), 0);
    }

    void testSliceOfThreeD() {
        // 2×3×4 with value = flat index; slice [1, :, :] starts at 12.
        std::vector<float> v(24);
        for (int i = 0; i < 24; ++i) v[size_t(i)] = float(i);
        TensorTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setTensor(Tensor::fromVector<float>({2, 3, 4}, v));
        QCOMPARE(m.fixedDims(), 1);
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.columnCount(), 4);
        QCOMPARE(m.index(2, 3).data().toString(), QStringLiteral("11"));
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        m.setFixedIndex(0, 1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(m.index(0, 0).data().toString(), QStringLiteral("12"));
        QCOMPARE(m.index(2, 3).data().toString(), QStringLiteral("23"));
        m.setFixedIndex(0, 2);  // out of range: ignored
        QCOMPARE(m.fixedIndex(0), 1);
    }

    void testStats() {
        auto s = computeTensorStats(read("float"));
        QVERIFY(s.ok());
        QCOMPARE(s->count, 6);
        QCOMPARE(s->nans, 1);
        QCOMPARE(s->infs, 1);
        QCOMPARE(s->zeros, 1);  // -0.0
        QCOMPARE(s->finite, 4);
        QCOMPARE(s->max, double(3.4028234663852886e+38));
        QCOMPARE(s->min, -0.0);
        int64_t total = 0;
        for (int64_t h : s->histogram) total += h;
        QCOMPARE(total, 4);
        auto i = computeTensorStats(read("int16"));
        QCOMPARE(i->min, -32768.0);
        QCOMPARE(i->max, 32767.0);
        QCOMPARE(i->mean, 0.5);
        QVERIFY(!computeTensorStats(read("string_vec"))->numeric);
        Progress cancelled;
        cancelled.cancel();
        QCOMPARE(computeTensorStats(read("float"), &cancelled).status().code(), Status::Code::Cancelled);
    }

    void testViewerComputesStatsOffThread() {
        TensorViewer viewer;
        QSignalSpy ready(&viewer, &TensorViewer::statsReady);
        viewer.setTensor(QStringLiteral("int8"), read("int8"));
        viewer.setTensor(QStringLiteral("int16"), read("int16"));  // newest wins
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 5000);
        QVERIFY(viewer.statsText().contains(QStringLiteral("min -32768")));
        QTest::qWait(50);
        QCOMPARE(ready.count(), 1);
    }
};

QTEST_MAIN(TestTensorTable)
#include "tst_tensor_table.moc"
