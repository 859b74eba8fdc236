// Winograd F(2x2, 3x3) convolutions (conv_winograd.h): through the Conv2D kernel against a
// double-precision loop over the same window, on both packed GEMM paths (the same bits on each),
// across blocks that overhang the image, channel counts off the 8-float vectors, and SAME, VALID
// and asymmetric explicit padding; the epilogue (bias, batch norm, residual, Relu6) against the
// definition; an Inf or NaN in the input giving what the direct path gives; which convolutions take the path; the transformed filter kept once per
// Session, and the direct path when the Session's cache has no room for it.
#include "tests/model/kernel_test_util.h"  // Eigen's ThreadPool before Qt's `signals` macro

#include <QtTest>

#include <cmath>
#include <limits>
#include <vector>

#include "model/exec/derived_cache.h"
#include "model/kernels/conv_winograd.h"
#include "model/kernels/sgemm.h"

using namespace tfscope;
using namespace tfscope::kernels;

namespace {

// A 3x3 stride-1 convolution: input [n, h, w, c], filter [3, 3, c, f], pads top/bottom/left/right.
struct Case {
    int64_t n, h, w, c, f, top, bottom, left, right;
    int64_t oh() const { return h + top + bottom - 2; }
    int64_t ow() const { return w + left + right - 2; }
    Winograd3x3 geometry() const { return {n, h, w, c, f, oh(), ow(), top, left}; }
};

// ResNet-50's 14x14 layer (every block inside the image); odd output sizes, whose last blocks
// overhang it, with 130 filters (a 2-filter tail after the 8-float vectors); no padding and 131
// input channels (a 3-channel tail); padding 2 above, none below, none left, one right; 36 -> 40
// channels on 1088 blocks, which each thread works through in groups of its own.
const Case kCases[] = {{1, 14, 14, 128, 128, 1, 1, 1, 1}, {2, 7, 9, 128, 130, 1, 1, 1, 1}, {2, 12, 11, 131, 128, 0, 0, 0, 0}, {1, 11, 13, 128, 136, 2, 0, 0, 1}, {4, 31, 33, 36, 40, 1, 1, 1, 1}};

struct Operands {
    std::vector<float> x, k;
    explicit Operands(const Case& cs)
        : x(testing::randomFloats(size_t(cs.n * cs.h * cs.w * cs.c), 11)), k(testing::randomFloats(size_t(9 * cs.c * cs.f), 12)) {}
};

// The direct convolution in double, and sum |x k| per element (the tolerance's scale).
void directReference(const Case& cs, const Operands& ops, std::vector<double>* sum, std::vector<double>* bound) {
    const size_t count = size_t(cs.n * cs.oh() * cs.ow() * cs.f);
    sum->assign(count, 0.0);
    bound->assign(count, 0.0);
    for (int64_t img = 0; img < cs.n; ++img)
        for (int64_t oy = 0; oy < cs.oh(); ++oy)
            for (int64_t ox = 0; ox < cs.ow(); ++ox)
                for (int64_t ky = 0; ky < 3; ++ky)
                    for (int64_t kx = 0; kx < 3; ++kx) {
                        const int64_t iy = oy + ky - cs.top, ix = ox + kx - cs.left;
                        if (iy < 0 || iy >= cs.h || ix < 0 || ix >= cs.w) continue;
                        const float* px = ops.x.data() + ((img * cs.h + iy) * cs.w + ix) * cs.c;
                        const size_t at = size_t(((img * cs.oh() + oy) * cs.ow() + ox) * cs.f);
                        for (int64_t ch = 0; ch < cs.c; ++ch) {
                            const float* kr = ops.k.data() + ((ky * 3 + kx) * cs.c + ch) * cs.f;
                            for (int64_t o = 0; o < cs.f; ++o) {
                                const double p = double(px[ch]) * double(kr[o]);
                                (*sum)[at + size_t(o)] += p;
                                (*bound)[at + size_t(o)] += std::fabs(p);
                            }
                        }
                    }
}

// The transforms reassociate each sum: their error is a few float roundings of sum |x k| (the
// largest measured here: 1.4e-7 of it, the direct path's 9e-8), as a different summation order's is.
constexpr double kTolerance = 1e-6;

Result<Tensor> runConv2D(const Case& cs, const Operands& ops, exec::DerivedCache* cache = nullptr) {
    const auto node = testing::NodeBuilder("Conv2D")
                          .type("T", DType::Float)
                          .attr("strides", std::vector<int64_t>{1, 1, 1, 1})
                          .attr("padding", "EXPLICIT")
                          .attr("explicit_paddings", std::vector<int64_t>{0, 0, cs.top, cs.bottom, cs.left, cs.right, 0, 0})
                          .build();
    TFS_ASSIGN_OR_RETURN(auto outs, testing::runKernel(node, {Tensor::fromVector<float>({cs.n, cs.h, cs.w, cs.c}, ops.x),
                                                              Tensor::fromVector<float>({3, 3, cs.c, cs.f}, ops.k)},
                                                       1, cache));
    return outs[0];
}

QString caseName(const Case& cs) {
    return QStringLiteral("[%1,%2,%3,%4] x %5 filters, pads %6/%7/%8/%9")
        .arg(cs.n)
        .arg(cs.h)
        .arg(cs.w)
        .arg(cs.c)
        .arg(cs.f)
        .arg(cs.top)
        .arg(cs.bottom)
        .arg(cs.left)
        .arg(cs.right);
}

// Every element of `got` within kTolerance of the reference; else why not.
bool matchesReference(const Case& cs, const Operands& ops, const Tensor& got, QString* why) {
    if (got.shape() != Shape{cs.n, cs.oh(), cs.ow(), cs.f}) {
        *why = caseName(cs) + QStringLiteral(": shape %1").arg(QString::fromStdString(shapeToString(got.shape())));
        return false;
    }
    std::vector<double> sum, bound;
    directReference(cs, ops, &sum, &bound);
    const float* g = got.data<float>();
    for (size_t i = 0; i < sum.size(); ++i)
        if (!(std::fabs(double(g[i]) - sum[i]) <= kTolerance * (bound[i] + 1.0))) {
            *why = caseName(cs) + QStringLiteral(": element %1 = %2, expected %3").arg(i).arg(double(g[i]), 0, 'g', 9).arg(sum[i], 0, 'g', 9);
            return false;
        }
    return true;
}

}  // namespace

