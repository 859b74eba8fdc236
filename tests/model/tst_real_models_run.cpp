// Runs the shared real TensorFlow models natively and checks their documented outputs
// (MANIFEST.md in the shared models folder, ../shared/testdata/models); skipped without it.
#include <QtTest>

#include <cmath>

#include "float_compare.h"
#include "model/exec/model_session.h"
#include "model/exec/session.h"
#include "model/exec/sparse_feed.h"
#include "model/io/example_builder.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "shared_models.h"

using namespace tfscope;
using namespace tfscope::exec;

namespace {

std::string shared(const char* rel) { return std::string(TFSCOPE_SHARED_MODELS) + "/" + rel; }

std::unique_ptr<Session> open(const char* rel, std::vector<std::string> tags = {"serve"}) {
    auto model = ModelLoader::load(shared(rel));
    if (!model.ok()) {
        qWarning("%s", model.status().toString().c_str());
        return nullptr;
    }
    auto s = openModelSession(model.value(), tags);
    if (!s.ok()) {
        qWarning("%s", s.status().toString().c_str());
        return nullptr;
    }
    return std::move(s).value();
}

std::vector<double> values(const Tensor& t) {
    std::vector<double> v;
    for (int64_t i = 0; i < t.numElements(); ++i) v.push_back(t.elementAsDouble(i));
    return v;
}

// float32 outputs against TF's values by float_compare.h's rule; k: the reduction length behind
// them. For a model that is the sum over the ops the output depends on, as
// tests/oracle/tolerance.py's graph_reduction_length counts it; the K of each call below is its
// figure for that signature (function bodies included, loop bodies once).
bool near(const std::vector<double>& got, const std::vector<double>& want, int64_t k = 1) {
    const std::string why = tfscope::testing::compareFloats(got, want, tfscope::testing::floatPrecision(DType::Float), k);
    if (!why.empty()) qWarning("%s", why.c_str());
    return why.empty();
}

std::string str(const std::vector<double>& v) {
    std::string s;
    for (double d : v) s += std::to_string(d) + " ";
    return s;
}

Tensor examples(const char* text) { return io::examplesFromText(text).value(); }

}  // namespace

class TestRealModelsRun : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { TFSCOPE_REQUIRE_SHARED_MODELS(); }  // every case runs a shared model
    void testHalfPlusTwoPredict_data();
    void testHalfPlusTwoPredict();
    void testHalfPlusTwoRegressClassify_data();
    void testHalfPlusTwoRegressClassify();
    void testCounterSequence();
    void testRegressionTrainSteps();
    void testKerasLstm();
    void testTfjsModels();
    void testOnnxModels();
    void testCppflowAndKotlin();
    void testFrozenGraphs();
    void testCustomOpsRefused();
    void testSignatureInputChecks();
    void testTransformGraphSparseInputs();
    void testTfmaEvalGraph();
};

void TestRealModelsRun::testHalfPlusTwoPredict_data() {
    QTest::addColumn<QString>("dir");
    QTest::addColumn<double>("b");
    for (const char* d : {"serving_saved_model_half_plus_two_cpu/00000123", "serving_saved_model_half_plus_two_2_versions",
                          "serving_saved_model_half_plus_two_gpu/00000123", "serving_saved_model_half_plus_two_gpu_trt/00000123",
                          "serving_saved_model_half_plus_two_mlmd/00000123", "serving_saved_model_half_plus_two_mkl/00000123",
                          "serving_saved_model_half_plus_two_cpu_with_saved_model_config/00000123"})
        QTest::addRow("%s", d) << QString::fromUtf8(d) << 2.0;
    QTest::addRow("half_plus_three") << QStringLiteral("serving_saved_model_half_plus_three/00000123") << 3.0;
    QTest::addRow("batching_matrix") << QStringLiteral("serving_batching_matrix_half_plus_two/1") << 2.0;
}

void TestRealModelsRun::testHalfPlusTwoPredict() {
    QFETCH(QString, dir);
    QFETCH(double, b);
    auto s = open(dir.toStdString().c_str());
    QVERIFY(s);
    bool matrix = dir.contains(QStringLiteral("batching"));
    Tensor x = matrix ? Tensor::fromVector<float>({1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}) : Tensor::fromVector<float>({3, 1}, {1, 2, 5});
    auto out = s->runSignature("serving_default", {{"x", x}});
    QVERIFY2(out.ok(), out.status().toString().c_str());
    const Tensor& y = out.value().at("y");
    QCOMPARE(y.shape(), x.shape());
    std::vector<double> want;
    for (double v : values(x)) want.push_back(0.5 * v + b);
    QVERIFY2(near(values(y), want), str(values(y)).c_str());
}

