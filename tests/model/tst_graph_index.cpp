// GraphIndex on small hand-written graphs: lookup, producers/consumers, control edges, the
// name-scope tree (TensorBoard's handling of a node named like a scope), signature subgraphs,
// FunctionDef bodies and attribute display strings.
#include <QtTest>

#include <google/protobuf/text_format.h>

#include "function.pb.h"
#include "graph.pb.h"
#include "model/graph/graph_index.h"

using namespace tfscope;

namespace {

std::shared_ptr<const tensorflow::GraphDef> graphFromText(const char* text) {
    auto g = std::make_shared<tensorflow::GraphDef>();
    if (!google::protobuf::TextFormat::ParseFromString(text, g.get())) return nullptr;
    return g;
}

// "a/b;a/c" style: scopes and nodes printed depth first.
void printScope(const GraphIndex& g, int scope, int depth, std::string& out) {
    const ScopeEntry& s = g.scopes()[scope];
    for (int c : s.childScopes) {
        out += std::string(depth * 2, ' ') + std::string(g.scopes()[c].localName) + "/\n";
        printScope(g, c, depth + 1, out);
    }
    for (NodeId n : s.nodes) {
        std::string label = n == s.selfNode ? "(" + std::string(s.localName) + ")" : std::string(g.name(n));
        if (n != s.selfNode) {
            auto slash = label.rfind('/');
            if (slash != std::string::npos) label = label.substr(slash + 1);
        }
        out += std::string(depth * 2, ' ') + label + "\n";
    }
}

const char* kGraph = R"(
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "shape" value { shape { dim { size: -1 } dim { size: 28 } } } } }
node { name: "w" op: "Const" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 3 } } float_val: 1 float_val: 2 float_val: 3 } } } }
node { name: "layer/mul" op: "Mul" input: "x" input: "w:0" }
node { name: "layer" op: "Identity" input: "layer/mul" }
node { name: "layer/sub/add" op: "AddV2" input: "layer/mul:0" input: "w" input: "^init" }
node { name: "split" op: "Split" input: "layer/sub/add" }
node { name: "y" op: "Identity" input: "split:1" }
node { name: "init" op: "NoOp" }
node { name: "unused" op: "NoOp" input: "^missing" }
node { name: "call" op: "StatefulPartitionedCall" attr { key: "f" value { func { name: "fn" } } } }
)";

}  // namespace

class TestGraphIndex : public QObject {
    Q_OBJECT
private slots:
    void testLookupAndEdges() {
        auto gd = graphFromText(kGraph);
        QVERIFY(gd);
        auto r = GraphIndex::build(gd);
        QVERIFY(r.ok());
        const GraphIndex& g = **r;
        QCOMPARE(g.nodeCount(), 10);
        NodeId add = g.find("layer/sub/add");
        QVERIFY(add != kNoNode);
        QCOMPARE(g.op(add), std::string_view("AddV2"));
        QCOMPARE(g.find("nope"), kNoNode);
        auto in = g.inputs(add);
        QCOMPARE(in.size(), size_t(3));
        QCOMPARE(g.dataInputCount(add), 2);
        QCOMPARE(in[0].node, g.find("layer/mul"));
        QCOMPARE(in[0].outputIndex, 0);
        QVERIFY(in[2].control);
        QCOMPARE(in[2].node, g.find("init"));
        QCOMPARE(in[2].outputIndex, -1);
        // Consumers of w: layer/mul slot 1, layer/sub/add slot 1.
        auto cw = g.consumers(g.find("w"));
        QCOMPARE(cw.size(), size_t(2));
        QCOMPARE(cw[0].node, g.find("layer/mul"));
        QCOMPARE(cw[0].inputSlot, 1);
        QCOMPARE(cw[1].node, add);
        // Output index from "split:1".
        NodeId split = g.find("split");
        QCOMPARE(g.consumers(split).size(), size_t(1));
        QCOMPARE(g.consumers(split)[0].outputIndex, 1);
        QCOMPARE(g.usedOutputCount(split), 2);
        // Control edge to a node that does not exist stays unresolved.
        auto un = g.inputs(g.find("unused"));
        QCOMPARE(un.size(), size_t(1));
        QCOMPARE(un[0].node, kNoNode);
        QCOMPARE(un[0].raw, std::string_view("^missing"));
        QCOMPARE(g.consumers(g.find("init")).size(), size_t(1));
        QVERIFY(g.consumers(g.find("init"))[0].control);
    }

