// The fused Keras LSTM loop (model/exec/lstm_loop.h, model/kernels/lstm_sequence.h) on a Keras 3
// export (tests/data/keras3_lstm, tests/oracle/make_lstm_fixtures.py): outputs within tolerance of
// TensorFlow 2.21's with the fusion on and off, at batch 16 (rows shared by two threads), 9 (rows on
// one thread), 2 and 1 (steps in chunks of units), on one and two threads, the fused path really
// taken, at 16 and 9 also with the input projection up front instead of the stacked weights (the
// path larger layers take), which sums in another order; what the matcher finds in the real loops (a
// sequence written at the time counter, the last layer's h at index 0, the bounds); and loops it
// must leave alone (a different comparison, a transposed product, another activation, a counter
// stepping by 2); a loop that the fused layer declines at run time (its x list too short) giving the
// loop's own error.
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

#include "float_compare.h"
#include "function.pb.h"
#include "graph.pb.h"
#include "meta_graph.pb.h"
#include "model/exec/exec_graph.h"
#include "model/exec/function_library.h"
#include "model/exec/lstm_loop.h"
#include "model/exec/model_session.h"
#include "model/exec/session.h"
#include "model/kernels/lstm_sequence.h"
#include "model/kernels/sgemm.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "node_def.pb.h"
#include "tensor.pb.h"

using namespace tfscope;
using namespace tfscope::exec;

namespace {

constexpr const char* kFixture = TFSCOPE_TEST_DATA "/keras3_lstm";
// Products summed into an output over all steps: 6 * (3 + 5) + 6 * (5 + 4) + 4.
constexpr int64_t kK = 6 * (3 + 5) + 6 * (5 + 4) + 4;

Tensor toTensor(const nlohmann::json& shape, const nlohmann::json& values) {
    Shape s;
    for (const auto& d : shape) s.push_back(d.get<int64_t>());
    Tensor t(DType::Float, s);
    for (size_t i = 0; i < values.size(); ++i) t.mutableData<float>()[i] = values[i].get<float>();
    return t;
}

// The first `rows` rows (dimension 0) of t.
Tensor firstRows(const Tensor& t, int64_t rows) {
    Shape s = t.shape();
    const int64_t per = t.numElements() / s[0];
    s[0] = rows;
    Tensor out(DType::Float, s);
    std::copy(t.data<float>(), t.data<float>() + rows * per, out.mutableData<float>());
    return out;
}

struct Loop {
    std::string body, cond;
};

// The (body, cond) of every While in the library's functions.
std::vector<Loop> loopsOf(const tensorflow::FunctionDefLibrary& lib) {
    std::vector<Loop> out;
    for (const auto& f : lib.function())
        for (const auto& n : f.node_def())
            if (n.op() == "While" || n.op() == "StatelessWhile") out.push_back({n.attr().at("body").func().name(), n.attr().at("cond").func().name()});
    return out;
}

const tensorflow::FunctionDef* findFunction(const tensorflow::FunctionDefLibrary& lib, const std::string& name) {
    for (const auto& f : lib.function())
        if (f.signature().name() == name) return &f;
    return nullptr;
}

}  // namespace

class TestLstmLoop : public QObject {
    Q_OBJECT
private slots:
    void testMatchesTensorFlow_data();
    void testMatchesTensorFlow();
    void testRunTimeFallback();
    void testMatchOfKerasLoops();
    void testLoopsLeftAlone();
    void cleanup() { setLstmLoopFusionEnabled(true); }
};

void TestLstmLoop::testMatchesTensorFlow_data() {
    QTest::addColumn<int>("batch");
    QTest::addColumn<bool>("fused");
    QTest::addColumn<int>("threads");
    QTest::addColumn<bool>("stacked");
    for (int batch : {16, 9, 2, 1}) {
        for (int threads : {2, 1}) QTest::addRow("batch %d fused, %d threads", batch, threads) << batch << true << threads << true;
        if (batch >= 8) QTest::addRow("batch %d fused, projection first", batch) << batch << true << 2 << false;
        QTest::addRow("batch %d step by step", batch) << batch << false << 2 << true;
    }
}

