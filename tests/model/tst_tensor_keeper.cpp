// TensorKeeper (model/exec/tensor_keeper.h): a run hands out every value its graph computes
// ("Keep intermediate tensors" in the window), under a byte cap. Values are TensorFlow's, recorded
// by tests/oracle/make_fetch_fixtures.py in tests/data/fetch.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include <google/protobuf/text_format.h>

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

    // A TF1 while loop (j = 0; while j < 5: j += 1) runs in the frame scheduler: the values of the
    // graph's top level are kept (the Exit, what follows it, the constants), those inside the loop
    // frame (one per iteration) are not.
    void testLoopKeepsTopLevelOnly() {
        auto i32 = [](const char* name, int v) {
            return "node { name: '" + std::string(name) +
                   "' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } } attr { key: 'value' value { tensor { dtype: "
                   "DT_INT32 tensor_shape {} int_val: " +
                   std::to_string(v) + " } } } }\n";
        };
        const std::string text = i32("start", 0) + i32("limit", 5) +
                                 "node { name: 'w/Enter' op: 'Enter' input: 'start' attr { key: 'frame_name' value { s: 'w' } } }\n"
                                 "node { name: 'w/Enter_limit' op: 'Enter' input: 'limit' attr { key: 'frame_name' value { s: 'w' } } "
                                 "attr { key: 'is_constant' value { b: true } } }\n"
                                 "node { name: 'w/Merge' op: 'Merge' input: 'w/Enter' input: 'w/NextIteration' }\n"
                                 "node { name: 'w/Less' op: 'Less' input: 'w/Merge' input: 'w/Enter_limit' }\n"
                                 "node { name: 'w/LoopCond' op: 'LoopCond' input: 'w/Less' }\n"
                                 "node { name: 'w/Switch' op: 'Switch' input: 'w/Merge' input: 'w/LoopCond' }\n"
                                 "node { name: 'w/Identity' op: 'Identity' input: 'w/Switch:1' }\n"
                                 "node { name: 'w/one' op: 'Const' input: '^w/Identity' attr { key: 'dtype' value { type: DT_INT32 } } "
                                 "attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape {} int_val: 1 } } } }\n"
                                 "node { name: 'w/add' op: 'AddV2' input: 'w/Identity' input: 'w/one' }\n"
                                 "node { name: 'w/NextIteration' op: 'NextIteration' input: 'w/add' }\n"
                                 "node { name: 'w/Exit' op: 'Exit' input: 'w/Switch:0' }\n"
                                 "node { name: 'out' op: 'Identity' input: 'w/Exit' }\n";
        auto meta = std::make_shared<tensorflow::MetaGraphDef>();
        QVERIFY(google::protobuf::TextFormat::ParseFromString(text, meta->mutable_graph_def()));
        auto s = Session::create(meta);
        QVERIFY2(s.ok(), s.status().toString().c_str());
        TensorKeeper keep(uint64_t(1) << 20);
        std::vector<Tensor> out;
        const Status st = s.value()->run({}, {"out:0"}, {}, &out, nullptr, &keep);
        QVERIFY2(st.ok(), st.toString().c_str());
        QCOMPARE(out[0].data<int32_t>()[0], 5);
        QVERIFY(keep.find("out:0") && keep.find("w/Exit:0") && keep.find("limit:0"));
        QCOMPARE(keep.find("out:0")->data<int32_t>()[0], 5);
        QCOMPARE(keep.find("w/Exit:0")->data<int32_t>()[0], 5);
        QVERIFY(!keep.find("w/add:0"));
        QVERIFY(!keep.find("w/Merge:0"));
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