void TestRealModelsRun::testHalfPlusTwoRegressClassify_data() {
    QTest::addColumn<QString>("dir");
    for (const char* d : {"serving_saved_model_half_plus_two_cpu/00000123", "serving_saved_model_half_plus_two_2_versions/00000124",
                          "serving_saved_model_half_plus_two_gpu/00000123", "serving_saved_model_half_plus_two_gpu_trt/00000123",
                          "serving_saved_model_half_plus_two_mlmd/00000123", "serving_saved_model_half_plus_two_mkl/00000123",
                          "serving_saved_model_half_plus_two_cpu_with_saved_model_config/00000123",
                          "serving_saved_model_half_plus_two_tf2_cpu/00000123"})
        QTest::addRow("%s", d) << QString::fromUtf8(d);
}

void TestRealModelsRun::testHalfPlusTwoRegressClassify() {
    QFETCH(QString, dir);
    auto s = open(dir.toStdString().c_str());
    QVERIFY(s);
    Tensor ex = examples("[{'x': [1.0], 'x2': [4.0]}, {'x': [2.0]}, {'x': [5.0], 'x2': [2.0]}]");
    auto r = s->runSignature("regress_x_to_y", {{"inputs", ex}});
    QVERIFY2(r.ok(), r.status().toString().c_str());
    QVERIFY2(near(values(r.value().at("outputs")), {2.5, 3.0, 4.5}), str(values(r.value().at("outputs"))).c_str());
    auto c = s->runSignature("classify_x_to_y", {{"inputs", ex}});
    QVERIFY2(c.ok(), c.status().toString().c_str());
    QVERIFY(near(values(c.value().at("scores")), {2.5, 3.0, 4.5}));
    auto r2 = s->runSignature("regress_x_to_y2", {{"inputs", ex}});
    if (dir.contains(QStringLiteral("mkl"))) {
        // The mkl variant adds a [1,10,10,1] conv output to y2/y3, so a batch of 3 fails in
        // TensorFlow as well; we must refuse it with the shapes named.
        QVERIFY(!r2.ok());
        QVERIFY2(r2.status().message().find("Incompatible shapes '[1,10,10,1]' and '[3,1]'") != std::string::npos,
                 r2.status().toString().c_str());
        return;
    }
    QVERIFY2(r2.ok(), r2.status().toString().c_str());
    QVERIFY(near(values(r2.value().at("outputs")), {3.5, 4.0, 5.5}));
    // x2 uses its default (0) when absent.
    if (dir.contains(QStringLiteral("tf2"))) return;
    auto x2 = s->runSignature("regress_x2_to_y3", {{"inputs", Tensor::fromVector<float>({1, 1}, {1})}});
    QVERIFY2(x2.ok(), x2.status().toString().c_str());
    QVERIFY(near(values(x2.value().at("outputs")), {3.5}));
}

void TestRealModelsRun::testCounterSequence() {
    auto s = open("serving_saved_model_counter/00000123");
    QVERIFY(s);
    auto get = [&] { return s->runSignature("get_counter", {}).value().at("output").elementAsDouble(0); };
    QCOMPARE(get(), 0.0);
    auto inc = s->runSignature("incr_counter", {});
    QVERIFY2(inc.ok(), inc.status().toString().c_str());
    QCOMPARE(inc.value().at("output").elementAsDouble(0), 1.0);
    auto by = s->runSignature("incr_counter_by", {{"delta", Tensor::scalar<float>(3)}});
    QVERIFY2(by.ok(), by.status().toString().c_str());
    QCOMPARE(by.value().at("output").elementAsDouble(0), 4.0);
    QCOMPARE(get(), 4.0);
    auto reset = s->runSignature("reset_counter", {});
    QVERIFY2(reset.ok(), reset.status().toString().c_str());
    QCOMPARE(get(), 0.0);
}

