// Every library kernel, fed wrong arities, dtypes, shapes and attr-less nodes, must return an
// error or a result, never crash or hang; errors name the node and op.
// kernel_test_util.h pulls in Eigen's thread pool, which must precede Qt's "signals" macro.
#include "kernel_test_util.h"

#include <QtTest>

using namespace tfscope;
using tfscope::testing::NodeBuilder;
using tfscope::testing::TestKernelContext;

class TestKernelsRobust : public QObject {
    Q_OBJECT
private slots:
    void testBadInputsNeverCrash() {
        const Tensor f23 = Tensor::fromVector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
        const Tensor fScalar = Tensor::scalar<float>(2.0f);
        const Tensor fEmpty(DType::Float, {0});
        const Tensor iNeg = Tensor::fromVector<int32_t>({2}, {-1, -7});
        const Tensor iBig = Tensor::fromVector<int64_t>({2}, {int64_t(1) << 40, 3});
        const Tensor str = Tensor::fromStrings({2}, {"a", "b"});
        const Tensor b3 = Tensor::fromVector<bool>({3}, {true, false, true});
        const std::vector<std::vector<Tensor>> inputSets = {
            {},
            {fScalar},
            {f23},
            {f23, iNeg},
            {f23, iBig},
            {iNeg, f23},
            {fEmpty, fEmpty},
            {f23, f23, f23},
            {str, str},
            {b3, f23, f23},
            {f23, iNeg, iNeg, iNeg},
            {f23, f23, f23, f23, f23},
        };
        int errors = 0, runs = 0;
        for (const exec::KernelDef* def : exec::libraryKernels()) {
            for (DType t : {DType::Float, DType::Int32, DType::String}) {
                const auto node = NodeBuilder(def->op).type("T", t).build();
                for (const auto& inputs : inputSets) {
                    TestKernelContext ctx(node, inputs, 2);
                    Status s = def->compute(ctx);
                    ++runs;
                    if (!s.ok()) {
                        ++errors;
                        if (s.code() == Status::Code::InvalidArgument)
                            QVERIFY2(s.message().rfind("Node 'n' (" + std::string(def->op) + "): ", 0) == 0, s.message().c_str());
                        QVERIFY2(!s.message().empty() && s.message().back() == '.', s.message().c_str());
                    }
                }
            }
        }
        QVERIFY(runs > 1000);
        QVERIFY(errors > runs / 2);
    }
};

QTEST_GUILESS_MAIN(TestKernelsRobust)
#include "tst_kernels_robust.moc"