class TestWinograd : public QObject {
    Q_OBJECT

private slots:
    void cleanup() {
        setPackedSgemmEnabled(true);
        setWinogradEnabled(true);
    }
    void testMatchesDirect_data();
    void testMatchesDirect();
    void testPathsAgree();
    void testWhichConvolutions();
    void testEpilogue();
    void testNonFiniteInput();
    void testFilterKeptOnce();
};

void TestWinograd::testMatchesDirect_data() {
    QTest::addColumn<int>("isa");
    QTest::newRow("avx512") << int(SgemmIsa::Avx512);
    QTest::newRow("avx2") << int(SgemmIsa::Avx2);
}

void TestWinograd::testMatchesDirect() {
    // Each case takes the Winograd path (its output differs from the direct path's in some bits)
    // and both are the convolution within a float sum's rounding.
    QFETCH(int, isa);
    if (!setSgemmIsa(SgemmIsa(isa))) QSKIP("This CPU lacks that GEMM path.");
    for (const Case& cs : kCases) {
        QVERIFY2(winogradSuits(cs.geometry(), 2), qPrintable(caseName(cs)));
        const Operands ops(cs);
        auto viaWinograd = runConv2D(cs, ops);
        QVERIFY2(viaWinograd.ok(), viaWinograd.status().message().c_str());
        setWinogradEnabled(false);
        auto direct = runConv2D(cs, ops);
        setWinogradEnabled(true);
        QVERIFY2(direct.ok(), direct.status().message().c_str());
        QString why;
        QVERIFY2(matchesReference(cs, ops, *viaWinograd, &why), qPrintable(why));
        QVERIFY2(matchesReference(cs, ops, *direct, &why), qPrintable(why));
        QVERIFY2(!viaWinograd->sameContent(*direct), qPrintable(caseName(cs) + ": the same bits as the direct path (not taken?)"));
    }
}

