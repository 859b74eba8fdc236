// Inputs the libFuzzer targets (fuzz/) found crashing, kept as regression cases
// (tests/data/fuzz_regressions): each must now fail with a message, not crash or read out of bounds
// (the sanitizer build runs this too).
//   npy_bool_item_size_2.npy  descr '|b2': a 2-byte "bool" copied into 1-byte elements
//   npy_zero_item_size.npy    descr '<U0' with 10^11 elements: no data needed, a huge allocation
//   npz_offset_overflow.npz   zip offsets near 2^64 wrapped the bounds checks
#include <QtTest>

#include "model/io/npy.h"
#include "model/io/npz.h"

using namespace tfscope;

namespace {
std::string data(const char* name) { return io::readFileBytes(std::string(TFSCOPE_TEST_DATA "/fuzz_regressions/") + name).value(); }
}  // namespace

class TestFuzzRegressions : public QObject {
    Q_OBJECT
private slots:
    void testNpyItemSizeMustMatchDtype() {
        auto t = io::parseNpy(data("npy_bool_item_size_2.npy"));
        QVERIFY(!t.ok());
        QVERIFY2(t.status().message().find("Unsupported npy dtype '|b2'") != std::string::npos, t.status().message().c_str());
        // A huge item size is refused rather than overflowing the size check.
        std::string header = "{'descr': '|S99999999999999999999', 'fortran_order': False, 'shape': (3,), }";
        header.resize(118, ' ');
        header += '\n';
        std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + char(header.size() & 0xff) + char(header.size() >> 8) + header + "abc";
        auto big = io::parseNpy(bytes);
        QVERIFY(!big.ok());
        QVERIFY2(big.status().message().find("item size too large") != std::string::npos, big.status().message().c_str());
    }
    void testNpyZeroItemSize() {
        auto t = io::parseNpy(data("npy_zero_item_size.npy"));
        QVERIFY(!t.ok());
        QVERIFY2(t.status().message().find("Invalid .npy item size 0") != std::string::npos, t.status().message().c_str());
    }
    void testNpzOffsetsCannotWrap() {
        auto r = io::parseNpz(data("npz_offset_overflow.npz"));
        QVERIFY(!r.ok());
        QVERIFY(!r.status().message().empty());
    }
};

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzz_regressions.moc"
