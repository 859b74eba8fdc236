// Elementwise kernels: broadcasting binary ops, comparisons, unary math, activations and Cast,
// over shapes {6}, {2,3} and {2,1,3}, scalar broadcast, float and int32, eps*10 tolerance.
// kernel_test_util.h pulls in Eigen's thread pool, which must precede Qt's "signals" macro.
#include "kernel_test_util.h"
#include "model/kernels/activation_float.h"
#include "model/kernels/vector_math.h"

#include <QtTest>

#include <cmath>
#include <limits>


using namespace tfscope;
using tfscope::testing::NodeBuilder;
using tfscope::testing::runKernel;

namespace {

constexpr double kTol = std::numeric_limits<float>::epsilon() * 10;

Tensor f32(Shape s, std::vector<float> v) { return Tensor::fromVector<float>(std::move(s), v); }
Tensor i32(Shape s, std::vector<int32_t> v) { return Tensor::fromVector<int32_t>(std::move(s), v); }

tensorflow::NodeDef node(const char* op, DType t = DType::Float) { return NodeBuilder(op).type("T", t).build(); }

std::vector<float> floats(const Tensor& t) {
    std::vector<float> v(size_t(t.numElements()));
    for (int64_t i = 0; i < t.numElements(); ++i) v[size_t(i)] = float(t.elementAsDouble(i));
    return v;
}

void expectFloats(const Tensor& t, Shape shape, std::vector<float> want) {
    QCOMPARE(t.dtype(), DType::Float);
    QCOMPARE(t.shape(), shape);
    const std::vector<float> got = floats(t);
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        if (std::isnan(want[i])) { QVERIFY2(std::isnan(got[i]), qPrintable(QString::number(i))); continue; }
        QVERIFY2(std::abs(got[i] - want[i]) <= kTol * std::max(1.0f, std::abs(want[i])),
                 qPrintable(QStringLiteral("element %1: %2 vs %3").arg(i).arg(got[i]).arg(want[i])));
    }
}

}  // namespace

