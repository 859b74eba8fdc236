// The load-time graph optimizer (model/exec/optimize/): which nodes are inference constants, which
// Conv2D/MatMul/DepthwiseConv2dNative -> [BiasAdd] -> Mul -> [Add/Sub] chains fold into the
// product's weights and bias (and which stay apart), that folded graphs give the unoptimized
// graph's values (also when an intermediate is fetched or fed, and on a second run, which takes the
// folded filter from the cache), and a Keras 3 export (tests/data/keras3_bn, make_keras3_bn.py)
// whose decomposed BatchNormalization no longer runs on activations and whose outputs are
// TensorFlow 2.21's.
#include <QtTest>

#include <google/protobuf/text_format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

#include "float_compare.h"
#include "function.pb.h"
#include "graph.pb.h"
#include "graph_pbtxt.h"
#include "meta_graph.pb.h"
#include "model/exec/exec_graph.h"
#include "model/exec/executor.h"
#include "model/exec/model_session.h"
#include "model/exec/optimize/fold_scale_shift.h"
#include "model/exec/optimize/fuse_elementwise.h"
#include "model/exec/optimize/optimize.h"
#include "model/exec/resource_manager.h"
#include "model/exec/session.h"
#include "model/kernels/sgemm.h"
#include "model/loader/model_loader.h"
#include "node_def.pb.h"
#include "optimizer_test_util.h"

using namespace tfscope;
using namespace tfscope::exec;
using namespace tfscope::testing;

