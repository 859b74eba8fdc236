// NN and reduction kernels: MatMul, BatchMatMulV2, Einsum, Conv2D, pooling, Softmax,
// FusedBatchNorm, reductions and ArgMax, with hand-computed values and error cases.
// kernel_test_util.h pulls in Eigen's thread pool, which must precede Qt's "signals" macro.
#include "kernel_test_util.h"

#include <QtTest>

#include <cmath>
#include <limits>


using namespace tfscope;
using tfscope::testing::NodeBuilder;
using tfscope::testing::runKernel;
using tfscope::testing::tensorsClose;

namespace {

constexpr double kTol = std::numeric_limits<float>::epsilon() * 10;

Tensor f32(Shape s, std::vector<float> v) { return Tensor::fromVector<float>(std::move(s), v); }
Tensor i32(Shape s, std::vector<int32_t> v) { return Tensor::fromVector<int32_t>(std::move(s), v); }

#define EXPECT_CLOSE(got, want)                                              \
    do {                                                                     \
        std::string why_;                                                    \
        QVERIFY2(tensorsClose((got), (want), kTol, kTol, &why_), why_.c_str()); \
    } while (0)

}  // namespace

class TestKernelsNn : public QObject {
    Q_OBJECT
private slots:
    void testMatMul() {
        Tensor a = f32({2, 3}, {1, 2, 3, 4, 5, 6}), b = f32({3, 2}, {7, 8, 9, 10, 11, 12});
        auto r = runKernel(NodeBuilder("MatMul").type("T", DType::Float).build(), {a, b});
        QVERIFY(r.ok());
        EXPECT_CLOSE(r->at(0), f32({2, 2}, {58, 64, 139, 154}));
        auto t = runKernel(NodeBuilder("MatMul").type("T", DType::Float).attr("transpose_a", true).attr("transpose_b", true).build(),
                           {f32({3, 2}, {1, 4, 2, 5, 3, 6}), f32({2, 3}, {7, 9, 11, 8, 10, 12})});
        QVERIFY(t.ok());
        EXPECT_CLOSE(t->at(0), f32({2, 2}, {58, 64, 139, 154}));
        auto ints = runKernel(NodeBuilder("MatMul").type("T", DType::Int32).build(), {i32({1, 2}, {2, 3}), i32({2, 1}, {4, 5})});
        QVERIFY(ints.ok());
        QVERIFY(ints->at(0).sameContent(i32({1, 1}, {23})));
        auto bad = runKernel(NodeBuilder("MatMul").type("T", DType::Float).build(), {a, a});
        QVERIFY(!bad.ok());
        QVERIFY2(bad.status().message().find("'[2,3]'") != std::string::npos, bad.status().message().c_str());
    }
    void testLargeMatMulMatchesNaive() {
        const int64_t m = 67, k = 129, n = 33;
        std::vector<float> va(size_t(m * k)), vb(size_t(k * n));
        for (size_t i = 0; i < va.size(); ++i) va[i] = float((i * 7) % 13) - 6.0f;
        for (size_t i = 0; i < vb.size(); ++i) vb[i] = float((i * 5) % 11) * 0.25f - 1.0f;
        std::vector<float> want(size_t(m * n), 0.0f);
        for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j)
                for (int64_t q = 0; q < k; ++q) want[size_t(i * n + j)] += va[size_t(i * k + q)] * vb[size_t(q * n + j)];
        auto r = runKernel(NodeBuilder("MatMul").type("T", DType::Float).build(), {f32({m, k}, va), f32({k, n}, vb)});
        QVERIFY(r.ok());
        EXPECT_CLOSE(r->at(0), f32({m, n}, want));
    }
    void testBatchMatMulBroadcast() {
        Tensor x = f32({2, 1, 2}, {1, 2, 3, 4}), y = f32({2, 2}, {1, 0, 0, 1});
        auto r = runKernel(NodeBuilder("BatchMatMulV2").type("T", DType::Float).build(), {x, y});
        QVERIFY(r.ok());
        EXPECT_CLOSE(r->at(0), x);
        auto bad = runKernel(NodeBuilder("BatchMatMulV2").type("T", DType::Float).build(), {f32({2, 2, 2}, {}), f32({3, 2, 2}, {})});
        QVERIFY(!bad.ok());
    }
    // One y for every batch entry of x (Keras 3's Dense on a sequence) runs as one product of
    // [batches * M, K] rows; a y with batch dims, or an x that is broadcast, still runs per entry.
    void testBatchMatMulSharedWeights() {
        auto values = [](int64_t count, int seed) {
            std::vector<float> v(static_cast<size_t>(count));
            for (size_t i = 0; i < v.size(); ++i) v[i] = float((int64_t(i) * seed + 3) % 13) * 0.125f - 0.75f;
            return v;
        };
        const int64_t b = 3, m = 5, k = 7, n = 9;
        const std::vector<float> vx = values(b * m * k, 5), vy = values(k * n, 7);
        auto reference = [&](bool yTransposed) {
            std::vector<float> want(size_t(b * m * n), 0.0f);
            for (int64_t e = 0; e < b; ++e)
                for (int64_t i = 0; i < m; ++i)
                    for (int64_t j = 0; j < n; ++j)
                        for (int64_t q = 0; q < k; ++q)
                            want[size_t((e * m + i) * n + j)] += vx[size_t((e * m + i) * k + q)] * vy[size_t(yTransposed ? j * k + q : q * n + j)];
            return want;
        };
        auto plain = runKernel(NodeBuilder("BatchMatMulV2").type("T", DType::Float).build(), {f32({b, m, k}, vx), f32({k, n}, vy)});
        QVERIFY(plain.ok());
        EXPECT_CLOSE(plain->at(0), f32({b, m, n}, reference(false)));
        // y [1, N, K] with adj_y: the same rows, y read transposed.
        auto adj = runKernel(NodeBuilder("BatchMatMulV2").type("T", DType::Float).attr("adj_y", true).build(), {f32({b, m, k}, vx), f32({1, n, k}, vy)});
        QVERIFY(adj.ok());
        EXPECT_CLOSE(adj->at(0), f32({b, m, n}, reference(true)));
        // x broadcast against a batched y: per entry, each the same x.
        const std::vector<float> vx1(vx.begin(), vx.begin() + m * k);
        std::vector<float> vyb;
        for (int64_t e = 0; e < b; ++e) vyb.insert(vyb.end(), vy.begin(), vy.end());
        auto bx = runKernel(NodeBuilder("BatchMatMulV2").type("T", DType::Float).build(), {f32({1, m, k}, vx1), f32({b, k, n}, vyb)});
        QVERIFY(bx.ok());
        std::vector<float> first = reference(false), want;
        first.resize(size_t(m * n));
        for (int64_t e = 0; e < b; ++e) want.insert(want.end(), first.begin(), first.end());
        EXPECT_CLOSE(bx->at(0), f32({b, m, n}, want));
    }
    void testEinsum() {
        Tensor a = f32({2, 3}, {1, 2, 3, 4, 5, 6});
        auto tr = runKernel(NodeBuilder("Einsum").type("T", DType::Float).attr("equation", "ij->ji").build(), {a});
        QVERIFY(tr.ok());
        EXPECT_CLOSE(tr->at(0), f32({3, 2}, {1, 4, 2, 5, 3, 6}));
        auto mm = runKernel(NodeBuilder("Einsum").type("T", DType::Float).attr("equation", "ij,kj->ik").build(), {a, a});
        QVERIFY(mm.ok());
        EXPECT_CLOSE(mm->at(0), f32({2, 2}, {14, 32, 32, 77}));
        // A read transposed in place (depth before rows), and an output that is not the product's
        // layout (transposed after the product).
        auto ta = runKernel(NodeBuilder("Einsum").type("T", DType::Float).attr("equation", "ji,jk->ik").build(), {a, f32({2, 2}, {1, 0, 0, 1})});
        QVERIFY(ta.ok());
        EXPECT_CLOSE(ta->at(0), f32({3, 2}, {1, 4, 2, 5, 3, 6}));
        auto to = runKernel(NodeBuilder("Einsum").type("T", DType::Float).attr("equation", "ij,kj->ki").build(), {a, a});
        QVERIFY(to.ok());
        EXPECT_CLOSE(to->at(0), f32({2, 2}, {14, 32, 32, 77}));
    }
    void testConv2D() {
        // 1x3x3x1 input, 2x2x1x1 filter of ones: sums of 2x2 windows.
        Tensor x = f32({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9}), w = f32({2, 2, 1, 1}, {1, 1, 1, 1});
        auto valid = runKernel(NodeBuilder("Conv2D").type("T", DType::Float).attr("strides", std::vector<int64_t>{1, 1, 1, 1})
                                   .attr("padding", "VALID").build(), {x, w});
        QVERIFY2(valid.ok(), valid.status().message().c_str());
        EXPECT_CLOSE(valid->at(0), f32({1, 2, 2, 1}, {12, 16, 24, 28}));
        auto same = runKernel(NodeBuilder("Conv2D").type("T", DType::Float).attr("strides", std::vector<int64_t>{1, 2, 2, 1})
                                  .attr("padding", "SAME").build(), {x, w});
        QVERIFY(same.ok());
        EXPECT_CLOSE(same->at(0), f32({1, 2, 2, 1}, {12, 9, 15, 9}));
        auto bad = runKernel(NodeBuilder("Conv2D").type("T", DType::Float).attr("strides", std::vector<int64_t>{1, 1, 1, 1})
                                 .attr("padding", "VALID").build(), {x, f32({2, 2, 2, 1}, {})});
        QVERIFY(!bad.ok());
    }
    void testPooling() {
        Tensor x = f32({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
        auto mp = runKernel(NodeBuilder("MaxPool").type("T", DType::Float).attr("ksize", std::vector<int64_t>{1, 2, 2, 1})
                                .attr("strides", std::vector<int64_t>{1, 2, 2, 1}).attr("padding", "SAME").build(), {x});
        QVERIFY(mp.ok());
        EXPECT_CLOSE(mp->at(0), f32({1, 2, 2, 1}, {5, 6, 8, 9}));
        auto ap = runKernel(NodeBuilder("AvgPool").type("T", DType::Float).attr("ksize", std::vector<int64_t>{1, 2, 2, 1})
                                .attr("strides", std::vector<int64_t>{1, 2, 2, 1}).attr("padding", "SAME").build(), {x});
        QVERIFY(ap.ok());
        EXPECT_CLOSE(ap->at(0), f32({1, 2, 2, 1}, {3, 4.5f, 7.5f, 9}));  // padding excluded from the mean
    }
    void testMaxPoolFloatMatchesGeneric() {
        // float MaxPool has its own loops (32, 8 and 4 channels at a time); they must pick what the
        // generic one (here on doubles) picks, NaNs included (the running maximum starts at the
        // lowest value and a NaN never compares greater, so none comes through, first tap or later).
        // 7 channels: one 4-wide step and a tail; 45: 32 + 8 + 5. 3x3 windows, stride 2, SAME padding.
        for (const int64_t c : {int64_t(7), int64_t(45)}) {
            const int64_t h = 5, w = 6;
            std::vector<float> v(size_t(2 * h * w * c));
            for (size_t i = 0; i < v.size(); ++i) v[i] = float((i * 37) % 23) - 11.0f;
            v[0] = v[size_t(c + 1)] = v[size_t(3 * c * w + 5)] = v[size_t(c + 40)] = std::numeric_limits<float>::quiet_NaN();
            std::vector<double> d(v.begin(), v.end());
            auto pool = [&](const Tensor& x) {
                return runKernel(NodeBuilder("MaxPool").type("T", x.dtype()).attr("ksize", std::vector<int64_t>{1, 3, 3, 1}).attr("strides", std::vector<int64_t>{1, 2, 2, 1}).attr("padding", "SAME").build(), {x});
            };
            auto got = pool(f32({2, h, w, c}, v));
            auto want = pool(Tensor::fromVector<double>({2, h, w, c}, d));
            QVERIFY(got.ok() && want.ok());
            QCOMPARE(got->at(0).shape(), (Shape{2, 3, 3, c}));
            const float* g = got->at(0).data<float>();
            const double* e = want->at(0).data<double>();
            for (int64_t i = 0; i < got->at(0).numElements(); ++i)
                QVERIFY2(!std::isnan(e[i]) && double(g[i]) == e[i], qPrintable(QStringLiteral("c=%1 [%2]: %3 against %4").arg(c).arg(i).arg(double(g[i])).arg(e[i])));
            if (c == 7) QCOMPARE(double(g[0]), 8.0);  // max(NaN, v[7] = -5, v[42] = 2, v[49] = 8): the NaN is skipped
        }
    }
    void testSoftmax() {
        auto r = runKernel(NodeBuilder("Softmax").type("T", DType::Float).build(), {f32({2, 2}, {0, 0, 1000, 0})});
        QVERIFY(r.ok());
        EXPECT_CLOSE(r->at(0), f32({2, 2}, {0.5f, 0.5f, 1, 0}));
        auto l = runKernel(NodeBuilder("LogSoftmax").type("T", DType::Float).build(), {f32({2}, {0, 0})});
        QVERIFY(l.ok());
        EXPECT_CLOSE(l->at(0), f32({2}, {-std::log(2.0f), -std::log(2.0f)}));
        QVERIFY(!runKernel(NodeBuilder("Softmax").type("T", DType::Float).build(), {Tensor::scalar<float>(1)}).ok());
        // Rows of 3, 8 and 19 values (the vector path's tails), against the definition in double;
        // a NaN, or a +inf (inf - inf is NaN, in TensorFlow's Softmax too), makes its own row NaN and no other.
        for (int64_t depth : {3, 8, 19}) {
            const int64_t rows = 5;
            std::vector<float> v(size_t(rows * depth));
            for (size_t i = 0; i < v.size(); ++i) v[i] = float(int((i * 37) % 23) - 11) * 0.9f + (i % 2 ? 300.0f : 0.0f);
            v[size_t(2 * depth + 1)] = std::nanf("");
            v[size_t(4 * depth + depth - 1)] = INFINITY;
            auto sm = runKernel(NodeBuilder("Softmax").type("T", DType::Float).build(), {f32({rows, depth}, v)});
            QVERIFY(sm.ok());
            const float* g = sm->at(0).data<float>();
            for (int64_t r = 0; r < rows; ++r) {
                const float* x = v.data() + r * depth;
                double mx = -INFINITY, sum = 0;
                for (int64_t i = 0; i < depth; ++i) mx = std::max(mx, double(x[i]));
                for (int64_t i = 0; i < depth; ++i) sum += std::exp(double(x[i]) - mx);
                for (int64_t i = 0; i < depth; ++i) {
                    const float got = g[r * depth + i];
                    if (r == 2 || r == 4) {
                        QVERIFY2(std::isnan(got), qPrintable(QStringLiteral("row %1 [%2] = %3, not NaN").arg(r).arg(i).arg(got)));
                        continue;
                    }
                    const double want = std::exp(double(x[i]) - mx) / sum;
                    QVERIFY2(std::abs(double(got) - want) <= 1e-6 * std::max(1.0, want),
                             qPrintable(QStringLiteral("depth %1 [%2,%3]: %4 against %5").arg(depth).arg(r).arg(i).arg(got).arg(want)));
                }
            }
        }
    }
    void testFusedBatchNormInference() {
        Tensor x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
        auto r = runKernel(NodeBuilder("FusedBatchNormV3").type("T", DType::Float).attr("is_training", false).attr("epsilon", 0.0f).build(),
                           {x, f32({2}, {1, 2}), f32({2}, {0, 1}), f32({2}, {1, 2}), f32({2}, {4, 1})}, 6);
        QVERIFY2(r.ok(), r.status().message().c_str());
        EXPECT_CLOSE(r->at(0), f32({1, 1, 2, 2}, {0, 1, 1, 5}));
    }
    void testReductions() {
        Tensor x = f32({2, 1, 3}, {1, 2, 3, 4, 5, 6});
        auto sum = runKernel(NodeBuilder("Sum").type("T", DType::Float).build(), {x, i32({2}, {0, -1})});
        QVERIFY(sum.ok());
        EXPECT_CLOSE(sum->at(0), f32({1}, {21}));
        auto mean = runKernel(NodeBuilder("Mean").type("T", DType::Float).attr("keep_dims", true).build(), {x, i32({}, {2})});
        QVERIFY(mean.ok());
        EXPECT_CLOSE(mean->at(0), f32({2, 1, 1}, {2, 5}));
        // Rows longer than the 8 lanes of the last-axis sum, with a tail: exact in float.
        std::vector<float> rows(3 * 19);
        for (size_t i = 0; i < rows.size(); ++i) rows[i] = float(i % 19) * 0.5f + float(i / 19);
        auto lastMean = runKernel(NodeBuilder("Mean").type("T", DType::Float).build(), {f32({3, 19}, rows), i32({}, {-1})});
        QVERIFY(lastMean.ok());
        QVERIFY(lastMean->at(0).sameContent(f32({3}, {4.5f, 5.5f, 6.5f})));
        auto lastSum = runKernel(NodeBuilder("Sum").type("T", DType::Float).build(), {f32({3, 19}, rows), i32({}, {1})});
        QVERIFY(lastSum.ok());
        QVERIFY(lastSum->at(0).sameContent(f32({3}, {85.5f, 104.5f, 123.5f})));
        auto imean = runKernel(NodeBuilder("Mean").type("T", DType::Int32).build(), {i32({4}, {1, 2, 2, -6}), i32({}, {0})});
        QVERIFY(imean.ok());
        QVERIFY(imean->at(0).sameContent(i32({}, {0})));  // -1/4 truncates to 0
        auto mx = runKernel(NodeBuilder("Max").type("T", DType::Int32).build(), {i32({2, 3}, {1, 9, 3, 4, 5, 6}), i32({1}, {0})});
        QVERIFY(mx.ok());
        QVERIFY(mx->at(0).sameContent(i32({3}, {4, 9, 6})));
        auto bad = runKernel(NodeBuilder("Sum").type("T", DType::Float).build(), {x, i32({1}, {3})});
        QVERIFY(!bad.ok());
        QVERIFY(bad.status().message().find("Invalid reduction dimension '3'") != std::string::npos);
        auto arg = runKernel(NodeBuilder("ArgMax").type("T", DType::Float).build(), {f32({2, 3}, {1, 7, 7, 9, 2, 3}), i32({}, {1})});
        QVERIFY(arg.ok());
        QVERIFY(arg->at(0).sameContent(Tensor::fromVector<int64_t>({2}, {1, 0})));
    }
};

QTEST_GUILESS_MAIN(TestKernelsNn)
#include "tst_kernels_nn.moc"