// rust_regression_savedmodel's 'train' signature runs one SGD step (gradient tape: BroadcastGradientArgs,
// ResourceApplyGradientDescent); the variables persist across runs as in a TF session. Values from TF 2.15.
void TestRealModelsRun::testRegressionTrainSteps() {
    auto s = open("rust_regression_savedmodel");
    QVERIFY(s);
    const Tensor x = Tensor::fromVector<float>({3}, {1, 2, 3}), y = Tensor::fromVector<float>({3}, {3, 5, 7.5f});
    const double losses[] = {25.443068, 525.5358, 10862.672};
    for (double want : losses) {
        auto r = s->runSignature("train", {{"x", x}, {"y", y}});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QVERIFY2(near(values(r.value().at("loss")), {want}, 75), str(values(r.value().at("loss"))).c_str());
    }
    auto w = s->runSignature("w", {}), b = s->runSignature("b", {});
    QVERIFY(w.ok() && b.ok());
    // w and b come out of three train steps (K 75 each).
    QVERIFY2(near(values(w.value().at("output")), {186.36208}, 3 * 75), str(values(w.value().at("output"))).c_str());
    QVERIFY2(near(values(b.value().at("output")), {81.81673}, 3 * 75), str(values(b.value().at("output"))).c_str());
}

// Keras LSTM: the call runs standard_lstm (TensorList ops through a StatelessWhile), never the
// CudnnRNN of gpu_lstm_with_fallback. Values from TF 2.15.
void TestRealModelsRun::testKerasLstm() {
    auto s = open("tfnet_keras_lstm_from_sequential");
    QVERIFY(s);
    const Tensor x = Tensor::fromVector<float>({2, 5, 3}, {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 0.5f, 0, 1,
                                                           0, 0, 0, -1, 0.5f, 2, 3, 1, 0, 0, 0, 1, 1, 1, 1});
    auto r = s->runSignature("serving_default", {{"input_1", x}});
    QVERIFY2(r.ok(), r.status().toString().c_str());
    QCOMPARE(r.value().at("dense").shape(), (Shape{2, 1}));
    QVERIFY2(near(values(r.value().at("dense")), {0.4334005, 0.46966204}, 216), str(values(r.value().at("dense"))).c_str());
}

void TestRealModelsRun::testTfjsModels() {
    {
        // The signatures declare scalar inputs (shape ()), so scalars are fed.
        auto s = open("tfjs_node_times_three_float");
        QVERIFY(s);
        auto r = s->runSignature("serving_default", {{"x", Tensor::scalar<float>(2)}});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QVERIFY(near(values(r.value().at("output_0")), {6}));
    }
    {
        auto s = open("tfjs_node_times_two_int");
        QVERIFY(s);
        auto r = s->runSignature("serving_default", {{"x", Tensor::scalar<int32_t>(3)}});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QCOMPARE(r.value().at("output_0").dtype(), DType::Int32);
        QVERIFY(near(values(r.value().at("output_0")), {6}));
    }
    {
        auto s = open("tfjs_node_module_with_multiple_signatures");
        QVERIFY(s);
        auto a = s->runSignature("serving_default", {{"x", Tensor::scalar<float>(2)}});
        QVERIFY2(a.ok(), a.status().toString().c_str());
        QVERIFY(near(values(a.value().begin()->second), {6}));
        auto b = s->runSignature("timestwo", {{"x", Tensor::scalar<float>(2)}});
        QVERIFY2(b.ok(), b.status().toString().c_str());
        QVERIFY(near(values(b.value().begin()->second), {4}));
    }
    {
        auto s = open("tfjs_node_model_single_input_multi_output");
        QVERIFY(s);
        auto r = s->runSignature("serving_default", {{"x", Tensor::scalar<int32_t>(3)}});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QVERIFY(near(values(r.value().at("output_0")), {6}));
        QVERIFY(near(values(r.value().at("output_1")), {3}));
    }
    {
        auto s = open("tfjs_node_model_multi_output");
        QVERIFY(s);
        auto r = s->runSignature("serving_default", {{"x", Tensor::scalar<int32_t>(3)}, {"y", Tensor::scalar<int32_t>(7)}});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QVERIFY(near(values(r.value().at("output_0")), {6}));
        QVERIFY(near(values(r.value().at("output_1")), {7}));
    }
    {
        auto s = open("tfjs_node_uint8_multiply");
        QVERIFY(s);
        auto r = s->runSignature("serving_default", {{"x", Tensor::fromVector<uint8_t>({1}, {3})}});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QCOMPARE(r.value().at("output_0").dtype(), DType::Int32);
        QVERIFY(near(values(r.value().at("output_0")), {18}));
    }
    {
        auto s = open("tfjs_node_int64_multiply");
        QVERIFY(s);
        auto r = s->runSignature("serving_default", {{"x", Tensor::fromVector<int64_t>({2}, {3, 4})}});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QCOMPARE(r.value().at("output_0").dtype(), DType::Int64);
        QCOMPARE(r.value().at("output_0").data<int64_t>()[0], int64_t(18));
        QCOMPARE(r.value().at("output_0").data<int64_t>()[1], int64_t(24));
    }
}

