// Sparse kernels: SparseFillEmptyRows (unordered rows keep their input order), SparseReshape with -1,
// SparseSegmentMean / SqrtN with an empty segment, UpperBound / LowerBound, SparseToDense,
// DenseToDenseSetOperation, and errors.
// Expected values are TF 2.15's answers.
// kernel_test_util.h pulls in Eigen's thread pool, which must precede Qt's "signals" macro.
#include "kernel_test_util.h"

#include <QtTest>

using namespace tfscope;
using tfscope::testing::NodeBuilder;
using tfscope::testing::runKernel;
using tfscope::testing::tensorsClose;

namespace {

Tensor f32(Shape s, std::vector<float> v) { return Tensor::fromVector<float>(std::move(s), v); }
Tensor i32(Shape s, std::vector<int32_t> v) { return Tensor::fromVector<int32_t>(std::move(s), v); }
Tensor i64(Shape s, std::vector<int64_t> v) { return Tensor::fromVector<int64_t>(std::move(s), v); }

#define EXPECT_SAME(got, want) QVERIFY2((got).sameContent(want), (shapeToString((got).shape()) + " vs " + shapeToString((want).shape())).c_str())
#define OK_OR_FAIL(r) QVERIFY2((r).ok(), (r).status().toString().c_str())

}  // namespace

