// The float GEMM behind MatMul/Conv2D/Einsum: the packed AVX2/FMA kernel (where the CPU has it) and
// the Eigen contraction against a plain double-precision loop, across the block edges of the
// packed kernel (6-row and 16-column tiles, 256-deep and 144-row blocks, 3072-column panels), all
// four transpose combinations, on the thread pool and the calling thread; and the fused epilogue
// (bias, batch norm, Relu, Relu6) against the scalar order the unfused kernels use.
#include "tests/model/kernel_test_util.h"  // Eigen's ThreadPool before Qt's `signals` macro

#include <QtTest>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "model/kernels/gemm.h"
#include "model/kernels/sgemm.h"

using namespace tfscope;
using namespace tfscope::kernels;

namespace {

struct Product {
    int64_t m, k, n;
    bool ta, tb;
};

std::vector<float> randomVector(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
}

// Reference C = op(A) op(B) in double, and the bound sum |a||b| per element for the tolerance.
void reference(const Product& p, const std::vector<float>& a, const std::vector<float>& b, std::vector<double>* c,
               std::vector<double>* bound) {
    c->assign(size_t(p.m * p.n), 0.0);
    bound->assign(size_t(p.m * p.n), 0.0);
    for (int64_t i = 0; i < p.m; ++i)
        for (int64_t j = 0; j < p.n; ++j) {
            double s = 0, abs = 0;
            for (int64_t q = 0; q < p.k; ++q) {
                const double x = a[size_t(p.ta ? q * p.m + i : i * p.k + q)], y = b[size_t(p.tb ? j * p.k + q : q * p.n + j)];
                s += x * y;
                abs += std::fabs(x * y);
            }
            (*c)[size_t(i * p.n + j)] = s;
            (*bound)[size_t(i * p.n + j)] = abs;
        }
}

// Runs gemmFloat on the test thread pool (or the calling thread) and checks every element.
bool checkProduct(const Product& p, bool threaded, const GemmEpilogue& ep, QString* why) {
    const auto a = randomVector(size_t(p.m * p.k), 1), b = randomVector(size_t(p.k * p.n), 2);
    std::vector<double> want, bound;
    reference(p, a, b, &want, &bound);
    std::vector<float> c(size_t(p.m * p.n), std::numeric_limits<float>::quiet_NaN());
    testing::TestKernelContext ctx(testing::NodeBuilder("MatMul").build(), {});
    gemmFloat(threaded ? &ctx : nullptr, a.data(), b.data(), c.data(), p.m, p.k, p.n, p.ta, p.tb, ep);
    for (int64_t i = 0; i < p.m; ++i)
        for (int64_t j = 0; j < p.n; ++j) {
            const size_t at = size_t(i * p.n + j);
            const float expected = epilogueValue(ep, float(want[at]), j);
            const double tol = 1e-6 * (bound[at] + 1.0) * (ep.scale ? 4.0 : 1.0);
            if (!(std::fabs(double(c[at]) - double(expected)) <= tol)) {
                *why = QStringLiteral("m=%1 k=%2 n=%3 ta=%4 tb=%5: C[%6,%7] = %8, expected %9")
                           .arg(p.m).arg(p.k).arg(p.n).arg(p.ta).arg(p.tb).arg(i).arg(j).arg(double(c[at]), 0, 'g', 9)
                           .arg(double(expected), 0, 'g', 9);
                return false;
            }
        }
    return true;
}

}  // namespace

class TestGemm : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { setPackedSgemmEnabled(true); }
    void testProducts_data();
    void testProducts();
    void testEpilogue_data();
    void testEpilogue();
    void testReluKeepsNaN();
    void testEmptyDepth();
};

void TestGemm::testProducts_data() {
    QTest::addColumn<bool>("packed");
    QTest::addColumn<bool>("threaded");
    for (bool packed : {true, false})
        for (bool threaded : {true, false})
            QTest::addRow("%s, %s", packed ? "packed" : "eigen", threaded ? "threads" : "calling thread") << packed << threaded;
}

