// Executor and Session semantics on small hand-written graphs (text-format GraphDefs that use only
// the executor's own kernels): pruning, the up-front kernel check, feeds of any tensor, TF1
// conditionals with dead tensors, functions with `node:out_arg:idx` naming, variables, tables,
// ParseExample, cancellation and the memory cap.
#include <QtTest>

#include <google/protobuf/text_format.h>

#include <cmath>
#include <fstream>
#include <thread>

#include "float_compare.h"
#include "meta_graph.pb.h"
#include "model/exec/model_session.h"
#include "model/exec/op_profile.h"
#include "model/exec/run_state.h"
#include "model/exec/session.h"
#include "model/io/example_builder.h"
#include "model/loader/model_loader.h"

using namespace tfscope;
using namespace tfscope::exec;

namespace {

std::unique_ptr<Session> sessionFor(const std::string& graphText, SessionOptions options = {}) {
    auto mg = std::make_shared<tensorflow::MetaGraphDef>();
    if (!google::protobuf::TextFormat::ParseFromString(graphText, mg->mutable_graph_def())) return nullptr;
    auto s = Session::create(mg, options);
    return s.ok() ? std::move(s).value() : nullptr;
}

const char* kConstF = R"(
node { name: "c" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } } float_val: 1.5 float_val: -2 } } } }
)";

}  // namespace

class TestExec : public QObject {
    Q_OBJECT
private slots:
    void testConstAndIdentity();
    void testPruningSkipsUnneededOps();
    void testMissingKernelsListed();
    void testFeedAnyTensor();
    void testSwitchMergeDeadTensors();
    void testFunctionOutputArgNaming();
    void testFunctionCallsReuseTheirRun();
    void testOpProfile();
    void testWhileAndIf();
    void testWhileManyIterations();
    void testWhileListWrittenInPlaceOnlyWhenUnshared();
    void testCpuImplementationChosen();
    void testRefVariables();
    void testResourceVariables();
    void testInvariantValuesFollowVariables();
    void testGradientDescentPersists();
    void testHashTableFromTextFile();
    void testHashTableTextFileIndexes();
    void testParseExample();
    void testCancel();
    void testMemoryLimit();
    void testCycleRejected();
    void testTf1WhileLoops();
    void testTf1TensorArraysAndStacks();
    void testLoopMemoryLimit();
    void testSparseSignatureInputs();
};

