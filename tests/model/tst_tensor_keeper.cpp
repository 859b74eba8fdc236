// TensorKeeper (model/exec/tensor_keeper.h): a run hands out every value its graph computes
// ("Keep intermediate tensors" in the window), under a byte cap. Values are TensorFlow's, recorded
// by tests/oracle/make_fetch_fixtures.py in tests/data/fetch.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "meta_graph.pb.h"
#include "model/exec/fetch_run.h"
#include "model/exec/model_session.h"
#include "model/exec/session.h"
#include "model/exec/tensor_keeper.h"
#include "model/loader/model_loader.h"

using namespace tfscope;
using namespace tfscope::exec;
using json = nlohmann::json;

namespace {

std::string fixture(const std::string& rel) { return std::string(TFSCOPE_TEST_DATA) + "/fetch/" + rel; }

std::unique_ptr<Session> open(const std::string& path) {
    auto model = ModelLoader::load(path);
    if (!model.ok()) return nullptr;
    auto s = openModelSession(model.value(), {});
    return s.ok() ? std::move(s).value() : nullptr;
}

Tensor floats(const json& j) {
    std::vector<float> v;
    for (const auto& x : j.at("values")) v.push_back(x.get<float>());
    return Tensor::fromVector<float>(j.at("shape").get<Shape>(), v);
}

// |got - want| <= 1e-6 * max|want| * sqrt(8) (the fixture's longest reduction is 8).
QString mismatch(const Tensor* got, const Tensor& want) {
    if (!got) return QStringLiteral("not kept");
    if (got->shape() != want.shape()) return QString::fromStdString(shapeToString(got->shape()) + " vs " + shapeToString(want.shape()));
    double scale = 1e-30;
    for (int64_t i = 0; i < want.numElements(); ++i) scale = std::max(scale, std::abs(want.elementAsDouble(i)));
    for (int64_t i = 0; i < want.numElements(); ++i)
        if (std::abs(got->elementAsDouble(i) - want.elementAsDouble(i)) > 1e-6 * scale * std::sqrt(8.0))
            return QStringLiteral("element %1: %2 vs %3").arg(i).arg(got->elementAsDouble(i)).arg(want.elementAsDouble(i));
    return {};
}

json frozenCase() {
    std::ifstream in(fixture("frozen/expected_fetches.json"));
    return json::parse(in).at("cases").at(0);
}

}  // namespace

class TestTensorKeeper : public QObject {
    Q_OBJECT
private slots:
    // Fetching only the output keeps every intermediate, including the MatMul and add a fused
    // kernel would compute without storing; the values are TensorFlow's.
    void testKeepsIntermediatesOfAFetch() {
        auto s = open(fixture("frozen/frozen.pb"));
        QVERIFY(s);
        const json c = frozenCase();
        const Tensor x = floats(c.at("feeds").at("x:0"));
        TensorKeeper keep(uint64_t(1) << 20);
        auto out = runFetches(*s, {{"x:0", x}}, {"Identity:0"}, nullptr, &keep);
        QVERIFY2(out.ok(), out.status().toString().c_str());
        QVERIFY(mismatch(&out.value()[0], floats(c.at("fetches").at("Identity:0"))).isEmpty());
        const QString relu = mismatch(keep.find("dense1/Relu:0"), floats(c.at("fetches").at("dense1/Relu:0")));
        QVERIFY2(relu.isEmpty(), qPrintable(relu));
        QVERIFY(mismatch(keep.find("Identity:0"), floats(c.at("fetches").at("Identity:0"))).isEmpty());
        QVERIFY(mismatch(keep.find("x:0"), x).isEmpty());  // the feed
        QVERIFY(keep.find("dense1/MatMul:0"));             // absorbed by the MatMul+BiasAdd+Relu fusion otherwise
        QCOMPARE(keep.find("dense1/MatMul:0")->shape(), (Shape{2, 8}));
        QCOMPARE(keep.droppedCount(), int64_t(0));
        uint64_t bytes = 0;
        for (const auto& [name, t] : keep.tensors()) bytes += uint64_t(t.byteSize());
        QCOMPARE(keep.keptBytes(), bytes);
        // The same session without a keeper still runs (and fused), with the same answer.
        auto again = runFetches(*s, {{"x:0", x}}, {"Identity:0"});
        QVERIFY(again.ok());
        QVERIFY(mismatch(&again.value()[0], floats(c.at("fetches").at("Identity:0"))).isEmpty());
    }

    // Under a cap of 40 bytes: the [2,4] feed (32 bytes, offered first) fits, the [2,8] layers
    // (64 bytes each) do not: dropped and counted, the run itself unaffected.
    void testCapKeepsWhatFits() {
        auto s = open(fixture("frozen/frozen.pb"));
        QVERIFY(s);
        const json c = frozenCase();
        TensorKeeper keep(40);
        auto out = runFetches(*s, {{"x:0", floats(c.at("feeds").at("x:0"))}}, {"Identity:0"}, nullptr, &keep);
        QVERIFY2(out.ok(), out.status().toString().c_str());
        QVERIFY(keep.keptBytes() <= 40);
        QVERIFY(keep.find("x:0"));
        QVERIFY(!keep.find("dense1/Relu:0"));
        QVERIFY(keep.droppedCount() > 0);
        QVERIFY(keep.droppedBytes() >= 64);
        QVERIFY(mismatch(&out.value()[0], floats(c.at("fetches").at("Identity:0"))).isEmpty());
    }

    // The fetch list the window prefills for graphs without signatures.
    void testGraphSinks() {
        auto join = [](const std::vector<std::string>& v) {
            std::string s;
            for (const auto& x : v) s += x + " ";
            return QString::fromStdString(s);
        };
        auto frozen = open(fixture("frozen/frozen.pb"));
        QVERIFY(frozen);
        QCOMPARE(join(graphSinks(frozen->metaGraph().graph_def())), QStringLiteral("Identity:0 "));
        // A Saver .meta with Adam, gradients, summaries, an input pipeline and initializers: the
        // loss (read only by its summary and the gradients); pred_batch needs the input pipeline.
        auto saver = open(fixture("saver/model.ckpt.meta"));
        QVERIFY(saver);
        QCOMPARE(join(graphSinks(saver->metaGraph().graph_def())), QStringLiteral("loss:0 "));
    }

    void testOfferReplacesAndCounts() {
        TensorKeeper keep(16);
        keep.offer("a:0", Tensor::fromVector<float>({2}, {1, 2}));
        keep.offer("a:0", Tensor::fromVector<float>({3}, {1, 2, 3}));  // replaces: 12 bytes, not 20
        QCOMPARE(keep.keptBytes(), uint64_t(12));
        QCOMPARE(keep.find("a:0")->numElements(), int64_t(3));
        keep.offer("b:0", Tensor::fromVector<float>({2}, {1, 2}));  // 20 > 16: dropped
        QVERIFY(!keep.find("b:0"));
        QCOMPARE(keep.droppedCount(), int64_t(1));
        QCOMPARE(keep.droppedBytes(), uint64_t(8));
        keep.offer("c:0", Tensor::scalar<float>(5));  // 4 more fit
        QCOMPARE(keep.keptBytes(), uint64_t(16));
        keep.offer("d:0", Tensor());  // not a value: ignored
        QCOMPARE(int(keep.tensors().size()), 2);
    }
};

QTEST_GUILESS_MAIN(TestTensorKeeper)
#include "tst_tensor_keeper.moc"
