// FrameScheduler (model/exec/frame_scheduler.h) driven directly on small hand-built GraphDefs in
// the shape TF1's tf.while_loop / tf.cond write them: which node ran in which frame instance and
// iteration, and whether it ran dead (a step observer), the frames it entered, the values that come
// out, dead tensors reaching a Merge and a non-Merge op, and the bytes it holds.
#include "kernel_test_util.h"  // Eigen's thread pool before Qt's `signals` macro

#include <QtTest>

#include <google/protobuf/text_format.h>

#include <map>
#include <set>

#include "graph.pb.h"
#include "model/exec/exec_graph.h"
#include "model/exec/executor.h"
#include "model/exec/frame_scheduler.h"
#include "model/exec/function_library.h"
#include "model/exec/resource_manager.h"
#include "model/exec/run_state.h"

using namespace tfscope;
using namespace tfscope::exec;

namespace {

std::string constI32(const std::string& name, int v, const std::string& control = "") {
    return "node { name: '" + name + "' op: 'Const'" + (control.empty() ? "" : " input: '^" + control + "'") +
           " attr { key: 'dtype' value { type: DT_INT32 } }"
           " attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape {} int_val: " +
           std::to_string(v) + " } } } }\n";
}
std::string placeholder(const std::string& name, const char* dtype) {
    return "node { name: '" + name + "' op: 'Placeholder' attr { key: 'dtype' value { type: " + dtype + " } } }\n";
}
std::string node(const std::string& name, const std::string& op, std::initializer_list<std::string> inputs) {
    std::string s = "node { name: '" + name + "' op: '" + op + "'";
    for (const auto& i : inputs) s += " input: '" + i + "'";
    return s + " }\n";
}
std::string enter(const std::string& name, const std::string& input, const std::string& frame, bool constant = false) {
    return "node { name: '" + name + "' op: 'Enter' input: '" + input + "' attr { key: 'frame_name' value { s: '" + frame +
           "' } } attr { key: 'is_constant' value { b: " + (constant ? "true" : "false") + " } } }\n";
}

// One counter loop `prefix` over frame `prefix`: j = start; while j < limit: j += 1. `start` and
// `limit` are outside the frame (limit enters as a loop constant). Exit: prefix/Exit.
std::string counterLoop(const std::string& p, const std::string& start, const std::string& limit) {
    return enter(p + "/Enter", start, p) + enter(p + "/Enter_limit", limit, p, true) +
           node(p + "/Merge", "Merge", {p + "/Enter", p + "/NextIteration"}) +
           node(p + "/Less", "Less", {p + "/Merge", p + "/Enter_limit"}) + node(p + "/LoopCond", "LoopCond", {p + "/Less"}) +
           node(p + "/Switch", "Switch", {p + "/Merge", p + "/LoopCond"}) + node(p + "/Identity", "Identity", {p + "/Switch:1"}) +
           constI32(p + "/one", 1, p + "/Identity") + node(p + "/add", "AddV2", {p + "/Identity", p + "/one"}) +
           node(p + "/NextIteration", "NextIteration", {p + "/add"}) + node(p + "/Exit", "Exit", {p + "/Switch:0"});
}

// A GraphDef, its ExecGraph and everything a run needs (kernels only from the executor's table).
struct Fixture {
    tensorflow::GraphDef def;
    std::unique_ptr<FunctionLibrary> library;
    std::shared_ptr<const ExecGraph> graph;
    ResourceManager resources;
    MemoryTracker memory;
    std::atomic<bool> cancelled{false};
    RunState state;

    explicit Fixture(const std::string& text) {
        if (!google::protobuf::TextFormat::ParseFromString(text, &def)) qFatal("bad graph text");
        library = std::make_unique<FunctionLibrary>(def.library());
        auto g = ExecGraph::fromGraphDef(def, library.get(), false);
        if (!g.ok()) qFatal("%s", g.status().toString().c_str());
        graph = g.value();
        state.resources = &resources;
        state.device = &testing::testDevice();
        state.library = library.get();
        state.cancelled = &cancelled;
        state.memory = &memory;
    }
    int id(const std::string& name) const { return graph->find(name); }
    Endpoint at(const std::string& name) const { return graph->endpoint(name).value(); }
    Feed feed(const std::string& name, Tensor t) const { return Feed{at(name), std::move(t)}; }
    std::vector<int> plan(const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches,
                          const std::vector<int>& targets = {}) const {
        auto order = Executor::plan(*graph, feeds, fetches, targets);
        if (!order.ok()) qFatal("%s", order.status().toString().c_str());
        return order.value();
    }
};

// The steps an observer saw, by node name.
struct Trace {
    std::vector<FrameScheduler::Step> steps;
    const Fixture* f = nullptr;
    std::vector<FrameScheduler::Step> of(const std::string& name) const {
        std::vector<FrameScheduler::Step> out;
        for (const auto& s : steps)
            if (s.node == f->id(name)) out.push_back(s);
        return out;
    }
    int live(const std::string& name) const {
        int n = 0;
        for (const auto& s : of(name)) n += s.dead ? 0 : 1;
        return n;
    }
};

}  // namespace