void TestExec::testConstAndIdentity() {
    auto s = sessionFor(std::string(kConstF) + R"(node { name: "i" op: "Identity" input: "c" attr { key: "T" value { type: DT_FLOAT } } })");
    QVERIFY(s);
    std::vector<Tensor> out;
    Status st = s->run({}, {"i:0", "c"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out.size(), size_t(2));
    QCOMPARE(out[0].shape(), (Shape{2}));
    QCOMPARE(out[0].data<float>()[0], 1.5f);
    QCOMPARE(out[0].data<float>()[1], -2.0f);
    Status bad = s->run({}, {"i:3"}, {}, &out);
    QVERIFY(!bad.ok());
    Status missing = s->run({}, {"nope:0"}, {}, &out);
    QCOMPARE(QString::fromStdString(missing.message()), QStringLiteral("The graph has no node 'nope'."));
}

void TestExec::testPruningSkipsUnneededOps() {
    auto s = sessionFor(std::string(kConstF) + R"(node { name: "weird" op: "NoSuchOp" input: "c" })");
    QVERIFY(s);
    std::vector<Tensor> out;
    Status st = s->run({}, {"c:0"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
}

void TestExec::testMissingKernelsListed() {
    auto s = sessionFor(std::string(kConstF) + R"(
node { name: "a" op: "NoSuchOp" input: "c" }
node { name: "b" op: "NoSuchOp" input: "a" }
node { name: "z" op: "OtherOp" input: "b" input: "^c" })");
    QVERIFY(s);
    std::vector<Tensor> out;
    Status st = s->run({}, {"z:0"}, {}, &out);
    QCOMPARE(st.code(), Status::Code::Unimplemented);
    QCOMPARE(QString::fromStdString(st.message()),
             QStringLiteral("No kernel for op 'NoSuchOp' (used by 'a', 'b'); op 'OtherOp' (used by 'z')."));
    QCOMPARE(s->checkRunnable({"z:0"}, {}).message(), st.message());
}

void TestExec::testFeedAnyTensor() {
    auto s = sessionFor(std::string(kConstF) + R"(node { name: "i" op: "Identity" input: "c" })");
    QVERIFY(s);
    std::vector<Tensor> out;
    Status st = s->run({{"c:0", Tensor::fromVector<float>({1}, {42})}}, {"i:0"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out[0].data<float>()[0], 42.0f);
    // A fed tensor's producer does not run: a placeholder that is fed.
    auto p = sessionFor(R"(node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_INT32 } } }
                          node { name: "y" op: "Identity" input: "x" })");
    QVERIFY(p);
    Status unfed = p->run({}, {"y:0"}, {}, &out);
    QCOMPARE(QString::fromStdString(unfed.message()),
             QStringLiteral("Node 'x' (Placeholder): You must feed a value for placeholder tensor 'x' with dtype int32 and shape unknown."));
    QVERIFY(p->run({{"x", Tensor::scalar<int32_t>(7)}}, {"y"}, {}, &out).ok());
    QCOMPARE(out[0].data<int32_t>()[0], 7);
}

void TestExec::testSwitchMergeDeadTensors() {
    const std::string g = std::string(kConstF) + R"(
node { name: "p" op: "Placeholder" attr { key: "dtype" value { type: DT_BOOL } } }
node { name: "sw" op: "Switch" input: "c" input: "p" }
node { name: "f" op: "Identity" input: "sw:0" }
node { name: "t" op: "StringJoin" input: "tstr" input: "^t2" }
node { name: "tstr" op: "Const" attr { key: "dtype" value { type: DT_STRING } }
       attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape {} string_val: "taken" } } } }
node { name: "t2" op: "Identity" input: "sw:1" }
node { name: "m" op: "Merge" input: "f" input: "t2" attr { key: "N" value { i: 2 } } })";
    auto s = sessionFor(g);
    QVERIFY(s);
    std::vector<Tensor> out;
    Status st = s->run({{"p", Tensor::scalar<bool>(true)}}, {"m:0", "m:1"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out[0].data<float>()[0], 1.5f);
    QCOMPARE(out[1].data<int32_t>()[0], 1);
    st = s->run({{"p", Tensor::scalar<bool>(false)}}, {"m:1"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out[0].data<int32_t>()[0], 0);
    // The untaken branch is dead, and so is what depends on it (also through control edges).
    Status dead = s->run({{"p", Tensor::scalar<bool>(false)}}, {"t2:0"}, {}, &out);
    QCOMPARE(QString::fromStdString(dead.message()),
             QStringLiteral("Fetched tensor 't2:0' is dead (its conditional branch was not taken)."));
    Status deadCtl = s->run({{"p", Tensor::scalar<bool>(false)}}, {"t:0"}, {}, &out);
    QCOMPARE(QString::fromStdString(deadCtl.message()),
             QStringLiteral("Fetched tensor 't:0' is dead (its conditional branch was not taken)."));
    QVERIFY(s->run({{"p", Tensor::scalar<bool>(true)}}, {"t:0"}, {}, &out).ok());
    QCOMPARE(out[0].strings()[0], std::string("taken"));
}

void TestExec::testFunctionOutputArgNaming() {
    auto s = sessionFor(R"(
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "y" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "call" op: "StatefulPartitionedCall" input: "x" input: "y"
       attr { key: "f" value { func { name: "swap" } } }
       attr { key: "Tin" value { list { type: DT_FLOAT type: DT_FLOAT } } }
       attr { key: "Tout" value { list { type: DT_FLOAT type: DT_FLOAT } } } }
node { name: "direct" op: "swap" input: "x" input: "y" }
library { function {
  signature { name: "swap" input_arg { name: "a" type: DT_FLOAT } input_arg { name: "b" type: DT_FLOAT }
              output_arg { name: "first" type: DT_FLOAT } output_arg { name: "second" type: DT_FLOAT } }
  node_def { name: "idn" op: "IdentityN" input: "a" input: "b" attr { key: "T" value { list { type: DT_FLOAT type: DT_FLOAT } } } }
  node_def { name: "out" op: "Identity" input: "idn:output:0" }
  ret { key: "first" value: "idn:output:1" }
  ret { key: "second" value: "out:output:0" }
} })");
    QVERIFY(s);
    std::vector<Tensor> out;
    Status st = s->run({{"x", Tensor::scalar<float>(1)}, {"y", Tensor::scalar<float>(2)}}, {"call:0", "call:1", "direct:0", "direct:1"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out[0].data<float>()[0], 2.0f);
    QCOMPARE(out[1].data<float>()[0], 1.0f);
    QCOMPARE(out[2].data<float>()[0], 2.0f);
    QCOMPARE(out[3].data<float>()[0], 1.0f);
}

void TestExec::testFunctionCallsReuseTheirRun() {
    // A function's prepared run is kept between calls: called twice in one run, from inside
    // another function (while no outer call of it runs) and again after a call that failed, every
    // call gives its own result.
    auto s = sessionFor(R"(
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "shape" op: "Placeholder" attr { key: "dtype" value { type: DT_INT32 } } }
node { name: "one" op: "PartitionedCall" input: "x" input: "shape" attr { key: "f" value { func { name: "twice" } } }
       attr { key: "Tin" value { list { type: DT_FLOAT type: DT_INT32 } } } attr { key: "Tout" value { list { type: DT_FLOAT } } } }
node { name: "two" op: "PartitionedCall" input: "one" input: "shape" attr { key: "f" value { func { name: "twice" } } }
       attr { key: "Tin" value { list { type: DT_FLOAT type: DT_INT32 } } } attr { key: "Tout" value { list { type: DT_FLOAT } } } }
node { name: "outer" op: "PartitionedCall" input: "two" input: "shape" attr { key: "f" value { func { name: "outer" } } }
       attr { key: "Tin" value { list { type: DT_FLOAT type: DT_INT32 } } } attr { key: "Tout" value { list { type: DT_FLOAT } } } }
library {
  function {
    signature { name: "twice" input_arg { name: "a" type: DT_FLOAT } input_arg { name: "s" type: DT_INT32 } output_arg { name: "r" type: DT_FLOAT } }
    node_def { name: "sum" op: "AddV2" input: "a" input: "a" attr { key: "T" value { type: DT_FLOAT } } }
    node_def { name: "shaped" op: "Reshape" input: "sum:z:0" input: "s" attr { key: "T" value { type: DT_FLOAT } } attr { key: "Tshape" value { type: DT_INT32 } } }
    ret { key: "r" value: "shaped:output:0" }
  }
  function {
    signature { name: "outer" input_arg { name: "a" type: DT_FLOAT } input_arg { name: "s" type: DT_INT32 } output_arg { name: "r" type: DT_FLOAT } }
    node_def { name: "inner" op: "PartitionedCall" input: "a" input: "s" attr { key: "f" value { func { name: "twice" } } }
               attr { key: "Tin" value { list { type: DT_FLOAT type: DT_INT32 } } } attr { key: "Tout" value { list { type: DT_FLOAT } } } }
    node_def { name: "neg" op: "Neg" input: "inner:output:0" attr { key: "T" value { type: DT_FLOAT } } }
    ret { key: "r" value: "neg:y:0" }
  }
})");
    QVERIFY(s);
    const Tensor x = Tensor::fromVector<float>({4}, {1, 2, 3, 4});
    for (int round = 0; round < 3; ++round) {
        std::vector<Tensor> out;
        const bool bad = round == 1;  // 4 elements cannot take the shape [3]
        const Tensor shape = bad ? Tensor::fromVector<int32_t>({1}, {3}) : Tensor::fromVector<int32_t>({2}, {2, 2});
        Status st = s->run({{"x", x}, {"shape", shape}}, {"one", "two", "outer"}, {}, &out);
        if (bad) {
            QVERIFY(!st.ok());
            continue;
        }
        QVERIFY2(st.ok(), st.toString().c_str());
        QCOMPARE(out[0].shape(), (Shape{2, 2}));
        QCOMPARE((std::vector<float>(out[0].data<float>(), out[0].data<float>() + 4)), (std::vector<float>{2, 4, 6, 8}));
        QCOMPARE((std::vector<float>(out[1].data<float>(), out[1].data<float>() + 4)), (std::vector<float>{4, 8, 12, 16}));
        QCOMPARE((std::vector<float>(out[2].data<float>(), out[2].data<float>() + 4)), (std::vector<float>{-8, -16, -24, -32}));
    }
}

void TestExec::testOpProfile() {
    // Every kernel call counts once, by op and by node; a function call's own time leaves out the
    // kernels of its body, so no entry is negative and the call is not counted twice.
    OpProfile profile;
    SessionOptions options;
    options.profile = &profile;
    auto s = sessionFor(R"(
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "neg" op: "Neg" input: "x" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "call" op: "PartitionedCall" input: "neg" attr { key: "f" value { func { name: "body" } } }
       attr { key: "Tin" value { list { type: DT_FLOAT } } } attr { key: "Tout" value { list { type: DT_FLOAT } } } }
library { function {
  signature { name: "body" input_arg { name: "a" type: DT_FLOAT } output_arg { name: "r" type: DT_FLOAT } }
  node_def { name: "abs" op: "Abs" input: "a" attr { key: "T" value { type: DT_FLOAT } } }
  node_def { name: "n1" op: "Neg" input: "abs:y:0" attr { key: "T" value { type: DT_FLOAT } } }
  ret { key: "r" value: "n1:y:0" }
} })",
                        options);
    QVERIFY(s);
    for (int i = 0; i < 3; ++i) {
        std::vector<Tensor> out;
        QVERIFY(s->run({{"x", Tensor::scalar<float>(3)}}, {"call"}, {}, &out).ok());
        QCOMPARE(out[0].data<float>()[0], -3.0f);
    }
    const auto ops = profile.byOp();
    QCOMPARE(ops.at("Neg").calls, int64_t(6));
    QCOMPARE(ops.at("Abs").calls, int64_t(3));
    QCOMPARE(ops.at("PartitionedCall").calls, int64_t(3));
    QVERIFY(!ops.count("Placeholder"));  // fed, not run
    for (const auto& [op, e] : ops) QVERIFY2(e.ms >= 0, op.c_str());
    const auto nodes = profile.byNode();
    QCOMPARE(nodes.at("Neg n1").calls, int64_t(3));
    QCOMPARE(nodes.at("Neg neg").calls, int64_t(3));
    profile.clear();
    QVERIFY(profile.byOp().empty());
}