void TestLstmLoop::testMatchesTensorFlow() {
    QFETCH(int, batch);
    QFETCH(bool, fused);
    QFETCH(int, threads);
    QFETCH(bool, stacked);
    if (fused && !kernels::packedSgemmAvailable()) QSKIP("The fused LSTM layer needs the AVX2 packed GEMM.");
    std::ifstream f(std::string(kFixture) + "/expected_outputs.json");
    QVERIFY(f.good());
    const nlohmann::json expected = nlohmann::json::parse(f);
    const Tensor x = firstRows(toTensor(expected["input_shape"], expected["input"]), batch);
    setLstmLoopFusionEnabled(fused);
    auto model = ModelLoader::load(kFixture);
    QVERIFY2(model.ok(), model.status().toString().c_str());
    SessionOptions options;
    options.numThreads = threads;
    auto session = openModelSession(model.value(), {"serve"}, options);
    QVERIFY2(session.ok(), session.status().toString().c_str());
    const long long before = fusedLstmLoopRuns();
    auto runOnce = [&] { return session.value()->runSignature("serving_default", {{expected["input_key"].get<std::string>(), x}}); };
    if (!stacked) kernels::setLstmStackedMaxBytes(0);
    auto r = runOnce();
    kernels::setLstmStackedMaxBytes(uint64_t(1) << 20);
    QVERIFY2(r.ok(), r.status().toString().c_str());
    QCOMPARE(fusedLstmLoopRuns() - before, fused ? 2LL : 0LL);  // both layers, or neither
    if (!stacked) {                                             // the other path sums in another order: some bits differ
        auto other = runOnce();
        QVERIFY2(other.ok(), other.status().toString().c_str());
        bool differs = false;
        for (const auto& [key, value] : r.value()) differs = differs || !value.sameContent(other.value().at(key));
        QVERIFY(differs);
    }
    QCOMPARE(int(r.value().size()), 2);
    for (const auto& [key, want] : expected["outputs"].items()) {
        const Tensor ref = firstRows(toTensor(want["shape"], want["values"]), batch);
        QVERIFY2(r.value().count(key), key.c_str());
        const std::string why = testing::compareToReference(r.value().at(key), ref, kK);
        QVERIFY2(why.empty(), (key + ": " + why).c_str());
    }
}

// The loop's bound is the constant 6 (Keras 3 writes the steps it was built for), fed below the
// signature's shape check: with 8 steps of x the fused layer runs 6 of them, as the loop does;
// with 4 the loop would read past the x list, so the fused layer declines at run time and the
// loop's own error comes out, the same as step by step.
void TestLstmLoop::testRunTimeFallback() {
    if (!kernels::packedSgemmAvailable()) QSKIP("The fused LSTM layer needs the AVX2 packed GEMM.");
    auto model = ModelLoader::load(kFixture);
    QVERIFY2(model.ok(), model.status().toString().c_str());
    auto run = [&](int steps, bool fused, std::vector<Tensor>* out) {
        setLstmLoopFusionEnabled(fused);
        Tensor x(DType::Float, {2, steps, 3});
        for (int64_t i = 0; i < x.numElements(); ++i) x.mutableData<float>()[i] = float(std::sin(0.3 * double(i)));
        auto session = openModelSession(model.value(), {"serve"});
        if (!session.ok()) return session.status();
        return session.value()->run({{"serving_default_x:0", x}}, {"StatefulPartitionedCall_1:0", "StatefulPartitionedCall_1:1"}, {}, out);
    };
    std::vector<Tensor> fused, plain;
    long long before = fusedLstmLoopRuns();
    Status s = run(8, true, &fused);
    QVERIFY2(s.ok(), s.toString().c_str());
    QCOMPARE(fusedLstmLoopRuns() - before, 2LL);
    s = run(8, false, &plain);
    QVERIFY2(s.ok(), s.toString().c_str());
    QCOMPARE(fused.at(1).shape(), (Shape{2, 6, 5}));  // the sequence of the 6 steps the loop runs
    for (size_t i = 0; i < 2; ++i) {
        const std::string why = testing::compareToReference(fused[i], plain[i], kK);
        QVERIFY2(why.empty(), why.c_str());
    }
    before = fusedLstmLoopRuns();
    Status fusedError = run(4, true, &fused);
    QCOMPARE(fusedLstmLoopRuns() - before, 0LL);
    Status plainError = run(4, false, &plain);
    QVERIFY(!fusedError.ok() && !plainError.ok());
    QVERIFY2(fusedError.message().find("Trying to access element 4 in a list with 4 elements") != std::string::npos, fusedError.toString().c_str());
    QCOMPARE(QString::fromStdString(fusedError.message()), QString::fromStdString(plainError.message()));
}