namespace {


struct ChainSpec {
    std::string product = "Conv2D";  // Conv2D, MatMul, DepthwiseConv2dNative
    bool biasAdd = false;
    bool scaleFirst = false;          // Mul(s, y) instead of Mul(y, s)
    std::string shiftOp = "AddV2";   // AddV2, Add, Sub or "" (no shift)
    bool relu = true;
    bool scaleFromInput = false;      // s computed from a Placeholder: not an inference constant
    bool extraMulConsumer = false;    // the Mul's output is also read elsewhere
    bool extraProductConsumer = false;  // the product's output is also read elsewhere
    int64_t cin = 2;                  // input channels (MatMul: input features)
};

// x -> product(w) -> [BiasAdd(c)] -> Mul(s) -> [AddV2/Add/Sub(b)] -> [Relu] -> y, with s and b
// decomposed batch norm: s = gamma * rsqrt(var + eps) (gamma reshaped to [1,1,1,C] through a
// Reshape of a Const), b = beta - mean * s.
std::string chainGraph(const ChainSpec& spec, int64_t* channelsOut = nullptr) {
    const bool conv = spec.product != "MatMul";
    const bool depthwise = spec.product == "DepthwiseConv2dNative";
    const int64_t cin = spec.cin, mult = 2;
    const int64_t channels = depthwise ? cin * mult : 3;
    if (channelsOut) *channelsOut = channels;
    const std::string c = std::to_string(channels);
    std::string g = "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    g += "node { name: 'p' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    if (depthwise) g += floatConst("w", {3, 3, cin, mult}, -0.4f, 0.13f);
    else if (conv) g += floatConst("w", {3, 3, cin, channels}, -0.4f, 0.13f);
    else g += floatConst("w", {cin, channels}, -0.4f, 0.13f);
    g += floatConst("c", {channels}, -0.2f, 0.3f) + floatConst("gamma", {channels}, 0.9f, 0.1f) + floatConst("beta", {channels}, -0.1f, 0.05f);
    g += floatConst("mean", {channels}, 0.2f, -0.1f) + floatConst("var", {channels}, 0.5f, 0.2f) + floatConst("eps", {}, 0.001f, 0.0f);
    g += "node { name: 'gshape' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } } attr { key: 'value' value { tensor { dtype: DT_INT32 "
         "tensor_shape { dim { size: " + std::string(conv ? "4" : "2") + " } } " + (conv ? "int_val: 1 int_val: 1 int_val: 1 " : "int_val: 1 ") +
         "int_val: " + c + " } } } }\n";
    g += op("gamma_r", "Reshape", {"gamma", "gshape"});
    g += op("var_eps", "AddV2", {spec.scaleFromInput ? "p" : "var", "eps"});
    g += op("rsqrt", "Rsqrt", {"var_eps"});
    g += op("scale", "Mul", {"rsqrt", "gamma_r"});
    g += op("scale_flat", "Squeeze", {"scale"});
    g += op("mean_s", "Mul", {"mean", "scale_flat"});
    g += op("shift", "Sub", {"beta", "mean_s"});
    const std::string strides = "attr { key: 'strides' value { list { i: 1 i: 1 i: 1 i: 1 } } } attr { key: 'padding' value { s: 'SAME' } }";
    g += op("prod", spec.product, {"x", "w"}, conv ? strides : "");
    std::string y = "prod";
    if (spec.extraProductConsumer) g += op("other_p", "Identity", {"prod"});
    if (spec.biasAdd) { g += op("bias", "BiasAdd", {"prod", "c"}); y = "bias"; }
    g += op("mul", "Mul", spec.scaleFirst ? std::vector<std::string>{"scale", y} : std::vector<std::string>{y, "scale"});
    y = "mul";
    if (spec.extraMulConsumer) g += op("other", "Identity", {"mul"});
    if (!spec.shiftOp.empty()) { g += op("add", spec.shiftOp, {"mul", "shift"}); y = "add"; }
    if (spec.relu) { g += op("relu", "Relu", {y}); y = "relu"; }
    g += op("y", "Identity", {y});
    return g;
}

Tensor inputFor(const ChainSpec& spec) { return spec.product == "MatMul" ? input({3, spec.cin}) : input({1, 5, 5, spec.cin}); }
int64_t reductionOf(const ChainSpec& spec) { return spec.product == "MatMul" ? spec.cin : spec.product == "Conv2D" ? 9 * spec.cin : 9; }

}  // namespace

class TestOptimize : public QObject {
    Q_OBJECT
private slots:
    // The fold pass on its own: elementwise chain fusion (tst_fuse_elementwise) would take the
    // vectors' Mul/AddV2 chains this suite counts.
    void initTestCase() { setElementwiseFusionEnabled(false); }
    void cleanupTestCase() { setElementwiseFusionEnabled(true); }
    void cleanup() { setGraphOptimizerEnabled(true); }
    void testConstantInput();
    void testChainFolds();
    void testChainsLeftApart();
    void testFoldedValuesMatch_data();
    void testFoldedValuesMatch();
    void testFetchAndFeedIntermediate();
    void testOptimizerSwitch();
    void testScaleNotPerChannel();
    void testKeras3BatchNorm();
    void testPackedFoldedFilter();
    void testTransposePairCancels();
    void testZeroPadFolds();
};

void TestOptimize::testConstantInput() {
    std::string text = chainGraph({});
    text += "node { name: 'h' op: 'VarHandleOp' attr { key: 'dtype' value { type: DT_FLOAT } } attr { key: 'shape' value { shape { } } } }\n"
            "node { name: 'read' op: 'ReadVariableOp' input: 'h' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    text += op("read_sq", "Rsqrt", {"read"}) + op("mixed", "Mul", {"read_sq", "x"}) + op("pooled", "Mean", {"gamma", "eps"});
    tensorflow::GraphDef storage;
    auto g = graphOf(text, false, &storage);
    QVERIFY(g);
    std::vector<char> memo;
    auto isConst = [&](const char* name) { return constantInput(g->nodes(), Endpoint{g->find(name), 0}, &memo); };
    for (const char* yes : {"gamma", "gamma_r", "var_eps", "rsqrt", "scale", "scale_flat", "mean_s", "shift", "read", "read_sq"})
        QVERIFY2(isConst(yes), yes);
    for (const char* no : {"x", "prod", "mul", "add", "relu", "mixed", "pooled", "h"}) QVERIFY2(!isConst(no), no);
}

void TestOptimize::testChainFolds() {
    tensorflow::GraphDef storage;
    auto g = graphOf(chainGraph({}), true, &storage);
    QVERIFY(g);
    // The Add became a BiasAdd over the folded product, which kernel fusion then took into the Relu.
    const ExecNode& relu = g->node(g->find("relu"));
    QCOMPARE(QString::fromStdString(relu.def->op()), QStringLiteral("_FusedConv2D"));
    const int filter = g->find("add/_tfs_folded_filter");
    const int bias = g->find("add/_tfs_folded_bias");
    QVERIFY(filter >= 0 && bias >= 0);
    QCOMPARE(relu.inputs[1].node, filter);
    QCOMPARE(relu.inputs[2].node, bias);
    QCOMPARE(QString::fromStdString(g->node(filter).def->op()), QStringLiteral("_TfsFoldFilter"));
    QCOMPARE(g->node(filter).inputs[0].node, g->find("w"));
    QCOMPARE(g->node(filter).inputs[1].node, g->find("scale"));
    for (const char* name : {"prod", "mul", "add"}) QVERIFY2(g->isAbsorbed(g->find(name)), name);
    QVERIFY(!g->isAbsorbed(g->find("relu")));
    // The run of y computes no activation-sized Mul or AddV2 any more: only the [C] vectors' ones.
    const auto ops = plannedOps(*g, "y");
    QCOMPARE(countOf(ops, "Mul"), 2);    // scale, mean_s
    QCOMPARE(countOf(ops, "AddV2"), 1);  // var_eps
    QCOMPARE(countOf(ops, "Conv2D"), 0);
    tensorflow::GraphDef plain;
    auto u = graphOf(chainGraph({}), false, &plain);
    QVERIFY(u);
    const auto before = plannedOps(*u, "y");
    QCOMPARE(countOf(before, "Mul"), 3);
    QCOMPARE(countOf(before, "AddV2"), 2);
    QCOMPARE(countOf(before, "Conv2D"), 1);  // a Conv2D followed by Mul fuses with nothing
    QCOMPARE(countOf(before, "_FusedConv2D"), 0);
}

void TestOptimize::testChainsLeftApart() {
    for (ChainSpec spec : {ChainSpec{.scaleFromInput = true}, ChainSpec{.extraProductConsumer = true}}) {
        tensorflow::GraphDef storage;
        auto g = graphOf(chainGraph(spec), true, &storage);
        QVERIFY(g);
        QCOMPARE(g->find("add/_tfs_folded_filter"), -1);
        QVERIFY(!g->isAbsorbed(g->find("mul")));
        QCOMPARE(QString::fromStdString(g->node(g->find("mul")).def->op()), QStringLiteral("Mul"));
    }
    // A Mul read twice folds alone (it becomes the BiasAdd); the Add after it stays.
    {
        tensorflow::GraphDef storage;
        auto g = graphOf(chainGraph({.extraMulConsumer = true}), true, &storage);
        QVERIFY(g);
        QVERIFY(g->find("mul/_tfs_folded_filter") >= 0);
        QCOMPARE(QString::fromStdString(g->node(g->find("mul")).def->op()), QStringLiteral("_FusedConv2D"));
        QCOMPARE(QString::fromStdString(g->node(g->find("add")).def->op()), QStringLiteral("AddV2"));
        auto opt = sessionFor(chainGraph({.extraMulConsumer = true}), true);
        auto plain = sessionFor(chainGraph({.extraMulConsumer = true}), false);
        std::vector<Tensor> got, want;
        QVERIFY(opt->run({{"x", inputFor({})}}, {"y", "other"}, {}, &got).ok());
        QVERIFY(plain->run({{"x", inputFor({})}}, {"y", "other"}, {}, &want).ok());
        for (size_t i = 0; i < 2; ++i) {
            std::string why = testing::compareToReference(got[i], want[i], 18);
            QVERIFY2(why.empty(), why.c_str());
        }
    }
    // A Sub whose second operand is the chain (b - y*s) is not a shift of the chain.
    std::string text = chainGraph({.shiftOp = "", .relu = false});
    text += op("rsub", "Sub", {"shift", "mul"});
    tensorflow::GraphDef storage;
    auto g = graphOf(text, true, &storage);
    QVERIFY(g);
    QCOMPARE(QString::fromStdString(g->node(g->find("rsub")).def->op()), QStringLiteral("Sub"));
}

void TestOptimize::testFoldedValuesMatch_data() {
    QTest::addColumn<QString>("product");
    QTest::addColumn<bool>("biasAdd");
    QTest::addColumn<bool>("scaleFirst");
    QTest::addColumn<QString>("shiftOp");
    QTest::addColumn<bool>("relu");
    QTest::addColumn<int>("cin");  // filters of more than 256 elements: Const keeps their storage between runs
    QTest::newRow("conv+mul+addv2+relu") << "Conv2D" << false << false << "AddV2" << true << 16;
    QTest::newRow("conv+mul+addv2+relu small") << "Conv2D" << false << false << "AddV2" << true << 2;
    QTest::newRow("conv+bias+mul+sub") << "Conv2D" << true << false << "Sub" << false << 16;
    QTest::newRow("conv+s*y+add") << "Conv2D" << false << true << "Add" << true << 16;
    QTest::newRow("conv+mul only") << "Conv2D" << true << false << "" << false << 16;
    QTest::newRow("matmul+bias+mul+addv2+relu") << "MatMul" << true << false << "AddV2" << true << 100;
    QTest::newRow("matmul+mul+sub") << "MatMul" << false << true << "Sub" << false << 100;
    QTest::newRow("depthwise+mul+addv2+relu") << "DepthwiseConv2dNative" << false << false << "AddV2" << true << 16;
    QTest::newRow("depthwise+bias+mul+sub") << "DepthwiseConv2dNative" << true << true << "Sub" << false << 16;
}

void TestOptimize::testFoldedValuesMatch() {
    QFETCH(QString, product);
    QFETCH(bool, biasAdd);
    QFETCH(bool, scaleFirst);
    QFETCH(QString, shiftOp);
    QFETCH(bool, relu);
    QFETCH(int, cin);
    ChainSpec spec{.product = product.toStdString(), .biasAdd = biasAdd, .scaleFirst = scaleFirst, .shiftOp = shiftOp.toStdString(),
                   .relu = relu, .cin = cin};
    const std::string text = chainGraph(spec);
    tensorflow::GraphDef storage;
    auto g = graphOf(text, true, &storage);
    QVERIFY(g);
    QVERIFY2(g->find((spec.shiftOp.empty() ? "mul" : "add") + std::string("/_tfs_folded_filter")) >= 0, "not folded");
    auto opt = sessionFor(text, true);
    auto plain = sessionFor(text, false);
    QVERIFY(opt && plain);
    const Tensor x = inputFor(spec);
    std::vector<Tensor> want, got, again;
    QVERIFY(plain->run({{"x", x}}, {"y"}, {}, &want).ok());
    Status st = opt->run({{"x", x}}, {"y"}, {}, &got);
    QVERIFY2(st.ok(), st.toString().c_str());
    std::string why = testing::compareToReference(got[0], want[0], reductionOf(spec));
    QVERIFY2(why.empty(), why.c_str());
    // The second run takes the folded filter from the cache: the same values again.
    QVERIFY(opt->run({{"x", x}}, {"y"}, {}, &again).ok());
    QVERIFY(again[0].sameContent(got[0]));
    // The folded filter is the cached one: the same storage on every run (so it is packed once).
    const std::string filter = (spec.shiftOp.empty() ? "mul" : "add") + std::string("/_tfs_folded_filter");
    std::vector<Tensor> f1, f2;
    QVERIFY(opt->run({{"x", x}}, {filter}, {}, &f1).ok());
    QVERIFY(opt->run({{"x", x}}, {filter}, {}, &f2).ok());
    if (cin > 2) QCOMPARE(f1[0].rawData(), f2[0].rawData());
    else QVERIFY(f1[0].sameContent(f2[0]));  // a small Const is made anew each run, and so is its fold
}

void TestOptimize::testFetchAndFeedIntermediate() {
    const std::string text = chainGraph({.biasAdd = true});
    auto opt = sessionFor(text, true);
    auto plain = sessionFor(text, false);
    QVERIFY(opt && plain);
    const Tensor x = inputFor({});
    // Fetching the absorbed product, BiasAdd and Mul alongside y runs them as written.
    std::vector<Tensor> want, got;
    QVERIFY(plain->run({{"x", x}}, {"prod", "bias", "mul", "add", "y"}, {}, &want).ok());
    Status st = opt->run({{"x", x}}, {"prod", "bias", "mul", "add", "y"}, {}, &got);
    QVERIFY2(st.ok(), st.toString().c_str());
    for (size_t i = 0; i < want.size(); ++i) {
        std::string why = testing::compareToReference(got[i], want[i], 18);
        QVERIFY2(why.empty(), (std::to_string(i) + ": " + why).c_str());
    }
    // Feeding the absorbed Mul runs the unoptimized graph: y is relu(fed + shift).
    Tensor fed = input({1, 5, 5, 3});
    std::vector<Tensor> wantFed, gotFed;
    QVERIFY(plain->run({{"mul", fed}}, {"y"}, {}, &wantFed).ok());
    st = opt->run({{"mul", fed}}, {"y"}, {}, &gotFed);
    QVERIFY2(st.ok(), st.toString().c_str());
    QVERIFY(gotFed[0].sameContent(wantFed[0]));
    // And the optimized graph again afterwards.
    std::vector<Tensor> after;
    QVERIFY(opt->run({{"x", x}}, {"y"}, {}, &after).ok());
    QVERIFY(after[0].sameContent(got[4]));
}

void TestOptimize::testOptimizerSwitch() {
    tensorflow::GraphDef storage;
    auto off = graphOf(chainGraph({}), false, &storage);
    QVERIFY(off);
    QCOMPARE(off->find("add/_tfs_folded_filter"), -1);
    QCOMPARE(QString::fromStdString(off->node(off->find("add")).def->op()), QStringLiteral("AddV2"));
    // Without fusion (the unfused twin), nothing is optimized either.
    tensorflow::GraphDef storage2;
    QVERIFY(google::protobuf::TextFormat::ParseFromString(chainGraph({}), &storage2));
    auto twin = ExecGraph::fromGraphDef(storage2, nullptr, false);
    QVERIFY(twin.ok());
    QCOMPARE(twin.value()->find("add/_tfs_folded_filter"), -1);
    QVERIFY(graphOptimizerEnabled());
}

void TestOptimize::testScaleNotPerChannel() {
    // s = a [5,1,3] Const times 2: broadcasts against [1,5,5,3] but is not per channel. A computed
    // scale's shape is known only at run time; the kernel refuses and says how to turn it off.
    const std::string strides = "attr { key: 'strides' value { list { i: 1 i: 1 i: 1 i: 1 } } } attr { key: 'padding' value { s: 'SAME' } }";
    std::string text = chainGraph({.shiftOp = "", .relu = false});
    text += floatConst("s2", {5, 1, 3}, 0.5f, 0.1f) + floatConst("two", {}, 2.0f, 0.0f) + op("s2x", "Mul", {"s2", "two"}) +
            op("prod2", "Conv2D", {"x", "w"}, strides) + op("mul2", "Mul", {"prod2", "s2x"});
    // The same Const used directly (through Identity) is seen not to be per channel: not folded.
    text += op("s2i", "Identity", {"s2"}) + op("prod3", "Conv2D", {"x", "w"}, strides) + op("mul3", "Mul", {"prod3", "s2i"});
    {
        tensorflow::GraphDef storage;
        auto g = graphOf(text, true, &storage);
        QVERIFY(g);
        QVERIFY(g->find("mul2/_tfs_folded_filter") >= 0);
        QCOMPARE(g->find("mul3/_tfs_folded_filter"), -1);
    }
    auto opt = sessionFor(text, true);
    QVERIFY(opt);
    std::vector<Tensor> out;
    Status st = opt->run({{"x", inputFor({})}}, {"mul2"}, {}, &out);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find("mul2/_tfs_folded_filter") != std::string::npos, st.message().c_str());
    QVERIFY2(st.message().find("not one float per channel (3 channels)") != std::string::npos, st.message().c_str());
    QVERIFY2(st.message().find("TFSCOPE_OPTIMIZE=0") != std::string::npos, st.message().c_str());
    auto plain = sessionFor(text, false);
    QVERIFY(plain->run({{"x", inputFor({})}}, {"mul2"}, {}, &out).ok());
    std::vector<Tensor> got3, want3;
    QVERIFY(opt->run({{"x", inputFor({})}}, {"mul3"}, {}, &got3).ok());
    QVERIFY(plain->run({{"x", inputFor({})}}, {"mul3"}, {}, &want3).ok());
    QVERIFY(got3[0].sameContent(want3[0]));
}