void TestRealModelsRun::testOnnxModels() {
    {
        auto s = open("onnx_regression/saved_model");
        QVERIFY(s);
        auto r = s->runSignature("serving_default", {{"X", Tensor::fromVector<float>({3}, {1, 2, 0})}});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QVERIFY2(near(values(r.value().at("pred")), {1.2634871, 1.4774489, 1.0495254}, 8), str(values(r.value().at("pred"))).c_str());
    }
    {
        // output = Variable + X after the control dependency Variable = Variable + 1: TF gives 11, then 12.
        auto s = open("onnx_assign");
        QVERIFY(s);
        for (int expected : {11, 12}) {
            auto r = s->runSignature("serving_default", {{"X", Tensor::scalar<int32_t>(10)}});
            QVERIFY2(r.ok(), r.status().toString().c_str());
            QCOMPARE(r.value().at("output").data<int32_t>()[0], expected);
        }
    }
    {
        auto s = open("onnx_saved_model_with_redundant_inputs");
        QVERIFY(s);
        std::vector<float> x(10, 2.0f);
        auto r = s->runSignature("serving_default", {{"x", Tensor::fromVector<float>({1, 10}, x)}, {"y", Tensor::fromVector<float>({1, 10}, x)}});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QVERIFY(near(values(r.value().at("z")), std::vector<double>(10, 3.0)));
    }
}

void TestRealModelsRun::testCppflowAndKotlin() {
    {
        auto s = open("cppflow_load_model/model");
        QVERIFY(s);
        auto r = s->runSignature("serving_default", {{"input_1", Tensor::fromVector<float>({1, 5}, std::vector<float>(5, 1.0f))}});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        QVERIFY2(near(values(r.value().at("dense_1")), {0.9522027}, 27), str(values(r.value().at("dense_1"))).c_str());
    }
    {
        auto s = open("kotlindl_mnist1_saved_model");
        QVERIFY(s);
        std::vector<float> img(2 * 28 * 28);
        for (size_t i = 0; i < img.size(); ++i) img[i] = float((i * 37) % 255) / 255.0f;
        auto r = s->runSignature("serving_default", {{"flatten_2_input", Tensor::fromVector<float>({2, 28, 28}, img)}});
        QVERIFY2(r.ok(), r.status().toString().c_str());
        const Tensor& y = r.value().begin()->second;
        QCOMPARE(y.shape(), (Shape{2, 10}));
        for (int row = 0; row < 2; ++row) {
            double sum = 0;
            for (int k = 0; k < 10; ++k) sum += y.elementAsDouble(row * 10 + k);
            QVERIFY(std::abs(sum - 1.0) < 1e-5);
        }
    }
}

void TestRealModelsRun::testFrozenGraphs() {
    std::vector<Tensor> out;
    {
        auto s = open("cppflow_load_frozen_graph/model.pb");
        QVERIFY(s);
        Status st = s->run({{"x:0", Tensor::fromVector<float>({1, 5}, std::vector<float>(5, 1.0f))}}, {"Identity:0"}, {}, &out);
        QVERIFY2(st.ok(), st.toString().c_str());
        QVERIFY2(near(values(out[0]), {0.5656322}, 24), str(values(out[0])).c_str());
    }
    {
        auto s = open("rust_addition/model.pb");
        QVERIFY(s);
        Status st = s->run({{"x", Tensor::scalar<int32_t>(2)}, {"y", Tensor::scalar<int32_t>(3)}}, {"z"}, {}, &out);
        QVERIFY2(st.ok(), st.toString().c_str());
        QCOMPARE(out[0].data<int32_t>()[0], 5);
    }
    {
        auto s = open("rust_multiplication/multiplication.pb");
        QVERIFY(s);
        Status st = s->run({{"a", Tensor::scalar<float>(2)}, {"b", Tensor::scalar<float>(3)}}, {"c"}, {}, &out);
        QVERIFY2(st.ok(), st.toString().c_str());
        QCOMPARE(out[0].data<float>()[0], 6.0f);
    }
    {
        auto s = open("onnx_regression/graphdef/frozen.pb");
        QVERIFY(s);
        Status st = s->run({{"X:0", Tensor::fromVector<float>({1}, {1})}}, {"pred:0"}, {}, &out);
        QVERIFY2(st.ok(), st.toString().c_str());
        QVERIFY(near(values(out[0]), {1.2634871}, 8));
    }
}

