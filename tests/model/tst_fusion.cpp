// The load-time fusion pass (model/exec/fusion.h): which chains become _FusedConv2D/_FusedMatMul,
// which stay apart, and that fused graphs give the unfused graph's values, also when an
// intermediate tensor is fetched or fed.
#include <QtTest>

#include <google/protobuf/text_format.h>

#include <array>
#include <cmath>
#include <limits>

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

using Slots = std::array<int, 4>;

// An LSTM cell's gates as Keras writes them in a loop body: z [rows, 4u] split along dim 1 into
// quarters; gates = which quarter holds i, f, g, o. c' = f * c + i * g (operands swapped as TF
// may write them), h' = o * tanh(c'), both returned through Identity; `extraReader` gives the f
// gate's Sigmoid a second reader (then nothing may fuse).
std::string lstmCell(const Slots& gates, bool extraReader = false, int splitDim = 1) {
    std::string g = "node { name: 'z' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    g += "node { name: 'c' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    g += "node { name: 'dim' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } } attr { key: 'value' value { tensor { "
         "dtype: DT_INT32 tensor_shape {} int_val: " +
         std::to_string(splitDim) + " } } } }\n";
    g += std::string("node { name: 'split' op: 'Split' input: 'dim' input: 'z' attr { key: 'num_split' value { i: 4 } }") + kT + "}\n";
    const char* names[4] = {"si", "sf", "tg", "so"};
    for (int k = 0; k < 4; ++k)
        g += std::string("node { name: '") + names[k] + "' op: '" + (k == 2 ? "Tanh" : "Sigmoid") + "' input: 'split:" +
             std::to_string(gates[size_t(k)]) + "'" + kT + "}\n";
    g += std::string("node { name: 'mul' op: 'Mul' input: 'c' input: 'sf'") + kT + "}\n";
    g += std::string("node { name: 'mul_1' op: 'Mul' input: 'si' input: 'tg'") + kT + "}\n";
    g += std::string("node { name: 'add_1' op: 'AddV2' input: 'mul_1' input: 'mul'") + kT + "}\n";
    g += std::string("node { name: 'tc' op: 'Tanh' input: 'add_1'") + kT + "}\n";
    g += std::string("node { name: 'mul_2' op: 'Mul' input: 'so' input: 'tc'") + kT + "}\n";
    g += std::string("node { name: 'h' op: 'Identity' input: 'mul_2'") + kT + "}\n";
    g += std::string("node { name: 'cn' op: 'Identity' input: 'add_1'") + kT + "}\n";
    if (extraReader) g += std::string("node { name: 'other' op: 'Identity' input: 'sf'") + kT + "}\n";
    return g;
}

// h' and c' in double precision.
void lstmReference(const Tensor& z, const Tensor& c, const Slots& gates, std::vector<double>* h, std::vector<double>* cn) {
    const int64_t u = z.dim(1) / 4, rows = z.dim(0);
    auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < u; ++j) {
            auto gate = [&](int k) { return double(z.data<float>()[r * 4 * u + gates[size_t(k)] * u + j]); };
            const double cv = c.numElements() == rows * u ? c.data<float>()[r * u + j] : c.data<float>()[j];
            const double cNew = sig(gate(1)) * cv + sig(gate(0)) * std::tanh(gate(2));
            cn->push_back(cNew);
            h->push_back(sig(gate(3)) * std::tanh(cNew));
        }
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
    void testLstmCellFused();
    void testLstmCellValues_data();
    void testLstmCellValues();
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
    // The addend's last consumer is the fused Add, which writes its output over the addend
    // (conv2d.h) unless someone else holds it: fetched too, the addend keeps its own values.
    st = fused->run({{"x", x}}, {"relu", "bna", "bnb"}, {}, &a);
    QVERIFY2(st.ok(), st.toString().c_str());
    QVERIFY(plain->run({{"x", x}}, {"relu", "bna", "bnb"}, {}, &b).ok());
    for (size_t i = 0; i < 3; ++i) {
        const QString d = compare(a[i], b[i]);
        QVERIFY2(d.isEmpty(), qPrintable(QStringLiteral("fetch %1: %2").arg(i).arg(d)));
    }
    QVERIFY(a[0].storageId() != a[1].storageId() && a[0].storageId() != a[2].storageId());
}