// tests/data/keras3_bn: Keras 3 (TF 2.21) Conv2D -> BatchNormalization -> ReLU -> Conv2D(bias) ->
// BatchNormalization -> GlobalAveragePooling2D -> Dense, exported with model.export.
void TestOptimize::testKeras3BatchNorm() {
    std::ifstream f(TFSCOPE_TEST_DATA "/keras3_bn/expected_outputs.json");
    QVERIFY(f.good());
    const nlohmann::json expected = nlohmann::json::parse(f);
    auto toTensor = [](const nlohmann::json& shape, const nlohmann::json& values) {
        Shape s;
        for (const auto& d : shape) s.push_back(d.get<int64_t>());
        Tensor t(DType::Float, s);
        for (size_t i = 0; i < values.size(); ++i) t.mutableData<float>()[i] = values[i].get<float>();
        return t;
    };
    const Tensor x = toTensor(expected["input_shape"], expected["input"]);
    const Tensor want = toTensor(expected["output_shape"], expected["output"]);
    for (bool optimize : {true, false}) {
        setGraphOptimizerEnabled(optimize);
        auto model = ModelLoader::load(TFSCOPE_TEST_DATA "/keras3_bn");
        QVERIFY2(model.ok(), model.status().toString().c_str());
        auto session = openModelSession(model.value(), {"serve"});
        QVERIFY2(session.ok(), session.status().toString().c_str());
        auto r = session.value()->runSignature("serving_default", {{expected["input_key"].get<std::string>(), x}});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        const Tensor& got = r.value().at(expected["output_key"].get<std::string>());
        std::string why = testing::compareToReference(got, want, 3 * 3 * 4);
        QVERIFY2(why.empty(), why.c_str());

        // The body with the convolutions: with the optimizer, its run has no activation-sized Mul or
        // AddV2 of the batch norms left (only the [C] vectors' ones), and both convolutions fuse.
        const tensorflow::FunctionDef* body = nullptr;
        for (const auto& fn : session.value()->metaGraph().graph_def().library().function())
            for (const auto& n : fn.node_def())
                if (n.op() == "Conv2D" && (!body || fn.node_def_size() > body->node_def_size())) body = &fn;
        QVERIFY(body);
        auto g = ExecGraph::fromFunction(*body, nullptr, true);
        QVERIFY2(g.ok(), g.status().toString().c_str());
        const ExecGraph& graph = *g.value();
        auto order = Executor::plan(graph, {}, graph.returns(), graph.controlReturns());
        QVERIFY(order.ok());
        std::vector<std::string> ops;
        int activationMuls = 0;
        for (int n : order.value()) {
            if (!graph.node(n).def) continue;
            ops.push_back(graph.node(n).def->op());
            const std::string& name = graph.node(n).name;
            const std::string& op = graph.node(n).def->op();
            if ((name.ends_with("batchnorm/mul_1") && op == "Mul") || (name.ends_with("batchnorm/add_1") && op == "AddV2")) ++activationMuls;
        }
        if (optimize) {
            QCOMPARE(activationMuls, 0);
            QCOMPARE(countOf(ops, "_FusedConv2D"), 2);
            QCOMPARE(countOf(ops, "Mul"), 4);    // per batch norm: gamma * rsqrt, mean * scale
            QCOMPARE(countOf(ops, "AddV2"), 2);  // per batch norm: var + eps
            QCOMPARE(countOf(ops, "Conv2D"), 0);
        } else {
            QCOMPARE(activationMuls, 4);
            QCOMPARE(countOf(ops, "_FusedConv2D"), 1);  // the second conv's BiasAdd only
            QCOMPARE(countOf(ops, "Mul"), 6);
            QCOMPARE(countOf(ops, "AddV2"), 4);
        }
    }
    setGraphOptimizerEnabled(true);
}

