// TensorList kernels on DT_VARIANT lists: Reserve/SetItem/GetItem/Stack with partial element shapes
// (unset items read as zeros), FromTensor/Gather, ElementShape/Length, PushBack/PopBack and the
// errors for bad indices, shapes and dtypes. Expected values are TF 2.15's answers.
// kernel_test_util.h pulls in Eigen's thread pool, which must precede Qt's "signals" macro.
#include "kernel_test_util.h"

#include <QtTest>

#include "model/kernels/tensor_list.h"

using namespace tfscope;
using tfscope::testing::NodeBuilder;
using tfscope::testing::runKernel;

namespace {

Tensor f32(Shape s, std::vector<float> v) { return Tensor::fromVector<float>(std::move(s), v); }
Tensor i32(Shape s, std::vector<int32_t> v) { return Tensor::fromVector<int32_t>(std::move(s), v); }
tensorflow::NodeDef listNode(const char* op, DType element = DType::Float) {
    return NodeBuilder(op).type("element_dtype", element).type("shape_type", DType::Int32).build();
}

#define EXPECT_SAME(got, want) QVERIFY2((got).sameContent(want), (shapeToString((got).shape()) + " vs " + shapeToString((want).shape())).c_str())
#define OK_OR_FAIL(r) QVERIFY2((r).ok(), (r).status().toString().c_str())

}  // namespace

