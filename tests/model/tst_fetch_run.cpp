// Feeds and fetches by tensor name (model/exec/fetch_run.h) on graphs without signatures: the
// TF-made fixtures in tests/data/fetch (TensorFlow's sess.run values recorded by
// tests/oracle/make_fetch_fixtures.py) and the shared real models (values from MANIFEST.md).
#include <QtTest>

#include <cmath>
#include <fstream>
#include <set>
#include <nlohmann/json.hpp>

#include "graph.pb.h"
#include "meta_graph.pb.h"
#include "model/exec/fetch_run.h"
#include "model/exec/kernel.h"
#include "model/exec/model_session.h"
#include "model/exec/session.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "shared_models.h"

using namespace tfscope;
using namespace tfscope::exec;
using json = nlohmann::json;

namespace {

std::string fixture(const std::string& rel) { return std::string(TFSCOPE_TEST_DATA) + "/fetch/" + rel; }
std::string shared(const std::string& rel) { return std::string(TFSCOPE_SHARED_MODELS) + "/" + rel; }

std::unique_ptr<Session> open(const std::string& path) {
    auto model = ModelLoader::load(path);
    if (!model.ok()) {
        qWarning("%s", model.status().toString().c_str());
        return nullptr;
    }
    auto s = openModelSession(model.value(), {"serve"});
    if (!s.ok()) {
        qWarning("%s", s.status().toString().c_str());
        return nullptr;
    }
    return std::move(s).value();
}

Tensor floats(const json& j) {
    std::vector<float> v;
    for (const auto& x : j.at("values")) v.push_back(x.get<float>());
    return Tensor::fromVector<float>(j.at("shape").get<Shape>(), v);
}

// |got - want| <= rtol * max|want| * sqrt(K) elementwise (K: the longest reduction, 8 here).
QString mismatch(const Tensor& got, const Tensor& want, double rtol = 1e-6, double k = 8) {
    if (got.shape() != want.shape())
        return QString::fromStdString("shape " + shapeToString(got.shape()) + " vs " + shapeToString(want.shape()));
    double scale = 0;
    for (int64_t i = 0; i < want.numElements(); ++i) scale = std::max(scale, std::abs(want.elementAsDouble(i)));
    const double tol = rtol * std::max(scale, 1e-30) * std::sqrt(k);
    for (int64_t i = 0; i < want.numElements(); ++i)
        if (std::abs(got.elementAsDouble(i) - want.elementAsDouble(i)) > tol)
            return QStringLiteral("element %1: %2 vs %3").arg(i).arg(got.elementAsDouble(i)).arg(want.elementAsDouble(i));
    return {};
}

tensorflow::GraphDef placeholderGraph(int producer, bool withOutputShapes) {
    tensorflow::GraphDef g;
    g.mutable_versions()->set_producer(producer);
    auto* n = g.add_node();
    n->set_name("x");
    n->set_op("Placeholder");
    (*n->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
    (*n->mutable_attr())["shape"].mutable_shape();  // shape {}
    if (withOutputShapes) {
        auto* s = (*n->mutable_attr())["_output_shapes"].mutable_list()->add_shape();
        s->add_dim()->set_size(-1);
        s->add_dim()->set_size(3);
    }
    return g;
}

}  // namespace

class TestFetchRun : public QObject {
    Q_OBJECT
private slots:
    void testFixturesMatchTensorFlow_data();
    void testFixturesMatchTensorFlow();
    void testSaverGraphRestoresCheckpointAndSkipsTraining();
    void testFeedCutsGraph();
    void testFeedErrorsNameTensorAndShapes();
    void testOldProducerShapeRule();
    void testCanonicalAndFileSafeNames();
    void testPlaceholderList();
    void testSharedFrozenAndMeta();
    void testSignatureWithIntermediates();
    void testCancelIsPerRun();
    void testEvaluateNode();
};

void TestFetchRun::testFixturesMatchTensorFlow_data() {
    QTest::addColumn<QString>("folder");
    QTest::addColumn<int>("index");
    for (const char* f : {"frozen", "saver", "quantized"}) {
        std::ifstream in(fixture(std::string(f) + "/expected_fetches.json"));
        QVERIFY(in);
        const json doc = json::parse(in);
        for (size_t i = 0; i < doc.at("cases").size(); ++i)
            QTest::newRow((std::string(f) + "#" + std::to_string(i)).c_str()) << QString(f) << int(i);
    }
}

void TestFetchRun::testFixturesMatchTensorFlow() {
    QFETCH(QString, folder);
    QFETCH(int, index);
    std::ifstream in(fixture(folder.toStdString() + "/expected_fetches.json"));
    const json c = json::parse(in).at("cases").at(size_t(index));
    auto s = open(fixture(folder.toStdString() + "/" + c.at("path").get<std::string>()));
    QVERIFY(s);
    std::vector<std::pair<std::string, Tensor>> feeds;
    for (const auto& [name, t] : c.at("feeds").items()) feeds.push_back({name, floats(t)});
    std::vector<std::string> fetches;
    std::vector<Tensor> want;
    for (const auto& [name, t] : c.at("fetches").items()) {
        fetches.push_back(name);
        want.push_back(floats(t));
    }
    auto out = runFetches(*s, feeds, fetches);
    QVERIFY2(out.ok(), out.status().toString().c_str());
    for (size_t i = 0; i < fetches.size(); ++i) {
        const QString m = mismatch(out.value()[i], want[i]);
        QVERIFY2(m.isEmpty(), qPrintable(QString::fromStdString(fetches[i]) + ": " + m));
    }
}

void TestFetchRun::testSaverGraphRestoresCheckpointAndSkipsTraining() {
    // The .meta holds Adam, gradients, a summary and a tf.data pipeline; inference needs none.
    auto model = ModelLoader::load(fixture("saver/model.ckpt.meta"));
    QVERIFY2(model.ok(), model.status().toString().c_str());
    std::set<std::string> ops;
    for (const auto& n : model.value()->metaGraph(0).graph_def().node()) ops.insert(n.op());
    for (const char* op : {"ApplyAdam", "ScalarSummary", "IteratorGetNext"}) QVERIFY2(ops.count(op), op);
    QVERIFY(!findKernel("ScalarSummary"));  // a kernel the graph has and no inference run needs
    auto s = open(fixture("saver/model.ckpt.meta"));
    QVERIFY(s);
    std::ifstream in(fixture("saver/expected_fetches.json"));
    const json c = json::parse(in).at("cases").at(0);
    // w comes from the checkpoint (trained), not from its truncated-normal initializer.
    auto w = runFetches(*s, {}, {"w"});
    QVERIFY2(w.ok(), w.status().toString().c_str());
    QVERIFY(mismatch(w.value()[0], floats(c.at("fetches").at("w:0"))).isEmpty());
    QVERIFY(s->checkRunnable({"pred:0"}, {}).ok());
    QVERIFY(!s->checkRunnable({"train"}, {}).ok() || findKernel("ApplyAdam"));
}

void TestFetchRun::testFeedCutsGraph() {
    auto s = open(fixture("frozen/frozen.pb"));
    QVERIFY(s);
    std::ifstream in(fixture("frozen/expected_fetches.json"));
    const json c = json::parse(in).at("cases").at(1);
    const std::string hidden = c.at("feeds").items().begin().key();
    const std::string out = c.at("fetches").items().begin().key();
    // x is not fed: the run works only if the fed hidden layer cuts the graph there.
    auto r = runFetches(*s, {{hidden, floats(c.at("feeds").at(hidden))}}, {out});
    QVERIFY2(r.ok(), r.status().toString().c_str());
    QVERIFY(mismatch(r.value()[0], floats(c.at("fetches").at(out))).isEmpty());
    // Without the cut, x is needed and the error names it.
    auto missing = runFetches(*s, {}, {out});
    QVERIFY(!missing.ok());
    QVERIFY2(missing.status().message().find("'x'") != std::string::npos, missing.status().message().c_str());
}

void TestFetchRun::testFeedErrorsNameTensorAndShapes() {
    auto s = open(fixture("frozen/frozen.pb"));
    QVERIFY(s);
    auto r = runFetches(*s, {{"x", Tensor::fromVector<float>({2, 5}, std::vector<float>(10, 1))}}, {"Identity:0"});
    QVERIFY(!r.ok());
    QCOMPARE(QString::fromStdString(r.status().message()),
             QStringLiteral("Cannot feed a value of shape [2,5] to tensor 'x:0', which has shape [-1,4]."));
    r = runFetches(*s, {{"x:0", Tensor::fromVector<int32_t>({1, 4}, {1, 2, 3, 4})}}, {"Identity:0"});
    QVERIFY(!r.ok());
    QCOMPARE(QString::fromStdString(r.status().message()), QStringLiteral("Cannot feed a DT_INT32 value to tensor 'x:0', which is DT_FLOAT."));
    r = runFetches(*s, {}, {"no_such_node:0"});
    QVERIFY(!r.ok());
    QVERIFY2(r.status().message().find("'no_such_node:0'") != std::string::npos, r.status().message().c_str());
}

void TestFetchRun::testOldProducerShapeRule() {
    // Producer < 21: `shape {}` means unknown; from 21 on it means a scalar.
    auto oldSpec = graphTensorSpec(placeholderGraph(20, false), "x");
    QVERIFY(oldSpec.ok());
    QVERIFY(oldSpec.value().unknownRank);
    QVERIFY(checkFeed(placeholderGraph(20, false), "x", Tensor::fromVector<float>({2}, {1, 2})).ok());
    auto newSpec = graphTensorSpec(placeholderGraph(21, false), "x:0");
    QVERIFY(newSpec.ok());
    QVERIFY(!newSpec.value().unknownRank);
    QVERIFY(newSpec.value().shape.empty());
    Status st = checkFeed(placeholderGraph(21, false), "x", Tensor::fromVector<float>({2}, {1, 2}));
    QCOMPARE(QString::fromStdString(st.message()), QStringLiteral("Cannot feed a value of shape [2] to tensor 'x:0', which has shape []."));
    // _output_shapes, where present, is what the feed is checked against.
    st = checkFeed(placeholderGraph(20, true), "x", Tensor::fromVector<float>({2}, {1, 2}));
    QCOMPARE(QString::fromStdString(st.message()), QStringLiteral("Cannot feed a value of shape [2] to tensor 'x:0', which has shape [-1,3]."));
    QVERIFY(checkFeed(placeholderGraph(20, true), "x", Tensor(DType::Float, {4, 3})).ok());
}

void TestFetchRun::testCanonicalAndFileSafeNames() {
    QCOMPARE(QString::fromStdString(canonicalTensorName("a/b").value()), QStringLiteral("a/b:0"));
    QCOMPARE(QString::fromStdString(canonicalTensorName("a/b:2").value()), QStringLiteral("a/b:2"));
    QVERIFY(!canonicalTensorName("^a").ok());
    QVERIFY(!canonicalTensorName("a:x").ok());
    QVERIFY(!canonicalTensorName("").ok());
    QCOMPARE(QString::fromStdString(fileSafeTensorName("dense/BiasAdd:0")), QStringLiteral("dense__BiasAdd_0"));
}

void TestFetchRun::testPlaceholderList() {
    auto model = ModelLoader::load(fixture("saver/model.ckpt.meta"));
    QVERIFY(model.ok());
    auto ph = graphPlaceholders(model.value()->metaGraph(0).graph_def());
    // Sorted by name: the Saver's two PlaceholderWithDefault (optional), then x and y.
    QCOMPARE(int(ph.size()), 4);
    QCOMPARE(QString::fromStdString(ph[0].tensorName), QStringLiteral("save/Const:0"));
    QVERIFY(ph[0].optional);
    QCOMPARE(ph[0].dtype, DType::String);
    QCOMPARE(QString::fromStdString(ph[2].tensorName), QStringLiteral("x:0"));
    QCOMPARE(ph[2].dtype, DType::Float);
    QCOMPARE(ph[2].shape, (Shape{-1, 3}));
    QVERIFY(!ph[2].optional);
    QCOMPARE(QString::fromStdString(ph[3].tensorName), QStringLiteral("y:0"));
}

void TestFetchRun::testSharedFrozenAndMeta() {
    TFSCOPE_REQUIRE_SHARED_MODELS();
    {
        auto s = open(shared("cppflow_load_frozen_graph/model.pb"));
        QVERIFY(s);
        auto r = runFetches(*s, {{"x:0", Tensor::fromVector<float>({1, 5}, std::vector<float>(5, 1.0f))}}, {"Identity:0"});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QVERIFY(std::abs(r.value()[0].elementAsDouble(0) - 0.5656322) < 1e-5);
    }
    {
        // pred = 0.21396178 X + 1.0495254 from the checkpoint (the graph's initial values differ).
        auto s = open(shared("onnx_regression/checkpoint/model.meta"));
        QVERIFY(s);
        auto r = runFetches(*s, {{"X", Tensor::fromVector<float>({3}, {0, 1, 2})}}, {"pred"});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        const double want[] = {1.0495254, 1.2634871, 1.4774489};
        for (int i = 0; i < 3; ++i) QVERIFY(std::abs(r.value()[0].elementAsDouble(i) - want[i]) < 1e-5);
    }
    {
        // Producer 9: the scalar-looking placeholders take any shape.
        auto s = open(shared("rust_multiplication/multiplication.pb"));
        QVERIFY(s);
        auto r = runFetches(*s, {{"a", Tensor::fromVector<float>({2}, {2, 4})}, {"b", Tensor::scalar<float>(3)}}, {"c"});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QCOMPARE(r.value()[0].shape(), (Shape{2}));
        QCOMPARE(r.value()[0].data<float>()[1], 12.0f);
    }
    {
        // A V1 export without signatures: y = 0.5 x + 2 with the V1 checkpoint's variables.
        auto s = open(shared("serving_bad_half_plus_two/00000123"));
        QVERIFY(s);
        auto model = ModelLoader::load(shared("serving_bad_half_plus_two/00000123"));
        auto ph = graphPlaceholders(model.value()->metaGraph(0).graph_def());
        QVERIFY(!ph.empty());
        std::string y;
        for (const auto& n : model.value()->metaGraph(0).graph_def().node())
            if (n.op() == "Add") y = n.name();
        QVERIFY(!y.empty());
        auto r = runFetches(*s, {{ph[0].tensorName, Tensor::fromVector<float>({2}, {1, 4})}}, {y});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QCOMPARE(r.value()[0].data<float>()[0], 2.5f);
        QCOMPARE(r.value()[0].data<float>()[1], 4.0f);
    }
}

void TestFetchRun::testSignatureWithIntermediates() {
    TFSCOPE_REQUIRE_SHARED_MODELS();
    auto s = open(shared("serving_saved_model_half_plus_two_cpu/00000123"));
    QVERIFY(s);
    std::vector<Tensor> extra;
    auto r = s->runSignature("serving_default", {{"x", Tensor::fromVector<float>({2, 1}, {1, 2})}}, {}, {"Mul:0"}, &extra);
    QVERIFY2(r.ok(), r.status().toString().c_str());
    QCOMPARE(r.value().at("y").data<float>()[1], 3.0f);
    QCOMPARE(int(extra.size()), 1);
    QCOMPARE(extra[0].data<float>()[1], 1.0f);  // a * x
}

void TestFetchRun::testCancelIsPerRun() {
    auto s = open(fixture("frozen/frozen.pb"));
    QVERIFY(s);
    const std::vector<std::pair<std::string, Tensor>> feeds = {{"x:0", Tensor::fromVector<float>({1, 4}, {1, 2, 3, 4})}};
    std::vector<Tensor> out;
    // A cancel that arrives after the run was requested but before it starts cancels it.
    const RunTicket requested = s->runTicket();
    s->cancel();
    Status st = s->run(feeds, {"Identity:0"}, {}, &out, &requested);
    QCOMPARE(st.code(), Status::Code::Cancelled);
    // It does not reach runs requested after it.
    st = s->run(feeds, {"Identity:0"}, {}, &out);
    QVERIFY2(st.ok(), st.toString().c_str());
    const RunTicket later = s->runTicket();
    st = s->run(feeds, {"Identity:0"}, {}, &out, &later);
    QVERIFY2(st.ok(), st.toString().c_str());
    QCOMPARE(out[0].shape(), (Shape{1, 3}));
}

void TestFetchRun::testEvaluateNode() {
    auto s = open(fixture("saver/model.ckpt.meta"));
    QVERIFY(s);
    std::ifstream in(fixture("saver/expected_fetches.json"));
    const json c = json::parse(in).at("cases").at(0);
    auto r = evaluateNode(*s, "", {{"x", floats(c.at("feeds").at("x:0"))}}, "hidden");
    QVERIFY2(r.ok(), r.status().toString().c_str());
    QCOMPARE(int(r.value().size()), 1);
    QCOMPARE(QString::fromStdString(r.value()[0].first), QStringLiteral("hidden:0"));
    QVERIFY(mismatch(r.value()[0].second, floats(c.at("fetches").at("hidden:0"))).isEmpty());
    auto none = evaluateNode(*s, "", {}, "train");
    QVERIFY(!none.ok());
    QVERIFY2(none.status().message().find("has no outputs") != std::string::npos, none.status().message().c_str());
    QCOMPARE(evaluateNode(*s, "", {}, "nope").status().code(), Status::Code::NotFound);
}

QTEST_GUILESS_MAIN(TestFetchRun)
#include "tst_fetch_run.moc"