void TestRealModelsRun::testCustomOpsRefused() {
    auto model = ModelLoader::load(shared("tfdf_saved_model_adult_rf"));
    QVERIFY(model.ok());
    auto s = openModelSession(model.value(), {"serve"});
    QVERIFY(!s.ok());
    QCOMPARE(s.status().code(), Status::Code::Unimplemented);
    QVERIFY2(s.status().message().find("op 'SimpleMLCreateModelResource'") != std::string::npos, s.status().message().c_str());

    auto text = ModelLoader::load(shared("serving_tf_text_regression/01"));
    QVERIFY(text.ok());
    auto ts = openModelSession(text.value(), {"serve"});
    QVERIFY2(ts.ok(), ts.status().toString().c_str());  // loads (no variables), but running is refused up front
    auto r = ts.value()->runSignature("serving_default", {{"x", Tensor::fromVector<float>({1}, {1})}});
    QVERIFY(!r.ok());
    QCOMPARE(r.status().code(), Status::Code::Unimplemented);
    QVERIFY2(r.status().message().find("op 'CaseFoldUTF8'") != std::string::npos, r.status().message().c_str());
    QVERIFY2(r.status().message().find("op 'WordpieceTokenizeWithOffsets'") != std::string::npos, r.status().message().c_str());
}

void TestRealModelsRun::testSignatureInputChecks() {
    auto s = open("serving_saved_model_half_plus_two_cpu/00000123");
    QVERIFY(s);
    auto badType = s->runSignature("serving_default", {{"x", Tensor::fromVector<int32_t>({1, 1}, {1})}});
    QVERIFY(!badType.ok());
    QCOMPARE(QString::fromStdString(badType.status().message()),
             QStringLiteral("Input 'x' of signature 'serving_default' must be DT_FLOAT; got DT_INT32."));
    auto badShape = s->runSignature("serving_default", {{"x", Tensor::fromVector<float>({3}, {1, 2, 3})}});
    QVERIFY(!badShape.ok());
    QCOMPARE(QString::fromStdString(badShape.status().message()),
             QStringLiteral("Input 'x' of signature 'serving_default' must have shape [-1,1]; got [3]."));
    auto missing = s->runSignature("serving_default", {});
    QVERIFY(!missing.ok());
    QCOMPARE(QString::fromStdString(missing.status().message()), QStringLiteral("Missing input 'x' for signature 'serving_default'."));
    auto unknown = s->runSignature("nope", {});
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.status().code(), Status::Code::NotFound);
}