void TestGemm::testProducts() {
    QFETCH(bool, packed);
    QFETCH(bool, threaded);
    setPackedSgemmEnabled(packed);
    if (packed && !packedSgemmAvailable()) QSKIP("This CPU has no AVX2/FMA: the packed GEMM is not used here.");
    const Product shapes[] = {{1, 1, 1, false, false},   {3, 5, 7, false, false},    {6, 16, 16, false, false},
                              {7, 17, 17, false, false}, {13, 300, 33, false, false}, {150, 257, 40, false, false},
                              {64, 27, 32, false, false}, {5, 600, 3100, false, false}, {300, 40, 9, false, false}};
    for (Product p : shapes)
        for (int t = 0; t < 4; ++t) {
            p.ta = t & 1;
            p.tb = t & 2;
            QString why;
            QVERIFY2(checkProduct(p, threaded, {}, &why), qPrintable(why));
        }
}

void TestGemm::testEpilogue_data() {
    QTest::addColumn<bool>("packed");
    QTest::addColumn<bool>("bias");
    QTest::addColumn<bool>("batchNorm");
    QTest::addColumn<int>("act");
    for (bool packed : {true, false}) {
        QTest::addRow("%s bias", packed ? "packed" : "eigen") << packed << true << false << int(GemmActivation::None);
        QTest::addRow("%s bias relu", packed ? "packed" : "eigen") << packed << true << false << int(GemmActivation::Relu);
        QTest::addRow("%s batch norm relu6", packed ? "packed" : "eigen") << packed << false << true << int(GemmActivation::Relu6);
        QTest::addRow("%s bias batch norm relu", packed ? "packed" : "eigen") << packed << true << true << int(GemmActivation::Relu);
    }
}

void TestGemm::testEpilogue() {
    QFETCH(bool, packed);
    QFETCH(bool, bias);
    QFETCH(bool, batchNorm);
    QFETCH(int, act);
    setPackedSgemmEnabled(packed);
    if (packed && !packedSgemmAvailable()) QSKIP("This CPU has no AVX2/FMA: the packed GEMM is not used here.");
    const int64_t n = 37;  // two full 16-column tiles and a partial one
    const auto biasV = randomVector(size_t(n), 3), scaleV = randomVector(size_t(n), 4), shiftV = randomVector(size_t(n), 5);
    GemmEpilogue ep;
    if (bias) ep.bias = biasV.data();
    if (batchNorm) {
        ep.scale = scaleV.data();
        ep.shift = shiftV.data();
    }
    ep.act = GemmActivation(act);
    for (Product p : {Product{1, 9, n, false, false}, Product{20, 300, n, false, true}, Product{100, 8, n, true, false}}) {
        QString why;
        QVERIFY2(checkProduct(p, true, ep, &why), qPrintable(why));
    }
}

void TestGemm::testReluKeepsNaN() {
    // TF's Relu maps NaN to NaN; the fused epilogue must not turn it into 0.
    for (bool packed : {true, false}) {
        setPackedSgemmEnabled(packed);
        const int64_t m = 12, k = 4, n = 32;
        std::vector<float> a(size_t(m * k), 1.0f), b(size_t(k * n), -1.0f), c(size_t(m * n));
        a[5] = std::numeric_limits<float>::quiet_NaN();  // row 1
        GemmEpilogue ep;
        ep.act = GemmActivation::Relu;
        gemmFloat(nullptr, a.data(), b.data(), c.data(), m, k, n, false, false, ep);
        QVERIFY(std::isnan(c[size_t(1 * n + 3)]));
        QCOMPARE(c[size_t(0 * n + 3)], 0.0f);  // -4 clipped
        QCOMPARE(c[size_t(11 * n + 31)], 0.0f);
    }
}

void TestGemm::testEmptyDepth() {
    // k == 0: the product is all zeros, and the epilogue still applies (bias + Relu6).
    for (bool packed : {true, false}) {
        setPackedSgemmEnabled(packed);
        const std::vector<float> bias = {-1.0f, 2.5f, 9.0f};
        std::vector<float> c(6, 42.0f);
        GemmEpilogue ep;
        ep.bias = bias.data();
        ep.act = GemmActivation::Relu6;
        gemmFloat(nullptr, nullptr, nullptr, c.data(), 2, 0, 3, false, false, ep);
        QCOMPARE(c, (std::vector<float>{0.0f, 2.5f, 6.0f, 0.0f, 2.5f, 6.0f}));
    }
}

QTEST_APPLESS_MAIN(TestGemm)
#include "tst_gemm.moc"
