// The load-time fusion pass (model/exec/fusion.h): which chains become _FusedConv2D/_FusedMatMul,
// which stay apart, and that fused graphs give the unfused graph's values, also when an
// intermediate tensor is fetched or fed.
#include <QtTest>

#include <google/protobuf/text_format.h>

#include <cmath>

#include "graph.pb.h"
#include "graph_pbtxt.h"
#include "meta_graph.pb.h"
#include "model/exec/exec_graph.h"
#include "model/exec/fusion.h"
#include "model/exec/session.h"
#include "node_def.pb.h"

using namespace tfscope;
using namespace tfscope::exec;

namespace {

const char* const kT = kFloatT;

// x [1,5,5,2] -> Conv2D 3x3 SAME -> BiasAdd -> FusedBatchNormV3 (inference) -> Relu -> Identity.
std::string convChain(const std::string& training, bool extraBiasConsumer) {
    std::string g = "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    g += floatConst("w", {3, 3, 2, 3}, -0.4f, 0.13f) + floatConst("b", {3}, -0.2f, 0.3f);
    g += floatConst("gamma", {3}, 0.9f, 0.1f) + floatConst("beta", {3}, -0.1f, 0.05f);
    g += floatConst("mean", {3}, 0.2f, -0.1f) + floatConst("var", {3}, 0.5f, 0.2f);
    g += std::string("node { name: 'conv' op: 'Conv2D' input: 'x' input: 'w'") + kT +
         "attr { key: 'strides' value { list { i: 1 i: 1 i: 1 i: 1 } } } attr { key: 'padding' value { s: 'SAME' } } }\n";
    g += std::string("node { name: 'bias' op: 'BiasAdd' input: 'conv' input: 'b'") + kT + "}\n";
    g += std::string("node { name: 'bn' op: 'FusedBatchNormV3' input: 'bias' input: 'gamma' input: 'beta' input: 'mean' input: 'var'") +
         kT + "attr { key: 'U' value { type: DT_FLOAT } } attr { key: 'epsilon' value { f: 0.001 } }" + training + "}\n";
    g += std::string("node { name: 'relu' op: 'Relu' input: 'bn'") + kT + "}\n";
    g += std::string("node { name: 'y' op: 'Identity' input: 'relu'") + kT + "}\n";
    if (extraBiasConsumer) g += std::string("node { name: 'other' op: 'Identity' input: 'bias'") + kT + "}\n";
    return g;
}

const char* kInference = " attr { key: 'is_training' value { b: false } } ";

// A ResNet block's end: x [1,5,5,2] -> Conv2D -> FusedBatchNormV3 (inference) -> AddV2 with the
// shortcut placeholder s (the chain as the Add's first or second operand) -> Relu -> Identity.
std::string residualChain(bool chainFirst, bool nchw = false) {
    const std::string format = nchw ? " attr { key: 'data_format' value { s: 'NCHW' } } " : "";
    std::string g = "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    g += "node { name: 's' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    g += floatConst("w", {3, 3, 2, 3}, -0.4f, 0.13f);
    g += floatConst("gamma", {3}, 0.9f, 0.1f) + floatConst("beta", {3}, -0.1f, 0.05f);
    g += floatConst("mean", {3}, 0.2f, -0.1f) + floatConst("var", {3}, 0.5f, 0.2f);
    g += std::string("node { name: 'conv' op: 'Conv2D' input: 'x' input: 'w'") + kT + format +
         "attr { key: 'strides' value { list { i: 1 i: 1 i: 1 i: 1 } } } attr { key: 'padding' value { s: 'SAME' } } }\n";
    g += std::string("node { name: 'bn' op: 'FusedBatchNormV3' input: 'conv' input: 'gamma' input: 'beta' input: 'mean' input: 'var'") +
         kT + format + "attr { key: 'U' value { type: DT_FLOAT } } attr { key: 'epsilon' value { f: 0.001 } }" + kInference + "}\n";
    g += std::string("node { name: 'add' op: 'AddV2' input: '") + (chainFirst ? "bn' input: 's'" : "s' input: 'bn'") + kT + "}\n";
    g += std::string("node { name: 'relu' op: 'Relu' input: 'add'") + kT + "}\n";
    g += std::string("node { name: 'y' op: 'Identity' input: 'relu'") + kT + "}\n";
    return g;
}

std::shared_ptr<const ExecGraph> graphOf(const std::string& text, bool fuse, tensorflow::GraphDef* storage) {
    if (!google::protobuf::TextFormat::ParseFromString(text, storage)) return nullptr;
    auto g = ExecGraph::fromGraphDef(*storage, nullptr, fuse);
    return g.ok() ? std::move(g).value() : nullptr;
}

std::unique_ptr<Session> sessionFor(const std::string& text, bool fuse) {
    setKernelFusionEnabled(fuse);
    auto mg = std::make_shared<tensorflow::MetaGraphDef>();
    if (!google::protobuf::TextFormat::ParseFromString(text, mg->mutable_graph_def())) return nullptr;
    auto s = Session::create(mg, {});
    setKernelFusionEnabled(true);
    return s.ok() ? std::move(s).value() : nullptr;
}

Tensor input(const std::vector<int64_t>& shape) {
    Tensor t(DType::Float, Shape(shape));
    for (int64_t i = 0; i < t.numElements(); ++i) t.mutableData<float>()[i] = std::sin(float(i) * 0.7f) * 2.0f;
    return t;
}

QString compare(const Tensor& got, const Tensor& want) {
    if (got.shape() != want.shape()) return QStringLiteral("shapes differ");
    for (int64_t i = 0; i < want.numElements(); ++i) {
        const float g = got.data<float>()[i], w = want.data<float>()[i];
        if (!(std::fabs(g - w) <= 1e-5f * (1.0f + std::fabs(w)))) return QStringLiteral("element %1: %2 vs %3").arg(i).arg(g).arg(w);
    }
    return {};
}

}  // namespace

class TestFusion : public QObject {
    Q_OBJECT
private slots:
    void testConvChainFused();
    void testChainsLeftApart();
    void testFusedValuesMatch();
    void testFetchAndFeedIntermediate();
    void testMatMulBiasRelu6();
    void testResidualAddFused();
    void testResidualAddValues_data();
    void testResidualAddValues();
    void testTwoChainsMeetAtAdd();
};

void TestFusion::testConvChainFused() {
    tensorflow::GraphDef storage;
    auto g = graphOf(convChain(kInference, false), true, &storage);
    QVERIFY(g);
    const ExecNode& relu = g->node(g->find("relu"));
    QCOMPARE(QString::fromStdString(relu.def->op()), QStringLiteral("_FusedConv2D"));
    QCOMPARE(relu.inputs.size(), size_t(7));  // x, w, b, gamma, beta, mean, var
    QCOMPARE(relu.inputs[0].node, g->find("x"));
    QCOMPARE(relu.inputs[2].node, g->find("b"));
    QCOMPARE(relu.inputs[6].node, g->find("var"));
    const auto& ops = relu.def->attr().at("fused_ops").list().s();
    QCOMPARE(ops.size(), 3);
    QCOMPARE(QString::fromStdString(ops[0] + "," + ops[1] + "," + ops[2]), QStringLiteral("BiasAdd,FusedBatchNorm,Relu"));
    QCOMPARE(relu.def->attr().at("epsilon").f(), 0.001f);
    QVERIFY(g->isAbsorbed(g->find("conv")) && g->isAbsorbed(g->find("bias")) && g->isAbsorbed(g->find("bn")));
    QVERIFY(!g->isAbsorbed(g->find("relu")));
    // The original nodes keep their own ops, for fetches.
    QCOMPARE(QString::fromStdString(g->node(g->find("bias")).def->op()), QStringLiteral("BiasAdd"));
}

void TestFusion::testChainsLeftApart() {
    {
        // is_training defaults to true: batch statistics, not a per-channel affine map.
        tensorflow::GraphDef storage;
        auto g = graphOf(convChain("", false), true, &storage);
        QVERIFY(g);
        QCOMPARE(QString::fromStdString(g->node(g->find("bias")).def->op()), QStringLiteral("_FusedConv2D"));
        QCOMPARE(QString::fromStdString(g->node(g->find("bn")).def->op()), QStringLiteral("FusedBatchNormV3"));
        QCOMPARE(QString::fromStdString(g->node(g->find("relu")).def->op()), QStringLiteral("Relu"));
    }
    {
        // BiasAdd's output has a second reader: only Conv2D -> BiasAdd could fuse, and its
        // output is needed by both, so the chain stops there.
        tensorflow::GraphDef storage;
        auto g = graphOf(convChain(kInference, true), true, &storage);
        QVERIFY(g);
        QCOMPARE(QString::fromStdString(g->node(g->find("bias")).def->op()), QStringLiteral("_FusedConv2D"));
        QCOMPARE(QString::fromStdString(g->node(g->find("relu")).def->op()), QStringLiteral("Relu"));
    }
    {
        tensorflow::GraphDef storage;
        auto g = graphOf(convChain(kInference, false), false, &storage);
        QVERIFY(g);
        QVERIFY(!g->hasFusedNodes());
        QCOMPARE(QString::fromStdString(g->node(g->find("relu")).def->op()), QStringLiteral("Relu"));
    }
}

void TestFusion::testFusedValuesMatch() {
    for (const char* training : {kInference, ""}) {
        auto fused = sessionFor(convChain(training, false), true), plain = sessionFor(convChain(training, false), false);
        QVERIFY(fused && plain);
        std::vector<Tensor> a, b;
        const Tensor x = input({1, 5, 5, 2});
        Status st = fused->run({{"x", x}}, {"y"}, {}, &a);
        QVERIFY2(st.ok(), st.toString().c_str());
        st = plain->run({{"x", x}}, {"y"}, {}, &b);
        QVERIFY2(st.ok(), st.toString().c_str());
        QCOMPARE(a[0].shape(), (Shape{1, 5, 5, 3}));
        const QString diff = compare(a[0], b[0]);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        int zeros = 0;
        for (int64_t i = 0; i < a[0].numElements(); ++i) zeros += a[0].data<float>()[i] == 0.0f;
        QVERIFY(zeros > 0 && zeros < a[0].numElements());  // the Relu really clipped something
    }
}

void TestFusion::testFetchAndFeedIntermediate() {
    auto fused = sessionFor(convChain(kInference, false), true), plain = sessionFor(convChain(kInference, false), false);
    QVERIFY(fused && plain);
    const Tensor x = input({1, 5, 5, 2});
    std::vector<Tensor> a, b;
    Status st = fused->run({{"x", x}}, {"bias:0", "y"}, {}, &a);
    QVERIFY2(st.ok(), st.toString().c_str());
    QVERIFY(plain->run({{"x", x}}, {"bias:0", "y"}, {}, &b).ok());
    QVERIFY(compare(a[0], b[0]).isEmpty() && compare(a[1], b[1]).isEmpty());
    // Feeding the BiasAdd output must bypass the convolution, as it does unfused.
    const Tensor fed = input({1, 5, 5, 3});
    st = fused->run({{"bias:0", fed}}, {"y"}, {}, &a);
    QVERIFY2(st.ok(), st.toString().c_str());
    QVERIFY(plain->run({{"bias:0", fed}}, {"y"}, {}, &b).ok());
    const QString diff = compare(a[0], b[0]);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestFusion::testMatMulBiasRelu6() {
    std::string text = "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    text += floatConst("w", {20, 4}, -0.5f, 0.4f) + floatConst("b", {20}, 0.3f, 0.6f);
    text += std::string("node { name: 'mm' op: 'MatMul' input: 'x' input: 'w'") + kT + "attr { key: 'transpose_b' value { b: true } } }\n";
    text += std::string("node { name: 'bias' op: 'BiasAdd' input: 'mm' input: 'b'") + kT + "}\n";
    text += std::string("node { name: 'act' op: 'Relu6' input: 'bias'") + kT + "}\n";
    tensorflow::GraphDef storage;
    auto g = graphOf(text, true, &storage);
    QVERIFY(g);
    QCOMPARE(QString::fromStdString(g->node(g->find("act")).def->op()), QStringLiteral("_FusedMatMul"));
    auto fused = sessionFor(text, true), plain = sessionFor(text, false);
    QVERIFY(fused && plain);
    const Tensor x = input({3, 4});
    std::vector<Tensor> a, b;
    Status st = fused->run({{"x", x}}, {"act"}, {}, &a);
    QVERIFY2(st.ok(), st.toString().c_str());
    QVERIFY(plain->run({{"x", x}}, {"act"}, {}, &b).ok());
    QCOMPARE(a[0].shape(), (Shape{3, 20}));
    const QString diff = compare(a[0], b[0]);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    float maxv = 0;
    for (int64_t i = 0; i < a[0].numElements(); ++i) maxv = std::max(maxv, a[0].data<float>()[i]);
    QCOMPARE(maxv, 6.0f);  // Relu6 clipped at least one value
}

void TestFusion::testResidualAddFused() {
    for (int variant = 0; variant < 3; ++variant) {  // chain first, chain second, NCHW
        tensorflow::GraphDef storage;
        auto g = graphOf(residualChain(variant != 1, variant == 2), true, &storage);
        QVERIFY(g);
        const ExecNode& relu = g->node(g->find("relu"));
        QCOMPARE(QString::fromStdString(relu.def->op()), QStringLiteral("_FusedConv2D"));
        const auto& ops = relu.def->attr().at("fused_ops").list().s();
        QCOMPARE(ops.size(), 3);
        QCOMPARE(QString::fromStdString(ops[0] + "," + ops[1] + "," + ops[2]), QStringLiteral("FusedBatchNorm,Add,Relu"));
        QCOMPARE(relu.inputs.size(), size_t(7));  // x, w, gamma, beta, mean, var, s
        QCOMPARE(relu.inputs[6].node, g->find("s"));
        QVERIFY(g->isAbsorbed(g->find("bn")) && g->isAbsorbed(g->find("add")));
    }
}

void TestFusion::testResidualAddValues_data() {
    QTest::addColumn<bool>("chainFirst");
    QTest::addColumn<QList<qint64>>("shortcut");
    QTest::addColumn<bool>("nchw");
    // The output's shape rides in the GEMM's epilogue; the others are broadcast afterwards.
    QTest::newRow("same shape") << true << QList<qint64>{1, 5, 5, 3} << false;
    QTest::newRow("same shape, chain second") << false << QList<qint64>{1, 5, 5, 3} << false;
    QTest::newRow("per channel") << false << QList<qint64>{3} << false;
    QTest::newRow("broadcast up to batch 2") << true << QList<qint64>{2, 1, 1, 3} << false;
    QTest::newRow("NCHW") << true << QList<qint64>{1, 3, 5, 5} << true;
}

void TestFusion::testResidualAddValues() {
    QFETCH(bool, chainFirst);
    QFETCH(QList<qint64>, shortcut);
    QFETCH(bool, nchw);
    auto fused = sessionFor(residualChain(chainFirst, nchw), true), plain = sessionFor(residualChain(chainFirst, nchw), false);
    QVERIFY(fused && plain);
    const Tensor x = nchw ? input({1, 2, 5, 5}) : input({1, 5, 5, 2});
    Tensor s = input(std::vector<int64_t>(shortcut.begin(), shortcut.end()));
    for (int64_t i = 0; i < s.numElements(); ++i) s.mutableData<float>()[i] = std::cos(float(i) * 1.3f) * 1.5f;
    std::vector<Tensor> a, b;
    Status st = fused->run({{"x", x}, {"s", s}}, {"y"}, {}, &a);
    QVERIFY2(st.ok(), st.toString().c_str());
    st = plain->run({{"x", x}, {"s", s}}, {"y"}, {}, &b);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(a[0].shape(), b[0].shape());
    QCOMPARE(a[0].dim(0), shortcut[0] == 2 ? int64_t(2) : int64_t(1));
    const QString diff = compare(a[0], b[0]);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    int zeros = 0;
    for (int64_t i = 0; i < a[0].numElements(); ++i) zeros += a[0].data<float>()[i] == 0.0f;
    QVERIFY(zeros > 0 && zeros < a[0].numElements());  // the Relu after the Add clipped something
}

void TestFusion::testTwoChainsMeetAtAdd() {
    // A ResNet stage's first block: the main branch and the projected shortcut, each
    // Conv2D -> FusedBatchNormV3, meet at one AddV2 -> Relu. One chain takes the Add and the Relu,
    // the other ends at its batch norm and feeds the first as its addend: both still fuse.
    std::string text = "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    text += floatConst("gamma", {3}, 0.9f, 0.1f) + floatConst("beta", {3}, -0.1f, 0.05f);
    text += floatConst("mean", {3}, 0.2f, -0.1f) + floatConst("var", {3}, 0.5f, 0.2f);
    for (const char* branch : {"a", "b"}) {
        const std::string b(branch);
        text += floatConst("w" + b, {b == "a" ? 3 : 1, b == "a" ? 3 : 1, 2, 3}, b == "a" ? -0.4f : 0.3f, 0.13f);
        text += "node { name: 'conv" + b + "' op: 'Conv2D' input: 'x' input: 'w" + b + "'" + kT +
                "attr { key: 'strides' value { list { i: 1 i: 1 i: 1 i: 1 } } } attr { key: 'padding' value { s: 'SAME' } } }\n";
        text += "node { name: 'bn" + b + "' op: 'FusedBatchNormV3' input: 'conv" + b +
                "' input: 'gamma' input: 'beta' input: 'mean' input: 'var'" + kT + "attr { key: 'U' value { type: DT_FLOAT } }" +
                kInference + "}\n";
    }
    text += std::string("node { name: 'add' op: 'AddV2' input: 'bna' input: 'bnb'") + kT + "}\n";
    text += std::string("node { name: 'relu' op: 'Relu' input: 'add'") + kT + "}\n";
    tensorflow::GraphDef storage;
    auto g = graphOf(text, true, &storage);
    QVERIFY(g);
    const ExecNode& relu = g->node(g->find("relu"));
    QCOMPARE(QString::fromStdString(relu.def->op()), QStringLiteral("_FusedConv2D"));
    QCOMPARE(relu.inputs.size(), size_t(7));  // x, w, gamma, beta, mean, var, the other branch
    const int other = relu.inputs[6].node;
    QVERIFY(other == g->find("bna") || other == g->find("bnb"));
    QCOMPARE(QString::fromStdString(g->node(other).def->op()), QStringLiteral("_FusedConv2D"));
    QVERIFY(!g->isAbsorbed(other));
    auto fused = sessionFor(text, true), plain = sessionFor(text, false);
    QVERIFY(fused && plain);
    const Tensor x = input({1, 5, 5, 2});
    std::vector<Tensor> a, b;
    Status st = fused->run({{"x", x}}, {"relu"}, {}, &a);
    QVERIFY2(st.ok(), st.toString().c_str());
    QVERIFY(plain->run({{"x", x}}, {"relu"}, {}, &b).ok());
    const QString diff = compare(a[0], b[0]);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

QTEST_APPLESS_MAIN(TestFusion)
#include "tst_fusion.moc"