class TestKernelsCwise : public QObject {
    Q_OBJECT
private slots:
    void testAddShapes_data() {
        QTest::addColumn<QString>("xs");
        QTest::addRow("{6}") << "6";
        QTest::addRow("{2,3}") << "2,3";
        QTest::addRow("{2,1,3}") << "2,1,3";
    }
    void testAddShapes() {
        QFETCH(QString, xs);
        Shape s;
        for (const QString& d : xs.split(QLatin1Char(','))) s.push_back(d.toLongLong());
        auto r = runKernel(node("AddV2"), {f32(s, {-2, 0.5f, 1, 2, 3, 4}), f32(s, {1, 1, 1, 1, 1, 1.25f})});
        QVERIFY2(r.ok(), r.status().message().c_str());
        expectFloats(r->at(0), s, {-1, 1.5f, 2, 3, 4, 5.25f});
        auto ri = runKernel(node("Mul", DType::Int32), {i32(s, {-2, 0, 1, 2, 3, 4}), i32(s, {3, 3, 3, 3, 3, 3})});
        QVERIFY(ri.ok());
        QVERIFY(ri->at(0).sameContent(i32(s, {-6, 0, 3, 6, 9, 12})));
    }
    void testScalarBroadcast() {
        auto r = runKernel(node("Sub"), {f32({2, 3}, {1, 2, 3, 4, 5, 6}), Tensor::scalar<float>(1.5f)});
        QVERIFY(r.ok());
        expectFloats(r->at(0), {2, 3}, {-0.5f, 0.5f, 1.5f, 2.5f, 3.5f, 4.5f});
        auto r2 = runKernel(node("Sub"), {Tensor::scalar<float>(10.0f), f32({6}, {1, 2, 3, 4, 5, 6})});
        QVERIFY(r2.ok());
        expectFloats(r2->at(0), {6}, {9, 8, 7, 6, 5, 4});
    }
    void testBroadcastRows() {
        // [2,1,3] + [2,1] -> [2,2,3]
        auto r = runKernel(node("AddV2"), {f32({2, 1, 3}, {1, 2, 3, 4, 5, 6}), f32({2, 1}, {10, 20})});
        QVERIFY(r.ok());
        expectFloats(r->at(0), {2, 2, 3}, {11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26});
    }
    void testIncompatibleShapes() {
        auto r = runKernel(node("Add"), {f32({2, 3}, {}), f32({2}, {})});
        QVERIFY(!r.ok());
        QCOMPARE(r.status().code(), Status::Code::InvalidArgument);
        QVERIFY2(r.status().message().find("Incompatible shapes '[2,3]' and '[2]'") != std::string::npos, r.status().message().c_str());
        QVERIFY(r.status().message().find("Node 'n' (Add)") == 0);
        auto mixed = runKernel(node("Add"), {f32({1}, {1}), i32({1}, {1})});
        QVERIFY(!mixed.ok());
        auto one = runKernel(node("Add"), {f32({1}, {1})});
        QVERIFY(!one.ok());
    }
    void testIntegerDivision() {
        Tensor x = i32({6}, {7, -7, 7, -7, 0, 5}), y = i32({6}, {2, 2, -2, -2, 3, 5});
        auto fd = runKernel(node("FloorDiv", DType::Int32), {x, y});
        QVERIFY(fd.ok());
        QVERIFY(fd->at(0).sameContent(i32({6}, {3, -4, -4, 3, 0, 1})));
        auto fm = runKernel(node("FloorMod", DType::Int32), {x, y});
        QVERIFY(fm.ok());
        QVERIFY(fm->at(0).sameContent(i32({6}, {1, 1, -1, -1, 0, 0})));
        auto td = runKernel(node("TruncateDiv", DType::Int32), {x, y});
        QVERIFY(td.ok());
        QVERIFY(td->at(0).sameContent(i32({6}, {3, -3, -3, 3, 0, 1})));
        auto zero = runKernel(node("FloorDiv", DType::Int32), {x, i32({}, {0})});
        QVERIFY(!zero.ok());
        QVERIFY(zero.status().message().find("Integer division by zero.") != std::string::npos);
    }
    void testFloatFloorMod() {
        auto r = runKernel(node("FloorMod"), {f32({4}, {7.5f, -7.5f, 7.5f, -7.5f}), f32({4}, {2, 2, -2, -2})});
        QVERIFY(r.ok());
        expectFloats(r->at(0), {4}, {1.5f, 0.5f, -0.5f, -1.5f});
    }
    void testDivNoNanAndPow() {
        auto r = runKernel(node("DivNoNan"), {f32({3}, {1, 2, 3}), f32({3}, {0, 4, 0})});
        QVERIFY(r.ok());
        expectFloats(r->at(0), {3}, {0, 0.5f, 0});
        auto p = runKernel(node("Pow", DType::Int32), {i32({3}, {2, -3, 5}), i32({3}, {10, 3, 0})});
        QVERIFY(p.ok());
        QVERIFY(p->at(0).sameContent(i32({3}, {1024, -27, 1})));
        auto neg = runKernel(node("Pow", DType::Int32), {i32({1}, {2}), i32({1}, {-1})});
        QVERIFY(!neg.ok());
    }
    void testComparisons() {
        auto r = runKernel(node("Less"), {f32({2, 3}, {1, 2, 3, 4, 5, 6}), Tensor::scalar<float>(3.5f)});
        QVERIFY(r.ok());
        QVERIFY(r->at(0).sameContent(Tensor::fromVector<bool>({2, 3}, {true, true, true, false, false, false})));
        auto eq = runKernel(node("Equal", DType::String), {Tensor::fromStrings({2}, {"a", "b"}), Tensor::stringScalar("b")});
        QVERIFY(eq.ok());
        QVERIFY(eq->at(0).sameContent(Tensor::fromVector<bool>({2}, {false, true})));
        auto a = runKernel(NodeBuilder("LogicalAnd").build(),
                           {Tensor::fromVector<bool>({2, 1}, {true, false}), Tensor::fromVector<bool>({2}, {true, false})});
        QVERIFY(a.ok());
        QVERIFY(a->at(0).sameContent(Tensor::fromVector<bool>({2, 2}, {true, false, false, false})));
    }
    void testMaximumPropagatesNan() {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        auto r = runKernel(node("Maximum"), {f32({3}, {nan, 1, -1}), f32({3}, {0, nan, 2})});
        QVERIFY(r.ok());
        expectFloats(r->at(0), {3}, {nan, nan, 2});
    }
    void testUnaryMath() {
        Tensor x = f32({2, 3}, {-1.5f, -0.5f, 0, 0.5f, 1.5f, 2.5f});
        auto round = runKernel(node("Round"), {x});
        QVERIFY(round.ok());
        expectFloats(round->at(0), {2, 3}, {-2, -0, 0, 0, 2, 2});  // half to even
        auto sig = runKernel(node("Sigmoid"), {x});
        QVERIFY(sig.ok());
        std::vector<float> want;
        for (float v : floats(x)) want.push_back(1.0f / (1.0f + std::exp(-v)));
        expectFloats(sig->at(0), {2, 3}, want);
        auto sq = runKernel(node("Square", DType::Int32), {i32({2, 1, 3}, {-3, -2, -1, 0, 1, 2})});
        QVERIFY(sq.ok());
        QVERIFY(sq->at(0).sameContent(i32({2, 1, 3}, {9, 4, 1, 0, 1, 4})));
        auto isnan = runKernel(node("IsNan"), {f32({2}, {std::numeric_limits<float>::quiet_NaN(), 1})});
        QVERIFY(isnan.ok());
        QVERIFY(isnan->at(0).sameContent(Tensor::fromVector<bool>({2}, {true, false})));
        auto bad = runKernel(node("Sqrt", DType::Int32), {i32({1}, {4})});
        QVERIFY(!bad.ok());
        QCOMPARE(bad.status().code(), Status::Code::Unimplemented);
    }
    void testActivations() {
        Tensor x = f32({6}, {-2, -0.5f, 0, 0.5f, 3, 7});
        auto relu6 = runKernel(node("Relu6"), {x});
        QVERIFY(relu6.ok());
        expectFloats(relu6->at(0), {6}, {0, 0, 0, 0.5f, 3, 6});
        auto leaky = runKernel(node("LeakyRelu"), {x});  // alpha defaults to 0.2
        QVERIFY(leaky.ok());
        expectFloats(leaky->at(0), {6}, {-0.4f, -0.1f, 0, 0.5f, 3, 7});
        auto elu = runKernel(node("Elu"), {x});
        QVERIFY(elu.ok());
        expectFloats(elu->at(0), {6}, {std::expm1(-2.0f), std::expm1(-0.5f), 0, 0.5f, 3, 7});
        auto selu = runKernel(node("Selu"), {f32({2}, {-1, 1})});
        QVERIFY(selu.ok());
        expectFloats(selu->at(0), {2}, {-1.1113307f, 1.0507009873554805f});
        auto softplus = runKernel(node("Softplus"), {f32({3}, {-20, 0, 20})});
        QVERIFY(softplus.ok());
        expectFloats(softplus->at(0), {3}, {std::exp(-20.0f), std::log(2.0f), 20});
    }
    void testCast() {
        Tensor x = f32({6}, {-2.7f, -0.5f, 0, 0.5f, 2.7f, 300});
        auto toInt = runKernel(NodeBuilder("Cast").type("SrcT", DType::Float).type("DstT", DType::Int32).build(), {x});
        QVERIFY(toInt.ok());
        QVERIFY(toInt->at(0).sameContent(i32({6}, {-2, 0, 0, 0, 2, 300})));
        auto toBool = runKernel(NodeBuilder("Cast").type("SrcT", DType::Float).type("DstT", DType::Bool).build(), {x});
        QVERIFY(toBool.ok());
        QVERIFY(toBool->at(0).sameContent(Tensor::fromVector<bool>({6}, {true, true, false, true, true, true})));
        auto toHalf = runKernel(NodeBuilder("Cast").type("SrcT", DType::Float).type("DstT", DType::Half).build(), {f32({2}, {1.0f, 0.1f})});
        QVERIFY(toHalf.ok());
        QCOMPARE(toHalf->at(0).dtype(), DType::Half);
        QCOMPARE(toHalf->at(0).data<uint16_t>()[0], uint16_t(0x3c00));
        QCOMPARE(toHalf->at(0).data<uint16_t>()[1], uint16_t(0x2e66));
        auto str = runKernel(NodeBuilder("Cast").type("SrcT", DType::String).type("DstT", DType::Int32).build(), {Tensor::stringScalar("1")});
        QVERIFY(!str.ok());
    }
    void testBiasAddAndAddN() {
        Tensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
        auto b = runKernel(node("BiasAdd"), {x, f32({3}, {10, 20, 30})});
        QVERIFY(b.ok());
        expectFloats(b->at(0), {2, 3}, {11, 22, 33, 14, 25, 36});
        auto nchw = runKernel(NodeBuilder("BiasAdd").type("T", DType::Float).attr("data_format", "NCHW").build(),
                              {f32({1, 2, 1, 3}, {1, 2, 3, 4, 5, 6}), f32({2}, {10, 20})});
        QVERIFY(nchw.ok());
        expectFloats(nchw->at(0), {1, 2, 1, 3}, {11, 12, 13, 24, 25, 26});
        auto bad = runKernel(node("BiasAdd"), {x, f32({2}, {1, 2})});
        QVERIFY(!bad.ok());
        QVERIFY(bad.status().message().find("'[2,3]'") != std::string::npos);
        auto sum = runKernel(node("AddN"), {x, x, x});
        QVERIFY(sum.ok());
        expectFloats(sum->at(0), {2, 3}, {3, 6, 9, 12, 15, 18});
    }
    // Float32 Tanh and Sigmoid run vectorized (model/kernels/activation_float.h): within 4 eps of
    // the double-precision result relative to each element, over [-30, 30] in steps that land
    // between float values, and at NaN, ±inf and tiny inputs.
    void testTanhSigmoidFloatAccuracy() {
        std::vector<float> xs;
        for (int i = 0; i <= 60000; ++i) xs.push_back(-30.0f + float(i) * 0.0010000123f);
        const float inf = std::numeric_limits<float>::infinity();
        for (float v : {0.0f, -0.0f, 1e-20f, -3e-6f, inf, -inf, 88.5f, -88.5f, -104.0f}) xs.push_back(v);
        xs.push_back(std::numeric_limits<float>::quiet_NaN());
        const Tensor x = f32({int64_t(xs.size())}, xs);
        auto th = runKernel(node("Tanh"), {x});
        auto sg = runKernel(node("Sigmoid"), {x});
        QVERIFY(th.ok() && sg.ok());
        const float* t = th->at(0).data<float>();
        const float* s = sg->at(0).data<float>();
        const double eps = std::numeric_limits<float>::epsilon();
        for (size_t i = 0; i < xs.size(); ++i) {
            const double v = xs[i];
            if (std::isnan(v)) {
                QVERIFY(std::isnan(t[i]) && std::isnan(s[i]));
                continue;
            }
            const double wantT = std::tanh(v), wantS = 1.0 / (1.0 + std::exp(-v));
            QVERIFY2(std::abs(t[i] - wantT) <= 4 * eps * std::abs(wantT) + 1e-45,
                     qPrintable(QStringLiteral("tanh(%1) = %2, want %3").arg(v, 0, 'g', 9).arg(t[i], 0, 'g', 9).arg(wantT, 0, 'g', 9)));
            QVERIFY2(std::abs(s[i] - wantS) <= 4 * eps * std::abs(wantS) + 1e-45,
                     qPrintable(QStringLiteral("sigmoid(%1) = %2, want %3").arg(v, 0, 'g', 9).arg(s[i], 0, 'g', 9).arg(wantS, 0, 'g', 9)));
        }
        QCOMPARE(t[xs.size() - 6], 1.0f);  // tanh(inf)
        QCOMPARE(s[xs.size() - 5], 0.0f);  // sigmoid(-inf)
    }
    // A channels-last BiasAdd large enough to be split across threads: every row gets the bias.
    // Then a same-shape Mul as large, and FloorDiv by zero still refused on that path.
    void testBiasAddRowsParallel() {
        const int64_t rows = 300, channels = 97;
        std::vector<float> xv(size_t(rows * channels));
        std::vector<float> bv(size_t(channels), 0.0f);
        for (size_t i = 0; i < xv.size(); ++i) xv[i] = float(i % 13) - 6.0f;
        for (size_t c = 0; c < bv.size(); ++c) bv[c] = 0.5f * float(c);
        auto r = runKernel(node("BiasAdd"), {f32({rows, channels}, xv), f32({channels}, bv)});
        QVERIFY(r.ok());
        const float* y = r->at(0).data<float>();
        for (int64_t i = 0; i < rows * channels; ++i) QCOMPARE(y[i], xv[size_t(i)] + bv[size_t(i % channels)]);
        // Same-shape binary ops take a pass without broadcasting, split across threads when large.
        std::vector<float> wv(xv.size());
        for (size_t i = 0; i < wv.size(); ++i) wv[i] = 0.25f * float(i % 7);
        auto m = runKernel(node("Mul"), {f32({rows, channels}, xv), f32({rows, channels}, wv)});
        QVERIFY(m.ok());
        QCOMPARE(m->at(0).shape(), Shape({rows, channels}));
        for (int64_t i = 0; i < rows * channels; ++i) QCOMPARE(m->at(0).data<float>()[i], xv[size_t(i)] * wv[size_t(i)]);
        auto div = runKernel(node("FloorDiv", DType::Int32), {i32({2}, {7, 8}), i32({2}, {2, 0})});
        QVERIFY(!div.ok());
        QVERIFY(div.status().message().find("division by zero") != std::string::npos);
    }
    void testSelect() {
        Tensor t = f32({2, 3}, {1, 2, 3, 4, 5, 6}), e = f32({2, 3}, {-1, -2, -3, -4, -5, -6});
        auto v1 = runKernel(node("Select"), {Tensor::fromVector<bool>({2}, {true, false}), t, e});
        QVERIFY(v1.ok());
        expectFloats(v1->at(0), {2, 3}, {1, 2, 3, -4, -5, -6});
        auto v2 = runKernel(node("SelectV2"), {Tensor::fromVector<bool>({3}, {true, false, true}), t, Tensor::scalar<float>(0)});
        QVERIFY(v2.ok());
        expectFloats(v2->at(0), {2, 3}, {1, 0, 3, 4, 0, 6});
        auto bad = runKernel(node("Select"), {Tensor::fromVector<bool>({3}, {true, false, true}), t, e});
        QVERIFY(!bad.ok());
    }
    // The float array routines behind Exp, Erf, Softmax (vector_math.h), Tanh and Sigmoid
    // (activation_float.h): within 4
    // ulp of double-precision libm over each function's range, inf and NaN kept, and an element's
    // result the same however the array is split (the tail of a short array is padded, not
    // computed another way).
    void testVectorMath() {
        qInfo("eight-lane routines %s", kernels::vectorMathAvailable() ? "in use" : "not available: libm per element");
        std::vector<float> x;
        for (int i = 0; i <= 2000; ++i) x.push_back(-9.0f + 18.0f * float(i) / 2000.0f);
        for (float v : {0.0f, -0.0f, 1e-30f, -1e-7f, 60.0f, -80.0f}) x.push_back(v);
        x.push_back(3.0f);  // 2008 elements: not a multiple of 8
        struct Case {
            const char* name;
            void (*array)(const float*, float*, int64_t);
            double (*reference)(double);
        };
        const Case cases[] = {
            {"exp", kernels::expFloats, [](double v) { return std::exp(v); }},
            {"erf", kernels::erfFloats, [](double v) { return std::erf(v); }},
            {"tanh", kernels::tanhFloat, [](double v) { return std::tanh(v); }},
            {"sigmoid", kernels::sigmoidFloat, [](double v) { return 1.0 / (1.0 + std::exp(-v)); }},
        };
        for (const Case& c : cases) {
            std::vector<float> whole(x.size()), split(x.size());
            c.array(x.data(), whole.data(), int64_t(x.size()));
            for (size_t at = 0; at < x.size(); at += 13) c.array(x.data() + at, split.data() + at, int64_t(std::min<size_t>(13, x.size() - at)));
            for (size_t i = 0; i < x.size(); ++i) {
                const float want = float(c.reference(double(x[i])));
                const float ulp = std::nextafter(std::abs(want), std::numeric_limits<float>::infinity()) - std::abs(want);
                QVERIFY2(std::abs(double(whole[i]) - c.reference(double(x[i]))) <= 4.0 * double(ulp),
                         qPrintable(QStringLiteral("%1(%2) = %3, want %4").arg(QLatin1String(c.name)).arg(double(x[i]), 0, 'g', 9).arg(double(whole[i]), 0, 'g', 9).arg(double(want), 0, 'g', 9)));
                QVERIFY2(whole[i] == split[i], qPrintable(QStringLiteral("%1 element %2 depends on the split").arg(QLatin1String(c.name)).arg(i)));
            }
        }
        const float special[] = {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()};
        float out[3];
        kernels::expFloats(special, out, 3);
        QCOMPARE(out[0], std::numeric_limits<float>::infinity());
        QCOMPARE(out[1], 0.0f);
        QVERIFY(std::isnan(out[2]));
        kernels::sigmoidFloat(special, out, 3);
        QCOMPARE(out[0], 1.0f);
        QCOMPARE(out[1], 0.0f);
        QVERIFY(std::isnan(out[2]));
        kernels::tanhFloat(special, out, 3);
        QCOMPARE(out[0], 1.0f);
        QCOMPARE(out[1], -1.0f);
        // The same specials in an array long enough for the 16-lane (AVX-512) code: the same results.
        {
            std::vector<float> many(32, -0.0f), got(32);
            for (int k = 0; k < 30; k += 3) std::copy(special, special + 3, many.begin() + k);
            for (auto fn : {kernels::tanhFloat, kernels::sigmoidFloat}) {
                fn(special, out, 3);
                fn(many.data(), got.data(), 32);
                for (int k = 0; k < 30; ++k) {
                    if (std::isnan(out[k % 3])) QVERIFY(std::isnan(got[size_t(k)]));
                    else QCOMPARE(got[size_t(k)], out[k % 3]);
                }
                QCOMPARE(got[30], fn == kernels::tanhFloat ? -0.0f : 0.5f);
                QVERIFY(fn != kernels::tanhFloat || std::signbit(got[30]));
            }
        }
        kernels::erfFloats(special, out, 3);
        QCOMPARE(out[0], 1.0f);
        QCOMPARE(out[1], -1.0f);
        // The Softmax kernel over rows of odd length: rows sum to 1, and the largest logit wins.
        std::vector<float> logits(3 * 11);
        for (size_t i = 0; i < logits.size(); ++i) logits[i] = float(i % 11) * 0.7f - float(i / 11);
        auto sm = runKernel(node("Softmax"), {f32({3, 11}, logits)});
        QVERIFY(sm.ok());
        const std::vector<float> p = floats(sm->at(0));
        for (int r = 0; r < 3; ++r) {
            double total = 0;
            for (int j = 0; j < 11; ++j) total += p[size_t(r * 11 + j)];
            QVERIFY2(std::abs(total - 1.0) <= 11 * kTol, qPrintable(QString::number(total, 'g', 9)));
            double denominator = 0;
            for (int j = 0; j < 11; ++j) denominator += std::exp(0.7 * j - 7.0);
            QVERIFY(std::abs(p[size_t(r * 11 + 10)] - std::exp(0.0) / denominator) <= kTol);
        }
    }
};

QTEST_GUILESS_MAIN(TestKernelsCwise)
#include "tst_kernels_cwise.moc"