class TestKernelsList : public QObject {
    Q_OBJECT
private slots:
    void testReserveSetGetStack() {
        auto reserved = runKernel(listNode("TensorListReserve"), {i32({2}, {-1, 2}), i32({}, {3})});
        OK_OR_FAIL(reserved);
        auto set = runKernel(listNode("TensorListSetItem"), {reserved->at(0), i32({}, {1}), f32({1, 2}, {1, 2})});
        OK_OR_FAIL(set);
        // The input list is a value: setting an item made a new list.
        auto oldStill = runKernel(listNode("TensorListGetItem"), {reserved->at(0), i32({}, {1}), i32({2}, {1, 2})});
        OK_OR_FAIL(oldStill);
        EXPECT_SAME(oldStill->at(0), f32({1, 2}, {0, 0}));
        auto stacked = runKernel(listNode("TensorListStack"), {set->at(0), i32({2}, {-1, 2})});
        OK_OR_FAIL(stacked);
        EXPECT_SAME(stacked->at(0), f32({3, 1, 2}, {0, 0, 1, 2, 0, 0}));
        // An unset item takes its shape from the set ones when the element shape is partial.
        auto unset = runKernel(listNode("TensorListGetItem"), {set->at(0), i32({}, {0}), i32({2}, {-1, 2})});
        OK_OR_FAIL(unset);
        EXPECT_SAME(unset->at(0), f32({1, 2}, {0, 0}));
        auto item = runKernel(listNode("TensorListGetItem"), {set->at(0), i32({}, {1}), i32({2}, {-1, 2})});
        OK_OR_FAIL(item);
        EXPECT_SAME(item->at(0), f32({1, 2}, {1, 2}));
        auto shape = runKernel(listNode("TensorListElementShape"), {set->at(0)});
        OK_OR_FAIL(shape);
        EXPECT_SAME(shape->at(0), i32({2}, {-1, 2}));
        auto length = runKernel(listNode("TensorListLength"), {set->at(0)});
        OK_OR_FAIL(length);
        EXPECT_SAME(length->at(0), i32({}, {3}));
    }
    void testFromTensorGatherPushPop() {
        auto list = runKernel(listNode("TensorListFromTensor", DType::Int32), {i32({3, 2}, {1, 2, 3, 4, 5, 6}), i32({1}, {2})});
        OK_OR_FAIL(list);
        auto gathered = runKernel(listNode("TensorListGather", DType::Int32), {list->at(0), i32({2}, {2, 0}), i32({1}, {2})});
        OK_OR_FAIL(gathered);
        EXPECT_SAME(gathered->at(0), i32({2, 2}, {5, 6, 1, 2}));
        auto pushed = runKernel(listNode("TensorListPushBack", DType::Int32), {list->at(0), i32({2}, {7, 8})});
        OK_OR_FAIL(pushed);
        auto popped = runKernel(listNode("TensorListPopBack", DType::Int32), {pushed->at(0), i32({1}, {2})}, 2);
        OK_OR_FAIL(popped);
        EXPECT_SAME(popped->at(1), i32({2}, {7, 8}));
        auto length = runKernel(listNode("TensorListLength", DType::Int32), {popped->at(0)});
        OK_OR_FAIL(length);
        EXPECT_SAME(length->at(0), i32({}, {3}));
        auto empty = runKernel(listNode("EmptyTensorList", DType::Int32), {i32({}, {-1}), i32({}, {-1})});
        OK_OR_FAIL(empty);
        auto unknownRank = runKernel(listNode("TensorListElementShape", DType::Int32), {empty->at(0)});
        OK_OR_FAIL(unknownRank);
        EXPECT_SAME(unknownRank->at(0), i32({}, {-1}));
    }
    // FromTensor's items share the tensor's storage, and stacking items that lie one after another
    // in one buffer (all of them, in order) gives a view of it: no copies, the same values. A
    // gather out of order, or a list with an item replaced, is copied. Writing to a view copies
    // first: the source keeps its values.
    void testSharedStorage() {
        Tensor source = f32({3, 2}, {1, 2, 3, 4, 5, 6});
        auto list = runKernel(listNode("TensorListFromTensor"), {source, i32({1}, {2})});
        OK_OR_FAIL(list);
        auto item = runKernel(listNode("TensorListGetItem"), {list->at(0), i32({}, {1}), i32({1}, {2})});
        OK_OR_FAIL(item);
        EXPECT_SAME(item->at(0), f32({2}, {3, 4}));
        QCOMPARE(item->at(0).storageId(), std::make_pair(source.storageId().first, size_t(8)));
        auto stacked = runKernel(listNode("TensorListStack"), {list->at(0), i32({1}, {2})});
        OK_OR_FAIL(stacked);
        EXPECT_SAME(stacked->at(0), source);
        QCOMPARE(stacked->at(0).storageId(), source.storageId());
        QVERIFY(stacked->at(0).isView());
        auto tail = runKernel(listNode("TensorListGather"), {list->at(0), i32({2}, {1, 2}), i32({1}, {2})});
        OK_OR_FAIL(tail);
        EXPECT_SAME(tail->at(0), f32({2, 2}, {3, 4, 5, 6}));
        QCOMPARE(tail->at(0).storageId(), std::make_pair(source.storageId().first, size_t(8)));
        auto reversed = runKernel(listNode("TensorListGather"), {list->at(0), i32({2}, {2, 1}), i32({1}, {2})});
        OK_OR_FAIL(reversed);
        EXPECT_SAME(reversed->at(0), f32({2, 2}, {5, 6, 3, 4}));
        QVERIFY(reversed->at(0).storageId().first != source.storageId().first);
        auto set = runKernel(listNode("TensorListSetItem"), {list->at(0), i32({}, {1}), f32({2}, {3, 4})});
        OK_OR_FAIL(set);
        auto restacked = runKernel(listNode("TensorListStack"), {set->at(0), i32({1}, {2})});
        OK_OR_FAIL(restacked);
        EXPECT_SAME(restacked->at(0), source);
        QVERIFY(restacked->at(0).storageId().first != source.storageId().first);
        Tensor view = stacked->at(0);
        view.mutableData<float>()[0] = 9.0f;
        QCOMPARE(source.data<float>()[0], 1.0f);
        QCOMPARE(view.data<float>()[0], 9.0f);
        // A view's range stays inside the storage; strings have none.
        QVERIFY(!source.storageView({4}, 12).valid());
        QVERIFY(source.storageView({2}, 16).valid());
        QVERIFY(!source.storageView({1}, size_t(-8)).valid());
        QVERIFY(!Tensor::fromStrings({1}, {"a"}).storageView({1}, 0).valid());
        auto strings = runKernel(listNode("TensorListFromTensor", DType::String), {Tensor::fromStrings({2}, {"a", "b"}), i32({}, {-1})});
        OK_OR_FAIL(strings);
        auto joined = runKernel(listNode("TensorListStack", DType::String), {strings->at(0), i32({}, {-1})});
        OK_OR_FAIL(joined);
        EXPECT_SAME(joined->at(0), Tensor::fromStrings({2}, {"a", "b"}));
    }
    void testErrors() {
        auto list = runKernel(listNode("TensorListFromTensor", DType::Int32), {i32({3, 2}, {1, 2, 3, 4, 5, 6}), i32({1}, {2})});
        OK_OR_FAIL(list);
        auto outOfRange = runKernel(listNode("TensorListSetItem", DType::Int32), {list->at(0), i32({}, {5}), i32({2}, {1, 2})});
        QVERIFY(!outOfRange.ok());
        QVERIFY2(outOfRange.status().message().find("Trying to modify element 5 in a list with 3 elements") != std::string::npos,
                 outOfRange.status().message().c_str());
        auto badShape = runKernel(listNode("TensorListSetItem", DType::Int32), {list->at(0), i32({}, {1}), i32({3}, {1, 2, 3})});
        QVERIFY(!badShape.ok());
        auto badType = runKernel(listNode("TensorListGetItem", DType::Float), {list->at(0), i32({}, {0}), i32({1}, {2})});
        QVERIFY(!badType.ok());
        QVERIFY2(badType.status().message().find("'DT_INT32'") != std::string::npos, badType.status().message().c_str());
        auto notList = runKernel(listNode("TensorListLength"), {f32({}, {1})});
        QVERIFY(!notList.ok());
        auto unknown = runKernel(listNode("TensorListReserve"), {i32({}, {-1}), i32({}, {2})});
        OK_OR_FAIL(unknown);
        auto cannotZero = runKernel(listNode("TensorListStack"), {unknown->at(0), i32({}, {-1})});
        QVERIFY(!cannotZero.ok());
        QVERIFY2(cannotZero.status().message().find("not fully defined") != std::string::npos, cannotZero.status().message().c_str());
    }
};

QTEST_GUILESS_MAIN(TestKernelsList)
#include "tst_kernels_list.moc"