void TestExec::testWhileAndIf() {
    // While(i, flag): cond = flag; body returns (i, false), so the body runs once; If picks a branch.
    auto s = sessionFor(R"(
node { name: "i" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "t" op: "Const" attr { key: "dtype" value { type: DT_BOOL } } attr { key: "value" value { tensor { dtype: DT_BOOL tensor_shape {} bool_val: true } } } }
node { name: "w" op: "StatelessWhile" input: "i" input: "t"
       attr { key: "cond" value { func { name: "cond" } } } attr { key: "body" value { func { name: "body" } } }
       attr { key: "T" value { list { type: DT_FLOAT type: DT_BOOL } } } }
node { name: "if" op: "StatelessIf" input: "w:1" input: "i"
       attr { key: "then_branch" value { func { name: "body" } } } attr { key: "else_branch" value { func { name: "neg" } } }
       attr { key: "Tout" value { list { type: DT_FLOAT type: DT_STRING } } } }
library {
 function { signature { name: "cond" input_arg { name: "a" type: DT_FLOAT } input_arg { name: "f" type: DT_BOOL } output_arg { name: "r" type: DT_BOOL } }
            ret { key: "r" value: "f" } }
 function { signature { name: "body" input_arg { name: "a" type: DT_FLOAT } input_arg { name: "f" type: DT_BOOL }
                        output_arg { name: "a2" type: DT_FLOAT } output_arg { name: "f2" type: DT_BOOL } }
            node_def { name: "no" op: "Const" attr { key: "dtype" value { type: DT_BOOL } } attr { key: "value" value { tensor { dtype: DT_BOOL tensor_shape {} bool_val: false } } } }
            ret { key: "a2" value: "a" } ret { key: "f2" value: "no:output:0" } }
 function { signature { name: "neg" input_arg { name: "a" type: DT_FLOAT } output_arg { name: "a2" type: DT_FLOAT } output_arg { name: "s" type: DT_STRING } }
            node_def { name: "msg" op: "Const" attr { key: "dtype" value { type: DT_STRING } } attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape {} string_val: "else" } } } }
            ret { key: "a2" value: "a" } ret { key: "s" value: "msg:output:0" } }
})");
    QVERIFY(s);
    std::vector<Tensor> out;
    Status st = s->run({{"i", Tensor::scalar<float>(5)}}, {"w:0", "w:1", "if:1"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out[0].data<float>()[0], 5.0f);
    QCOMPARE(out[1].data<bool>()[0], false);
    QCOMPARE(out[2].strings()[0], std::string("else"));
}

// A While of several iterations, as the executor runs it with its condition and body prepared once
// (RepeatedRun): a loop variable the body returns unchanged (a fed argument fetched), one read
// twice by the same node (acc * acc: copied once, then taken over), an Identity moved through,
// an output fetched twice, and the memory tracker back to nothing live after each run.
void TestExec::testWhileManyIterations() {
    SessionOptions options;
    options.memoryLimitBytes = 1 << 20;
    auto s = sessionFor(R"(
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "acc" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "n" op: "Placeholder" attr { key: "dtype" value { type: DT_INT32 } } }
node { name: "zero" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape {} int_val: 0 } } } }
node { name: "w" op: "While" input: "zero" input: "x" input: "acc" input: "n"
       attr { key: "cond" value { func { name: "less" } } } attr { key: "body" value { func { name: "step" } } }
       attr { key: "T" value { list { type: DT_INT32 type: DT_FLOAT type: DT_FLOAT type: DT_INT32 } } } }
library {
 function { signature { name: "less" input_arg { name: "i" type: DT_INT32 } input_arg { name: "x" type: DT_FLOAT }
                        input_arg { name: "acc" type: DT_FLOAT } input_arg { name: "n" type: DT_INT32 } output_arg { name: "r" type: DT_BOOL } }
            node_def { name: "lt" op: "Less" input: "i" input: "n" attr { key: "T" value { type: DT_INT32 } } }
            ret { key: "r" value: "lt:z:0" } }
 function { signature { name: "step" input_arg { name: "i" type: DT_INT32 } input_arg { name: "x" type: DT_FLOAT }
                        input_arg { name: "acc" type: DT_FLOAT } input_arg { name: "n" type: DT_INT32 }
                        output_arg { name: "i2" type: DT_INT32 } output_arg { name: "x2" type: DT_FLOAT }
                        output_arg { name: "acc2" type: DT_FLOAT } output_arg { name: "n2" type: DT_INT32 } }
            node_def { name: "one" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape {} int_val: 1 } } } }
            node_def { name: "next" op: "AddV2" input: "i" input: "one:output:0" attr { key: "T" value { type: DT_INT32 } } }
            node_def { name: "sq" op: "Mul" input: "acc" input: "acc" attr { key: "T" value { type: DT_FLOAT } } }
            node_def { name: "sum" op: "AddV2" input: "sq:z:0" input: "x" attr { key: "T" value { type: DT_FLOAT } } }
            node_def { name: "id" op: "Identity" input: "sum:z:0" attr { key: "T" value { type: DT_FLOAT } } }
            ret { key: "i2" value: "next:z:0" } ret { key: "x2" value: "x" } ret { key: "acc2" value: "id:output:0" } ret { key: "n2" value: "n" } }
})",
                        options);
    QVERIFY(s);
    // acc <- acc * acc + x, four times from [0.5, -1] with x = [0.25, 0.5] (every value exact in float).
    for (int round = 0; round < 2; ++round) {
        std::vector<Tensor> out;
        Status st = s->run({{"x", Tensor::fromVector<float>({2}, {0.25f, 0.5f})}, {"acc", Tensor::fromVector<float>({2}, {0.5f, -1})}, {"n", Tensor::scalar<int32_t>(4)}},
                           {"w:2", "w:0", "w:1", "w:2"}, {}, &out);
        QVERIFY2(st.ok(), st.toString().c_str());
        QCOMPARE(out.size(), size_t(4));
        QCOMPARE(out[1].data<int32_t>()[0], 4);
        QCOMPARE(out[2].data<float>()[0], 0.25f);
        QCOMPARE(out[2].data<float>()[1], 0.5f);
        for (int k : {0, 3}) {
            QCOMPARE(out[size_t(k)].shape(), Shape({2}));
            QCOMPARE(out[size_t(k)].data<float>()[0], 0.5f);
            QCOMPARE(out[size_t(k)].data<float>()[1], 65.50390625f);
        }
        QCOMPARE(s->memory().live(), uint64_t(0));
    }
    // A body node that fails (x and acc do not broadcast) after taking over its input: an error
    // naming the node, and nothing left counted as live.
    std::vector<Tensor> bad;
    Status failed = s->run({{"x", Tensor::fromVector<float>({3}, {1, 2, 3})}, {"acc", Tensor::fromVector<float>({2}, {0.5f, -1})}, {"n", Tensor::scalar<int32_t>(4)}},
                           {"w:2"}, {}, &bad);
    QVERIFY(!failed.ok());
    QVERIFY2(failed.message().find("'sum'") != std::string::npos, failed.toString().c_str());
    QCOMPARE(s->memory().live(), uint64_t(0));
    // No iteration at all: the loop variables come back as fed.
    std::vector<Tensor> out;
    Status st = s->run({{"x", Tensor::scalar<float>(3)}, {"acc", Tensor::scalar<float>(7)}, {"n", Tensor::scalar<int32_t>(0)}},
                       {"w:2"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out[0].data<float>()[0], 7.0f);
}

// A While body's TensorListSetItem changes the list in place once the loop holds the only handle
// (each step's list is the previous step's), but never a list someone else still reads: the
// list made before the loop, stacked after it, keeps its unset (zero) items.
void TestExec::testWhileListWrittenInPlaceOnlyWhenUnshared() {
    auto s = sessionFor(R"(
node { name: "n" op: "Placeholder" attr { key: "dtype" value { type: DT_INT32 } } }
node { name: "eshape" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 0 } } } } } }
node { name: "zero" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape {} int_val: 0 } } } }
node { name: "l0" op: "TensorListReserve" input: "eshape" input: "n" attr { key: "element_dtype" value { type: DT_FLOAT } } attr { key: "shape_type" value { type: DT_INT32 } } }
node { name: "w" op: "While" input: "zero" input: "l0" input: "n"
       attr { key: "cond" value { func { name: "less" } } } attr { key: "body" value { func { name: "write" } } }
       attr { key: "T" value { list { type: DT_INT32 type: DT_VARIANT type: DT_INT32 } } } }