void TestFusion::testLstmCellFused() {
    tensorflow::GraphDef storage, storage2, storage3;
    auto g = graphOf(lstmCell({0, 1, 2, 3}), true, &storage);
    QVERIFY(g);
    const ExecNode& h = g->node(g->find("mul_2"));
    QCOMPARE(QString::fromStdString(h.def->op()), QStringLiteral("_TfsLstmCell"));
    QCOMPARE(h.numOutputs, 2);
    QCOMPARE(h.inputs.size(), size_t(2));
    QVERIFY((h.inputs[0] == Endpoint{g->find("z"), 0}));
    QVERIFY((h.inputs[1] == Endpoint{g->find("c"), 0}));
    QVERIFY((g->node(g->find("cn")).inputs[0] == Endpoint{g->find("mul_2"), 1}));  // c' read from the fused node
    for (const char* n : {"split", "si", "sf", "tg", "so", "mul", "mul_1", "add_1", "tc"}) QVERIFY2(g->isAbsorbed(g->find(n)), n);
    QVERIFY(!g->isAbsorbed(g->find("mul_2")));
    // A second reader of a gate, a split dimension that is not the last, or fusion off: nothing fuses.
    auto apart = graphOf(lstmCell({0, 1, 2, 3}, true), true, &storage2);
    QVERIFY(apart);
    // (The elementwise pass may still join the cell's arithmetic into one _FusedElementwise.)
    QVERIFY(apart->node(apart->find("mul_2")).def->op() != "_TfsLstmCell");
    auto dim0 = graphOf(lstmCell({0, 1, 2, 3}, false, 0), true, &storage3);
    QVERIFY(dim0);
    QVERIFY(dim0->node(dim0->find("mul_2")).def->op() != "_TfsLstmCell");
    tensorflow::GraphDef storage4;
    auto off = graphOf(lstmCell({0, 1, 2, 3}), false, &storage4);
    QCOMPARE(QString::fromStdString(off->node(off->find("mul_2")).def->op()), QStringLiteral("Mul"));
}

void TestFusion::testLstmCellValues_data() {
    QTest::addColumn<Slots>("gates");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("units");
    QTest::addColumn<bool>("oneRowState");
    QTest::newRow("keras order") << Slots{0, 1, 2, 3} << 3 << 5 << false;
    QTest::newRow("other order") << Slots{2, 0, 3, 1} << 2 << 9 << false;
    QTest::newRow("many rows") << Slots{0, 1, 2, 3} << 200 << 16 << false;
    QTest::newRow("state broadcast") << Slots{0, 1, 2, 3} << 4 << 3 << true;
}

// The fused cell gives the unfused graph's h' and c' (and TF's formulas in double precision), and
// fetching c''s own node still works.
void TestFusion::testLstmCellValues() {
    QFETCH(Slots, gates);
    QFETCH(int, rows);
    QFETCH(int, units);
    QFETCH(bool, oneRowState);
    auto fused = sessionFor(lstmCell(gates), true);
    auto plain = sessionFor(lstmCell(gates), false);
    QVERIFY(fused && plain);
    const Tensor z = input({rows, 4 * units});
    Tensor c = oneRowState ? input({units}) : input({rows, units});
    for (int64_t i = 0; i < c.numElements(); ++i) c.mutableData<float>()[i] *= 0.75f;
    std::vector<Tensor> a, b;
    Status st = fused->run({{"z", z}, {"c", c}}, {"h", "cn", "add_1"}, {}, &a);
    QVERIFY2(st.ok(), st.toString().c_str());
    st = plain->run({{"z", z}, {"c", c}}, {"h", "cn"}, {}, &b);
    QVERIFY2(st.ok(), st.toString().c_str());
    for (int k = 0; k < 2; ++k) {
        const QString diff = compare(a[size_t(k)], b[size_t(k)]);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
    QVERIFY(compare(a[2], b[1]).isEmpty());
    std::vector<double> h, cn;
    lstmReference(z, c, gates, &h, &cn);
    QCOMPARE(a[0].numElements(), int64_t(h.size()));
    const double eps = std::numeric_limits<float>::epsilon();
    for (size_t i = 0; i < h.size(); ++i) {
        QVERIFY2(std::abs(a[0].data<float>()[i] - h[i]) <= 8 * eps * 2, qPrintable(QString::number(i)));
        QVERIFY2(std::abs(a[1].data<float>()[i] - cn[i]) <= 8 * eps * 4, qPrintable(QString::number(i)));
    }
}

QTEST_APPLESS_MAIN(TestFusion)
#include "tst_fusion.moc"