// A folded filter that the product packs is never made in full: its bytes are computed into the
// packing's scratch space (the session keeps W and the packed W * s, not also W * s). Fetching it
// still gives W * s, and assigning the variable W makes the next run fold and pack the new values.
void TestOptimize::testPackedFoldedFilter() {
    if (!kernels::packedSgemmAvailable()) QSKIP("The packed GEMM is not in use on this CPU: products read the folded filter itself.");
    const ChainSpec spec{.biasAdd = true, .cin = 4};
    std::string text = chainGraph(spec);
    // W a resource variable, set by `set` from the fed `w_new`.
    const std::string constW = "node { name: 'w' op: 'Const'";
    QVERIFY(text.find(constW) != std::string::npos);
    text.replace(text.find(constW), constW.size(), "node { name: 'w_init' op: 'Const'");
    text +=
        "node { name: 'wh' op: 'VarHandleOp' attr { key: 'dtype' value { type: DT_FLOAT } } attr { key: 'shared_name' value { s: 'w' } } }\n"
        "node { name: 'w' op: 'ReadVariableOp' input: 'wh' attr { key: 'dtype' value { type: DT_FLOAT } } }\n"
        "node { name: 'w_new' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n"
        "node { name: 'init' op: 'AssignVariableOp' input: 'wh' input: 'w_init' attr { key: 'dtype' value { type: DT_FLOAT } } }\n"
        "node { name: 'set' op: 'AssignVariableOp' input: 'wh' input: 'w_new' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    auto opt = sessionFor(text, true);
    auto plain = sessionFor(text, false);
    QVERIFY(opt && plain);
    QVERIFY(opt->run({}, {}, {"init"}, nullptr).ok());
    QVERIFY(plain->run({}, {}, {"init"}, nullptr).ok());
    const Tensor x = input({2, 5, 5, spec.cin});  // 50 rows: the packed path
    const std::string filter = "add/_tfs_folded_filter";
    auto check = [&](const char* when) {
        std::vector<Tensor> want, got;
        QVERIFY(plain->run({{"x", x}}, {"y"}, {}, &want).ok());
        const void* storage = nullptr;
        for (int run = 0; run < 2; ++run) {  // the second run packs nothing: the cached packing
            Status st = opt->run({{"x", x}}, {"y", filter, "w", "scale"}, {}, &got);
            QVERIFY2(st.ok(), st.toString().c_str());
            std::string why = testing::compareToReference(got[0], want[0], reductionOf(spec));
            QVERIFY2(why.empty(), (std::string(when) + ": " + why).c_str());
            QVERIFY2(got[1].computedOnRead(), when);  // packed without being made
            if (run == 1) QCOMPARE(got[1].storageId().first, storage);
            storage = got[1].storageId().first;
        }
        // Read, it is W * s (per output channel), and kept from then on.
        const Tensor& f = got[1];
        const Tensor& w = got[2];
        const Tensor& sc = got[3];
        QCOMPARE(f.shape(), w.shape());
        const int64_t channels = w.dim(3);
        for (int64_t i = 0; i < f.numElements(); ++i) QCOMPARE(f.data<float>()[i], w.data<float>()[i] * sc.data<float>()[i % channels]);
        QVERIFY(!f.computedOnRead());
        QVERIFY(opt->run({{"x", x}}, {"y"}, {}, &got).ok());
        std::string why = testing::compareToReference(got[0], want[0], reductionOf(spec));
        QVERIFY2(why.empty(), (std::string(when) + ", filter read: " + why).c_str());
    };
    check("initial W");
    if (QTest::currentTestFailed()) return;
    const size_t entries = opt->resources().derived().size(), bytes = opt->resources().derived().bytes();
    QVERIFY(entries >= 2);  // the folded filter and its packing
    for (float scale : {0.5f, 0.25f}) {
        Tensor w2 = input({3, 3, spec.cin, 3}, scale);
        QVERIFY(opt->run({{"w_new", w2}}, {}, {"set"}, nullptr).ok());
        QVERIFY(plain->run({{"w_new", w2}}, {}, {"set"}, nullptr).ok());
        check("W assigned");
        // The entries made for the earlier W are gone, not kept beside the new ones.
        QCOMPARE(opt->resources().derived().size(), entries);
        QCOMPARE(opt->resources().derived().bytes(), bytes);
    }
}