class TestFrameScheduler : public QObject {
    Q_OBJECT
private slots:
    void testWhileLoopIterations_data();
    void testWhileLoopIterations();
    void testCondDeadBranchReachesMerge();
    void testNestedLoops();
    void testDeadTensorReachesOrdinaryOp();
    void testHeldBytesReleased();
};

void TestFrameScheduler::testWhileLoopIterations_data() {
    QTest::addColumn<int>("n");
    QTest::newRow("five") << 5;
    QTest::newRow("one") << 1;
    QTest::newRow("zero") << 0;
}

// i = 0; while i < n: i += 1. The body runs n times in iterations 0..n-1 of one frame; the
// condition n + 1 times; Exit sees n dead values and one live one, in iteration n.
void TestFrameScheduler::testWhileLoopIterations() {
    QFETCH(int, n);
    Fixture f(constI32("zero", 0) + placeholder("n", "DT_INT32") + counterLoop("w", "zero", "n"));
    FrameScheduler s(*f.graph, f.state);
    Trace trace{{}, &f};
    s.setStepObserver([&](const FrameScheduler::Step& st) { trace.steps.push_back(st); });
    std::vector<Feed> feeds{f.feed("n", Tensor::scalar<int32_t>(n))};
    std::vector<Endpoint> fetches{f.at("w/Exit")};
    std::vector<Tensor> out;
    Status st = s.run(f.plan(feeds, fetches), feeds, fetches, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out.size(), size_t(1));
    QCOMPARE(out[0].data<int32_t>()[0], n);

    const auto adds = trace.of("w/add");
    QCOMPARE(int(adds.size()), n + 1);  // the last one dead: the loop ended
    for (int i = 0; i < n; ++i) {
        QCOMPARE(adds[size_t(i)].frame, 1);
        QCOMPARE(adds[size_t(i)].iteration, i);
        QVERIFY(!adds[size_t(i)].dead);
    }
    QVERIFY(adds.back().dead);
    QCOMPARE(trace.live("w/Less"), n + 1);
    const auto exits = trace.of("w/Exit");
    QCOMPARE(int(exits.size()), n + 1);
    QCOMPARE(trace.live("w/Exit"), 1);
    QCOMPARE(exits.back().iteration, n);
    QCOMPARE(trace.live("w/NextIteration"), n);
    // The Merge runs once per started iteration; iteration n + 1 is never started.
    QCOMPARE(int(trace.of("w/Merge").size()), n + 1);

    const auto frames = s.frames();
    QCOMPARE(frames.size(), size_t(2));
    QCOMPARE(frames[0].parent, -1);
    QCOMPARE(frames[1].name, std::string("w"));
    QCOMPARE(frames[1].parent, 0);
    QCOMPARE(frames[1].parentIter, 0);
    QCOMPARE(frames[1].lastIter, n);
}

// tf.cond by hand: Switch(x, p) -> Identity on the true side, Neg on the false side -> Merge. The
// untaken side runs dead (its kernel does not run), the Merge takes the live input and says which.
// The scheduler and Executor's ordered pass (no loop here) agree.
void TestFrameScheduler::testCondDeadBranchReachesMerge() {
    Fixture f(placeholder("x", "DT_FLOAT") + placeholder("p", "DT_BOOL") + node("sw", "Switch", {"x", "p"}) +
              node("t", "Identity", {"sw:1"}) + node("neg", "Neg", {"sw:0"}) + node("m", "Merge", {"neg", "t"}));
    const std::vector<Endpoint> fetches{f.at("m:0"), f.at("m:1")};
    for (bool p : {true, false}) {
        std::vector<Feed> feeds{f.feed("x", Tensor::fromVector<float>({2}, {1.5f, -4.0f})), f.feed("p", Tensor::scalar<bool>(p))};
        FrameScheduler s(*f.graph, f.state);
        Trace trace{{}, &f};
        s.setStepObserver([&](const FrameScheduler::Step& st) { trace.steps.push_back(st); });
        std::vector<Tensor> out;
        Status st = s.run(f.plan(feeds, fetches), feeds, fetches, &out);
        QVERIFY2(st.ok(), st.toString().c_str());
        const float sign = p ? 1.0f : -1.0f;
        QCOMPARE(out[0].data<float>()[0], sign * 1.5f);
        QCOMPARE(out[0].data<float>()[1], sign * -4.0f);
        QCOMPARE(out[1].data<int32_t>()[0], p ? 1 : 0);
        QCOMPARE(trace.of("neg").size(), size_t(1));
        QCOMPARE(trace.of("neg")[0].dead, p);
        QCOMPARE(trace.of("t")[0].dead, !p);
        QCOMPARE(trace.of("m")[0].dead, false);
        QCOMPARE(s.frames().size(), size_t(1));  // no loop: everything in frame 0

        Executor ex(*f.graph, f.state);
        std::vector<Tensor> ordered;
        Status os = ex.run(feeds, fetches, {}, &ordered);
        QVERIFY2(os.ok(), os.toString().c_str());
        QCOMPARE(ordered[0].data<float>()[1], out[0].data<float>()[1]);
        QCOMPARE(ordered[1].data<int32_t>()[0], out[1].data<int32_t>()[0]);
    }
}

