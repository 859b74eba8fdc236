// Kernels added for ops real files used (issue 12) whose values TensorFlow cannot check through
// the kernel case generator: the normal initializers (TF's Philox values are not reproduced, so
// what is promised is tested: shape, dtype, seeded determinism, the distribution, truncation) and
// BoostedTreesBucketize (TF 2.15 ships no kernel for it). Everything else is in cases.json.
#include "kernel_test_util.h"

#include <QtTest>

#include <cmath>

using namespace tfscope;
using namespace tfscope::exec;
using tfscope::testing::NodeBuilder;
using tfscope::testing::runKernel;

class TestKernelsMissingOps : public QObject {
    Q_OBJECT
private slots:
    void testNormalInitializers_data() {
        QTest::addColumn<QString>("op");
        QTest::newRow("RandomStandardNormal") << "RandomStandardNormal";
        QTest::newRow("TruncatedNormal") << "TruncatedNormal";
    }
    void testNormalInitializers() {
        QFETCH(QString, op);
        const bool truncated = op == "TruncatedNormal";
        auto node = NodeBuilder(op.toStdString()).type("dtype", DType::Float).type("T", DType::Int32).attr("seed", 7).attr("seed2", 3).build();
        const Tensor shape = Tensor::fromVector<int32_t>({2}, {200, 100});
        auto a = runKernel(node, {shape});
        QVERIFY2(a.ok(), a.status().toString().c_str());
        const Tensor& t = a.value()[0];
        QCOMPARE(t.dtype(), DType::Float);
        QCOMPARE(t.shape(), (Shape{200, 100}));
        auto b = runKernel(node, {shape});
        QVERIFY(b.ok());
        QVERIFY(t.sameContent(b.value()[0]));  // seeded: the same values every run
        auto other = runKernel(NodeBuilder(op.toStdString()).type("dtype", DType::Float).attr("seed", 8).build(), {shape});
        QVERIFY(other.ok());
        QVERIFY(!t.sameContent(other.value()[0]));
        double sum = 0, sq = 0, maxAbs = 0;
        const int64_t n = t.numElements();
        for (int64_t i = 0; i < n; ++i) {
            const double v = t.data<float>()[i];
            sum += v;
            sq += v * v;
            maxAbs = std::max(maxAbs, std::abs(v));
        }
        const double mean = sum / double(n), var = sq / double(n) - mean * mean;
        // 20,000 draws: the mean is within 5 standard errors (5/sqrt(n) = 0.035) of 0.
        QVERIFY2(std::abs(mean) < 0.035, qPrintable(QString::number(mean)));
        // N(0,1) has variance 1; truncated to [-2, 2] it is 0.7737.
        const double wantVar = truncated ? 0.7737 : 1.0;
        QVERIFY2(std::abs(var - wantVar) < 0.05, qPrintable(QString::number(var)));
        if (truncated) QVERIFY(maxAbs <= 2.0);
        else QVERIFY(maxAbs > 2.5);  // tails exist (P(|x| > 2.5) = 1.2% of 20,000)
        auto half = runKernel(NodeBuilder(op.toStdString()).type("dtype", DType::Half).attr("seed", 1).build(), {Tensor::fromVector<int64_t>({1}, {5})});
        QVERIFY(half.ok());
        QCOMPARE(half.value()[0].dtype(), DType::Half);
        auto bad = runKernel(node, {Tensor::fromVector<int32_t>({2}, {3, -1})});
        QVERIFY(!bad.ok());
        QVERIFY2(bad.status().message().find("[3,-1]") != std::string::npos, bad.status().message().c_str());
    }

    void testBoostedTreesBucketize() {
        auto node = NodeBuilder("BoostedTreesBucketize").attr("num_features", 2).build();
        auto r = runKernel(node,
                           {Tensor::fromVector<float>({5}, {0.5f, -1.f, 2.f, 3.f, 10.f}), Tensor::fromVector<float>({5}, {1.f, 2.f, -3.f, 0.f, 4.5f}),
                            Tensor::fromVector<float>({3}, {0.f, 2.f, 3.f}), Tensor::fromVector<float>({2}, {-1.f, 1.f})},
                           2);
        QVERIFY2(r.ok(), r.status().toString().c_str());
        const std::vector<int32_t> want0 = {1, 0, 2, 3, 3}, want1 = {2, 2, 0, 1, 2};
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(r.value()[0].data<int32_t>()[i], want0[size_t(i)]);
            QCOMPARE(r.value()[1].data<int32_t>()[i], want1[size_t(i)]);
        }
        auto bad = runKernel(node, {Tensor::fromVector<float>({1}, {1.f})}, 2);
        QVERIFY(!bad.ok());
    }
};

QTEST_GUILESS_MAIN(TestKernelsMissingOps)
#include "tst_kernels_missing_ops.moc"
