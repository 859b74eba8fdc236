// The op metadata table (model/graph/op_meta.h): representative categories, weight inputs,
// plumbing and colours; the name rules for ops the table does not list; and every op the kernel
// registry can run is listed with a real category.
#include <QtTest>

#include <set>
#include <string>

#include "model/exec/kernel.h"
#include "model/graph/op_meta.h"

using namespace tfscope;

class TestOpMeta : public QObject {
    Q_OBJECT
private slots:
    void testListedEntries_data();
    void testListedEntries();
    void testWeightInputs();
    void testColours();
    void testNameRules_data();
    void testNameRules();
    void testCategoryNames();
    void testEveryKernelHasACategory();
};

void TestOpMeta::testListedEntries_data() {
    QTest::addColumn<QString>("op");
    QTest::addColumn<QString>("category");
    QTest::addColumn<bool>("plumbing");
    QTest::newRow("Conv2D") << "Conv2D" << "conv" << false;
    QTest::newRow("DepthwiseConv2dNative") << "DepthwiseConv2dNative" << "conv" << false;
    QTest::newRow("MatMul") << "MatMul" << "matmul" << false;
    QTest::newRow("BiasAdd") << "BiasAdd" << "matmul" << false;
    QTest::newRow("Relu6") << "Relu6" << "activation" << false;
    QTest::newRow("Softmax") << "Softmax" << "activation" << false;
    QTest::newRow("FusedBatchNormV3") << "FusedBatchNormV3" << "normalization" << false;
    QTest::newRow("MaxPool") << "MaxPool" << "pooling" << false;
    QTest::newRow("AddV2") << "AddV2" << "math" << false;
    QTest::newRow("Mean") << "Mean" << "reduction" << false;
    QTest::newRow("Reshape") << "Reshape" << "shape" << false;
    QTest::newRow("Identity") << "Identity" << "identity" << false;
    QTest::newRow("Switch") << "Switch" << "control_flow" << false;
    QTest::newRow("StatelessWhile") << "StatelessWhile" << "call" << false;
    QTest::newRow("NoOp") << "NoOp" << "control_flow" << true;
    QTest::newRow("StatefulPartitionedCall") << "StatefulPartitionedCall" << "call" << false;
    QTest::newRow("Placeholder") << "Placeholder" << "input" << false;
    QTest::newRow("ParseExampleV2") << "ParseExampleV2" << "input" << false;
    QTest::newRow("Const") << "Const" << "constant" << false;
    QTest::newRow("VarHandleOp") << "VarHandleOp" << "variable" << false;
    QTest::newRow("ReadVariableOp") << "ReadVariableOp" << "variable" << false;
    QTest::newRow("AssignVariableOp") << "AssignVariableOp" << "variable" << true;
    QTest::newRow("Assign") << "Assign" << "variable" << true;
    QTest::newRow("SaveV2") << "SaveV2" << "save_restore" << true;
    QTest::newRow("RestoreV2") << "RestoreV2" << "save_restore" << true;
    QTest::newRow("MergeV2Checkpoints") << "MergeV2Checkpoints" << "save_restore" << true;
    QTest::newRow("VarIsInitializedOp") << "VarIsInitializedOp" << "initialization" << true;
    QTest::newRow("ResourceApplyAdam") << "ResourceApplyAdam" << "training" << true;
    QTest::newRow("ScalarSummary") << "ScalarSummary" << "summary" << true;
    QTest::newRow("IteratorGetNext") << "IteratorGetNext" << "input_pipeline" << true;
    QTest::newRow("StringToHashBucketFast") << "StringToHashBucketFast" << "string" << false;
    QTest::newRow("HashTableV2") << "HashTableV2" << "lookup" << false;
    QTest::newRow("TensorArrayWriteV3") << "TensorArrayWriteV3" << "collection" << false;
    QTest::newRow("TruncatedNormal") << "TruncatedNormal" << "random" << false;
    QTest::newRow("Assert") << "Assert" << "debug" << true;
}