namespace {

std::string permConst(const std::string& name, const std::vector<int>& perm) {
    std::string s = "node { name: '" + name +
                    "' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } } attr { key: 'value' value { tensor { dtype: DT_INT32 "
                    "tensor_shape { dim { size: " +
                    std::to_string(perm.size()) + " } } ";
    for (int p : perm) s += "int_val: " + std::to_string(p) + " ";
    return s + "} } } }\n";
}

}  // namespace

// Transpose(Transpose(x, p), q) with q undoing p is x: the second becomes an Identity of x (the run
// of it has no Transpose left), the first stays for its other readers, and feeding the first still
// gives the transpose of what was fed. A q that does not undo p, and a p that is no permutation,
// leave the pair as written. The Shape of a Transpose is x's shape permuted, without transposing,
// and a bad permutation fails there as in Transpose.
void TestOptimize::testTransposePairCancels() {
    std::string text = "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    text += permConst("p", {2, 0, 1}) + permConst("q", {1, 2, 0}) + permConst("other", {0, 2, 1}) + permConst("bad", {0, 0, 1});
    text += op("t1", "Transpose", {"x", "p"}) + op("back", "Transpose", {"t1", "q"}) + op("y", "Neg", {"back"});
    text += op("twice", "Transpose", {"t1", "p"}) + op("t1_neg", "Neg", {"t1"});
    text += op("t2", "Transpose", {"x", "bad"}) + op("t2_back", "Transpose", {"t2", "bad"});
    const std::string int64Out = " attr { key: 'out_type' value { type: DT_INT64 } } ";
    text += op("shape", "Shape", {"t1"}, int64Out) + op("shape32", "Shape", {"t1"}) + op("t2_shape", "Shape", {"t2"});
    tensorflow::GraphDef storage;
    auto g = graphOf(text, true, &storage);
    QVERIFY(g);
    QCOMPARE(QString::fromStdString(g->node(g->find("back")).def->op()), QStringLiteral("Identity"));
    QCOMPARE(g->node(g->find("back")).inputs[0].node, g->find("x"));
    QCOMPARE(countOf(plannedOps(*g, "y"), "Transpose"), 0);
    QVERIFY(g->isAbsorbed(g->find("t1")));
    QCOMPARE(countOf(plannedOps(*g, "twice"), "Transpose"), 2);
    QCOMPARE(countOf(plannedOps(*g, "t1_neg"), "Transpose"), 1);
    QCOMPARE(countOf(plannedOps(*g, "t2_back"), "Transpose"), 2);
    QCOMPARE(countOf(plannedOps(*g, "shape"), "Transpose"), 0);
    QCOMPARE(QString::fromStdString(g->node(g->find("shape")).def->op()), QStringLiteral("_TfsTransposedShape"));
    tensorflow::GraphDef plainStorage;
    auto plainGraph = graphOf(text, false, &plainStorage);
    QVERIFY(plainGraph);
    QCOMPARE(countOf(plannedOps(*plainGraph, "y"), "Transpose"), 2);

    auto opt = sessionFor(text, true);
    auto plain = sessionFor(text, false);
    QVERIFY(opt && plain);
    const Tensor x = input({2, 3, 4});
    std::vector<Tensor> got, want;
    Status st = opt->run({{"x", x}}, {"back", "y", "t1", "twice", "t1_neg"}, {}, &got);
    QVERIFY2(st.ok(), st.toString().c_str());
    QVERIFY(plain->run({{"x", x}}, {"back", "y", "t1", "twice", "t1_neg"}, {}, &want).ok());
    QVERIFY(got[0].sameContent(x));
    for (size_t i = 0; i < want.size(); ++i) QVERIFY2(got[i].sameContent(want[i]), std::to_string(i).c_str());
    QCOMPARE(got[2].shape(), (Shape{4, 2, 3}));
    // Fed t1 ([4, 2, 3] holding other values): y is minus its transpose, not minus x.
    const Tensor fed = input({4, 2, 3}, 5.0f);
    got.clear();
    want.clear();
    st = opt->run({{"x", x}, {"t1", fed}}, {"back", "y"}, {}, &got);
    QVERIFY2(st.ok(), st.toString().c_str());
    QVERIFY(plain->run({{"x", x}, {"t1", fed}}, {"back", "y"}, {}, &want).ok());
    QCOMPARE(got[0].shape(), (Shape{2, 3, 4}));
    QVERIFY(!got[0].sameContent(x));
    for (size_t i = 0; i < want.size(); ++i) QVERIFY2(got[i].sameContent(want[i]), std::to_string(i).c_str());
    // The invalid permutation gives the kernel's error, as unoptimized.
    st = opt->run({{"x", x}}, {"t2_back"}, {}, &got);
    QVERIFY(!st.ok());
    QVERIFY2(st.toString().find("perm '0' is not a permutation of [0, 3)") != std::string::npos, st.toString().c_str());
    st = opt->run({{"x", x}}, {"t2_shape"}, {}, &got);
    QVERIFY2(st.toString().find("t2_shape") != std::string::npos, st.toString().c_str());
    QVERIFY2(st.toString().find("perm '0' is not a permutation of [0, 3)") != std::string::npos, st.toString().c_str());
    // The shape, as int64 and int32: [4, 2, 3].
    QVERIFY(opt->run({{"x", x}}, {"shape", "shape32"}, {}, &got).ok());
    QCOMPARE(got[0].dtype(), DType::Int64);
    QCOMPARE(std::vector<int64_t>(got[0].data<int64_t>(), got[0].data<int64_t>() + 3), (std::vector<int64_t>{4, 2, 3}));
    QCOMPARE(got[1].dtype(), DType::Int32);
    QCOMPARE(std::vector<int32_t>(got[1].data<int32_t>(), got[1].data<int32_t>() + 3), (std::vector<int32_t>{4, 2, 3}));
}