void TestWinograd::testPathsAgree() {
    // The transforms are the same code on both paths and the GEMMs give the same bits.
    if (!sgemmIsaSupported(SgemmIsa::Avx512)) QSKIP("This CPU has no AVX-512: there is only one packed GEMM path here.");
    for (const Case& cs : kCases) {
        const Operands ops(cs);
        Tensor out[2];
        for (int path = 0; path < 2; ++path) {
            QVERIFY(setSgemmIsa(path == 0 ? SgemmIsa::Avx512 : SgemmIsa::Avx2));
            auto r = runConv2D(cs, ops);
            QVERIFY2(r.ok(), r.status().message().c_str());
            out[path] = *r;
        }
        QVERIFY2(out[0].sameContent(out[1]), qPrintable(caseName(cs) + ": the paths differ"));
    }
}

void TestWinograd::testWhichConvolutions() {
    if (!packedSgemmAvailable()) QSKIP("Without the packed GEMM no convolution takes the path.");
    // Both 128 channels: yes. 64 -> 64 at 56x56 and the CNN's 32 -> 64 at batch 32: yes, each
    // thread through groups of blocks in its own cache; the CNN at batch 1 (64 blocks) and 16 -> 16:
    // no. ResNet-50's 7x7 layer at batch 1 (16 blocks): no, at batch 32: yes.
    QVERIFY(winogradSuits({1, 14, 14, 128, 128, 14, 14, 1, 1}, 2));
    QVERIFY(winogradSuits({1, 56, 56, 64, 64, 56, 56, 1, 1}, 2));
    QVERIFY(winogradSuits({32, 16, 16, 32, 64, 16, 16, 1, 1}, 2));
    QVERIFY(!winogradSuits({1, 16, 16, 32, 64, 16, 16, 1, 1}, 2));
    QVERIFY(!winogradSuits({8, 56, 56, 16, 16, 56, 56, 1, 1}, 2));
    QVERIFY(winogradSuits({1, 28, 28, 96, 192, 28, 28, 1, 1}, 2));
    QVERIFY(!winogradSuits({1, 7, 7, 512, 512, 7, 7, 1, 1}, 2));
    QVERIFY(winogradSuits({32, 7, 7, 512, 512, 7, 7, 1, 1}, 2));
    QVERIFY(!winogradSuits({1, 14, 14, 128, 128, 0, 14, 1, 1}, 2));
    setWinogradEnabled(false);
    QVERIFY(!winogradSuits({1, 14, 14, 128, 128, 14, 14, 1, 1}, 2));
    setWinogradEnabled(true);
    setPackedSgemmEnabled(false);
    QVERIFY(!winogradSuits({1, 14, 14, 128, 128, 14, 14, 1, 1}, 2));
}

void TestWinograd::testEpilogue() {
    // bias, then v * scale + shift, then the residual, then Relu6, per output channel. A residual
    // that is the output buffer itself is declined (a fallback would find it overwritten).
    if (!packedSgemmAvailable()) QSKIP("The path needs the packed GEMM.");
    const Case cs{2, 9, 10, 128, 136, 1, 1, 1, 1};
    const Operands ops(cs);
    const auto bias = testing::randomFloats(size_t(cs.f), 13), scale = testing::randomFloats(size_t(cs.f), 14), shift = testing::randomFloats(size_t(cs.f), 15);
    const auto residual = testing::randomFloats(size_t(cs.n * cs.oh() * cs.ow() * cs.f), 16);
    std::vector<float> out(residual.size(), std::numeric_limits<float>::quiet_NaN());
    GemmEpilogue ep;
    ep.bias = bias.data();
    ep.scale = scale.data();
    ep.shift = shift.data();
    ep.residual = residual.data();
    ep.out = out.data();
    ep.act = GemmActivation::Relu6;
    testing::TestKernelContext ctx(testing::NodeBuilder("Conv2D").build(), {});
    const Tensor filter = Tensor::fromVector<float>({3, 3, cs.c, cs.f}, ops.k);
    QVERIFY(conv3x3Winograd(ctx, cs.geometry(), ops.x.data(), filter, out.data(), ep));
    std::vector<double> sum, bound;
    directReference(cs, ops, &sum, &bound);
    int clipped = 0;
    for (size_t i = 0; i < sum.size(); ++i) {
        const size_t o = i % size_t(cs.f);
        const double v = (sum[i] + bias[o]) * scale[o] + shift[o] + residual[i];
        const double want = std::min(std::max(v, 0.0), 6.0);
        clipped += v > 6.0 || v < 0.0;
        const double tol = kTolerance * (bound[i] + 1.0) * (std::fabs(scale[o]) + 1.0) + 1e-6;
        QVERIFY2(std::fabs(double(out[i]) - want) <= tol,
                 qPrintable(QStringLiteral("element %1 = %2, expected %3").arg(i).arg(double(out[i]), 0, 'g', 9).arg(want, 0, 'g', 9)));
    }
    QVERIFY(clipped > 0 && clipped < int(sum.size()));  // Relu6 both clips and passes values
    std::vector<float> over = residual;
    ep.residual = over.data();
    ep.out = over.data();
    QVERIFY(!conv3x3Winograd(ctx, cs.geometry(), ops.x.data(), filter, over.data(), ep));
}