void TestOpMeta::testListedEntries() {
    QFETCH(QString, op);
    QFETCH(QString, category);
    QFETCH(bool, plumbing);
    const OpMeta m = opMeta(op.toStdString());
    QVERIFY(m.listed);
    QCOMPARE(QString::fromUtf8(opCategoryId(m.category).data(), qsizetype(opCategoryId(m.category).size())), category);
    QCOMPARE(m.plumbing, plumbing);
    QCOMPARE(m.color, opCategoryColor(m.category));
}

void TestOpMeta::testWeightInputs() {
    auto weights = [](const char* op) {
        std::set<int> s;
        const OpMeta m = opMeta(op);
        for (int i = -1; i < 33; ++i)
            if (m.isWeightInput(i)) s.insert(i);
        return s;
    };
    QCOMPARE(weights("Conv2D"), (std::set<int>{1}));
    QCOMPARE(weights("DepthwiseConv2dNative"), (std::set<int>{1}));
    QCOMPARE(weights("MatMul"), (std::set<int>{1}));
    QCOMPARE(weights("BiasAdd"), (std::set<int>{1}));
    QCOMPARE(weights("FusedBatchNorm"), (std::set<int>{1, 2, 3, 4}));
    QCOMPARE(weights("FusedBatchNormV3"), (std::set<int>{1, 2, 3, 4}));
    QCOMPARE(weights("_FusedConv2D"), (std::set<int>{1, 2}));
    QCOMPARE(weights("ResourceGather"), (std::set<int>{0}));
    QCOMPARE(weights("BatchMatMulV2"), (std::set<int>{}));  // both sides are usually activations
    QCOMPARE(weights("Relu"), (std::set<int>{}));
    QCOMPARE(weights("QuantizedConv2D"), (std::set<int>{1}));  // by the name rule, as Conv2D
    QCOMPARE(weights("NoSuchOp"), (std::set<int>{}));
}

// The canvas's colours for its long-standing groups are unchanged.
void TestOpMeta::testColours() {
    QCOMPARE(opMeta("Const").color, (Rgb{0xe8, 0xe8, 0xe8}));
    QCOMPARE(opMeta("VariableV2").color, (Rgb{0xf6, 0xd8, 0xa8}));
    QCOMPARE(opMeta("Placeholder").color, (Rgb{0xc8, 0xe6, 0xc9}));
    QCOMPARE(opMeta("Conv2D").color, (Rgb{0xbb, 0xd6, 0xf5}));
    QCOMPARE(opMeta("MatMul").color, (Rgb{0xbb, 0xd6, 0xf5}));
    QCOMPARE(opMeta("AvgPool").color, (Rgb{0xbb, 0xd6, 0xf5}));
    QCOMPARE(opMeta("Sigmoid").color, (Rgb{0xf8, 0xc4, 0xc4}));
    QCOMPARE(opMeta("FusedBatchNorm").color, (Rgb{0xd6, 0xc8, 0xf0}));
    QCOMPARE(opMeta("PartitionedCall").color, (Rgb{0xff, 0xe0, 0x82}));
    QCOMPARE(opMeta("If").color, (Rgb{0xff, 0xe0, 0x82}));
    QCOMPARE(opMeta("SaveV2").color, (Rgb{0xd0, 0xd0, 0xd0}));
    QCOMPARE(opMeta("NoOp").color, (Rgb{0xdf, 0xe9, 0xf2}));
    QCOMPARE(opMeta("Merge").color, (Rgb{0xdf, 0xe9, 0xf2}));
    QCOMPARE(opMeta("Mul").color, (Rgb{0xdf, 0xe9, 0xf2}));
    QCOMPARE(opMeta("Frobnicate").color, (Rgb{0xdf, 0xe9, 0xf2}));
}

