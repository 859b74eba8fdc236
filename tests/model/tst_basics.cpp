// Core value types: dtypes, shapes, tensors, crc32c.
#include <QtTest>

#include <cstring>
#include <string>

#include "model/dtype.h"
#include "model/half.h"
#include "model/tensor.h"
#include "model/util/crc32c.h"

using namespace tfscope;

class TestBasics : public QObject {
    Q_OBJECT
private slots:
    void testDTypeNames() {
        QCOMPARE(dtypeEnumName(1), std::string("DT_FLOAT"));
        QCOMPARE(dtypeEnumName(101), std::string("DT_FLOAT_REF"));
        QCOMPARE(baseType(109), DType::Int64);
        QCOMPARE(dtypeFromName("bfloat16"), std::optional<DType>(DType::BFloat16));
        QCOMPARE(dtypeFromName("DT_HALF"), std::optional<DType>(DType::Half));
        QCOMPARE(dtypeSize(DType::Complex128), size_t(16));
        QVERIFY(!dtypeFromInt(77).has_value());
    }
    void testShape() {
        QCOMPARE(shapeNumElements({2, 3, 4}), int64_t(24));
        QCOMPARE(shapeNumElements({}), int64_t(1));
        QCOMPARE(shapeNumElements({-1, 2}), int64_t(-1));
        QCOMPARE(shapeNumElements({int64_t(1) << 40, int64_t(1) << 40}), int64_t(-1));
        QCOMPARE(shapeToString({2, 3}), std::string("[2,3]"));
    }
    void testTensorCopyOnWrite() {
        Tensor a = Tensor::fromVector<float>({3}, {1, 2, 3});
        Tensor b = a;
        b.mutableData<float>()[0] = 9;
        QCOMPARE(a.data<float>()[0], 1.0f);
        QCOMPARE(b.data<float>()[0], 9.0f);
        QVERIFY(!a.sameContent(b));
        auto huge = Tensor::allocate(DType::Float, {int64_t(1) << 31, 1024}, size_t(1) << 30);
        QVERIFY(!huge.ok());
        QCOMPARE(huge.status().code(), Status::Code::ResourceExhausted);
    }
    void testHalf() {
        QCOMPARE(halfToFloat(0x3c00), 1.0f);
        QCOMPARE(halfToFloat(0xc000), -2.0f);
        QCOMPARE(floatToHalf(0.5f), uint16_t(0x3800));
        QCOMPARE(halfToFloat(0x0001), 5.9604644775390625e-08f);
        QCOMPARE(floatToHalf(5.9604644775390625e-08f), uint16_t(0x0001));
        QCOMPARE(bfloat16ToFloat(floatToBfloat16(3.0f)), 3.0f);
    }
    void testCrc32c() {
        // Known answers (RFC 3720 / LevelDB crc32c_test): 32 zero bytes, 32 0xff bytes, "123456789".
        char zeros[32] = {};
        QCOMPARE(crc32c::value(zeros, 32), 0x8a9136aau);
        char ones[32];
        std::memset(ones, 0xff, 32);
        QCOMPARE(crc32c::value(ones, 32), 0x62a8ab43u);
        QCOMPARE(crc32c::value("123456789", 9), 0xe3069283u);
        QCOMPARE(crc32c::extend(crc32c::value("hello ", 6), "world", 5), crc32c::value("hello world", 11));
        std::string big(100003, 'x');
        for (size_t i = 0; i < big.size(); ++i) big[i] = char(i * 7);
        QCOMPARE(crc32c::extend(0, big.data() + 1, big.size() - 1), crc32c::extendPortable(0, big.data() + 1, big.size() - 1));
        QCOMPARE(crc32c::mask(0), 0xa282ead8u);
        QCOMPARE(crc32c::unmask(crc32c::mask(0x12345678u)), 0x12345678u);
    }
};

QTEST_GUILESS_MAIN(TestBasics)
#include "tst_basics.moc"