// for i in range(m): acc += (j counted from 0 to n by an inner loop). Each outer iteration enters
// its own inner frame instance; the last outer iteration (i == m) enters one with only dead
// values, whose Exit leaves dead once nothing else can run.
void TestFrameScheduler::testNestedLoops() {
    const std::string outer = constI32("zero", 0) + placeholder("m", "DT_INT32") + placeholder("n", "DT_INT32") +
                              enter("o/Enter_i", "zero", "o") + enter("o/Enter_acc", "zero", "o") +
                              enter("o/Enter_m", "m", "o", true) + enter("o/Enter_n", "n", "o", true) +
                              node("o/Merge_i", "Merge", {"o/Enter_i", "o/Next_i"}) +
                              node("o/Merge_acc", "Merge", {"o/Enter_acc", "o/Next_acc"}) +
                              node("o/Less", "Less", {"o/Merge_i", "o/Enter_m"}) + node("o/LoopCond", "LoopCond", {"o/Less"}) +
                              node("o/Switch_i", "Switch", {"o/Merge_i", "o/LoopCond"}) +
                              node("o/Switch_acc", "Switch", {"o/Merge_acc", "o/LoopCond"}) +
                              node("o/Id_i", "Identity", {"o/Switch_i:1"}) + node("o/Id_acc", "Identity", {"o/Switch_acc:1"}) +
                              constI32("o/one", 1, "o/Id_i") + constI32("o/zero", 0, "o/Id_i") +
                              counterLoop("in", "o/zero", "o/Enter_n") + node("o/add_i", "AddV2", {"o/Id_i", "o/one"}) +
                              node("o/add_acc", "AddV2", {"o/Id_acc", "in/Exit"}) + node("o/Next_i", "NextIteration", {"o/add_i"}) +
                              node("o/Next_acc", "NextIteration", {"o/add_acc"}) + node("o/Exit_i", "Exit", {"o/Switch_i:0"}) +
                              node("o/Exit_acc", "Exit", {"o/Switch_acc:0"});
    Fixture f(outer);
    const int m = 3, n = 4;
    FrameScheduler s(*f.graph, f.state);
    Trace trace{{}, &f};
    s.setStepObserver([&](const FrameScheduler::Step& st) { trace.steps.push_back(st); });
    std::vector<Feed> feeds{f.feed("m", Tensor::scalar<int32_t>(m)), f.feed("n", Tensor::scalar<int32_t>(n))};
    std::vector<Endpoint> fetches{f.at("o/Exit_acc"), f.at("o/Exit_i")};
    std::vector<Tensor> out;
    Status st = s.run(f.plan(feeds, fetches), feeds, fetches, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out[0].data<int32_t>()[0], m * n);
    QCOMPARE(out[1].data<int32_t>()[0], m);

    const auto frames = s.frames();
    QCOMPARE(frames.size(), size_t(1 + 1 + m + 1));  // graph, outer, m live inner instances, one dead
    QCOMPARE(frames[1].name, std::string("o"));
    QCOMPARE(frames[1].lastIter, m);
    std::map<int, int> innerLive;  // inner frame -> live body runs
    for (const auto& step : trace.of("in/add"))
        if (!step.dead) ++innerLive[step.frame];
    QCOMPARE(int(innerLive.size()), m);
    std::set<int> parentIters;
    for (const auto& [frame, count] : innerLive) {
        QCOMPARE(count, n);
        const auto& info = frames[size_t(frame)];
        QCOMPARE(info.name, std::string("in"));
        QCOMPARE(info.parent, 1);
        QCOMPARE(info.lastIter, n);
        parentIters.insert(info.parentIter);
    }
    QCOMPARE(parentIters, (std::set<int>{0, 1, 2}));
    // The inner frame entered from the outer loop's last iteration saw only dead values.
    const auto& last = frames.back();
    QCOMPARE(last.parentIter, m);
    QCOMPARE(last.lastIter, 0);
    QCOMPARE(trace.live("o/add_acc"), m);
    // ... and its Exit left dead, so the outer body's last add ran (dead) too.
    QCOMPARE(int(trace.of("o/add_acc").size()), m + 1);
    QCOMPARE(int(trace.of("o/Next_acc").size()), m + 1);
}