namespace {

std::string intMatrix(const std::string& name, const std::vector<int>& values, int rows) {
    std::string s = "node { name: '" + name +
                    "' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } } attr { key: 'value' value { tensor { dtype: DT_INT32 "
                    "tensor_shape { dim { size: " +
                    std::to_string(rows) + " } dim { size: " + std::to_string(int(values.size()) / rows) + " } } ";
    for (int v : values) s += "int_val: " + std::to_string(v) + " ";
    return s + "} } } }\n";
}

const std::string kWindow = " attr { key: 'ksize' value { list { i: 1 i: 3 i: 3 i: 1 } } } attr { key: 'strides' value { list { i: 1 i: 2 i: 2 i: 1 } } } ";
const std::string kValid = " attr { key: 'padding' value { s: 'VALID' } } ";
const std::string kUnitStrides = " attr { key: 'strides' value { list { i: 1 i: 1 i: 1 i: 1 } } } ";

}  // namespace

// A zero Pad before a Conv2D or MaxPool is folded into it: the run has no Pad left, the values are
// the padded graph's (the pooled input is negative, so the padding's zeros win at the edges), a
// Conv2D with explicit padding of its own adds both, and feeding the Pad runs it as written. A
// Pad with other readers, padding on channels, a non-zero PadV2 or an AvgPool stay as written.
void TestOptimize::testZeroPadFolds() {
    std::string text = "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
    text += intMatrix("p", {0, 0, 1, 2, 2, 1, 0, 0}, 4) + intMatrix("pc", {0, 0, 1, 1, 1, 1, 0, 1}, 4);
    text += floatConst("w", {3, 3, 3, 4}, -0.4f, 0.13f) + floatConst("zero", {}, 0.0f, 0.0f) + floatConst("one", {}, 1.0f, 0.0f);
    text += op("neg", "Neg", {"x"});
    text += op("pad", "Pad", {"x", "p"}) + op("conv", "Conv2D", {"pad", "w"}, kUnitStrides + kValid);
    text += op("pad_e", "Pad", {"x", "p"}) +
            op("conv_e", "Conv2D", {"pad_e", "w"}, kUnitStrides + " attr { key: 'padding' value { s: 'EXPLICIT' } } attr { key: 'explicit_paddings' value { list { i: 0 i: 0 i: 1 i: 0 i: 0 i: 2 i: 0 i: 0 } } } ");
    text += op("pad_n", "PadV2", {"neg", "p", "zero"}) + op("pool", "MaxPool", {"pad_n"}, kWindow + kValid);
    text += op("pad_2", "Pad", {"neg", "p"}) + op("pool_2", "MaxPool", {"pad_2"}, kWindow + kValid) + op("pad_2_neg", "Neg", {"pad_2"});
    text += op("pad_c", "Pad", {"neg", "pc"}) + op("pool_c", "MaxPool", {"pad_c"}, kWindow + kValid);
    text += op("pad_1", "PadV2", {"neg", "p", "one"}) + op("pool_1", "MaxPool", {"pad_1"}, kWindow + kValid);
    text += op("pad_a", "Pad", {"neg", "p"}) + op("avg", "AvgPool", {"pad_a"}, kWindow + kValid);
    tensorflow::GraphDef storage;
    auto g = graphOf(text, true, &storage);
    QVERIFY(g);
    for (const char* fetch : {"conv", "conv_e", "pool"})
        QCOMPARE(countOf(plannedOps(*g, fetch), "Pad") + countOf(plannedOps(*g, fetch), "PadV2"), 0);
    for (const char* pad : {"pad", "pad_e", "pad_n"}) QVERIFY2(g->isAbsorbed(g->find(pad)), pad);
    QVERIFY(!g->isAbsorbed(g->find("pad_2")));
    QCOMPARE(QString::fromStdString(g->node(g->find("pool")).def->op()), QStringLiteral("_TfsZeroPaddedMaxPool"));
    QCOMPARE(countOf(plannedOps(*g, "pool_2"), "Pad"), 1);
    QCOMPARE(countOf(plannedOps(*g, "pool_c"), "Pad"), 1);
    QCOMPARE(countOf(plannedOps(*g, "pool_1"), "PadV2"), 1);
    QCOMPARE(countOf(plannedOps(*g, "avg"), "Pad"), 1);

    auto opt = sessionFor(text, true);
    auto plain = sessionFor(text, false);
    QVERIFY(opt && plain);
    const Tensor x = input({2, 7, 6, 3});
    const std::vector<std::string> fetches = {"conv", "conv_e", "pool", "pool_2", "pool_c", "pool_1", "avg", "pad"};
    std::vector<Tensor> got, want;
    Status st = opt->run({{"x", x}}, fetches, {}, &got);
    QVERIFY2(st.ok(), st.toString().c_str());
    QVERIFY(plain->run({{"x", x}}, fetches, {}, &want).ok());
    QCOMPARE(got[0].shape(), (Shape{2, 8, 7, 4}));
    QCOMPARE(got[1].shape(), (Shape{2, 9, 9, 4}));
    QCOMPARE(got[2].shape(), (Shape{2, 4, 4, 3}));
    for (size_t i = 0; i < want.size(); ++i) {
        const std::string why = testing::compareToReference(got[i], want[i], 27);
        QVERIFY2(why.empty(), (fetches[i] + ": " + why).c_str());
    }
    // The pooled input is negative: every window that reaches into the padding gives 0 there.
    QCOMPARE(got[2].data<float>()[0], 0.0f);
    const float* pooled = got[2].data<float>();
    const float* pooledWant = want[2].data<float>();
    for (int64_t i = 0; i < got[2].numElements(); ++i) QVERIFY2(pooled[i] == pooledWant[i], std::to_string(i).c_str());
    // Feeding the Pad: the Conv2D reads what was fed.
    const Tensor fed = input({2, 10, 9, 3}, 3.0f);
    got.clear();
    want.clear();
    st = opt->run({{"x", x}, {"pad", fed}}, {"conv"}, {}, &got);
    QVERIFY2(st.ok(), st.toString().c_str());
    QVERIFY(plain->run({{"x", x}, {"pad", fed}}, {"conv"}, {}, &want).ok());
    QVERIFY(got[0].sameContent(want[0]));
}

QTEST_GUILESS_MAIN(TestOptimize)
#include "tst_optimize.moc"
