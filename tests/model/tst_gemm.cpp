// The float GEMM behind MatMul/Conv2D/Einsum on each path the CPU has (the packed AVX-512 and
// AVX2/FMA kernels, the one-row GEMV, and the portable Eigen contraction; a path this CPU lacks is
// skipped with a message) against a plain double-precision loop, across the block edges of the
// packed kernels (6x16 and 8x32 tiles, 256-deep and 144-row blocks, 3072-column
// panels), all four transpose combinations, on the thread pool (2 threads) and the calling thread;
// and the fused epilogue (bias, batch norm, Relu, Relu6, residual) against the scalar order the
// unfused kernels use. The AVX-512 and AVX2 paths give the same bits. Conv2D's float paths (each
// thread's im2col block times the filter packed once, and the whole-im2col Eigen path) against a
// double-precision convolution across padding, stride, dilation and depth.
#include "tests/model/kernel_test_util.h"  // Eigen's ThreadPool before Qt's `signals` macro

#include <QtTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <thread>
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

// Runs gemmFloat on the test thread pool (or the calling thread) and checks every element;
// `residual`: the epilogue also adds a matrix of C's shape.
bool checkProduct(const Product& p, bool threaded, GemmEpilogue ep, QString* why, bool residual = false) {
    const auto a = testing::randomFloats(size_t(p.m * p.k), 1), b = testing::randomFloats(size_t(p.k * p.n), 2);
    std::vector<double> want, bound;
    reference(p, a, b, &want, &bound);
    std::vector<float> c(size_t(p.m * p.n), std::numeric_limits<float>::quiet_NaN());
    const auto addend = testing::randomFloats(c.size(), 6);
    if (residual) {
        ep.residual = addend.data();
        ep.out = c.data();
    }
    testing::TestKernelContext ctx(testing::NodeBuilder("MatMul").build(), {});
    gemmFloat(threaded ? &ctx : nullptr, a.data(), b.data(), c.data(), p.m, p.k, p.n, p.ta, p.tb, ep);
    for (int64_t i = 0; i < p.m; ++i)
        for (int64_t j = 0; j < p.n; ++j) {
            const size_t at = size_t(i * p.n + j);
            const float expected = epilogueValue(ep, float(want[at]), j, c.data() + at);
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

// Adds one data row per GEMM path, named for it, with the path in column "isa".
void addIsaRows() {
    for (SgemmIsa isa : {SgemmIsa::Avx512, SgemmIsa::Avx2, SgemmIsa::Portable}) QTest::newRow(sgemmIsaName(isa)) << int(isa);
}

// Switches the float GEMM to the path `isa`, or skips the test where the CPU lacks it.
#define USE_ISA(isa)                                                                                                          \
    do {                                                                                                                      \
        if (!setSgemmIsa(isa))                                                                                                \
            QSKIP(qPrintable(QStringLiteral("This CPU has no %1: that GEMM path is not used here.").arg(sgemmIsaName(isa)))); \
    } while (false)

struct Conv {
    int64_t n, h, w, c, kh, kw, f, stride, dilation;
    const char* padding;
};

// Row counts that are not multiples of the 6- and 8-row tiles or of the per-thread blocks;
// depths below one tile and past one depth block; filter counts off the 16-column tile;
// 64 channels x 4 taps: each 256-deep slice is one whole filter row (the patch copy's row path);
// a 7x7 stride-2 stem on 3 channels and a 1x1 stride-2 shortcut (ResNet's); three images whose
// padded copies (2.2 MB each) are made one at a time (conv2d.cpp: groups of images); 96 channels,
// which the AVX-512 path multiplies as copied patches too; 64 filters read in place over two
// 144-row blocks (AVX-512's 6x64 tile).
const Conv kConvs[] = {{2, 11, 9, 32, 3, 3, 64, 1, 1, "SAME"}, {2, 9, 7, 5, 3, 3, 20, 1, 1, "SAME"}, {1, 13, 11, 40, 5, 3, 33, 2, 1, "VALID"}, {3, 10, 10, 3, 3, 3, 16, 1, 2, "SAME"}, {2, 32, 32, 3, 3, 3, 32, 1, 1, "SAME"}, {1, 8, 9, 64, 3, 3, 7, 2, 1, "SAME"}, {1, 1, 1, 2, 3, 3, 5, 1, 1, "SAME"}, {2, 6, 6, 4, 1, 1, 18, 2, 1, "VALID"}, {1, 7, 8, 64, 3, 4, 9, 1, 1, "SAME"}, {1, 23, 21, 3, 7, 7, 64, 2, 1, "SAME"}, {2, 9, 9, 24, 1, 1, 40, 2, 1, "SAME"}, {3, 150, 150, 24, 3, 3, 4, 1, 1, "SAME"}, {1, 9, 8, 96, 3, 3, 20, 1, 1, "SAME"}};

Result<Tensor> runConv(const Conv& cv) {
    const auto x = testing::randomFloats(size_t(cv.n * cv.h * cv.w * cv.c), 7), k = testing::randomFloats(size_t(cv.kh * cv.kw * cv.c * cv.f), 8);
    const auto node = testing::NodeBuilder("Conv2D")
                          .type("T", DType::Float)
                          .attr("strides", std::vector<int64_t>{1, cv.stride, cv.stride, 1})
                          .attr("dilations", std::vector<int64_t>{1, cv.dilation, cv.dilation, 1})
                          .attr("padding", cv.padding)
                          .build();
    TFS_ASSIGN_OR_RETURN(auto outs, testing::runKernel(node, {Tensor::fromVector<float>({cv.n, cv.h, cv.w, cv.c}, x),
                                                              Tensor::fromVector<float>({cv.kh, cv.kw, cv.c, cv.f}, k)}));
    return outs[0];
}

// Conv2D through the registered kernel against a double-precision loop over the same window.
bool checkConv(const Conv& cv, QString* why) {
    const auto x = testing::randomFloats(size_t(cv.n * cv.h * cv.w * cv.c), 7), k = testing::randomFloats(size_t(cv.kh * cv.kw * cv.c * cv.f), 8);
    const bool same = std::string(cv.padding) == "SAME";
    auto outSize = [&](int64_t in, int64_t kk) {
        const int64_t eff = (kk - 1) * cv.dilation + 1;
        return same ? (in + cv.stride - 1) / cv.stride : (in - eff + cv.stride) / cv.stride;
    };
    auto padBefore = [&](int64_t in, int64_t kk, int64_t out) {
        const int64_t eff = (kk - 1) * cv.dilation + 1;
        return same ? std::max<int64_t>(0, (out - 1) * cv.stride + eff - in) / 2 : 0;
    };
    const int64_t oh = outSize(cv.h, cv.kh), ow = outSize(cv.w, cv.kw);
    const int64_t ph = padBefore(cv.h, cv.kh, oh), pw = padBefore(cv.w, cv.kw, ow);
    auto r = runConv(cv);
    if (!r.ok()) {
        *why = QString::fromStdString(r.status().message());
        return false;
    }
    const Tensor& out = r.value();
    if (out.shape() != Shape{cv.n, oh, ow, cv.f}) {
        *why = QStringLiteral("shape %1").arg(QString::fromStdString(shapeToString(out.shape())));
        return false;
    }
    const float* got = out.data<float>();
    for (int64_t b = 0; b < cv.n; ++b)
        for (int64_t oy = 0; oy < oh; ++oy)
            for (int64_t ox = 0; ox < ow; ++ox)
                for (int64_t o = 0; o < cv.f; ++o) {
                    double s = 0, bound = 0;
                    for (int64_t y = 0; y < cv.kh; ++y)
                        for (int64_t xx = 0; xx < cv.kw; ++xx) {
                            const int64_t iy = oy * cv.stride - ph + y * cv.dilation, ix = ox * cv.stride - pw + xx * cv.dilation;
                            if (iy < 0 || iy >= cv.h || ix < 0 || ix >= cv.w) continue;
                            for (int64_t ch = 0; ch < cv.c; ++ch) {
                                const double v = double(x[size_t(((b * cv.h + iy) * cv.w + ix) * cv.c + ch)]) *
                                                 double(k[size_t(((y * cv.kw + xx) * cv.c + ch) * cv.f + o)]);
                                s += v;
                                bound += std::fabs(v);
                            }
                        }
                    const double g = got[((b * oh + oy) * ow + ox) * cv.f + o];
                    if (!(std::fabs(g - s) <= 1e-6 * (bound + 1.0))) {
                        *why = QStringLiteral("%1x%2 kernel, stride %3, dilation %4, %5, c=%6 f=%7: out[%8,%9,%10,%11] = %12, expected %13")
                                   .arg(cv.kh).arg(cv.kw).arg(cv.stride).arg(cv.dilation).arg(cv.padding).arg(cv.c).arg(cv.f)
                                   .arg(b).arg(oy).arg(ox).arg(o).arg(g, 0, 'g', 9).arg(s, 0, 'g', 9);
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
    void testIsaChoice();
    void testProducts_data();
    void testProducts();
    void testEpilogue_data();
    void testEpilogue();
    void testPathsAgree();
    void testGemvSplitsRows();
    void testReluKeepsNaN();
    void testEmptyDepth();
    void testConvolutions_data();
    void testConvolutions();
    void testConvolutionPathsAgree();
    void testConvolutionOverResidual();
    void testParallelForHandOff();
};

void TestGemm::testIsaChoice() {
    // The default is the widest path the CPU has, unless TFSCOPE_ISA asks for less (run the suite
    // with it set to check that); the portable path is always there, and a path the CPU lacks
    // cannot be chosen.
    QVERIFY(sgemmIsaSupported(SgemmIsa::Portable));
    QVERIFY(!sgemmIsaSupported(SgemmIsa::Avx512) || sgemmIsaSupported(SgemmIsa::Avx2));
    const QString env = qEnvironmentVariable("TFSCOPE_ISA");
    SgemmIsa want = env == "portable" ? SgemmIsa::Portable : env == "avx2" ? SgemmIsa::Avx2
                                                                           : SgemmIsa::Avx512;
    while (!sgemmIsaSupported(want)) want = SgemmIsa(int(want) - 1);
    QCOMPARE(int(sgemmIsa()), int(want));
    setPackedSgemmEnabled(false);
    QCOMPARE(int(sgemmIsa()), int(SgemmIsa::Portable));
    QVERIFY(!packedSgemmAvailable());
    for (SgemmIsa isa : {SgemmIsa::Avx2, SgemmIsa::Avx512}) {
        QCOMPARE(setSgemmIsa(isa), sgemmIsaSupported(isa));
        QCOMPARE(int(sgemmIsa()), int(sgemmIsaSupported(isa) ? isa : SgemmIsa::Portable));
        QCOMPARE(packedSgemmAvailable(), sgemmIsaSupported(isa));
        setPackedSgemmEnabled(false);
    }
    QCOMPARE(QString(sgemmIsaName(SgemmIsa::Avx512)), QStringLiteral("avx512"));
}

void TestGemm::testProducts_data() {
    QTest::addColumn<int>("isa");
    QTest::addColumn<bool>("threaded");
    for (bool threaded : {true, false})
        for (SgemmIsa isa : {SgemmIsa::Avx512, SgemmIsa::Avx2, SgemmIsa::Portable})
            QTest::addRow("%s, %s", sgemmIsaName(isa), threaded ? "2 threads" : "calling thread") << int(isa) << threaded;
}

void TestGemm::testProducts() {
    QFETCH(int, isa);
    QFETCH(bool, threaded);
    USE_ISA(SgemmIsa(isa));
    // The packed GEMMs' tiles and edges (rows around the 6- and 8-row tiles and the 144-row block,
    // depths of one block (up to 320) and of several equal blocks around 256 deep, columns around the 16- and 32-column tiles and the 3072-column
    // block, exactly 64 columns (AVX-512's 6x64 tile, edge rows and two depth blocks); many rows, which the threads split by rows), then one row: the GEMV (8- and 16-column
    // vectors, a scalar tail; the last ones large enough for the threads to split B).
    // clang-format off
    const Product shapes[] = {{1, 1, 1, false, false},     {3, 5, 7, false, false},       {6, 16, 16, false, false},
                              {7, 17, 17, false, false},   {13, 300, 33, false, false},   {150, 257, 40, false, false},
                              {64, 27, 32, false, false},  {5, 600, 3100, false, false},  {300, 40, 9, false, false},
                              {8, 256, 48, false, false},  {9, 64, 16, false, false},     {11, 1, 15, false, false},
                              {25, 513, 31, false, false}, {145, 255, 1, false, false},   {4, 3, 50, false, false},
                              {1000, 70, 41, false, false}, {10, 320, 20, false, false},  {10, 321, 20, false, false},
                              {3, 1300, 35, false, false}, {13, 300, 64, false, false}, {150, 600, 64, false, false},
                              {1000, 70, 64, false, false},
                              {1, 784, 512, false, false}, {1, 300, 70, false, false},    {1, 1000, 3, false, false},
                              {1, 17, 129, false, false},  {1, 2048, 1001, false, false}, {1, 2048, 2100, false, false}};
    // clang-format on
    for (Product p : shapes)
        for (int t = 0; t < 4; ++t) {
            p.ta = t & 1;
            p.tb = t & 2;
            QString why;
            QVERIFY2(checkProduct(p, threaded, {}, &why), qPrintable(why));
        }
}

void TestGemm::testEpilogue_data() {
    QTest::addColumn<int>("isa");
    QTest::addColumn<bool>("bias");
    QTest::addColumn<bool>("batchNorm");
    QTest::addColumn<int>("act");
    QTest::addColumn<bool>("residual");
    for (SgemmIsa isa : {SgemmIsa::Avx512, SgemmIsa::Avx2, SgemmIsa::Portable}) {
        const char* name = sgemmIsaName(isa);
        const int i = int(isa);
        QTest::addRow("%s bias", name) << i << true << false << int(GemmActivation::None) << false;
        QTest::addRow("%s bias relu", name) << i << true << false << int(GemmActivation::Relu) << false;
        QTest::addRow("%s batch norm relu6", name) << i << false << true << int(GemmActivation::Relu6) << false;
        QTest::addRow("%s bias batch norm relu", name) << i << true << true << int(GemmActivation::Relu) << false;
        QTest::addRow("%s batch norm residual relu", name) << i << false << true << int(GemmActivation::Relu) << true;
        QTest::addRow("%s residual", name) << i << false << false << int(GemmActivation::None) << true;
    }
}

void TestGemm::testEpilogue() {
    QFETCH(int, isa);
    QFETCH(bool, bias);
    QFETCH(bool, batchNorm);
    QFETCH(int, act);
    QFETCH(bool, residual);
    USE_ISA(SgemmIsa(isa));
    const int64_t n = 37;  // two full 16-column tiles and a partial one
    const auto biasV = testing::randomFloats(size_t(n), 3), scaleV = testing::randomFloats(size_t(n), 4), shiftV = testing::randomFloats(size_t(n), 5);
    GemmEpilogue ep;
    if (bias) ep.bias = biasV.data();
    if (batchNorm) {
        ep.scale = scaleV.data();
        ep.shift = shiftV.data();
    }
    ep.act = GemmActivation(act);
    // One row (the GEMV), rows off the tiles, a depth past one 256-deep block (the epilogue
    // applies after the last), many rows on two threads and on one.
    for (Product p : {Product{1, 9, n, false, false}, Product{20, 300, n, false, true}, Product{100, 8, n, true, false},
                      Product{13, 600, n, true, true}, Product{700, 30, n, false, false}}) {
        for (bool threaded : {true, false}) {
            QString why;
            QVERIFY2(checkProduct(p, threaded, ep, &why, residual), qPrintable(why));
        }
    }
}

void TestGemm::testPathsAgree() {
    // The AVX-512 tile and GEMV sum each element's products in the AVX2 ones' order and apply the
    // same epilogue, so the two paths give the same bits, edges and epilogues included.
    if (!sgemmIsaSupported(SgemmIsa::Avx512)) QSKIP("This CPU has no AVX-512: there is only one packed GEMM path here.");
    const int64_t n = 53, maxN = 2100;
    const auto biasV = testing::randomFloats(size_t(maxN), 3), scaleV = testing::randomFloats(size_t(maxN), 4), shiftV = testing::randomFloats(size_t(maxN), 5);
    // The GEMV (both layouts of B, large enough for 512-bit vectors; the last two split between
    // the threads; 2061 = 128 x 16 + 8 + 5 and 517 = 32 x 16 + 5 reach every tail), then the packed GEMM.
    for (Product p : {Product{1, 2061, 517, false, false}, Product{1, 2061, 517, false, true}, Product{1, 2048, maxN, false, false},
                      Product{1, 2048, maxN, false, true}, Product{4, 5, n, false, false}, Product{37, 600, n, true, false},
                      Product{150, 257, n, false, true}, Product{600, 64, n, false, false}, Product{19, 321, n, false, false},
                      Product{9, 1300, n, false, true}, Product{13, 300, 64, false, false}, Product{150, 600, 64, true, false},
                      Product{1000, 70, 64, false, true}}) {
        const auto a = testing::randomFloats(size_t(p.m * p.k), 11), b = testing::randomFloats(size_t(p.k * p.n), 12);
        const auto addend = testing::randomFloats(size_t(p.m * p.n), 13);
        for (int kind = 0; kind < 3; ++kind) {
            std::vector<float> c[2];
            for (int path = 0; path < 2; ++path) {
                QVERIFY(setSgemmIsa(path == 0 ? SgemmIsa::Avx512 : SgemmIsa::Avx2));
                c[path].assign(size_t(p.m * p.n), std::numeric_limits<float>::quiet_NaN());
                GemmEpilogue ep;
                if (kind == 1) {
                    ep.bias = biasV.data();
                    ep.act = GemmActivation::Relu;
                } else if (kind == 2) {
                    ep.scale = scaleV.data();
                    ep.shift = shiftV.data();
                    ep.residual = addend.data();
                    ep.out = c[path].data();
                    ep.act = GemmActivation::Relu6;
                }
                testing::TestKernelContext ctx(testing::NodeBuilder("MatMul").build(), {});
                gemmFloat(&ctx, a.data(), b.data(), c[path].data(), p.m, p.k, p.n, p.ta, p.tb, ep);
            }
            QVERIFY2(std::memcmp(c[0].data(), c[1].data(), c[0].size() * sizeof(float)) == 0,
                     qPrintable(QStringLiteral("m=%1 k=%2 n=%3 epilogue %4: AVX-512 and AVX2 differ").arg(p.m).arg(p.k).arg(p.n).arg(kind)));
        }
    }
}

void TestGemm::testGemvSplitsRows() {
    // On two threads, a one-row product with a large row-major B sums the first and second half of
    // B's rows (at a multiple of 4) separately and adds the halves: exactly the two one-thread
    // products added, so the result depends on the thread count only, not on which thread ran what.
    if (!packedSgemmAvailable()) QSKIP("The portable path leaves one-row products to Eigen's contraction.");
    const int64_t k = 784, n = 512, half = k / 2 / 4 * 4;
    const auto a = testing::randomFloats(size_t(k), 21), b = testing::randomFloats(size_t(k * n), 22);
    std::vector<float> c(static_cast<size_t>(n)), first(static_cast<size_t>(n)), second(static_cast<size_t>(n));
    testing::TestKernelContext ctx(testing::NodeBuilder("MatMul").build(), {});
    QCOMPARE(ctx.device().numThreads(), 2);
    gemmFloat(&ctx, a.data(), b.data(), c.data(), 1, k, n, false, false, {});
    gemmFloat(nullptr, a.data(), b.data(), first.data(), 1, half, n, false, false, {});
    gemmFloat(nullptr, a.data() + half, b.data() + half * n, second.data(), 1, k - half, n, false, false, {});
    for (int64_t j = 0; j < n; ++j) {
        const float want = first[size_t(j)] + second[size_t(j)];
        QVERIFY2(std::memcmp(&c[size_t(j)], &want, sizeof(float)) == 0,
                 qPrintable(QStringLiteral("C[%1] = %2, the halves add to %3").arg(j).arg(double(c[size_t(j)]), 0, 'g', 9).arg(double(want), 0, 'g', 9)));
    }
}

void TestGemm::testReluKeepsNaN() {
    // TF's Relu maps NaN to NaN; the fused epilogue must not turn it into 0.
    for (SgemmIsa isa : {SgemmIsa::Avx512, SgemmIsa::Avx2, SgemmIsa::Portable}) {
        if (!setSgemmIsa(isa)) continue;
        const int64_t m = 12, k = 4, n = 32;
        std::vector<float> a(size_t(m * k), 1.0f), b(size_t(k * n), -1.0f), c(size_t(m * n));
        a[5] = std::numeric_limits<float>::quiet_NaN();  // row 1
        GemmEpilogue ep;
        ep.act = GemmActivation::Relu;
        gemmFloat(nullptr, a.data(), b.data(), c.data(), m, k, n, false, false, ep);
        QVERIFY2(std::isnan(c[size_t(1 * n + 3)]), sgemmIsaName(isa));
        QCOMPARE(c[size_t(0 * n + 3)], 0.0f);  // -4 clipped
        QCOMPARE(c[size_t(11 * n + 31)], 0.0f);
    }
}

void TestGemm::testEmptyDepth() {
    // k == 0: the product is all zeros, and the epilogue still applies (bias + Relu6).
    for (SgemmIsa isa : {SgemmIsa::Avx512, SgemmIsa::Avx2, SgemmIsa::Portable}) {
        if (!setSgemmIsa(isa)) continue;
        const std::vector<float> bias = {-1.0f, 2.5f, 9.0f};
        std::vector<float> c(6, 42.0f);
        GemmEpilogue ep;
        ep.bias = bias.data();
        ep.act = GemmActivation::Relu6;
        gemmFloat(nullptr, nullptr, nullptr, c.data(), 2, 0, 3, false, false, ep);
        QCOMPARE(c, (std::vector<float>{0.0f, 2.5f, 6.0f, 0.0f, 2.5f, 6.0f}));
    }
}

void TestGemm::testConvolutions_data() {
    QTest::addColumn<int>("isa");
    addIsaRows();
}

void TestGemm::testConvolutions() {
    QFETCH(int, isa);
    USE_ISA(SgemmIsa(isa));
    for (const Conv& cv : kConvs) {  // the shapes and why: kConvs
        QString why;
        QVERIFY2(checkConv(cv, &why), qPrintable(why));
    }
}

void TestGemm::testConvolutionPathsAgree() {
    // The AVX-512 GEMM reads a convolution's patches in place from the zero-padded input (one
    // offset per patch element); the AVX2 one multiplies copied patches (im2col). The values and
    // their order are the same, so the outputs must be the same bits.
    if (!sgemmIsaSupported(SgemmIsa::Avx512)) QSKIP("This CPU has no AVX-512: there is only one packed GEMM path here.");
    for (const Conv& cv : kConvs) {
        Tensor out[2];
        for (int path = 0; path < 2; ++path) {
            QVERIFY(setSgemmIsa(path == 0 ? SgemmIsa::Avx512 : SgemmIsa::Avx2));
            auto r = runConv(cv);
            QVERIFY2(r.ok(), r.status().message().c_str());
            out[path] = *r;
        }
        setPackedSgemmEnabled(true);
        QVERIFY2(out[0].sameContent(out[1]), qPrintable(QStringLiteral("%1x%2 conv on %3 channels, stride %4, dilation %5, %6: the paths differ")
                                                            .arg(cv.kh)
                                                            .arg(cv.kw)
                                                            .arg(cv.c)
                                                            .arg(cv.stride)
                                                            .arg(cv.dilation)
                                                            .arg(cv.padding)));
    }
}

void TestGemm::testConvolutionOverResidual() {
    // _FusedConv2D with an Add writes its output over the residual when it holds the only handle to
    // it and the packed GEMM sums in one pass (conv2d.h): the same values as into a new buffer. A
    // residual someone else holds is left as it was.
    if (!packedSgemmAvailable()) QSKIP("The portable GEMM writes every output into a new buffer.");
    for (const Conv& cv : {Conv{2, 9, 7, 16, 3, 3, 20, 1, 1, "SAME"}, Conv{1, 12, 10, 64, 1, 1, 40, 1, 1, "SAME"},
                           Conv{1, 6, 5, 48, 3, 3, 24, 1, 1, "SAME"}, Conv{1, 12, 10, 64, 1, 1, 64, 1, 1, "SAME"}}) {
        const int64_t depth = cv.kh * cv.kw * cv.c;
        const auto x = testing::randomFloats(size_t(cv.n * cv.h * cv.w * cv.c), 7), k = testing::randomFloats(size_t(depth * cv.f), 8);
        const auto bias = testing::randomFloats(size_t(cv.f), 9), add = testing::randomFloats(size_t(cv.n * cv.h * cv.w * cv.f), 10);
        const auto node = testing::NodeBuilder("_FusedConv2D")
                              .type("T", DType::Float)
                              .attr("strides", std::vector<int64_t>{1, 1, 1, 1})
                              .attr("padding", cv.padding)
                              .attr("fused_ops", std::vector<std::string>{"BiasAdd", "Add", "Relu"})
                              .attr("num_args", 2)
                              .build();
        auto inputs = [&](Tensor residual) {
            return std::vector<Tensor>{Tensor::fromVector<float>({cv.n, cv.h, cv.w, cv.c}, x), Tensor::fromVector<float>({cv.kh, cv.kw, cv.c, cv.f}, k),
                                       Tensor::fromVector<float>({cv.f}, bias), std::move(residual)};
        };
        // Shared: the test keeps a handle, so the kernel must not write into it.
        const Tensor kept = Tensor::fromVector<float>({cv.n, cv.h, cv.w, cv.f}, add);
        auto shared = testing::runKernel(node, inputs(kept));
        QVERIFY2(shared.ok(), shared.status().message().c_str());
        QVERIFY(shared->at(0).storageId() != kept.storageId());
        QVERIFY(kept.sameContent(Tensor::fromVector<float>({cv.n, cv.h, cv.w, cv.f}, add)));
        // The only handle: the output takes over the residual's storage, with the same bits.
        Tensor only = Tensor::fromVector<float>({cv.n, cv.h, cv.w, cv.f}, add);
        const auto storage = only.storageId();
        auto over = testing::runKernel(node, inputs(std::move(only)));
        QVERIFY2(over.ok(), over.status().message().c_str());
        QCOMPARE(over->at(0).storageId() == storage, packedSgemmOnePass(depth));
        QVERIFY2(over->at(0).sameContent(shared->at(0)), qPrintable(QStringLiteral("%1x%2 conv on %3 channels: in place differs").arg(cv.kh).arg(cv.kw).arg(cv.c)));
        // Against the definition: relu(conv + bias + residual), within a float sum's rounding.
        double worst = 0;
        const float* got = over->at(0).data<float>();
        for (int64_t i = 0; i < cv.n * cv.h * cv.w; ++i) {
            const int64_t img = i / (cv.h * cv.w), y = i / cv.w % cv.h, xx = i % cv.w;
            for (int64_t o = 0; o < cv.f; ++o) {
                double s = bias[size_t(o)] + add[size_t(i * cv.f + o)];
                for (int64_t dy = 0; dy < cv.kh; ++dy)
                    for (int64_t dx = 0; dx < cv.kw; ++dx) {
                        const int64_t iy = y + dy - (cv.kh - 1) / 2, ix = xx + dx - (cv.kw - 1) / 2;
                        if (iy < 0 || iy >= cv.h || ix < 0 || ix >= cv.w) continue;
                        for (int64_t ch = 0; ch < cv.c; ++ch)
                            s += double(x[size_t(((img * cv.h + iy) * cv.w + ix) * cv.c + ch)]) * k[size_t(((dy * cv.kw + dx) * cv.c + ch) * cv.f + o)];
                    }
                worst = std::max(worst, std::abs(std::max(s, 0.0) - double(got[i * cv.f + o])));
            }
        }
        QVERIFY2(worst < 1e-4, qPrintable(QStringLiteral("max error %1").arg(worst)));
    }
}

void TestGemm::testParallelForHandOff() {
    // After a parallelFor, a pool worker waits a few tens of microseconds for the next one's work
    // (kernel_util.cpp). Calls at gaps inside and around that wait (and after releasePoolHelpers)
    // must each run every index exactly once, whichever thread takes which chunk. The caller takes
    // chunks from the first up and the worker from the last down, so that each keeps to the same
    // part from call to call.
    testing::TestKernelContext ctx(testing::NodeBuilder("MatMul").build(), {});
    QCOMPARE(ctx.device().numThreads(), 2);
    constexpr int64_t n = 61;
    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
    std::atomic<int> otherThread{0};
    int callerFirst = 0;
    const auto caller = std::this_thread::get_id();
    for (int call = 0; call < 3000; ++call) {
        for (auto& h : hits) h.store(0);
        std::vector<int64_t> starts[2];  // chunk starts on the caller, on the worker
        std::mutex startsMutex;
        kernels::parallelFor(ctx, n, 1000.0, [&](int64_t i0, int64_t i1) {
            const bool mine = std::this_thread::get_id() == caller;
            if (!mine) otherThread.fetch_add(1);
            for (int64_t i = i0; i < i1; ++i) hits[size_t(i)].fetch_add(1);
            std::lock_guard<std::mutex> lock(startsMutex);
            starts[mine ? 0 : 1].push_back(i0);
        });
        for (int64_t i = 0; i < n; ++i)
            if (hits[size_t(i)].load() != 1) QFAIL(qPrintable(QStringLiteral("call %1: index %2 ran %3 times").arg(call).arg(i).arg(hits[size_t(i)].load())));
        QVERIFY2(std::is_sorted(starts[0].begin(), starts[0].end()), qPrintable(QStringLiteral("call %1: the caller's chunks out of order").arg(call)));
        QVERIFY2(std::is_sorted(starts[1].rbegin(), starts[1].rend()), qPrintable(QStringLiteral("call %1: the worker's chunks out of order").arg(call)));
        if (!starts[0].empty() && starts[0].front() == 0) ++callerFirst;
        if (call % 7 == 3) kernels::releasePoolHelpers(ctx);
        const auto gap = std::chrono::microseconds(call % 5 * 25);  // 0 to 100 us
        for (const auto until = std::chrono::steady_clock::now() + gap; std::chrono::steady_clock::now() < until;) {
        }
    }
    qInfo("chunks run by the pool worker: %d; calls whose first chunk the caller ran: %d of 3000", otherThread.load(), callerFirst);
}

QTEST_APPLESS_MAIN(TestGemm)
#include "tst_gemm.moc"