class TestKernelsSparse : public QObject {
    Q_OBJECT
private slots:
    void testFillEmptyRows() {
        auto r = runKernel(NodeBuilder("SparseFillEmptyRows").type("T", DType::Float).build(),
                           {i64({3, 2}, {2, 1, 0, 0, 2, 0}), f32({3}, {5, 6, 7}), i64({2}, {4, 3}), f32({}, {-1})}, 4);
        OK_OR_FAIL(r);
        EXPECT_SAME(r->at(0), i64({5, 2}, {0, 0, 1, 0, 2, 1, 2, 0, 3, 0}));
        EXPECT_SAME(r->at(1), f32({5}, {6, -1, 5, 7, -1}));
        QCOMPARE(std::vector<bool>(r->at(2).data<bool>(), r->at(2).data<bool>() + 4), (std::vector<bool>{false, true, false, true}));
        EXPECT_SAME(r->at(3), i64({3}, {2, 0, 3}));
        auto bad = runKernel(NodeBuilder("SparseFillEmptyRows").type("T", DType::Float).build(),
                             {i64({1, 2}, {9, 0}), f32({1}, {5}), i64({2}, {4, 3}), f32({}, {-1})}, 4);
        QVERIFY(!bad.ok());
    }
    void testReshape() {
        auto r = runKernel(NodeBuilder("SparseReshape").build(), {i64({2, 2}, {0, 1, 1, 2}), i64({2}, {2, 3}), i64({2}, {3, -1})}, 2);
        OK_OR_FAIL(r);
        EXPECT_SAME(r->at(0), i64({2, 2}, {0, 1, 2, 1}));
        EXPECT_SAME(r->at(1), i64({2}, {3, 2}));
        auto bad = runKernel(NodeBuilder("SparseReshape").build(), {i64({1, 2}, {0, 1}), i64({2}, {2, 3}), i64({2}, {4, -1})}, 2);
        QVERIFY(!bad.ok());
    }
    void testSegmentMeanSqrtN() {
        const Tensor data = f32({3, 2}, {1, 2, 3, 4, 5, 6});
        auto mean = runKernel(NodeBuilder("SparseSegmentMean").type("T", DType::Float).build(), {data, i32({3}, {0, 2, 1}), i32({3}, {0, 0, 2})});
        OK_OR_FAIL(mean);
        EXPECT_SAME(mean->at(0), f32({3, 2}, {3, 4, 0, 0, 3, 4}));
        auto sqrtn = runKernel(NodeBuilder("SparseSegmentSqrtN").type("T", DType::Float).build(), {data, i32({3}, {0, 2, 1}), i32({3}, {0, 0, 2})});
        OK_OR_FAIL(sqrtn);
        std::string why;
        QVERIFY2(tensorsClose(sqrtn->at(0), f32({3, 2}, {4.2426405f, 5.656854f, 0, 0, 3, 4}), 1e-6, 1e-6, &why), why.c_str());
        auto unsorted = runKernel(NodeBuilder("SparseSegmentSum").type("T", DType::Float).build(), {data, i32({2}, {0, 1}), i32({2}, {1, 0})});
        QVERIFY(!unsorted.ok());
    }
    // DenseToDenseSetOperation: each group's result sorted; dense shape's last dim = largest result (TF 2.15's answers).
    void testDenseToDenseSetOperation() {
        const Tensor a = i64({2, 2, 4}, {1, 3, 3, 7, 2, 2, 5, 9, 4, 0, 1, 8, 6, 6, 6, 6});
        const Tensor b = i64({2, 2, 3}, {3, 1, 0, 9, 9, 9, 8, 4, 2, 5, 6, 7});
        auto run = [&](const char* op) { return runKernel(NodeBuilder("DenseToDenseSetOperation").type("T", DType::Int64).attr("set_operation", op).build(), {a, b}, 3); };
        auto ab = run("a-b");
        OK_OR_FAIL(ab);
        EXPECT_SAME(ab->at(0), i64({5, 3}, {0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1}));
        EXPECT_SAME(ab->at(1), i64({5}, {7, 2, 5, 0, 1}));
        EXPECT_SAME(ab->at(2), i64({3}, {2, 2, 2}));
        auto ba = run("b-a");
        OK_OR_FAIL(ba);
        EXPECT_SAME(ba->at(1), i64({4}, {0, 2, 5, 7}));
        EXPECT_SAME(ba->at(0), i64({4, 3}, {0, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1}));
        auto both = run("intersection");
        OK_OR_FAIL(both);
        EXPECT_SAME(both->at(1), i64({6}, {1, 3, 9, 4, 8, 6}));
        auto any = run("union");
        OK_OR_FAIL(any);
        EXPECT_SAME(any->at(1), i64({15}, {0, 1, 3, 7, 2, 5, 9, 0, 1, 2, 4, 8, 5, 6, 7}));
        EXPECT_SAME(any->at(2), i64({3}, {2, 2, 5}));
        auto str = runKernel(NodeBuilder("DenseToDenseSetOperation").type("T", DType::String).attr("set_operation", "union").build(),
                             {Tensor::fromStrings({2, 2}, {"b", "a", "c", "c"}), Tensor::fromStrings({2, 1}, {"a", "d"})}, 3);
        OK_OR_FAIL(str);
        QCOMPARE(str->at(1).strings(), (std::vector<std::string>{"a", "b", "c", "d"}));
        EXPECT_SAME(str->at(0), i64({4, 2}, {0, 0, 0, 1, 1, 0, 1, 1}));
        EXPECT_SAME(str->at(2), i64({2}, {2, 2}));
        auto bad = runKernel(NodeBuilder("DenseToDenseSetOperation").type("T", DType::Int64).attr("set_operation", "xor").build(), {a, b}, 3);
        QVERIFY(!bad.ok());
    }
    void testBoundsAndToDense() {
        auto upper = runKernel(NodeBuilder("UpperBound").type("T", DType::Float).build(), {f32({1, 4}, {1, 2, 2, 5}), f32({1, 3}, {2, 0, 9})});
        OK_OR_FAIL(upper);
        EXPECT_SAME(upper->at(0), i32({1, 3}, {3, 0, 4}));
        auto lower = runKernel(NodeBuilder("LowerBound").type("T", DType::Float).build(), {f32({1, 4}, {1, 2, 2, 5}), f32({1, 3}, {2, 0, 9})});
        OK_OR_FAIL(lower);
        EXPECT_SAME(lower->at(0), i32({1, 3}, {1, 0, 4}));
        auto dense = runKernel(NodeBuilder("SparseToDense").build(), {i32({2, 2}, {0, 1, 1, 0}), i32({2}, {2, 3}), i32({2}, {7, 8}), i32({}, {-1})});
        OK_OR_FAIL(dense);
        EXPECT_SAME(dense->at(0), i32({2, 3}, {-1, 7, -1, 8, -1, -1}));
        auto outside = runKernel(NodeBuilder("SparseToDense").build(), {i32({1, 2}, {2, 0}), i32({2}, {2, 3}), i32({1}, {7}), i32({}, {-1})});
        QVERIFY(!outside.ok());
    }
};

QTEST_GUILESS_MAIN(TestKernelsSparse)
#include "tst_kernels_sparse.moc"