void TestLstmLoop::testMatchOfKerasLoops() {
    auto model = ModelLoader::load(kFixture);
    QVERIFY2(model.ok(), model.status().toString().c_str());
    const auto& lib = model.value()->metaGraph(0).graph_def().library();
    FunctionLibrary library(lib);
    const std::vector<Loop> loops = loopsOf(lib);
    QCOMPARE(int(loops.size()), 2);
    int sequences = 0, lastOnly = 0;
    for (const Loop& loop : loops) {
        auto body = library.graph(loop.body);
        auto cond = library.graph(loop.cond);
        QVERIFY(body.ok() && cond.ok());
        auto m = matchLstmLoop(*cond.value(), *body.value());
        QVERIFY2(m, loop.body.c_str());
        // Keras 3's loop variables: counter, maximum, time, output list, h, c, the x list, W, U, b.
        QCOMPARE(int(m->roles.size()), 10);
        QCOMPARE(m->time, 2);
        QCOMPARE(m->output, 3);
        QCOMPARE(m->h, 4);
        QCOMPARE(m->c, 5);
        QCOMPARE(m->inputs, 6);
        QVERIFY(m->kernelIsVariable && m->recurrentIsVariable && m->biasIsVariable);
        QCOMPARE(m->roles[0], LstmLoopMatch::Role::Counter);
        QCOMPARE(m->roles[1], LstmLoopMatch::Role::Invariant);
        // Keras orders the gates i, f, g (tanh), o.
        for (int k = 0; k < 4; ++k) QCOMPARE(m->gateOffsetQuarters[k], (long long)k);
        // time < 6 (the steps) and counter < maximum.
        QCOMPARE(int(m->bounds.size()), 2);
        bool timeBound = false, counterBound = false;
        for (const auto& b : m->bounds) {
            timeBound |= b.counter == 2 && b.variable < 0 && b.value == 6;
            counterBound |= b.counter == 0 && b.variable == 1;
        }
        QVERIFY(timeBound && counterBound);
        (m->writeIndex < 0 ? sequences : lastOnly) += 1;
        if (m->writeIndex >= 0) QCOMPARE(m->writeIndex, 0LL);
    }
    QCOMPARE(sequences, 1);  // lstm_a: return_sequences
    QCOMPARE(lastOnly, 1);   // lstm_b: only the last h
}

void TestLstmLoop::testLoopsLeftAlone() {
    auto model = ModelLoader::load(kFixture);
    QVERIFY2(model.ok(), model.status().toString().c_str());
    const auto& lib = model.value()->metaGraph(0).graph_def().library();
    FunctionLibrary library(lib);
    const Loop loop = loopsOf(lib).at(0);
    const tensorflow::FunctionDef* body = findFunction(lib, loop.body);
    const tensorflow::FunctionDef* cond = findFunction(lib, loop.cond);
    QVERIFY(body && cond);
    auto match = [&](const tensorflow::FunctionDef& c, const tensorflow::FunctionDef& b) {
        auto cg = ExecGraph::fromFunction(c, &library, true);
        auto bg = ExecGraph::fromFunction(b, &library, true);
        return cg.ok() && bg.ok() && matchLstmLoop(*cg.value(), *bg.value()) != nullptr;
    };
    QVERIFY(match(*cond, *body));  // as written
    // An unfused body (TFSCOPE_FUSION=0): no _TfsLstmCell, no match.
    {
        auto cg = ExecGraph::fromFunction(*cond, &library, false);
        auto bg = ExecGraph::fromFunction(*body, &library, false);
        QVERIFY(cg.ok() && bg.ok());
        QVERIFY(!matchLstmLoop(*cg.value(), *bg.value()));
    }
    auto edited = [](const tensorflow::FunctionDef& f, const std::function<void(tensorflow::NodeDef&)>& edit) {
        tensorflow::FunctionDef copy = f;
        for (auto& n : *copy.mutable_node_def()) edit(n);
        return copy;
    };
    // time <= bound
    QVERIFY(!match(edited(*cond, [](tensorflow::NodeDef& n) { if (n.op() == "Less") n.set_op("LessEqual"); }), *body));
    // h * U^T
    QVERIFY(!match(*cond, edited(*body, [](tensorflow::NodeDef& n) {
        if (n.op() == "MatMul") (*n.mutable_attr())["transpose_b"].set_b(true);
    })));
    // Another activation (Keras' activation="relu"): the cell does not fuse.
    QVERIFY(!match(*cond, edited(*body, [](tensorflow::NodeDef& n) { if (n.op() == "Tanh") n.set_op("Relu"); })));
    // Counters stepping by 2.
    QVERIFY(!match(*cond, edited(*body, [](tensorflow::NodeDef& n) {
        if (n.op() == "Const" && n.name().size() > 6 && n.name().substr(n.name().size() - 6) == "/add/y") {
            auto* t = (*n.mutable_attr())["value"].mutable_tensor();
            t->clear_tensor_content();
            t->clear_int_val();
            t->add_int_val(2);
        }
    })));
}

QTEST_GUILESS_MAIN(TestLstmLoop)
#include "tst_lstm_loop.moc"
