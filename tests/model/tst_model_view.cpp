// The model view (model/graph/model_view.h) on real shared models and a hand-made graph: plumbing
// in side groups, weights folded, Identity chains and control edges dropped, fan-out counted,
// TF2 function calls inlined, meta graph / signature choice.
#include <QtTest>

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <map>

#include "graph.pb.h"
#include "graph_pbtxt.h"
#include "model/graph/model_view.h"
#include "model/graph/view_choice.h"
#include "model/layout/canvas_layout.h"
#include "model/layout/identical_groups.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "shared_models.h"

using namespace tfscope;

namespace {

std::shared_ptr<const Model> load(const QString& rel) {
    auto m = ModelLoader::load((QStringLiteral(TFSCOPE_SHARED_MODELS "/") + rel).toStdString());
    if (!m.ok()) qFatal("%s", m.status().message().c_str());
    return m.value();
}

tensorflow::NodeDef* add(tensorflow::GraphDef& g, const std::string& name, const std::string& op,
                         std::initializer_list<std::string> inputs) {
    auto* n = g.add_node();
    n->set_name(name);
    n->set_op(op);
    for (const auto& i : inputs) n->add_input(i);
    return n;
}

std::shared_ptr<const ModelView> viewOf(const std::shared_ptr<const Model>& m, const char* tags = "", const char* sig = "") {
    auto choice = chooseView(m->summary(), tags, sig);
    if (!choice.ok()) qFatal("%s", choice.status().message().c_str());
    auto v = buildModelView(*m->graphIndex(choice.value().metaGraph), modelViewOptions(m->summary(), choice.value()));
    if (!v.ok()) qFatal("%s", v.status().message().c_str());
    return v.value();
}

}  // namespace

class TestModelView : public QObject {
    Q_OBJECT
private slots:
    void testHandMadeGraph();
    void testInceptionPlumbingAside();
    void testDemoLayersInlined();
    void testEstimatorNetworkVisible();
    void testChooseView();
    void testRecursiveAndLargeCallsStayCollapsed();
    void testIdenticalInceptionBlocks();
};