node { name: "after" op: "TensorListStack" input: "w:1" input: "eshape" attr { key: "element_dtype" value { type: DT_FLOAT } } }
node { name: "before" op: "TensorListStack" input: "l0" input: "eshape" input: "^w" attr { key: "element_dtype" value { type: DT_FLOAT } } }
library {
 function { signature { name: "less" input_arg { name: "i" type: DT_INT32 } input_arg { name: "l" type: DT_VARIANT }
                        input_arg { name: "n" type: DT_INT32 } output_arg { name: "r" type: DT_BOOL } }
            node_def { name: "lt" op: "Less" input: "i" input: "n" attr { key: "T" value { type: DT_INT32 } } }
            ret { key: "r" value: "lt:z:0" } }
 function { signature { name: "write" input_arg { name: "i" type: DT_INT32 } input_arg { name: "l" type: DT_VARIANT } input_arg { name: "n" type: DT_INT32 }
                        output_arg { name: "i2" type: DT_INT32 } output_arg { name: "l2" type: DT_VARIANT } output_arg { name: "n2" type: DT_INT32 } }
            node_def { name: "one" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape {} int_val: 1 } } } }
            node_def { name: "next" op: "AddV2" input: "i" input: "one:output:0" attr { key: "T" value { type: DT_INT32 } } }
            node_def { name: "v" op: "Cast" input: "next:z:0" attr { key: "SrcT" value { type: DT_INT32 } } attr { key: "DstT" value { type: DT_FLOAT } } }
            node_def { name: "set" op: "TensorListSetItem" input: "l" input: "i" input: "v:y:0" attr { key: "element_dtype" value { type: DT_FLOAT } } }
            ret { key: "i2" value: "next:z:0" } ret { key: "l2" value: "set:output_handle:0" } ret { key: "n2" value: "n" } }
})");
    QVERIFY(s);
    for (int round = 0; round < 2; ++round) {
        std::vector<Tensor> out;
        Status st = s->run({{"n", Tensor::scalar<int32_t>(4)}}, {"after", "before"}, {}, &out);
        QVERIFY2(st.ok(), st.toString().c_str());
        QCOMPARE(out[0].shape(), Shape({4}));
        QCOMPARE(out[1].shape(), Shape({4}));
        for (int k = 0; k < 4; ++k) {
            QCOMPARE(out[0].data<float>()[k], float(k + 1));
            QCOMPARE(out[1].data<float>()[k], 0.0f);
        }
    }
}

// A call of a GPU-preferring function runs the CPU function of the same api_implements (grappler's
// implementation selector on a CPU-only machine), so the GPU-only op is never needed.
void TestExec::testCpuImplementationChosen() {
    auto s = sessionFor(R"(
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "call" op: "PartitionedCall" input: "x" attr { key: "f" value { func { name: "gpu_impl" } } }
       attr { key: "Tin" value { list { type: DT_FLOAT } } } attr { key: "Tout" value { list { type: DT_FLOAT } } } }
library {
 function { signature { name: "gpu_impl" input_arg { name: "a" type: DT_FLOAT } output_arg { name: "r" type: DT_FLOAT } }
            attr { key: "api_implements" value { s: "twice_v1" } } attr { key: "api_preferred_device" value { s: "GPU" } }
            node_def { name: "g" op: "CudnnOnlyOp" input: "a" }
            ret { key: "r" value: "g:output:0" } }
 function { signature { name: "cpu_impl" input_arg { name: "a" type: DT_FLOAT } output_arg { name: "r" type: DT_FLOAT } }
            attr { key: "api_implements" value { s: "twice_v1" } } attr { key: "api_preferred_device" value { s: "CPU" } }
            node_def { name: "sum" op: "AddV2" input: "a" input: "a" attr { key: "T" value { type: DT_FLOAT } } }
            ret { key: "r" value: "sum:z:0" } }
})");
    QVERIFY(s);
    std::vector<Tensor> out;
    Status st = s->run({{"x", Tensor::fromVector<float>({2}, {1.5f, -4})}}, {"call"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out[0].data<float>()[0], 3.0f);
    QCOMPARE(out[0].data<float>()[1], -8.0f);
}

void TestExec::testRefVariables() {
    auto s = sessionFor(R"(
node { name: "v" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape {} } } }
node { name: "one" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape {} float_val: 1 } } } }
node { name: "init" op: "Assign" input: "v" input: "one" }
node { name: "inc" op: "AssignAdd" input: "v" input: "one" }
node { name: "read" op: "Identity" input: "v" })");
    QVERIFY(s);
    std::vector<Tensor> out;
    Status un = s->run({}, {"read:0"}, {}, &out);
    QCOMPARE(un.code(), Status::Code::FailedPrecondition);
    QVERIFY2(un.message().find("Attempting to use uninitialized value 'v'.") != std::string::npos, un.message().c_str());
    QVERIFY(s->run({}, {}, {"init"}, nullptr).ok());
    QVERIFY(s->run({}, {"inc:0"}, {}, &out).ok());
    QCOMPARE(out[0].data<float>()[0], 2.0f);
    QVERIFY(s->run({}, {"v:0"}, {}, &out).ok());
    QCOMPARE(out[0].data<float>()[0], 2.0f);
}

void TestExec::testResourceVariables() {
    auto s = sessionFor(R"(
node { name: "h" op: "VarHandleOp" attr { key: "dtype" value { type: DT_INT64 } } attr { key: "shared_name" value { s: "counter" } } }
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_INT64 } } }
node { name: "set" op: "AssignVariableOp" input: "h" input: "x" attr { key: "dtype" value { type: DT_INT64 } } }
node { name: "add" op: "AssignAddVariableOp" input: "h" input: "x" attr { key: "dtype" value { type: DT_INT64 } } }
node { name: "isinit" op: "VarIsInitializedOp" input: "h" }
node { name: "read" op: "ReadVariableOp" input: "h" input: "^add" attr { key: "dtype" value { type: DT_INT64 } } })");
    QVERIFY(s);
    std::vector<Tensor> out;
    QVERIFY(s->run({}, {"isinit"}, {}, &out).ok());
    QCOMPARE(out[0].data<bool>()[0], false);
    QVERIFY(s->run({{"x", Tensor::scalar<int64_t>(40)}}, {}, {"set"}, nullptr).ok());
    Status st = s->run({{"x", Tensor::scalar<int64_t>(2)}}, {"read"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out[0].data<int64_t>()[0], int64_t(42));
}