void TestOpMeta::testNameRules_data() {
    QTest::addColumn<QString>("op");
    QTest::addColumn<QString>("category");
    QTest::addColumn<bool>("plumbing");
    QTest::newRow("ResourceApplyAdamWithAmsgrad") << "ResourceApplyAdamWithAmsgrad" << "training" << true;
    QTest::newRow("ApplyAdadelta") << "ApplyAdadelta" << "training" << true;
    QTest::newRow("ResourceSparseApplyAdagradV2") << "ResourceSparseApplyAdagradV2" << "training" << true;
    QTest::newRow("ReluGrad") << "ReluGrad" << "training" << true;
    QTest::newRow("MaxPoolGradV2") << "MaxPoolGradV2" << "training" << true;
    QTest::newRow("Conv2DBackpropFilter") << "Conv2DBackpropFilter" << "training" << true;
    QTest::newRow("WriteScalarSummary") << "WriteScalarSummary" << "summary" << true;
    QTest::newRow("TFRecordDatasetV2") << "TFRecordDatasetV2" << "input_pipeline" << true;
    QTest::newRow("ParallelInterleaveDatasetV4") << "ParallelInterleaveDatasetV4" << "input_pipeline" << true;
    QTest::newRow("AnonymousIteratorV3") << "AnonymousIteratorV3" << "input_pipeline" << true;
    QTest::newRow("OptionalFromValue") << "OptionalFromValue" << "input_pipeline" << true;
    QTest::newRow("SaveV3") << "SaveV3" << "save_restore" << true;
    QTest::newRow("TensorArrayGradV3") << "TensorArrayGradV3" << "training" << true;  // *Grad* comes first
    QTest::newRow("TensorListConcatV2") << "TensorListConcatV2" << "collection" << false;
    QTest::newRow("StatelessRandomUniformV2") << "StatelessRandomUniformV2" << "random" << false;
    QTest::newRow("MutableDenseHashTableV2") << "MutableDenseHashTableV2" << "lookup" << false;
    QTest::newRow("UnicodeScript") << "UnicodeScript" << "string" << false;
    QTest::newRow("Conv3DBackpropInputV2") << "Conv3DBackpropInputV2" << "training" << true;
    QTest::newRow("Conv2DTranspose") << "Conv2DTranspose" << "conv" << false;
    QTest::newRow("FractionalMaxPool") << "FractionalMaxPool" << "pooling" << false;
    QTest::newRow("CudnnBatchNorm") << "CudnnBatchNorm" << "normalization" << false;
    QTest::newRow("RefEnter") << "RefEnter" << "control_flow" << false;  // listed itself
    QTest::newRow("QuantizedMatMul") << "QuantizedMatMul" << "matmul" << false;
    QTest::newRow("SentencepieceOp") << "SentencepieceOp" << "other" << false;
}

void TestOpMeta::testNameRules() {
    QFETCH(QString, op);
    QFETCH(QString, category);
    QFETCH(bool, plumbing);
    const OpMeta m = opMeta(op.toStdString());
    QCOMPARE(m.listed, op == "RefEnter");
    const std::string_view id = opCategoryId(m.category);
    QCOMPARE(QString::fromUtf8(id.data(), qsizetype(id.size())), category);
    QCOMPARE(m.plumbing, plumbing);
    QCOMPARE(m.plumbing, isPlumbingCategory(m.category));
}

void TestOpMeta::testCategoryNames() {
    std::set<std::string_view> ids, labels;
    for (int c = 0; c < kOpCategoryCount; ++c) {
        ids.insert(opCategoryId(OpCategory(c)));
        labels.insert(opCategoryLabel(OpCategory(c)));
    }
    QCOMPARE(int(ids.size()), kOpCategoryCount);
    QCOMPARE(int(labels.size()), kOpCategoryCount);
    QCOMPARE(opCategoryLabel(OpCategory::MatMul), std::string_view("MatMul / dense"));
    // The table lists each op once.
    const auto ops = listedOps();
    QCOMPARE(std::set<std::string_view>(ops.begin(), ops.end()).size(), ops.size());
}

void TestOpMeta::testEveryKernelHasACategory() {
    QStringList missing;
    int count = 0;
    for (const auto* list : {&exec::libraryKernels(), &exec::builtinKernels()})
        for (const exec::KernelDef* k : *list) {
            ++count;
            const OpMeta m = opMeta(k->op);
            if (!m.listed || m.category == OpCategory::Other) missing << QString::fromUtf8(k->op);
        }
    QVERIFY(count > 250);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(", ")));
}

QTEST_GUILESS_MAIN(TestOpMeta)
#include "tst_op_meta.moc"