    void testScopeTree() {
        auto r = GraphIndex::build(graphFromText(kGraph));
        QVERIFY(r.ok());
        std::string out;
        printScope(**r, 0, 0, out);
        // Node "layer" is also a scope: it is shown inside it as "(layer)".
        const char* expected =
            "layer/\n"
            "  sub/\n"
            "    add\n"
            "  (layer)\n"
            "  mul\n"
            "call\n"
            "init\n"
            "split\n"
            "unused\n"
            "w\n"
            "x\n"
            "y\n";
        QCOMPARE(QString::fromStdString(out), QString::fromUtf8(expected));
        const GraphIndex& g = **r;
        QCOMPARE(g.scopes()[0].totalNodes, int64_t(10));
        int layer = g.scopeOf(g.find("layer"));
        QCOMPARE(g.scopes()[layer].path, std::string_view("layer"));
        QCOMPARE(g.scopes()[layer].totalNodes, int64_t(3));
        QCOMPARE(g.scopes()[layer].selfNode, g.find("layer"));
        QCOMPARE(g.scopeOf(g.find("layer/mul")), layer);
    }

    void testSubgraph() {
        auto r = GraphIndex::build(graphFromText(kGraph));
        const GraphIndex& g = **r;
        std::vector<std::string> outs{"y:0"};
        std::vector<std::string> missing;
        auto ids = g.subgraphFor(outs, &missing);
        std::vector<std::string> names;
        for (NodeId id : ids) names.emplace_back(g.name(id));
        std::sort(names.begin(), names.end());
        QCOMPARE(names, (std::vector<std::string>{"init", "layer/mul", "layer/sub/add", "split", "w", "x", "y"}));
        QVERIFY(missing.empty());
        std::vector<std::string> bad{"nope:0", "x"};
        ids = g.subgraphFor(bad, &missing);
        QCOMPARE(missing, std::vector<std::string>{"nope:0"});
        QCOMPARE(ids.size(), size_t(1));
    }

    void testAttrs() {
        auto r = GraphIndex::build(graphFromText(kGraph));
        const GraphIndex& g = **r;
        auto xa = g.attrs(g.find("x"));
        QCOMPARE(xa.size(), size_t(2));
        QCOMPARE(xa[0].name, std::string("dtype"));
        QCOMPARE(xa[0].text, std::string("DT_FLOAT"));
        QCOMPARE(xa[1].text, std::string("[?,28]"));
        QCOMPARE(xa[1].kind, AttrDisplay::Kind::Shape);
        auto wa = g.attrs(g.find("w"));
        QCOMPARE(wa[0].text, std::string("DT_FLOAT [3] {1, 2, 3}"));
        auto ca = g.attrs(g.find("call"));
        QCOMPARE(ca[0].kind, AttrDisplay::Kind::Function);
        QCOMPARE(ca[0].functionNames, std::vector<std::string>{"fn"});
    }

    void testParseTensorName() {
        QCOMPARE(GraphIndex::parseTensorName("a/b:3"), (std::pair<std::string_view, int>("a/b", 3)));
        QCOMPARE(GraphIndex::parseTensorName("^a"), (std::pair<std::string_view, int>("a", -1)));
        QCOMPARE(GraphIndex::parseTensorName("a"), (std::pair<std::string_view, int>("a", 0)));
        QCOMPARE(GraphIndex::parseTensorName("n:out:2"), (std::pair<std::string_view, int>("n", 2)));
    }