// A function reading a variable through a handle argument keeps what it computed from the
// variable alone (here w * 3) between calls (executor.cpp, run-invariant values). An assignment, in
// another run, must show in the next call; one function called with two variables in the same run
// gives each its own value; an edit through setSessionVariable-like writes is covered by the epoch.
void TestExec::testInvariantValuesFollowVariables() {
    OpProfile profile;
    SessionOptions options;
    options.profile = &profile;
    auto s = sessionFor(R"(
node { name: "hv" op: "VarHandleOp" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shared_name" value { s: "v" } } }
node { name: "hw" op: "VarHandleOp" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shared_name" value { s: "w" } } }
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "set" op: "AssignVariableOp" input: "hv" input: "x" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "setw" op: "AssignVariableOp" input: "hw" input: "x" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "add" op: "AssignAddVariableOp" input: "hv" input: "x" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "y" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "fv" op: "StatefulPartitionedCall" input: "y" input: "hv"
       attr { key: "f" value { func { name: "scaled" } } }
       attr { key: "Tin" value { list { type: DT_FLOAT type: DT_RESOURCE } } } attr { key: "Tout" value { list { type: DT_FLOAT } } } }
node { name: "fw" op: "StatefulPartitionedCall" input: "y" input: "hw"
       attr { key: "f" value { func { name: "scaled" } } }
       attr { key: "Tin" value { list { type: DT_FLOAT type: DT_RESOURCE } } } attr { key: "Tout" value { list { type: DT_FLOAT } } } }
library { function {
  signature { name: "scaled" input_arg { name: "a" type: DT_FLOAT } input_arg { name: "h" type: DT_RESOURCE } output_arg { name: "r" type: DT_FLOAT } is_stateful: true }
  node_def { name: "read" op: "ReadVariableOp" input: "h" attr { key: "dtype" value { type: DT_FLOAT } } }
  node_def { name: "three" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape {} float_val: 3 } } } }
  node_def { name: "w3" op: "Mul" input: "read:value:0" input: "three:output:0" attr { key: "T" value { type: DT_FLOAT } } }
  node_def { name: "out" op: "AddV2" input: "a" input: "w3:z:0" attr { key: "T" value { type: DT_FLOAT } } }
  ret { key: "r" value: "out:z:0" }
} })",
                        options);
    QVERIFY(s);
    QVERIFY(s->run({{"x", Tensor::scalar<float>(1)}}, {}, {"set"}, nullptr).ok());
    QVERIFY(s->run({{"x", Tensor::scalar<float>(100)}}, {}, {"setw"}, nullptr).ok());
    std::vector<Tensor> out;
    auto call = [&](float y) -> std::pair<float, float> {
        Status st = s->run({{"y", Tensor::scalar<float>(y)}}, {"fv", "fw"}, {}, &out);
        if (!st.ok()) qWarning("%s", st.toString().c_str());
        return st.ok() ? std::pair{out[0].data<float>()[0], out[1].data<float>()[0]} : std::pair{-1.0f, -1.0f};
    };
    QCOMPARE(call(10), (std::pair{13.0f, 310.0f}));
    QCOMPARE(call(20), (std::pair{23.0f, 320.0f}));                                 // the input still flows through
    QVERIFY(s->run({{"x", Tensor::scalar<float>(4)}}, {}, {"add"}, nullptr).ok());  // v = 5, written in place
    QCOMPARE(call(0), (std::pair{15.0f, 300.0f}));
    QVERIFY(s->run({{"x", Tensor::scalar<float>(-2)}}, {}, {"set"}, nullptr).ok());
    QCOMPARE(call(1), (std::pair{-5.0f, 301.0f}));
    // One call per run, always with v: the kept value is used, and dropped after a write.
    auto callV = [&](float y) {
        Status st = s->run({{"y", Tensor::scalar<float>(y)}}, {"fv"}, {}, &out);
        return st.ok() ? out[0].data<float>()[0] : -1.0f;
    };
    // The top-level pass is kept too (Session::runKept): its VarHandleOp runs once, not every run,
    // and again after a write.
    auto handleCalls = [&] { return profile.byOp()["VarHandleOp"].calls; };
    QCOMPARE(callV(1), -5.0f);
    const int64_t handles = handleCalls();
    QCOMPARE(callV(2), -4.0f);
    QCOMPARE(callV(3), -3.0f);
    QCOMPARE(handleCalls(), handles);
    // An endpoint fed twice takes the last value, kept pass or not.
    QVERIFY(s->run({{"y", Tensor::scalar<float>(1)}, {"y", Tensor::scalar<float>(10)}}, {"fv"}, {}, &out).ok());
    QCOMPARE(out[0].data<float>()[0], 4.0f);
    QVERIFY(s->run({{"x", Tensor::scalar<float>(7)}}, {}, {"set"}, nullptr).ok());
    QCOMPARE(callV(0), 21.0f);
    QVERIFY(handleCalls() > handles);
    QVERIFY(s->run({{"x", Tensor::scalar<float>(1)}}, {}, {"add"}, nullptr).ok());
    QCOMPARE(callV(0), 24.0f);
}

// ResourceApplyGradientDescent updates the variable in place; the Session keeps it between runs.
void TestExec::testGradientDescentPersists() {
    auto s = sessionFor(R"(
node { name: "h" op: "VarHandleOp" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shared_name" value { s: "w" } } }
node { name: "init" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } } float_val: 1 float_val: -2 } } } }
node { name: "set" op: "AssignVariableOp" input: "h" input: "init" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "lr" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape {} float_val: 0.5 } } } }
node { name: "g" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "step" op: "ResourceApplyGradientDescent" input: "h" input: "lr" input: "g" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "read" op: "ReadVariableOp" input: "h" attr { key: "dtype" value { type: DT_FLOAT } } })");
    QVERIFY(s);
    QVERIFY(s->run({}, {}, {"set"}, nullptr).ok());
    std::vector<Tensor> out;
    QVERIFY(s->run({}, {"read"}, {}, &out).ok());
    Tensor before = out[0];
    const Tensor grad = Tensor::fromVector<float>({2}, {4, 1});
    for (int i = 0; i < 2; ++i) {
        Status st = s->run({{"g", grad}}, {}, {"step"}, nullptr);
        QVERIFY2(st.ok(), st.toString().c_str());
    }
    QVERIFY(s->run({}, {"read"}, {}, &out).ok());
    QCOMPARE(out[0].data<float>()[0], -3.0f);  // 1 - 2 * 0.5 * 4
    QCOMPARE(out[0].data<float>()[1], -3.0f);  // -2 - 2 * 0.5 * 1
    QCOMPARE(before.data<float>()[0], 1.0f);   // an earlier read is not changed under it
    Status bad = s->run({{"g", Tensor::fromVector<float>({3}, {1, 2, 3})}}, {}, {"step"}, nullptr);
    QVERIFY(!bad.ok());
    QVERIFY2(bad.message().find("var and delta do not have the same shape") != std::string::npos, bad.message().c_str());
}

void TestExec::testHashTableFromTextFile() {
    QTemporaryDir dir;
    const std::string vocab = dir.filePath(QStringLiteral("vocab.txt")).toStdString();
    std::ofstream(vocab) << "Cash\nCredit Card\nNo Charge\n";
    auto s = sessionFor(R"(
node { name: "table" op: "HashTableV2" attr { key: "key_dtype" value { type: DT_STRING } } attr { key: "value_dtype" value { type: DT_INT64 } } }
node { name: "file" op: "Const" attr { key: "dtype" value { type: DT_STRING } } attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape {} string_val: "/original/export/path/vocab.txt" } } } }
node { name: "init" op: "InitializeTableFromTextFileV2" input: "table" input: "file"
       attr { key: "key_index" value { i: -2 } } attr { key: "value_index" value { i: -1 } } }
