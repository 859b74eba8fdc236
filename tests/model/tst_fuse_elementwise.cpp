// Elementwise chain and graph fusion (model/exec/optimize/fuse_elementwise.h, the _FusedElementwise
// kernel): a GELU and a decomposed layer norm run fused and give the unoptimized graph's bits, in
// both the chain form and the graph form Keras 3 writes (x read by two branches that meet again);
// intermediates can still be fetched and fed; operand shapes outside the fast path, chains cut by
// a second reader, and malformed fused nodes.
#include <QtTest>

#include <algorithm>
#include <map>

#include "model/exec/optimize/fuse_elementwise.h"
#include "optimizer_test_util.h"

using namespace tfscope;
using namespace tfscope::exec;
using namespace tfscope::testing;

namespace {

std::string placeholder(const std::string& name) {
    return "node { name: '" + name + "' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n";
}

std::string axisConst(const std::string& name, int axis) {
    return "node { name: '" + name + "' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } } attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape { } int_val: " +
           std::to_string(axis) + " } } } }\n";
}

// x [2,3,8] -> GELU g = 0.5 * (x * (1 + erf(x * 0.7071))) -> layer norm over the last axis:
// y = (g - mean) * rsqrt(var + eps) * gamma + beta, var = mean((g - mean)^2).
std::string encoderGraph() {
    std::string g = placeholder("x");
    g += floatConst("c", {}, 0.70710678f, 0.0f) + floatConst("one", {}, 1.0f, 0.0f) + floatConst("half", {}, 0.5f, 0.0f);
    g += floatConst("eps", {}, 0.001f, 0.0f) + floatConst("gamma", {8}, 0.9f, 0.1f) + floatConst("beta", {8}, -0.1f, 0.05f);
    g += axisConst("axis", -1);
    g += op("h", "Mul", {"x", "c"}) + op("e", "Erf", {"h"}) + op("a", "AddV2", {"one", "e"}) + op("m", "Mul", {"x", "a"});
    g += op("gelu", "Mul", {"half", "m"});
    const std::string keep = " attr { key: 'keep_dims' value { b: true } } attr { key: 'Tidx' value { type: DT_INT32 } }";
    g += op("mean", "Mean", {"gelu", "axis"}, keep) + op("sq", "SquaredDifference", {"gelu", "mean"}) + op("var", "Mean", {"sq", "axis"}, keep);
    g += op("var_eps", "AddV2", {"var", "eps"}) + op("rs", "Rsqrt", {"var_eps"});
    g += op("centered", "Sub", {"gelu", "mean"}) + op("normed", "Mul", {"centered", "rs"}) + op("scaled", "Mul", {"normed", "gamma"});
    g += op("shifted", "AddV2", {"scaled", "beta"}) + op("y", "Identity", {"shifted"});
    return g;
}

std::vector<std::string> stepsOf(const ExecGraph& g, const std::string& node) {
    std::vector<std::string> steps;
    const int i = g.find(node);
    if (i < 0 || !g.node(i).def) return steps;
    auto it = g.node(i).def->attr().find("steps");
    if (it == g.node(i).def->attr().end()) return steps;
    for (const auto& s : it->second.list().s()) steps.push_back(s);
    return steps;
}

}  // namespace