    void testDuplicateNames() {
        auto r = GraphIndex::build(graphFromText("node { name: 'a' op: 'Const' } node { name: 'a' op: 'NoOp' }"));
        QVERIFY(r.ok());
        QCOMPARE((*r)->find("a"), 0);
        QCOMPARE((*r)->warnings().size(), size_t(1));
    }

    void testFunctionBody() {
        auto f = std::make_shared<tensorflow::FunctionDef>();
        QVERIFY(google::protobuf::TextFormat::ParseFromString(R"(
            signature { name: "fn" input_arg { name: "x" type: DT_FLOAT } input_arg { name: "v" type: DT_RESOURCE }
                        output_arg { name: "identity" type: DT_FLOAT } }
            node_def { name: "read" op: "ReadVariableOp" input: "v" }
            node_def { name: "mul" op: "Mul" input: "x" input: "read:value:0" }
            node_def { name: "Identity" op: "Identity" input: "mul:z:0" }
            ret { key: "identity" value: "Identity:output:0" })", f.get()));
        auto r = GraphIndex::buildFromFunction(f);
        QVERIFY(r.ok());
        const GraphIndex& g = **r;
        QVERIFY(g.isFunctionBody());
        QCOMPARE(g.nodeCount(), 6);
        QCOMPARE(g.op(g.find("x")), std::string_view("_Arg"));
        QCOMPARE(g.op(g.find("_retval_identity")), std::string_view("_Retval"));
        auto in = g.inputs(g.find("mul"));
        QCOMPARE(in[0].node, g.find("x"));
        QCOMPARE(in[1].node, g.find("read"));
        QCOMPARE(g.inputs(g.find("_retval_identity"))[0].node, g.find("Identity"));
        std::vector<std::string> outs{"_retval_identity"};
        QCOMPARE(g.subgraphFor(outs).size(), size_t(6));
    }

    void testFunctionBodyFromLibrary() {
        auto gd = graphFromText(R"(
            node { name: "call" op: "StatefulPartitionedCall" input: "x" attr { key: "f" value { func { name: "outer" } } } }
            node { name: "x" op: "Placeholder" }
            library {
              function { signature { name: "outer" input_arg { name: "a" type: DT_FLOAT } output_arg { name: "o" type: DT_FLOAT } }
                         node_def { name: "inner_call" op: "inner" input: "a" }
                         ret { key: "o" value: "inner_call:o:0" } }
              function { signature { name: "inner" input_arg { name: "b" type: DT_FLOAT } output_arg { name: "o" type: DT_FLOAT } }
                         node_def { name: "neg" op: "Neg" input: "b" }
                         ret { key: "o" value: "neg:y:0" } }
            })");
        QVERIFY(gd);
        auto r = GraphIndex::build(gd);
        QVERIFY(r.ok());
        QCOMPARE((*r)->functionNames(), (std::vector<std::string>{"inner", "outer"}));
        auto outer = (*r)->functionBody("outer");
        QVERIFY(outer.ok());
        QCOMPARE((*outer)->nodeCount(), 3);  // a, inner_call, _retval_o
        QCOMPARE((*outer)->op((*outer)->find("inner_call")), std::string_view("inner"));
        // Nested navigation keeps the library, and the body outlives the parent index.
        auto inner = (*outer)->functionBody("inner");
        r = Status::notFound("dropped");
        gd.reset();
        QVERIFY(inner.ok());
        QCOMPARE((*inner)->op((*inner)->find("neg")), std::string_view("Neg"));
        QCOMPARE((*inner)->inputs((*inner)->find("neg"))[0].node, (*inner)->find("b"));
        auto missing = (*outer)->functionBody("nope");
        QCOMPARE(missing.status().code(), Status::Code::NotFound);
        QCOMPARE(missing.status().message(), std::string("No function 'nope' in the library."));
    }
};

QTEST_GUILESS_MAIN(TestGraphIndex)
#include "tst_graph_index.moc"