node { name: "keys" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } }
node { name: "dflt" op: "Const" attr { key: "dtype" value { type: DT_INT64 } } attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape {} int64_val: -1 } } } }
node { name: "find" op: "LookupTableFindV2" input: "table" input: "keys" input: "dflt" }
node { name: "size" op: "LookupTableSizeV2" input: "table" })");
    QVERIFY(s);
    // The asset path is fed over the Const, as the SavedModel loader does.
    Tensor path = Tensor::stringScalar(vocab);
    Status st = s->run({{"file:0", path}}, {}, {"init"}, nullptr);
    QVERIFY2(st.ok(), st.toString().c_str());
    QVERIFY(s->run({{"file:0", path}}, {}, {"init"}, nullptr).ok());  // already initialized: no-op
    std::vector<Tensor> out;
    st = s->run({{"keys", Tensor::fromStrings({3}, {"Credit Card", "zzz", "Cash"})}}, {"find", "size"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(std::vector<int64_t>(out[0].data<int64_t>(), out[0].data<int64_t>() + 3), (std::vector<int64_t>{1, -1, 0}));
    QCOMPARE(out[1].data<int64_t>()[0], int64_t(3));
}

namespace {

// A table {key_dtype, value_dtype} initialized from `file` with the given indexes, offset and delimiter.
std::string textFileTableGraph(const char* keyType, const char* valueType, int keyIndex, int valueIndex, int offset) {
    return std::string(R"(
node { name: "table" op: "HashTableV2" attr { key: "key_dtype" value { type: )") + keyType +
           R"( } } attr { key: "value_dtype" value { type: )" + valueType + R"( } } }
node { name: "file" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } }
node { name: "init" op: "InitializeTableFromTextFileV2" input: "table" input: "file"
       attr { key: "key_index" value { i: )" + std::to_string(keyIndex) + R"( } } attr { key: "value_index" value { i: )" +
           std::to_string(valueIndex) + R"( } }
       attr { key: "offset" value { i: )" + std::to_string(offset) + R"( } } attr { key: "delimiter" value { s: "," } } }
node { name: "keys" op: "Placeholder" attr { key: "dtype" value { type: )" + keyType + R"( } } }
node { name: "dflt" op: "Placeholder" attr { key: "dtype" value { type: )" + valueType + R"( } } }
node { name: "find" op: "LookupTableFindV2" input: "table" input: "keys" input: "dflt" })";
}

}  // namespace

// TextFileIndex: -2 is the whole line, -1 the line number (plus `offset`), >= 0 a delimited column;
// each text is parsed as the table's dtype. Values checked against TF 2.15.
void TestExec::testHashTableTextFileIndexes() {
    QTemporaryDir dir;
    const std::string words = dir.filePath(QStringLiteral("words.txt")).toStdString();
    const std::string pairs = dir.filePath(QStringLiteral("pairs.txt")).toStdString();
    const std::string gap = dir.filePath(QStringLiteral("gap.txt")).toStdString();
    std::ofstream(words) << "negative\npositive\n";
    std::ofstream(pairs) << "7,0.25\n-3,1.5\n";
    std::ofstream(gap) << "a\n\nb\n";
    std::vector<Tensor> out;
    // Line number (+5) -> whole line: builder_multi's reverse vocabulary.
    auto byLine = sessionFor(textFileTableGraph("DT_INT64", "DT_STRING", -1, -2, 5));
    QVERIFY(byLine);
    Status st = byLine->run({{"file", Tensor::stringScalar(words)}}, {}, {"init"}, nullptr);
    QVERIFY2(st.ok(), st.toString().c_str());
    st = byLine->run({{"keys", Tensor::fromVector<int64_t>({3}, {6, 0, 5})}, {"dflt", Tensor::stringScalar("?")}}, {"find"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out[0].strings(), (std::vector<std::string>{"positive", "?", "negative"}));
    // Column 0 as an int key, column 1 as a float value.
    auto byColumn = sessionFor(textFileTableGraph("DT_INT64", "DT_FLOAT", 0, 1, 0));
    QVERIFY(byColumn);
    st = byColumn->run({{"file", Tensor::stringScalar(pairs)}}, {}, {"init"}, nullptr);
    QVERIFY2(st.ok(), st.toString().c_str());
    st = byColumn->run({{"keys", Tensor::fromVector<int64_t>({2}, {-3, 7})}, {"dflt", Tensor::scalar<float>(0)}}, {"find"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out[0].data<float>()[0], 1.5f);
    QCOMPARE(out[0].data<float>()[1], 0.25f);
    // A whole-line key that is not an integer, a line-number value into int32, an empty line.
    auto notInt = sessionFor(textFileTableGraph("DT_INT64", "DT_INT64", -2, -1, 0));
    QVERIFY(notInt);
    st = notInt->run({{"file", Tensor::stringScalar(words)}}, {}, {"init"}, nullptr);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find("Key 'negative' in '" + words + "' is not an integer.") != std::string::npos, st.message().c_str());
    auto int32Line = sessionFor(textFileTableGraph("DT_STRING", "DT_INT32", -2, -1, 0));
    QVERIFY(int32Line);
    st = int32Line->run({{"file", Tensor::stringScalar(words)}}, {}, {"init"}, nullptr);
    QVERIFY2(!st.ok() && st.message().find("needs table dtype 'DT_INT64'") != std::string::npos, st.message().c_str());
    auto gapped = sessionFor(textFileTableGraph("DT_STRING", "DT_INT64", -2, -1, 0));
    QVERIFY(gapped);
    st = gapped->run({{"file", Tensor::stringScalar(gap)}}, {}, {"init"}, nullptr);
    QVERIFY2(!st.ok() && st.message().find("empty line at line 1") != std::string::npos, st.message().c_str());
}

void TestExec::testParseExample() {
    auto s = sessionFor(R"(
node { name: "ser" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } }
node { name: "names" op: "Const" attr { key: "dtype" value { type: DT_STRING } } attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { dim { size: 0 } } } } } }
node { name: "kx" op: "Const" attr { key: "dtype" value { type: DT_STRING } } attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape {} string_val: "x" } } } }
node { name: "ks" op: "Const" attr { key: "dtype" value { type: DT_STRING } } attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape {} string_val: "s" } } } }
node { name: "dx" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 1 } } float_val: -1 } } } }
node { name: "pe" op: "ParseExample" input: "ser" input: "names" input: "ks" input: "kx" input: "dx"
       attr { key: "Nsparse" value { i: 1 } } attr { key: "Ndense" value { i: 1 } }
       attr { key: "sparse_types" value { list { type: DT_STRING } } } attr { key: "Tdense" value { list { type: DT_FLOAT } } }
       attr { key: "dense_shapes" value { list { shape { dim { size: 1 } } } } } })");
    QVERIFY(s);
    Tensor ser = io::examplesFromText("[{'x': [2.5], 's': ['a', 'b']}, {'s': ['c']}]").value();
    std::vector<Tensor> out;
    Status st = s->run({{"ser", ser}}, {"pe:0", "pe:1", "pe:2", "pe:3"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out[0].shape(), (Shape{3, 2}));
    QCOMPARE(std::vector<int64_t>(out[0].data<int64_t>(), out[0].data<int64_t>() + 6), (std::vector<int64_t>{0, 0, 0, 1, 1, 0}));
    QCOMPARE(out[1].strings(), (std::vector<std::string>{"a", "b", "c"}));
    QCOMPARE(std::vector<int64_t>(out[2].data<int64_t>(), out[2].data<int64_t>() + 2), (std::vector<int64_t>{2, 2}));
    QCOMPARE(out[3].shape(), (Shape{2, 1}));
    QCOMPARE(out[3].data<float>()[0], 2.5f);
    QCOMPARE(out[3].data<float>()[1], -1.0f);
    Tensor wrong = io::examplesFromText("[{'x': [1, 2]}]").value();
    Status bad = s->run({{"ser", wrong}}, {"pe:3"}, {}, &out);
    QVERIFY(!bad.ok());
    QVERIFY2(bad.message().find("Key: x. Data types don't match. Expected type: float.") != std::string::npos, bad.message().c_str());
}

void TestExec::testCancel() {
    // An endless While (cond always true) stops when cancelled from another thread.
    auto s = sessionFor(R"(
node { name: "t" op: "Const" attr { key: "dtype" value { type: DT_BOOL } } attr { key: "value" value { tensor { dtype: DT_BOOL tensor_shape {} bool_val: true } } } }
node { name: "w" op: "While" input: "t" attr { key: "cond" value { func { name: "id" } } } attr { key: "body" value { func { name: "id" } } }
       attr { key: "T" value { list { type: DT_BOOL } } } }
library { function { signature { name: "id" input_arg { name: "a" type: DT_BOOL } output_arg { name: "r" type: DT_BOOL } } ret { key: "r" value: "a" } } })");
    QVERIFY(s);
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        s->cancel();
    });
    std::vector<Tensor> out;
    Status st = s->run({}, {"w:0"}, {}, &out);
    canceller.join();
    QCOMPARE(st.code(), Status::Code::Cancelled);
}