// A dead tensor reaching an ordinary op: the op's outputs are dead and its kernel never runs (a
// Reshape that would fail), a control edge from a dead node makes its consumer dead, and a dead
// fetch is an error naming the tensor. ControlTrigger runs on a dead control input.
void TestFrameScheduler::testDeadTensorReachesOrdinaryOp() {
    Fixture f(placeholder("x", "DT_FLOAT") + placeholder("p", "DT_BOOL") + constI32("seven", 7) +
              node("sw", "Switch", {"x", "p"}) + node("bad", "Reshape", {"sw:1", "seven"}) +
              node("after", "Identity", {"x", "^bad"}) + node("trigger", "ControlTrigger", {"^bad"}) +
              node("ok", "Identity", {"sw:0"}));
    std::vector<Feed> feeds{f.feed("x", Tensor::fromVector<float>({2}, {1.0f, 2.0f})), f.feed("p", Tensor::scalar<bool>(false))};
    {
        FrameScheduler s(*f.graph, f.state);
        Trace trace{{}, &f};
        s.setStepObserver([&](const FrameScheduler::Step& st) { trace.steps.push_back(st); });
        std::vector<Endpoint> fetches{f.at("ok")};
        std::vector<Tensor> out;
        Status st = s.run(f.plan(feeds, fetches, {f.id("bad"), f.id("after"), f.id("trigger")}), feeds, fetches, &out);
        QVERIFY2(st.ok(), st.toString().c_str());
        QCOMPARE(out[0].data<float>()[1], 2.0f);
        QVERIFY(trace.of("bad")[0].dead);
        QVERIFY(trace.of("after")[0].dead);
        QVERIFY(trace.of("trigger")[0].dead);  // ran on a dead control input; its own output is live
    }
    for (const char* fetch : {"bad", "after"}) {
        FrameScheduler s(*f.graph, f.state);
        std::vector<Endpoint> fetches{f.at(fetch)};
        std::vector<Tensor> out;
        Status st = s.run(f.plan(feeds, fetches), feeds, fetches, &out);
        QCOMPARE(st.code(), Status::Code::InvalidArgument);
        QCOMPARE(QString::fromStdString(st.message()),
                 QStringLiteral("Fetched tensor '%1:0' is dead (its conditional branch was not taken).").arg(fetch));
    }
    // Live: the Reshape runs and fails, naming its node.
    FrameScheduler s(*f.graph, f.state);
    std::vector<Feed> live{feeds[0], f.feed("p", Tensor::scalar<bool>(true))};
    std::vector<Endpoint> fetches{f.at("bad")};
    std::vector<Tensor> out;
    Status st = s.run(f.plan(live, fetches), live, fetches, &out);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().rfind("Node 'bad' (Reshape): ", 0) == 0, st.message().c_str());
}

// The fetched values stay counted against the run's tracker until the scheduler goes.
void TestFrameScheduler::testHeldBytesReleased() {
    Fixture f(placeholder("x", "DT_FLOAT") + placeholder("n", "DT_INT32") + constI32("zero", 0) + counterLoop("w", "zero", "n") +
              node("sq", "Square", {"x"}));
    std::vector<Feed> feeds{f.feed("n", Tensor::scalar<int32_t>(3)), f.feed("x", Tensor::fromVector<float>({256}, std::vector<float>(256, 2.0f)))};
    std::vector<Endpoint> fetches{f.at("w/Exit"), f.at("sq")};
    {
        FrameScheduler s(*f.graph, f.state);
        std::vector<Tensor> out;
        Status st = s.run(f.plan(feeds, fetches), feeds, fetches, &out);
        QVERIFY2(st.ok(), st.toString().c_str());
        QCOMPARE(out[1].data<float>()[255], 4.0f);
        QCOMPARE(s.heldBytes(), uint64_t(4 + 256 * 4 + 4));  // the two fetched values and the loop constant n
        QCOMPARE(f.memory.live(), s.heldBytes());
    }
    QCOMPARE(f.memory.live(), uint64_t(0));
}

QTEST_GUILESS_MAIN(TestFrameScheduler)
#include "tst_frame_scheduler.moc"