// tf.Transform's transform_fn (tag `transform`): 18 COO sparse inputs [-1, -1]; a feature missing
// from a row has no entry. The vocabularies are loaded by the graph's table initializers (it has no
// init op). Expected values: TensorFlow 2.15 on the same inputs (tests/oracle/test_run_real.py runs
// the same model through `tfscope run` against live TF).
void TestRealModelsRun::testTransformGraphSparseInputs() {
    auto s = open("tfx_transform_graph/transform_fn", {"transform"});
    QVERIFY(s);
    auto specs = s->signatureInputs("transform_signature");
    QVERIFY2(specs.ok(), specs.status().toString().c_str());
    QCOMPARE(int(specs.value().size()), 18);
    QVERIFY(specs.value().at("company").sparse);
    QCOMPARE(specs.value().at("company").dtype, DType::String);
    QCOMPARE(specs.value().at("trip_seconds").dtype, DType::Int64);

    // Row 0: Flash Cab, Cash, fare 40, 15 miles, hour 2, pickup lat 41.97, tips 2.5.
    // Row 1: an unknown company, fare 12.5, 720 s, dropoff lon -87.63.
    std::map<std::string, Tensor> in;
    auto sparse = [&](const std::string& key, std::vector<int64_t> rows, Tensor values) {
        std::vector<int64_t> idx;
        for (int64_t r : rows) idx.insert(idx.end(), {r, 0});
        in[sparseIndicesKey(key)] = Tensor::fromVector<int64_t>({int64_t(rows.size()), 2}, idx);
        in[sparseValuesKey(key)] = values;
        in[sparseDenseShapeKey(key)] = Tensor::fromVector<int64_t>({2}, {2, 1});
    };
    sparse("company", {0, 1}, Tensor::fromStrings({2}, {"Flash Cab", "Unknown Co"}));
    sparse("payment_type", {0}, Tensor::fromStrings({1}, {"Cash"}));
    sparse("fare", {0, 1}, Tensor::fromVector<float>({2}, {40.0f, 12.5f}));
    sparse("trip_miles", {0}, Tensor::fromVector<float>({1}, {15.0f}));
    sparse("trip_start_hour", {0}, Tensor::fromVector<int64_t>({1}, {2}));
    sparse("pickup_latitude", {0}, Tensor::fromVector<float>({1}, {41.97f}));
    sparse("tips", {0}, Tensor::fromVector<float>({1}, {2.5f}));
    sparse("trip_seconds", {1}, Tensor::fromVector<int64_t>({1}, {720}));
    sparse("dropoff_longitude", {1}, Tensor::fromVector<float>({1}, {-87.63f}));
    for (const char* f : {"dropoff_census_tract", "dropoff_community_area", "pickup_census_tract", "pickup_community_area",
                          "trip_start_day", "trip_start_month", "trip_start_timestamp"})
        sparse(f, {}, Tensor(DType::Int64, {0}));
    for (const char* f : {"dropoff_latitude", "pickup_longitude"}) sparse(f, {}, Tensor(DType::Float, {0}));
    auto r = s->runSignature("transform_signature", in);
    QVERIFY2(r.ok(), r.status().toString().c_str());
    const auto& out = r.value();
    QCOMPARE(int(out.size()), 17);
    const std::map<std::string, std::vector<double>> want{
        {"company_xf", {61, 59}}, {"dropoff_census_tract_xf", {0, 0}}, {"dropoff_community_area_xf", {0, 0}},
        {"dropoff_latitude_xf", {0, 0}}, {"dropoff_longitude_xf", {9, 6}}, {"fare_xf", {2.794417142868042, 0.08275048434734344}},
        {"payment_type_xf", {0, 9}}, {"pickup_census_tract_xf", {0, 0}}, {"pickup_community_area_xf", {0, 0}},
        {"pickup_latitude_xf", {9, 0}}, {"pickup_longitude_xf", {9, 9}}, {"tips_xf", {0, 0}},
        {"trip_miles_xf", {2.0427887439727783, -0.4496792256832123}}, {"trip_seconds_xf", {-0.9354328513145447, -0.0626230388879776}},
        {"trip_start_day_xf", {0, 0}}, {"trip_start_hour_xf", {2, 0}}, {"trip_start_month_xf", {0, 0}}};
    for (const auto& [key, w] : want) {
        QVERIFY2(out.count(key), key.c_str());
        QCOMPARE(out.at(key).shape(), Shape({2, 1}));
        QVERIFY2(near(values(out.at(key)), w, 40), (key + ": " + str(values(out.at(key)))).c_str());  // K <= 40 for every output
    }
    QCOMPARE(out.at("company_xf").dtype(), DType::Int64);
    QCOMPARE(out.at("fare_xf").dtype(), DType::Float);

    // A dense fare (every row has one) gives the same as its sparse form.
    in.erase(sparseIndicesKey("fare"));
    in.erase(sparseValuesKey("fare"));
    in.erase(sparseDenseShapeKey("fare"));
    in["fare"] = Tensor::fromVector<float>({2, 1}, {40.0f, 12.5f});
    auto dense = s->runSignature("transform_signature", in);
    QVERIFY2(dense.ok(), dense.status().toString().c_str());
    QVERIFY(near(values(dense.value().at("fare_xf")), want.at("fare_xf"), 40));
}

