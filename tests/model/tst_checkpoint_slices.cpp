// Slice keys (ordered code) and shape_and_slice strings against docs/formats.md#slice-keys and
// #shape-and-slice-strings.
#include <QtTest>

#include "model/checkpoint/slice_copy.h"
#include "model/checkpoint/slice_key.h"

using namespace tfscope;

namespace {
QByteArray hex(const std::string& s) { return QByteArray(s.data(), qsizetype(s.size())).toHex(' ').toUpper(); }
}  // namespace

class TestCheckpointSlices : public QObject {
    Q_OBJECT
private slots:
    void testSignedNumIncreasing_data() {
        QTest::addColumn<qint64>("value");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addRow("0") << qint64(0) << QByteArray("80");
        QTest::addRow("5") << qint64(5) << QByteArray("85");
        QTest::addRow("63") << qint64(63) << QByteArray("BF");
        QTest::addRow("64") << qint64(64) << QByteArray("C0 40");
        QTest::addRow("8192") << qint64(8192) << QByteArray("E0 20 00");
        QTest::addRow("100") << qint64(100) << QByteArray("C0 64");
        QTest::addRow("-1") << qint64(-1) << QByteArray("7F");
        QTest::addRow("-64") << qint64(-64) << QByteArray("40");
        QTest::addRow("-65") << qint64(-65) << QByteArray("3F BF");
        QTest::addRow("-100") << qint64(-100) << QByteArray("3F 9C");
    }
    void testSignedNumIncreasing() {
        QFETCH(qint64, value);
        QFETCH(QByteArray, bytes);
        std::string out;
        orderedWriteSignedNumIncreasing(out, value);
        QCOMPARE(hex(out), bytes);
        std::string_view in = out;
        int64_t back = 12345;
        QVERIFY(orderedReadSignedNumIncreasing(in, back));
        QCOMPARE(back, int64_t(value));
        QVERIFY(in.empty());
    }
    void testSignedNumRoundTripWide() {
        const int64_t values[] = {INT64_MIN, INT64_MIN + 1, -(int64_t(1) << 55), (int64_t(1) << 55), (int64_t(1) << 56) - 1,
                                  (int64_t(1) << 62), INT64_MAX, -8193, 8191, 1 << 20};
        std::string prev;
        for (int64_t v : values) {
            std::string out;
            orderedWriteSignedNumIncreasing(out, v);
            std::string_view in = out;
            int64_t back = 0;
            QVERIFY2(orderedReadSignedNumIncreasing(in, back), std::to_string(v).c_str());
            QCOMPARE(back, v);
        }
        // Order preserving: encoded bytes compare like the numbers.
        std::string a, b;
        orderedWriteSignedNumIncreasing(a, -70000);
        orderedWriteSignedNumIncreasing(b, 70000);
        QVERIFY(a < b);
    }
    void testSliceKeyExample() {
        std::string key = encodeSliceKey("var", {{0, 5}, {0, -1}});
        QCOMPARE(hex(key), QByteArray("00 76 61 72 00 01 01 02 80 85 80 7F"));
        auto d = decodeSliceKey(key);
        QVERIFY(d.ok());
        QCOMPARE(d->name, std::string("var"));
        QCOMPARE(int(d->slice.size()), 2);
        QCOMPARE(d->slice[0].start, int64_t(0));
        QCOMPARE(d->slice[0].length, int64_t(5));
        QCOMPARE(d->slice[1].length, int64_t(-1));
    }
    void testSliceKeyEscapesAndScalar() {
        std::string name("a\0b\xff", 4);
        std::string key = encodeSliceKey(name, {{300, 2}});
        QCOMPARE(hex(key), QByteArray("00 61 00 FF 62 FF 00 00 01 01 01 C1 2C 82"));
        auto d = decodeSliceKey(key);
        QVERIFY(d.ok());
        QCOMPARE(d->name, name);
        QCOMPARE(d->slice[0].start, int64_t(300));
        // V1 checkpoints key scalars with rank 0: "\0a\0\1\0".
        QCOMPARE(hex(encodeSliceKey("a", {})), QByteArray("00 61 00 01 00"));
        QVERIFY(decodeSliceKey(encodeSliceKey("a", {})).ok());
    }
    void testSliceKeyMalformed_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("nonzero tag") << QByteArray::fromHex("01 01 61 00 01 00");
        QTest::addRow("unterminated name") << QByteArray::fromHex("00 61 62");
        QTest::addRow("bad escape") << QByteArray::fromHex("00 61 00 02 00");
        QTest::addRow("missing extent") << QByteArray::fromHex("00 61 00 01 01 01 80");
        QTest::addRow("trailing bytes") << QByteArray::fromHex("00 61 00 01 00 80");
    }
    void testSliceKeyMalformed() {
        QFETCH(QByteArray, bytes);
        auto d = decodeSliceKey(std::string_view(bytes.constData(), size_t(bytes.size())));
        QVERIFY(!d.ok());
        QCOMPARE(d.status().code(), Status::Code::Corruption);
    }
    void testShapeAndSlice() {
        auto s = parseShapeAndSlice("10 20 0,5:-");
        QVERIFY(s.ok());
        QCOMPARE(s->fullShape, (Shape{10, 20}));
        QVERIFY(!s->whole);
        QCOMPARE(s->slice[0].length, int64_t(5));
        QCOMPARE(s->slice[1].length, int64_t(-1));
        QCOMPARE(formatShapeAndSlice(s->fullShape, s->slice), std::string("10 20 0,5:-"));
        QCOMPARE(sliceShape(s->slice, s->fullShape), (Shape{5, 20}));
        QVERIFY(parseShapeAndSlice("")->whole);
        QCOMPARE(parseShapeAndSlice("4 3,2").status().code(), Status::Code::InvalidArgument);   // past the end
        QCOMPARE(parseShapeAndSlice("4 5 -").status().code(), Status::Code::InvalidArgument);   // rank mismatch
        QVERIFY(parseShapeAndSlice("4 x,1").status().message().find("'x,1'") != std::string::npos);
        QVERIFY(sliceIsFull({{0, 4}, {0, -1}}, {4, 7}));
        QVERIFY(!sliceIsFull({{1, 3}, {0, -1}}, {4, 7}));
    }
    void testCopyOverlap() {
        // Full [4,3] = 0..11; copy rows 2..3 (a stored slice) into a [2,2] window at rows 1..2, cols 1..2.
        Tensor part = Tensor::fromVector<float>({2, 3}, {6, 7, 8, 9, 10, 11});
        Tensor window(DType::Float, {2, 2});
        int64_t n = copySliceOverlap(part, {{2, 2}, {0, -1}}, window, {{1, 2}, {1, 2}}, {4, 3});
        QCOMPARE(n, int64_t(2));
        QCOMPARE(window.data<float>()[2], 7.f);
        QCOMPARE(window.data<float>()[3], 8.f);
        QCOMPARE(window.data<float>()[0], 0.f);
        Tensor s = Tensor::fromStrings({3}, {"a", "b", "c"});
        Tensor dst = Tensor::fromStrings({2}, {});
        QCOMPARE(copySliceOverlap(s, {{0, -1}}, dst, {{1, 2}}, {3}), int64_t(2));
        QCOMPARE(dst.strings()[1], std::string("c"));
    }
};

QTEST_GUILESS_MAIN(TestCheckpointSlices)
#include "tst_checkpoint_slices.moc"