// x -> MatMul(w read) -> Identity -> Relu; init assigns w; a NoOp groups it; a shared scalar feeds 14 ops.
void TestModelView::testHandMadeGraph() {
    auto g = std::make_shared<tensorflow::GraphDef>();
    add(*g, "x", "Placeholder", {});
    auto* w = add(*g, "dense/kernel", "VarHandleOp", {});
    (*w->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
    auto* dims = (*w->mutable_attr())["shape"].mutable_shape();
    dims->add_dim()->set_size(4);
    dims->add_dim()->set_size(3);
    add(*g, "dense/MatMul/ReadVariableOp", "ReadVariableOp", {"dense/kernel"});
    add(*g, "dense/MatMul", "MatMul", {"x", "dense/MatMul/ReadVariableOp"});
    add(*g, "dense/Identity", "Identity", {"dense/MatMul", "^x"});
    add(*g, "dense/Relu", "Relu", {"dense/Identity"});
    add(*g, "dense/kernel/Initializer/zeros", "Const", {});
    add(*g, "dense/kernel/Assign", "AssignVariableOp", {"dense/kernel", "dense/kernel/Initializer/zeros"});
    add(*g, "init", "NoOp", {"^dense/kernel/Assign"});
    for (int i = 0; i < 14; ++i) add(*g, "neg" + std::to_string(i), "Neg", {"dense/Relu"});
    auto index = GraphIndex::build(g).value();
    auto view = buildModelView(*index, {}).value();
    const GraphIndex& v = *view->index;
    QCOMPARE(v.find("dense/kernel"), kNoNode);  // folded
    QCOMPARE(v.find("dense/MatMul/ReadVariableOp"), kNoNode);
    QCOMPARE(v.find("dense/Identity"), kNoNode);  // Identity chain
    const NodeId mm = v.find("dense/MatMul");
    QVERIFY(mm != kNoNode);
    QCOMPARE(view->folded[size_t(mm)].size(), size_t(1));
    QCOMPARE(view->folded[size_t(mm)][0].name, std::string("dense/kernel"));
    QCOMPARE(view->folded[size_t(mm)][0].dtype, std::string("float32"));
    QCOMPARE(view->folded[size_t(mm)][0].shape, std::string("[4,3]"));
    const NodeId relu = v.find("dense/Relu");
    QVERIFY(relu != kNoNode);
    QCOMPARE(v.inputs(relu).size(), size_t(1));  // control input dropped, Identity bypassed
    QCOMPARE(v.name(v.inputs(relu)[0].node), std::string_view("dense/MatMul"));
    QCOMPARE(view->fanOut[size_t(relu)], 14);  // > 12 consumers: a count
    QCOMPARE(v.consumers(relu).size(), size_t(0));
    const NodeId assign = v.find("(Initialization)/dense/kernel/Assign");
    QVERIFY(assign != kNoNode);
    QCOMPARE(v.find("dense/kernel/Assign"), kNoNode);
    QVERIFY(v.find("(Initialization)/init") != kNoNode);
    QCOMPARE(view->plumbing[size_t(assign)], Plumbing::Initialization);
    QCOMPARE(view->folded[size_t(assign)].size(), size_t(2));  // the variable and the zeros
}

void TestModelView::testInceptionPlumbingAside() {
    TFSCOPE_REQUIRE_SHARED_MODELS();
    auto m = load(QStringLiteral("tfnet_graph_meta/InceptionV3.meta"));
    auto view = viewOf(m);
    const GraphIndex& v = *view->index;
    int network = 0;
    for (NodeId n = 0; n < v.nodeCount(); ++n) {
        const std::string_view op = v.op(n);
        const bool side = view->plumbing[size_t(n)] != Plumbing::None;
        QVERIFY2(side == isSideGroupScope(v.name(n).substr(0, v.name(n).find('/'))), std::string(v.name(n)).c_str());
        if (side) continue;
        ++network;
        QVERIFY2(op != "AssignVariableOp" && op != "RestoreV2" && op != "IdentityN" && op != "VarHandleOp" && op != "Const",
                 std::string(v.name(n)).c_str());
    }
    QVERIFY(network > 300);
    const NodeId conv = v.find("module_apply_default/InceptionV3/InceptionV3/Conv2d_1a_3x3/Conv2D");
    QVERIFY(conv != kNoNode);
    QCOMPARE(view->folded[size_t(conv)].size(), size_t(1));
    QCOMPARE(view->folded[size_t(conv)][0].name, std::string("module/InceptionV3/Conv2d_1a_3x3/weights"));
    QCOMPARE(view->folded[size_t(conv)][0].shape, std::string("[3,3,3,32]"));
}

void TestModelView::testDemoLayersInlined() {
    auto m = ModelLoader::load(TFSCOPE_SOURCE_DIR "/resources/demo");
    if (!m.ok()) QSKIP("no demo model in the source tree");
    auto view = viewOf(m.value());
    const GraphIndex& v = *view->index;
    QVERIFY(view->inlinedCalls >= 1);
    for (NodeId n = 0; n < v.nodeCount(); ++n) QVERIFY(v.op(n) != "StatefulPartitionedCall");
    const NodeId conv = v.find("digits_cnn/conv1/Conv2D");
    QVERIFY(conv != kNoNode);
    QCOMPARE(view->folded[size_t(conv)].size(), size_t(1));
    QCOMPARE(view->folded[size_t(conv)][0].name, std::string("conv1/kernel"));
    QCOMPARE(view->folded[size_t(conv)][0].shape, std::string("[3,3,1,8]"));
    QVERIFY(v.find("digits_cnn/probabilities/Softmax") != kNoNode);
}

void TestModelView::testEstimatorNetworkVisible() {
    TFSCOPE_REQUIRE_SHARED_MODELS();
    auto m = load(QStringLiteral("tfx_trainer_current_Format-Serving"));
    auto view = viewOf(m);
    const GraphIndex& v = *view->index;
    int dnn = 0, linear = 0;
    for (NodeId n = 0; n < v.nodeCount(); ++n) {
        const std::string_view name = v.name(n);
        if (name.substr(0, 4) == "dnn/") ++dnn;
        if (name.substr(0, 7) == "linear/") ++linear;
        QVERIFY2(name.find("checkpoint_initializer") == std::string_view::npos || view->plumbing[size_t(n)] != Plumbing::None,
                 std::string(name).c_str());
        QVERIFY2(name.substr(0, 30) != "report_uninitialized_variables", std::string(name).c_str());
    }
    QVERIFY2(dnn > 10, std::to_string(dnn).c_str());
    QVERIFY2(linear > 10, std::to_string(linear).c_str());
}

// TFMA's export has one meta graph, tagged "eval", whose signatures are not serving_default.
void TestModelView::testChooseView() {
    TFSCOPE_REQUIRE_SHARED_MODELS();
    auto m = load(QStringLiteral("tfx_trainer_current_Format-TFMA"));
    const auto& mgs = m->summary().metaGraphs;
    QCOMPARE(mgs.size(), size_t(1));
    auto eval = chooseView(m->summary(), "eval", "");
    QVERIFY(eval.ok());
    QCOMPARE(eval.value().metaGraph, 0);
    QCOMPARE(eval.value().signature, mgs[0].signatures.front().key);  // no serving_default: the first
    auto serve = chooseView(m->summary(), "serve", "");
    QVERIFY(!serve.ok());
    QCOMPARE(serve.status().message(), std::string("No meta graph with tag set 'serve'; there are 'eval'."));
    auto badSig = chooseView(m->summary(), "eval", "nosuch");
    QVERIFY(!badSig.ok());
    QVERIFY2(badSig.status().message().find("No signature 'nosuch' in meta graph 'eval'; there are '") == 0,
             badSig.status().message().c_str());
    // The eval signature's dataflow is drawn, with its inputs and outputs.
    auto view = viewOf(m, "eval", mgs[0].signatures.front().key.c_str());
    QVERIFY(view->index->nodeCount() > 10);
}

namespace {

int countOp(const ModelView& v, std::string_view op) {
    int n = 0;
    for (NodeId i = 0; i < v.index->nodeCount(); ++i) n += v.index->op(i) == op;
    return n;
}

}  // namespace

// Inlining stops at recursion (direct: rec calls rec; indirect: ping -> pong -> ping), leaving
// the call collapsed and saying why; a body over maxBodyNodes stays collapsed until opened.
void TestModelView::testRecursiveAndLargeCallsStayCollapsed() {
    const std::string text = callLibraryText();
    auto g = std::make_shared<tensorflow::GraphDef>();
    QVERIFY(google::protobuf::TextFormat::ParseFromString(text, g.get()));
    auto index = GraphIndex::build(g).value();
    ModelViewOptions options;
    options.outputs = {"out:0"};
    auto view = buildModelView(*index, options).value();
    std::map<std::string, std::pair<CollapsedCall, int>> collapsed;  // callee -> why, body size
    for (NodeId i = 0; i < view->index->nodeCount(); ++i)
        if (view->collapsed[size_t(i)] != CollapsedCall::None) {
            QCOMPARE(view->index->op(i), std::string_view("PartitionedCall"));
            QVERIFY2(!collapsed.count(view->callee[size_t(i)]), view->callee[size_t(i)].c_str());
            collapsed[view->callee[size_t(i)]] = {view->collapsed[size_t(i)], view->calleeNodes[size_t(i)]};
        }
    QCOMPARE(collapsed.size(), size_t(3));
    QVERIFY(collapsed.at("rec").first == CollapsedCall::Recursive);
    QVERIFY(collapsed.at("ping").first == CollapsedCall::Recursive);  // reached again through pong
    QVERIFY(collapsed.at("big").first == CollapsedCall::Large);
    QCOMPARE(collapsed.at("big").second, 1600 + 2);  // its nodes, _Arg and _Retval
    // rec's body once, ping's and pong's once each; big's not at all.
    QCOMPARE(countOp(*view, "Neg"), 3);
    QCOMPARE(view->inlinedCalls, 3);
    // Opened by the user: big is inlined, the recursion still stops.
    options.openFunctions = {"big"};
    auto opened = buildModelView(*index, options).value();
    QCOMPARE(countOp(*opened, "Neg"), 3 + 1600);
    int still = 0;
    for (CollapsedCall c : opened->collapsed) still += c == CollapsedCall::Recursive ? 1 : c == CollapsedCall::Large ? 100
                                                                                                                     : 0;
    QCOMPARE(still, 2);
}

// InceptionV3's Mixed_6c and Mixed_6d have the same branches and kernel shapes (160 channels from a
// 768-channel input); Mixed_6b (128) and Mixed_6e (192) differ. TF Hub's file holds the network
// twice (module/ and module_apply_default/), so each block also matches its other copy.
void TestModelView::testIdenticalInceptionBlocks() {
    TFSCOPE_REQUIRE_SHARED_MODELS();
    auto view = viewOf(load(QStringLiteral("tfnet_graph_meta/InceptionV3.meta")));
    auto tree = GroupTree::build(view->index, modelViewRows(*view));
    const std::string net = "module_apply_default/InceptionV3/InceptionV3/";
    auto same = [&](const std::string& block) {
        const int g = tree->findGroup(net + block);
        if (g < 0) qFatal("no group %s", (net + block).c_str());
        std::vector<std::string> paths;
        for (int h : identicalGroups(*tree, g, view.get())) paths.push_back(tree->group(h).path);
        return paths;
    };
    const std::vector<std::string> c = same("Mixed_6c");
    QCOMPARE(c.size(), size_t(4));
    QVERIFY(std::find(c.begin(), c.end(), net + "Mixed_6d") != c.end());
    QCOMPARE(same("Mixed_6d"), c);
    const std::vector<std::string> b = same("Mixed_6b");
    QCOMPARE(b.size(), size_t(2));  // itself and module/'s copy
    QVERIFY(std::find(b.begin(), b.end(), net + "Mixed_6c") == b.end());
    QCOMPARE(same("Mixed_6e").size(), size_t(2));
}

QTEST_GUILESS_MAIN(TestModelView)
#include "tst_model_view.moc"