// TFMA's EvalSavedModel (tag `eval`): fed only its serialized examples (features, labels and refs
// are computed inside). The metric update ops run, then the values are read in a second run of
// the same session, as TFMA does; TensorFlow 2.15 gives these values for the same examples.
void TestRealModelsRun::testTfmaEvalGraph() {
    auto s = open("tfx_trainer_current_Format-TFMA/1646034758", {"eval"});
    QVERIFY(s);
    auto specs = s->signatureInputs("eval");
    QVERIFY2(specs.ok(), specs.status().toString().c_str());
    QVERIFY(!specs.value().at("inputs/examples").optional);
    QVERIFY(specs.value().at("labels").optional);
    QVERIFY(specs.value().at("features/company").sparse);
    const Tensor ex = examples(
        R"([{"company": ["Taxi Affiliation Services"], "dropoff_census_tract": [17031081500], "dropoff_community_area": [8],
            "dropoff_latitude": [41.89], "dropoff_longitude": [-87.63], "fare": [12.5], "payment_type": ["Credit Card"],
            "pickup_census_tract": [17031839100], "pickup_community_area": [32], "pickup_latitude": [41.88],
            "pickup_longitude": [-87.62], "trip_miles": [2.3], "trip_seconds": [720], "trip_start_day": [3],
            "trip_start_hour": [14], "trip_start_month": [6], "trip_start_timestamp": [1400269500], "tips": [5.0]},
           {"company": ["Flash Cab"], "fare": [40.0], "payment_type": ["Cash"], "trip_miles": [15.0], "trip_start_hour": [2],
            "trip_start_day": [7], "trip_start_month": [12], "pickup_latitude": [41.97], "pickup_longitude": [-87.9], "tips": [0.0]},
           {}])");
    std::vector<std::string> updates, metricValues;
    auto outSpecs = s->signatureOutputs("eval");
    QVERIFY2(outSpecs.ok(), outSpecs.status().toString().c_str());
    for (const auto& [k, spec] : outSpecs.value()) {
        if (k.size() > 10 && k.compare(k.size() - 10, 10, "/update_op") == 0) updates.push_back(k);
        if (k.size() > 6 && k.compare(k.size() - 6, 6, "/value") == 0) metricValues.push_back(k);
    }
    QCOMPARE(int(updates.size()), 9);
    auto pred = s->runSignature("eval", {{"inputs/examples", ex}}, {"loss", "predictions/logistic", "predictions/class_ids"});
    QVERIFY2(pred.ok(), pred.status().toString().c_str());
    constexpr int64_t kTfmaK = 1559;  // the model behind predictions/logistic (the loss and metrics build on it)
    QVERIFY(near(values(pred.value().at("loss")), {0.5394940972328186}, kTfmaK));
    QVERIFY2(near(values(pred.value().at("predictions/logistic")), {0.3143448233604431, 0.2017117738723755, 0.2101655900478363}, kTfmaK),
             str(values(pred.value().at("predictions/logistic"))).c_str());
    QCOMPARE(values(pred.value().at("predictions/class_ids")), std::vector<double>({0, 0, 0}));

    auto up = s->runSignature("eval", {{"inputs/examples", ex}}, updates);
    QVERIFY2(up.ok(), up.status().toString().c_str());
    auto read = s->runSignature("eval", {{"inputs/examples", ex}}, metricValues);
    QVERIFY2(read.ok(), read.status().toString().c_str());
    const std::map<std::string, double> want{
        {"metrics/accuracy/value", 0.6666666865348816}, {"metrics/accuracy_baseline/value", 0.6666666865348816},
        {"metrics/auc/value", 1.0}, {"metrics/auc_precision_recall/value", 1.0},
        {"metrics/average_loss/value", 0.5394940972328186}, {"metrics/label/mean/value", 0.3333333432674408},
        {"metrics/precision/value", 0.0}, {"metrics/prediction/mean/value", 0.24207405745983124}, {"metrics/recall/value", 0.0}};
    for (const auto& [k, w] : want)
        QVERIFY2(near(values(read.value().at(k)), {w}, kTfmaK), (k + ": " + str(values(read.value().at(k)))).c_str());
}

QTEST_GUILESS_MAIN(TestRealModelsRun)
#include "tst_real_models_run.moc"