class TestFuseElementwise : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { setGraphOptimizerEnabled(true); }

    void testChainsFound() {
        tensorflow::GraphDef storage;
        auto g = graphOf(encoderGraph(), true, &storage);
        QVERIFY(g);
        const std::vector<std::string> ops = plannedOps(*g, "y");
        QCOMPARE(countOf(ops, "_FusedElementwise"), 2);
        QCOMPARE(countOf(ops, "Erf") + countOf(ops, "Rsqrt") + countOf(ops, "AddV2") + countOf(ops, "Sub"), 0);
        QCOMPARE(countOf(ops, "SquaredDifference"), 1);  // read by the second Mean only: a chain of one
        QCOMPARE(stepsOf(*g, "gelu"), (std::vector<std::string>{"Mul", "Erf", "AddV2", "Mul", "Mul"}));
        // The layer norm's two branches (centered, and rsqrt(var + eps)) meet at 'normed': one graph,
        // producers first, each step's two operands an input or an earlier step (-1 - k).
        QCOMPARE(stepsOf(*g, "shifted"), (std::vector<std::string>{"Sub", "AddV2", "Rsqrt", "Mul", "Mul", "AddV2"}));
        const ExecNode& shifted = g->node(g->find("shifted"));
        auto args = shifted.def->attr().at("args").list();
        QCOMPARE((std::vector<int64_t>(args.i().begin(), args.i().end())),
                 (std::vector<int64_t>{0, 1, 2, 3, -2, -2, -1, -3, -4, 4, -5, 5}));
        QStringList names;
        for (const Endpoint& e : shifted.inputs) names << QString::fromStdString(g->node(e.node).name);
        QCOMPARE(names, (QStringList{"gelu", "mean", "var", "eps", "gamma", "beta"}));
        // The GELU's chain starts at x (input 0 of the first Mul); x is also the fourth step's operand.
        const ExecNode& gelu = g->node(g->find("gelu"));
        QCOMPARE(QString::fromStdString(g->node(gelu.inputs[0].node).name), QStringLiteral("x"));
        auto side = gelu.def->attr().at("chain_side").list();
        QCOMPARE((std::vector<int64_t>(side.i().begin(), side.i().end())), (std::vector<int64_t>{0, 0, 1, 1, 1}));
    }

    // Every step computes what its op's kernel computes: the same bits as the unfused graph.
    void testSameBitsAsUnfused() {
        auto opt = sessionFor(encoderGraph(), true);
        auto plain = sessionFor(encoderGraph(), false);
        QVERIFY(opt && plain);
        for (const auto& shape : {std::vector<int64_t>{2, 3, 8}, std::vector<int64_t>{1, 8}, std::vector<int64_t>{700, 8}}) {
            const Tensor x = input(shape);
            std::vector<Tensor> want, got;
            QVERIFY(plain->run({{"x", x}}, {"y", "gelu"}, {}, &want).ok());
            Status st = opt->run({{"x", x}}, {"y", "gelu"}, {}, &got);
            QVERIFY2(st.ok(), st.toString().c_str());
            QCOMPARE(got[0].shape(), x.shape());
            QVERIFY(got[0].sameContent(want[0]));
            QVERIFY(got[1].sameContent(want[1]));
        }
        // GELU(0) = 0 and GELU(large) = x; the layer norm of each row has mean beta's mean.
        std::vector<Tensor> gelu;
        Tensor special(DType::Float, Shape{1, 8});
        const float values[8] = {0.0f, 10.0f, -10.0f, 1.0f, -1.0f, 0.5f, 3.0f, -3.0f};
        std::copy(values, values + 8, special.mutableData<float>());
        QVERIFY(opt->run({{"x", special}}, {"gelu"}, {}, &gelu).ok());
        QCOMPARE(gelu[0].data<float>()[0], 0.0f);
        QCOMPARE(gelu[0].data<float>()[1], 10.0f);
        QCOMPARE(gelu[0].data<float>()[2], -0.0f);
        QVERIFY(std::abs(gelu[0].data<float>()[3] - 0.8413447f) < 1e-6f);  // x * Phi(x) at 1
    }

    // Keras 3 writes GELU as 0.5 * x times (1 + erf(x * c)), and a layer norm's shift as
    // beta - mean * (gamma * rsqrt(var + eps)) added to x * (the same product): x, and that product,
    // are read by two branches that meet again. Each becomes one graph node with the unfused bits.
    void testGraphs() {
        std::string g = placeholder("x") + floatConst("c", {}, 0.70710678f, 0.0f) + floatConst("one", {}, 1.0f, 0.0f);
        g += floatConst("half", {}, 0.5f, 0.0f) + floatConst("eps", {}, 1e-12f, 0.0f) + floatConst("gamma", {8}, 0.9f, 0.1f);
        g += floatConst("beta", {8}, -0.1f, 0.05f) + axisConst("axis", -1);
        g += op("mul", "Mul", {"half", "x"}) + op("mul_1", "Mul", {"x", "c"}) + op("erf", "Erf", {"mul_1"});
        g += op("add", "AddV2", {"one", "erf"}) + op("gelu", "Mul", {"mul", "add"});
        const std::string keep = " attr { key: 'keep_dims' value { b: true } } attr { key: 'Tidx' value { type: DT_INT32 } }";
        g += op("mean", "Mean", {"gelu", "axis"}, keep) + op("sq", "SquaredDifference", {"gelu", "mean"}) + op("var", "Mean", {"sq", "axis"}, keep);
        g += op("v_eps", "AddV2", {"var", "eps"}) + op("rs", "Rsqrt", {"v_eps"}) + op("scale", "Mul", {"rs", "gamma"});
        g += op("neg", "Neg", {"mean"}) + op("shift_m", "Mul", {"neg", "scale"}) + op("shift", "AddV2", {"shift_m", "beta"});
        g += op("scaled", "Mul", {"gelu", "scale"}) + op("y", "AddV2", {"scaled", "shift"});
        tensorflow::GraphDef storage;
        auto graph = graphOf(g, true, &storage);
        QVERIFY(graph);
        const std::vector<std::string> ops = plannedOps(*graph, "y");
        QCOMPARE(countOf(ops, "_FusedElementwise"), 2);
        QCOMPARE(countOf(ops, "Mul") + countOf(ops, "Erf") + countOf(ops, "AddV2") + countOf(ops, "Rsqrt") + countOf(ops, "Neg"), 0);
        QCOMPARE(stepsOf(*graph, "gelu"), (std::vector<std::string>{"Mul", "Mul", "Erf", "AddV2", "Mul"}));
        QCOMPARE(graph->node(graph->find("gelu")).inputs.size(), size_t(4));  // half, x (once), c, one
        QCOMPARE(stepsOf(*graph, "y").size(), size_t(8));                     // scaled, shift, shift_m, neg, scale, rs, v_eps and y
        auto opt = sessionFor(g, true);
        auto plain = sessionFor(g, false);
        QVERIFY(opt && plain);
        for (const auto& shape : {std::vector<int64_t>{2, 3, 8}, std::vector<int64_t>{1, 8}, std::vector<int64_t>{300, 8}}) {
            const Tensor x = input(shape);
            std::vector<Tensor> want, got;
            QVERIFY(plain->run({{"x", x}}, {"y", "gelu", "scale"}, {}, &want).ok());
            Status st = opt->run({{"x", x}}, {"y", "gelu", "scale"}, {}, &got);
            QVERIFY2(st.ok(), st.toString().c_str());
            for (size_t i = 0; i < want.size(); ++i) {
                QCOMPARE(got[i].shape(), want[i].shape());
                QVERIFY2(got[i].sameContent(want[i]), std::to_string(i).c_str());
            }
        }
        // GELU(1) = Phi(1); feeding an absorbed node ('add') runs the rest from the fed value.
        Tensor one(DType::Float, Shape{1, 8});
        std::fill(one.mutableData<float>(), one.mutableData<float>() + 8, 1.0f);
        std::vector<Tensor> out;
        QVERIFY(opt->run({{"x", one}}, {"gelu"}, {}, &out).ok());
        QVERIFY(std::abs(out[0].data<float>()[0] - 0.8413447f) < 1e-6f);
        const Tensor fed = input({1, 8}, 0.3f);
        std::vector<Tensor> wantFed, gotFed;
        QVERIFY(plain->run({{"x", one}, {"add", fed}}, {"y"}, {}, &wantFed).ok());
        QVERIFY(opt->run({{"x", one}, {"add", fed}}, {"y"}, {}, &gotFed).ok());
        QVERIFY(gotFed[0].sameContent(wantFed[0]));
    }

    // A Dense layer's BiasAdd joins the elementwise ops after it when both its inputs come from
    // outside: first in a chain (then Tanh), a member of a graph (a GELU of x + b); one that reads
    // another elementwise op ('pre') starts its own chain. Shapes BiasAdd refuses give its errors.
    void testBiasAdd() {
        std::string g = placeholder("x") + placeholder("b") + floatConst("c", {}, 0.70710678f, 0.0f) + floatConst("one", {}, 1.0f, 0.0f);
        g += floatConst("half", {}, 0.5f, 0.0f) + floatConst("two", {}, 2.0f, 0.0f);
        g += op("ba", "BiasAdd", {"x", "b"}) + op("t", "Tanh", {"ba"});
        g += op("bg", "BiasAdd", {"x", "b"}) + op("mul", "Mul", {"half", "bg"}) + op("mul_1", "Mul", {"bg", "c"});
        g += op("erf", "Erf", {"mul_1"}) + op("add", "AddV2", {"one", "erf"}) + op("gelu", "Mul", {"mul", "add"});
        g += op("pre", "Mul", {"x", "two"}) + op("bp", "BiasAdd", {"pre", "b"}) + op("sq", "Square", {"bp"});
        g += op("y", "IdentityN", {"t", "gelu", "sq"}, " attr { key: 'T' value { list { type: DT_FLOAT type: DT_FLOAT type: DT_FLOAT } } }");
        tensorflow::GraphDef storage;
        auto graph = graphOf(g, true, &storage);
        QVERIFY(graph);
        QCOMPARE(stepsOf(*graph, "t"), (std::vector<std::string>{"BiasAdd", "Tanh"}));
        QCOMPARE(stepsOf(*graph, "gelu"), (std::vector<std::string>{"BiasAdd", "Mul", "Mul", "Erf", "AddV2", "Mul"}));
        QCOMPARE(stepsOf(*graph, "sq"), (std::vector<std::string>{"BiasAdd", "Square"}));
        QCOMPARE(QString::fromStdString(graph->node(graph->find("pre")).def->op()), QStringLiteral("Mul"));
        QCOMPARE(countOf(plannedOps(*graph, "y"), "BiasAdd"), 0);
        auto opt = sessionFor(g, true);
        auto plain = sessionFor(g, false);
        QVERIFY(opt && plain);
        for (const auto& shape : {std::vector<int64_t>{2, 3, 8}, std::vector<int64_t>{1, 8}, std::vector<int64_t>{300, 8}}) {
            const std::vector<std::pair<std::string, Tensor>> feeds = {{"x", input(shape)}, {"b", input({8}, 0.4f)}};
            std::vector<Tensor> want, got;
            QVERIFY(plain->run(feeds, {"t", "gelu", "sq"}, {}, &want).ok());
            Status st = opt->run(feeds, {"t", "gelu", "sq"}, {}, &got);
            QVERIFY2(st.ok(), st.toString().c_str());
            for (size_t i = 0; i < want.size(); ++i) {
                QCOMPARE(got[i].shape(), want[i].shape());
                QVERIFY2(got[i].sameContent(want[i]), std::to_string(i).c_str());
            }
        }
        const std::pair<std::vector<int64_t>, std::vector<int64_t>> bad[] = {{{2, 8}, {3}}, {{8}, {8}}, {{2, 8}, {1, 8}}};
        const char* const messages[] = {"Bias shape '[3]' does not match channel dimension 8 of input shape '[2,8]'",
                                        "Input must be at least 2-D, got shape '[8]'", "Bias must be 1-D, got shape '[1,8]'"};
        for (size_t i = 0; i < 3; ++i)
            for (const char* fetch : {"t", "gelu"}) {
                std::vector<Tensor> out;
                Status st = opt->run({{"x", input(bad[i].first)}, {"b", input(bad[i].second)}}, {fetch}, {}, &out);
                QVERIFY(!st.ok());
                QVERIFY2(st.message().find(messages[i]) != std::string::npos, st.message().c_str());
            }
    }

    void testFetchAndFeedIntermediates() {
        auto opt = sessionFor(encoderGraph(), true);
        auto plain = sessionFor(encoderGraph(), false);
        QVERIFY(opt && plain);
        const Tensor x = input({2, 3, 8});
        std::vector<Tensor> want, got;
        QVERIFY(plain->run({{"x", x}}, {"e", "a", "normed", "y"}, {}, &want).ok());
        Status st = opt->run({{"x", x}}, {"e", "a", "normed", "y"}, {}, &got);
        QVERIFY2(st.ok(), st.toString().c_str());
        for (size_t i = 0; i < want.size(); ++i) QVERIFY2(got[i].sameContent(want[i]), std::to_string(i).c_str());
        // Feeding an absorbed step: the rest of its chain runs from the fed value.
        const Tensor fed = input({2, 3, 8}, 0.3f);
        std::vector<Tensor> wantFed, gotFed;
        QVERIFY(plain->run({{"x", x}, {"a", fed}}, {"gelu"}, {}, &wantFed).ok());
        st = opt->run({{"x", x}, {"a", fed}}, {"gelu"}, {}, &gotFed);
        QVERIFY2(st.ok(), st.toString().c_str());
        QVERIFY(gotFed[0].sameContent(wantFed[0]));
        std::vector<float> expect(48);
        for (size_t i = 0; i < expect.size(); ++i) expect[i] = 0.5f * (x.data<float>()[i] * fed.data<float>()[i]);
        QVERIFY(std::equal(expect.begin(), expect.end(), gotFed[0].data<float>()));
    }

    // Operands that grow the chain's value (p [5] * q [2,5]) or broadcast another way ([3,1] against
    // [3,4] read as the left operand of a Sub) give the unfused ops' bits.
    void testOtherShapes() {
        std::string g = placeholder("p") + placeholder("q") + placeholder("r");
        g += op("m", "Mul", {"p", "q"}) + op("n", "Neg", {"m"}) + op("d", "RealDiv", {"r", "n"});
        g += op("s", "Sub", {"q", "d"}) + op("mx", "Maximum", {"s", "q"}) + op("t", "Tanh", {"mx"}) + op("y", "Identity", {"t"});
        tensorflow::GraphDef storage;
        auto graph = graphOf(g, true, &storage);
        QVERIFY(graph);
        QCOMPARE(stepsOf(*graph, "t"), (std::vector<std::string>{"Mul", "Neg", "RealDiv", "Sub", "Maximum", "Tanh"}));
        auto opt = sessionFor(g, true);
        auto plain = sessionFor(g, false);
        QVERIFY(opt && plain);
        struct Case {
            std::vector<int64_t> p, q, r;
        };
        // Row, per-row and scalar inputs against the output's shape (the fast path; the chain's value
        // grows on the way), and [2,1,5] against [3,1], which only the step-by-step path handles.
        const Case cases[] = {{{5}, {2, 5}, {2, 5}}, {{2, 5}, {2, 5}, {5}}, {{3, 1}, {3, 4}, {3, 1}}, {{}, {4}, {}}, {{2, 5}, {}, {1, 5}}, {{3, 1}, {4}, {3, 4}}, {{2, 1, 5}, {3, 1}, {1}},
                              // Mul and Neg per row (once per row), RealDiv onwards per element.
                              {{3, 1}, {3, 1}, {3, 4}},
                              {{}, {}, {2, 3}}};
        for (const Case& c : cases) {
            std::vector<Tensor> want, got;
            const std::map<std::string, Tensor> feeds = {{"p", input(c.p)}, {"q", input(c.q, 1.5f)}, {"r", input(c.r, 0.7f)}};
            std::vector<std::pair<std::string, Tensor>> f(feeds.begin(), feeds.end());
            QVERIFY(plain->run(f, {"y"}, {}, &want).ok());
            Status st = opt->run(f, {"y"}, {}, &got);
            QVERIFY2(st.ok(), st.toString().c_str());
            QCOMPARE(got[0].shape(), want[0].shape());
            QVERIFY(got[0].sameContent(want[0]));
        }
        // Shapes that do not broadcast: the error names both shapes.
        std::vector<Tensor> out;
        Status st = opt->run({{"p", input({3})}, {"q", input({4})}, {"r", input({3})}}, {"y"}, {}, &out);
        QVERIFY(!st.ok());
        QVERIFY2(st.message().find("[3]") != std::string::npos && st.message().find("[4]") != std::string::npos, st.message().c_str());
    }

    void testChainsStopAtSecondReaders() {
        std::string g = placeholder("x") + floatConst("c", {}, 2.0f, 0.0f);
        g += op("a", "Mul", {"x", "c"}) + op("b", "Exp", {"a"}) + op("c2", "Sigmoid", {"b"}) + op("other", "Square", {"b"});
        g += op("i", "Mul", {"x", "c"}) + op("j", "Abs", {"i"});  // Abs is not a fused op: a chain of one
        g += "node { name: 'k' op: 'Neg' input: 'j' attr { key: 'T' value { type: DT_INT32 } } }\n";
        tensorflow::GraphDef storage;
        auto graph = graphOf(g, true, &storage);
        QVERIFY(graph);
        QCOMPARE(stepsOf(*graph, "b"), (std::vector<std::string>{"Mul", "Exp"}));  // b has two readers: the chain ends there
        QCOMPARE(QString::fromStdString(graph->node(graph->find("c2")).def->op()), QStringLiteral("Sigmoid"));
        QCOMPARE(QString::fromStdString(graph->node(graph->find("other")).def->op()), QStringLiteral("Square"));
        QCOMPARE(QString::fromStdString(graph->node(graph->find("i")).def->op()), QStringLiteral("Mul"));
        // Off switch: nothing fused.
        tensorflow::GraphDef storage2;
        auto off = graphOf(encoderGraph(), false, &storage2);
        QVERIFY(off);
        QCOMPARE(countOf(plannedOps(*off, "y"), "_FusedElementwise"), 0);
        setElementwiseFusionEnabled(false);  // this pass's own switch
        tensorflow::GraphDef storage3;
        auto passOff = graphOf(encoderGraph(), true, &storage3);
        setElementwiseFusionEnabled(true);
        QVERIFY(passOff);
        QCOMPARE(countOf(plannedOps(*passOff, "y"), "_FusedElementwise"), 0);
        QCOMPARE(countOf(plannedOps(*passOff, "y"), "Erf"), 1);
    }

    void testMalformedFusedNode() {
        // A '_FusedElementwise' node with `attrs` reading `inputs`, run on `feeds`.
        auto run = [](const std::string& attrs, const std::vector<std::string>& inputs, std::vector<std::pair<std::string, Tensor>> feeds,
                      std::vector<Tensor>* out) {
            std::string g = placeholder("x") + placeholder("z");
            g += "node { name: 'f' op: '_FusedElementwise'";
            for (const auto& i : inputs) g += " input: '" + i + "'";
            g += std::string(kFloatT) + attrs + "}\n";
            auto s = sessionFor(g, true);
            return s ? s->run(feeds, {"f"}, {}, out) : Status::internal("no session");
        };
        auto failsWith = [&](const std::string& attrs, const std::vector<std::string>& inputs,
                             std::vector<std::pair<std::string, Tensor>> feeds, const std::string& message) {
            std::vector<Tensor> out;
            const Status st = run(attrs, inputs, std::move(feeds), &out);
            if (st.ok()) return std::string("ran");
            return st.message().find(message) != std::string::npos ? std::string() : st.message();
        };
        const std::string list =
            " attr { key: 'steps' value { list { s: 'Neg' s: 'Foo' } } } attr { key: 'operand' value { list { i: -1 i: -1 } } }"
            " attr { key: 'chain_side' value { list { i: 0 i: 0 } } }";
        QCOMPARE(failsWith(list, {"x"}, {{"x", input({3})}}, "Unsupported fused elementwise step 'Foo'"), std::string());
        const std::string badOperand =
            " attr { key: 'steps' value { list { s: 'Mul' } } } attr { key: 'operand' value { list { i: 5 } } }"
            " attr { key: 'chain_side' value { list { i: 0 } } }";
        QCOMPARE(failsWith(badOperand, {"x", "z"}, {{"x", input({3})}, {"z", input({3})}}, "step 'Mul' has operand 5"), std::string());
        const std::string shortLists = " attr { key: 'steps' value { list { s: 'Neg' } } }";
        QCOMPARE(failsWith(shortLists, {"x"}, {{"x", input({3})}}, "differ in length"), std::string());
        const std::string ok =
            " attr { key: 'steps' value { list { s: 'Mul' s: 'Neg' } } } attr { key: 'operand' value { list { i: 1 i: -1 } } }"
            " attr { key: 'chain_side' value { list { i: 0 i: 0 } } }";
        // The graph form: two entries per step, each an input or an earlier step.
        const std::string graphArgs = " attr { key: 'steps' value { list { s: 'Neg' s: 'Mul' } } } attr { key: 'args' value { list { i: 0 i: 0 i: -2 i: 1 } } }";
        QCOMPARE(failsWith(graphArgs, {"x", "z"}, {{"x", input({3})}, {"z", input({3})}}, "step 1 ('Mul') reads step 1"), std::string());
        const std::string oddArgs = " attr { key: 'steps' value { list { s: 'Neg' } } } attr { key: 'args' value { list { i: 0 } } }";
        QCOMPARE(failsWith(oddArgs, {"x"}, {{"x", input({3})}}, "two entries per step"), std::string());
        const std::string goodArgs = " attr { key: 'steps' value { list { s: 'Neg' s: 'Mul' } } } attr { key: 'args' value { list { i: 0 i: 0 i: -1 i: 1 } } }";
        std::vector<Tensor> out;
        const Status st = run(goodArgs, {"x", "z"}, {{"x", Tensor::fromVector<float>({3}, {1, -2, 3})}, {"z", Tensor::fromVector<float>({2, 1}, {10, 100})}}, &out);
        QVERIFY2(st.ok(), st.toString().c_str());
        QCOMPARE(out[0].shape(), (Shape{2, 3}));  // -x * z, broadcast
        QCOMPARE((std::vector<float>(out[0].data<float>(), out[0].data<float>() + 6)), (std::vector<float>{-10, 20, -30, -100, 200, -300}));
        Tensor ints = Tensor::fromVector<int32_t>({3}, {1, 2, 3});
        QCOMPARE(failsWith(ok, {"x", "z"}, {{"x", input({3})}, {"z", ints}}, "input 1 is int32"), std::string());
    }
};

QTEST_GUILESS_MAIN(TestFuseElementwise)
#include "tst_fuse_elementwise.moc"