void TestExec::testMemoryLimit() {
    SessionOptions opts;
    opts.memoryLimitBytes = 1000;
    auto s = sessionFor(R"(
node { name: "big" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 1000 } } float_val: 1 } } } }
node { name: "i" op: "Identity" input: "big" })", opts);
    QVERIFY(s);
    std::vector<Tensor> out;
    Status st = s->run({}, {"i:0"}, {}, &out);
    QCOMPARE(st.code(), Status::Code::ResourceExhausted);
    QCOMPARE(QString::fromStdString(st.message()),
             QStringLiteral("Node 'big' (Const): Live tensors need 4000 bytes; the memory limit is 1000 bytes."));
}

void TestExec::testCycleRejected() {
    auto s = sessionFor(R"(node { name: "a" op: "Identity" input: "b" } node { name: "b" op: "Identity" input: "a" })");
    QVERIFY(s);
    std::vector<Tensor> out;
    Status st = s->run({}, {"a:0"}, {}, &out);
    QCOMPARE(st.code(), Status::Code::InvalidArgument);
    QVERIFY2(st.message().find("cycle") != std::string::npos, st.message().c_str());
}

// tests/data/v1_loops (make_fixtures.py): TF1 control flow v1 while loops (a counter, a nested loop,
// tf.scan over a TensorArray) and TensorArray scatter/gather; values are TensorFlow's
// (expected_outputs.json).
void TestExec::testTf1WhileLoops() {
    auto model = ModelLoader::load(TFSCOPE_TEST_DATA "/v1_loops");
    QVERIFY2(model.ok(), model.status().toString().c_str());
    auto session = openModelSession(model.value(), {"serve"});
    QVERIFY2(session.ok(), session.status().toString().c_str());
    Session& s = *session.value();
    auto r = s.runSignature("serving_default", {{"n", Tensor::scalar<int32_t>(5)},
                                                {"x", Tensor::fromVector<float>({4}, {1.0f, 2.0f, -0.5f, 3.0f})}});
    QVERIFY2(r.ok(), r.status().toString().c_str());
    auto& out = r.value();
    QCOMPARE(out.at("count_sum").data<int32_t>()[0], 10);
    QCOMPARE(out.at("nested").data<int32_t>()[0], 35);
    QCOMPARE(out.at("ta_total").data<float>()[0], 15.0f);
    const Tensor& cum = out.at("cumprod");
    QCOMPARE(cum.shape(), Shape({4}));
    const std::vector<float> want{1.5f, 3.5f, -1.25f, -3.25f};
    for (int i = 0; i < 4; ++i) QCOMPARE(cum.data<float>()[i], want[size_t(i)]);
    QCOMPARE(out.at("cond_loop").data<int32_t>()[0], 30);  // 0 + 1 + 4 + 9 + 16
    // dynamic_rnn of a BasicRNNCell with fixed weights: its TensorArray loop, TF's values.
    const Tensor& rnn = out.at("rnn_out");
    QCOMPARE(rnn.shape(), Shape({1, 4, 2}));
    const std::vector<float> rnnWant{0.46211717f, -0.24491866f, 0.8896122f, -0.46429437f,
                                     0.50537407f, 0.12051376f, 0.95107049f, -0.58849454f};
    // float_compare.h's rule, K as tests/oracle/tolerance.py counts it for these outputs.
    const std::string rnnWhy = tfscope::testing::compareToReference(rnn, Tensor::fromVector<float>({1, 4, 2}, rnnWant), 102);
    QVERIFY2(rnnWhy.empty(), rnnWhy.c_str());
    QCOMPARE(out.at("rnn_state").shape(), Shape({1, 2}));
    const std::string stateWhy = tfscope::testing::compareToReference(
        out.at("rnn_state"), Tensor::fromVector<float>({1, 2}, {rnnWant[6], rnnWant[7]}), 82);
    QVERIFY2(stateWhy.empty(), stateWhy.c_str());

    // Zero iterations: the loops exit from iteration 0.
    auto z = s.runSignature("serving_default", {{"n", Tensor::scalar<int32_t>(0)}, {"x", Tensor::fromVector<float>({1}, {0.25f})}});
    QVERIFY2(z.ok(), z.status().toString().c_str());
    QCOMPARE(z.value().at("count_sum").data<int32_t>()[0], 0);
    QCOMPARE(z.value().at("nested").data<int32_t>()[0], 0);
    QCOMPARE(z.value().at("ta_total").data<float>()[0], 1.5f);
    QCOMPARE(z.value().at("cumprod").shape(), Shape({1}));
    QCOMPARE(z.value().at("cumprod").data<float>()[0], 0.75f);
    // The loop sits in the untaken branch of a cond: its frame sees only dead values, its Exit
    // leaves dead and the Merge takes the other branch.
    QCOMPARE(z.value().at("cond_loop").data<int32_t>()[0], -1);
    const std::vector<double> rnnZero{z.value().at("rnn_out").elementAsDouble(0)};
    QVERIFY(tfscope::testing::compareFloats(rnnZero, {0.12435301}, tfscope::testing::floatPrecision(DType::Float), 102).empty());
}