void TestWinograd::testNonFiniteInput() {
    // The transforms subtract neighbouring pixels: an Inf would become NaN where the direct sum is
    // Inf. A sum that is not finite sends the whole convolution down the direct path: the same bits
    // as with the path off, Infs where TensorFlow has them.
    if (!packedSgemmAvailable()) QSKIP("The path needs the packed GEMM.");
    for (const Case& cs : {kCases[1], kCases[4]})
        for (const float bad : {std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(), 3e38f}) {
            Operands ops(cs);
            ops.x[size_t((1 * cs.h * cs.w + 3 * cs.w + 4) * cs.c + 5)] = bad;  // image 1, row 3, column 4
            if (bad == 3e38f) {                                                // and -3e38 two rows below: 3e38 - (-3e38) overflows a transform, no direct sum
                ops.x[size_t((1 * cs.h * cs.w + 5 * cs.w + 4) * cs.c + 5)] = -bad;
                for (float& k : ops.k) k *= 1e-3f;
            }
            auto viaPath = runConv2D(cs, ops);
            QVERIFY2(viaPath.ok(), viaPath.status().message().c_str());
            setWinogradEnabled(false);
            auto direct = runConv2D(cs, ops);
            setWinogradEnabled(true);
            QVERIFY2(direct.ok(), direct.status().message().c_str());
            QVERIFY2(viaPath->sameContent(*direct), qPrintable(QStringLiteral("input %1: not the direct path's result").arg(double(bad))));
            int infinite = 0;
            for (int64_t i = 0; i < direct->numElements(); ++i) infinite += std::isinf(direct->data<float>()[i]);
            if (std::isinf(bad)) QVERIFY(infinite > 0);
        }
}

void TestWinograd::testFilterKeptOnce() {
    // With room in the Session's cache, the transformed filter is made once and the filter is never
    // packed for the direct path; with no room, the convolution goes the direct way, same bits as with
    // the path off.
    if (!packedSgemmAvailable()) QSKIP("The path needs the packed GEMM.");
    const Case cs = kCases[0];
    const Operands ops(cs);
    exec::DerivedCache roomy;
    auto first = runConv2D(cs, ops, &roomy);
    QVERIFY2(first.ok(), first.status().message().c_str());
    QCOMPARE(roomy.size(), size_t(1));
    const size_t kept = roomy.bytes();
    QVERIFY2(kept >= size_t(16 * cs.c * cs.f) * sizeof(float), qPrintable(QString::number(kept)));
    auto second = runConv2D(cs, ops, &roomy);
    QVERIFY2(second.ok(), second.status().message().c_str());
    QVERIFY(second->sameContent(*first));
    QCOMPARE(roomy.bytes(), kept);

    exec::DerivedCache tight(size_t(16 * cs.c * cs.f) * sizeof(float) / 2);
    auto fallback = runConv2D(cs, ops, &tight);
    QVERIFY2(fallback.ok(), fallback.status().message().c_str());
    setWinogradEnabled(false);
    auto direct = runConv2D(cs, ops);
    setWinogradEnabled(true);
    QVERIFY2(direct.ok(), direct.status().message().c_str());
    QVERIFY(fallback->sameContent(*direct));
}

QTEST_APPLESS_MAIN(TestWinograd)
#include "tst_winograd.moc"