// tests/data/v1_tensor_arrays (make_fixtures.py): TensorArraySplitV3/ConcatV3/SizeV3/ReadV3 and
// StackV2/StackPushV2/StackPopV2; the values are TensorFlow's (expected_outputs.json).
void TestExec::testTf1TensorArraysAndStacks() {
    auto model = ModelLoader::load(TFSCOPE_TEST_DATA "/v1_tensor_arrays");
    QVERIFY2(model.ok(), model.status().toString().c_str());
    auto session = openModelSession(model.value(), {"serve"});
    QVERIFY2(session.ok(), session.status().toString().c_str());
    Session& s = *session.value();
    const Tensor x = Tensor::fromVector<float>({5, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    auto r = s.runSignature("serving_default", {{"x", x}, {"lengths", Tensor::fromVector<int64_t>({3}, {2, 1, 2})}});
    QVERIFY2(r.ok(), r.status().toString().c_str());
    const auto& out = r.value();
    QCOMPARE(out.at("ta_size").dtype(), DType::Int32);
    QCOMPARE(out.at("ta_size").data<int32_t>()[0], 3);
    QCOMPARE(out.at("piece1").shape(), Shape({1, 2}));
    QCOMPARE(out.at("piece1").data<float>()[0], 5.0f);
    QCOMPARE(out.at("piece1").data<float>()[1], 6.0f);
    QCOMPARE(out.at("concat").shape(), Shape({5, 2}));
    for (int i = 0; i < 10; ++i) QCOMPARE(out.at("concat").data<float>()[i], float(10 * (i + 1)));
    // Pushed 3 (row 0's sum) then 21 (row 1's sum times 3): popped last in, first out.
    QCOMPARE(out.at("popped").shape(), Shape({2}));
    QCOMPARE(out.at("popped").data<float>()[0], 21.0f);
    QCOMPARE(out.at("popped").data<float>()[1], 3.0f);

    // An empty piece: lengths [0, 3].
    std::vector<float> half{-0.5f, -1.0f, -1.5f, -2.0f, -2.5f, -3.0f};
    auto e = s.runSignature("serving_default", {{"x", Tensor::fromVector<float>({3, 2}, half)},
                                                {"lengths", Tensor::fromVector<int64_t>({2}, {0, 3})}});
    QVERIFY2(e.ok(), e.status().toString().c_str());
    QCOMPARE(e.value().at("ta_size").data<int32_t>()[0], 2);
    QCOMPARE(e.value().at("piece1").shape(), Shape({3, 2}));
    QCOMPARE(e.value().at("concat").shape(), Shape({3, 2}));
    for (int i = 0; i < 6; ++i) QCOMPARE(e.value().at("concat").data<float>()[i], half[size_t(i)] * 10.0f);
    QCOMPARE(e.value().at("popped").data<float>()[0], -10.5f);
    QCOMPARE(e.value().at("popped").data<float>()[1], -1.5f);

    auto loop = s.runSignature("loop_rows", {{"n", Tensor::scalar<int32_t>(4)}, {"m", Tensor::scalar<int32_t>(3)}});
    QVERIFY2(loop.ok(), loop.status().toString().c_str());
    const Tensor& rows = loop.value().at("rows_sum");
    QCOMPARE(rows.shape(), Shape({4}));
    for (int i = 0; i < 4; ++i) QCOMPARE(rows.data<float>()[i], float(3 * i));
}

// The memory cap holds on the frame (TF1 loop) path: a loop that writes a 4000-byte row per
// iteration into a TensorArray fails cleanly once the rows pass the cap, naming the node; the same
// session then runs a small loop, and an uncapped session runs the big one.
void TestExec::testLoopMemoryLimit() {
    auto model = ModelLoader::load(TFSCOPE_TEST_DATA "/v1_tensor_arrays");
    QVERIFY2(model.ok(), model.status().toString().c_str());
    SessionOptions capped;
    capped.memoryLimitBytes = 100000;
    auto session = openModelSession(model.value(), {"serve"}, capped);
    QVERIFY2(session.ok(), session.status().toString().c_str());
    Session& s = *session.value();
    auto big = s.runSignature("loop_rows", {{"n", Tensor::scalar<int32_t>(50)}, {"m", Tensor::scalar<int32_t>(1000)}});
    QVERIFY(!big.ok());
    QCOMPARE(big.status().code(), Status::Code::ResourceExhausted);
    const std::string msg = big.status().message();
    QVERIFY2(msg.find("node 'while/TensorArrayWrite/TensorArrayWriteV3' (TensorArrayWriteV3)") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("memory limit of 100000 bytes") != std::string::npos, msg.c_str());
    QCOMPARE(s.memory().live(), uint64_t(0));  // everything the failed run held is released

    auto small = s.runSignature("loop_rows", {{"n", Tensor::scalar<int32_t>(5)}, {"m", Tensor::scalar<int32_t>(1000)}});
    QVERIFY2(small.ok(), small.status().toString().c_str());
    QCOMPARE(small.value().at("rows_sum").data<float>()[4], 4000.0f);
    QVERIFY(s.memory().peak() >= 5 * 4000);  // the rows were counted
    QVERIFY(s.memory().peak() <= 100000);

    auto uncapped = openModelSession(model.value(), {"serve"});
    QVERIFY2(uncapped.ok(), uncapped.status().toString().c_str());
    auto all = uncapped.value()->runSignature("loop_rows", {{"n", Tensor::scalar<int32_t>(50)}, {"m", Tensor::scalar<int32_t>(1000)}});
    QVERIFY2(all.ok(), all.status().toString().c_str());
    QCOMPARE(all.value().at("rows_sum").data<float>()[49], 49000.0f);
}

// A SparseTensor signature input (coo_sparse): fed as components or as a dense tensor; the
// signature's dtype and dense shape are checked.
void TestExec::testSparseSignatureInputs() {
    auto mg = std::make_shared<tensorflow::MetaGraphDef>();
    const char* graph = R"(
node { name: "i" op: "Placeholder" attr { key: "dtype" value { type: DT_INT64 } } }
node { name: "v" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "s" op: "Placeholder" attr { key: "dtype" value { type: DT_INT64 } } }
node { name: "z" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: -1 } } } }
node { name: "d" op: "SparseToDense" input: "i" input: "s" input: "v" input: "z"
       attr { key: "T" value { type: DT_FLOAT } } attr { key: "Tindices" value { type: DT_INT64 } } }
)";
    QVERIFY(google::protobuf::TextFormat::ParseFromString(graph, mg->mutable_graph_def()));
    const char* sig = R"(
inputs { key: "sp" value { dtype: DT_FLOAT tensor_shape { dim { size: -1 } dim { size: 3 } }
         coo_sparse { values_tensor_name: "v:0" indices_tensor_name: "i:0" dense_shape_tensor_name: "s:0" } } }
outputs { key: "dense" value { name: "d:0" dtype: DT_FLOAT } }
)";
    QVERIFY(google::protobuf::TextFormat::ParseFromString(sig, &(*mg->mutable_signature_def())["sig"]));
    auto session = Session::create(mg);
    QVERIFY2(session.ok(), session.status().toString().c_str());
    Session& s = *session.value();
    auto specs = s.signatureInputs("sig");
    QVERIFY2(specs.ok(), specs.status().toString().c_str());
    QVERIFY(specs.value().at("sp").sparse);
    QCOMPARE(specs.value().at("sp").sparseNames.indices, std::string("i:0"));
    QCOMPARE(specs.value().at("sp").dtype, DType::Float);

    auto r = s.runSignature("sig", {{"sp.indices", Tensor::fromVector<int64_t>({2, 2}, {0, 1, 1, 2})},
                                    {"sp.values", Tensor::fromVector<float>({2}, {2.5f, 4.0f})},
                                    {"sp.dense_shape", Tensor::fromVector<int64_t>({2}, {2, 3})}});
    QVERIFY2(r.ok(), r.status().toString().c_str());
    const Tensor& d = r.value().at("dense");
    QCOMPARE(d.shape(), Shape({2, 3}));
    const std::vector<float> want{-1, 2.5f, -1, -1, -1, 4.0f};
    for (int k = 0; k < 6; ++k) QCOMPARE(d.data<float>()[k], want[size_t(k)]);

    // Dense: every element an entry.
    auto dense = s.runSignature("sig", {{"sp", Tensor::fromVector<float>({1, 3}, {0.0f, 7.0f, 8.0f})}});
    QVERIFY2(dense.ok(), dense.status().toString().c_str());
    QCOMPARE(dense.value().at("dense").shape(), Shape({1, 3}));
    QCOMPARE(dense.value().at("dense").data<float>()[0], 0.0f);
    QCOMPARE(dense.value().at("dense").data<float>()[2], 8.0f);

    auto wrongShape = s.runSignature("sig", {{"sp", Tensor::fromVector<float>({1, 2}, {1, 2})}});
    QCOMPARE(wrongShape.status().code(), Status::Code::InvalidArgument);
    QCOMPARE(QString::fromStdString(wrongShape.status().message()),
             QStringLiteral("Sparse input 'sp' of signature 'sig' must have dense shape [-1,3]; got [1,2]."));
    auto partial = s.runSignature("sig", {{"sp.values", Tensor::fromVector<float>({1}, {1})}});
    QCOMPARE(partial.status().code(), Status::Code::InvalidArgument);
    QVERIFY2(partial.status().message().find("needs all of 'sp.indices'") != std::string::npos, partial.status().message().c_str());
    auto outside = s.runSignature("sig", {{"sp.indices", Tensor::fromVector<int64_t>({1, 2}, {0, 3})},
                                          {"sp.values", Tensor::fromVector<float>({1}, {1})},
                                          {"sp.dense_shape", Tensor::fromVector<int64_t>({2}, {1, 3})}});
    QCOMPARE(outside.status().code(), Status::Code::InvalidArgument);
    QVERIFY2(outside.status().message().find("index 3 of entry 0 is outside dense shape [1,3]") != std::string::npos,
             outside.status().message().c_str());
    auto missing = s.runSignature("sig", {});
    QCOMPARE(QString::fromStdString(missing.status().message()), QStringLiteral("Missing input 'sp' for signature 'sig'."));
    auto wrongType = s.runSignature("sig", {{"sp", Tensor::fromVector<int32_t>({1, 3}, {1, 2, 3})}});
    QVERIFY2(wrongType.status().message().find("must have DT_FLOAT values; got DT_INT32") != std::string::npos,
             wrongType.status().message().c_str());
}

QTEST_GUILESS_MAIN(TestExec)
#include "tst_exec.moc"
