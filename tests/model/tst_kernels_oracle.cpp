// Replays every case of tests/data/kernels/cases.json (TensorFlow's outputs, recorded by
// tests/oracle/make_kernel_cases.py) through our kernels: float32 within 1e-5 relative, exact for
// ints, bools and strings; where TF failed, our kernel must fail too (unless TF only lacks a CPU
// kernel for that dtype, where we may support more).
// kernel_test_util.h pulls in Eigen's thread pool, which must precede Qt's "signals" macro.
#include "kernel_test_util.h"

#include <QtTest>

#include <fstream>
#include <google/protobuf/text_format.h>
#include <nlohmann/json.hpp>

#include "model/half.h"

using namespace tfscope;
using nlohmann::json;

namespace {

double jsonNumber(const json& v) {
    if (v.is_string()) {
        const std::string s = v.get<std::string>();
        if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
        if (s == "inf") return std::numeric_limits<double>::infinity();
        if (s == "-inf") return -std::numeric_limits<double>::infinity();
    }
    return v.get<double>();
}

template <typename T> void fill(Tensor& t, const json& values) {
    T* p = t.mutableData<T>();
    for (size_t i = 0; i < values.size(); ++i) {
        if constexpr (std::is_integral_v<T>) p[i] = values[i].is_boolean() ? T(values[i].get<bool>()) : values[i].get<T>();
        else p[i] = T(jsonNumber(values[i]));
    }
}

Result<Tensor> decodeTensor(const json& j) {
    const auto dtype = dtypeFromName(j.at("dtype").get<std::string>());
    if (!dtype) return Status::invalidArgument("Unknown dtype '" + j.at("dtype").get<std::string>() + "'.");
    const Shape shape = j.at("shape").get<Shape>();
    const json& v = j.at("values");
    if (*dtype == DType::String) return Tensor::fromStrings(shape, v.get<std::vector<std::string>>());
    Tensor t(*dtype, shape);
    switch (*dtype) {
    case DType::Float: fill<float>(t, v); break;
    case DType::Double: fill<double>(t, v); break;
    case DType::Int32: fill<int32_t>(t, v); break;
    case DType::Int64: fill<int64_t>(t, v); break;
    case DType::Int16: fill<int16_t>(t, v); break;
    case DType::Int8: fill<int8_t>(t, v); break;
    case DType::UInt8: fill<uint8_t>(t, v); break;
    case DType::UInt16: fill<uint16_t>(t, v); break;
    case DType::UInt32: fill<uint32_t>(t, v); break;
    case DType::UInt64: fill<uint64_t>(t, v); break;
    case DType::QInt8: fill<int8_t>(t, v); break;
    case DType::QUInt8: fill<uint8_t>(t, v); break;
    case DType::QInt16: fill<int16_t>(t, v); break;
    case DType::QUInt16: fill<uint16_t>(t, v); break;
    case DType::QInt32: fill<int32_t>(t, v); break;
    case DType::Bool: {
        bool* p = t.mutableData<bool>();
        for (size_t i = 0; i < v.size(); ++i) p[i] = v[i].get<bool>();
        break;
    }
    case DType::Half: case DType::BFloat16: {
        uint16_t* p = t.mutableData<uint16_t>();
        for (size_t i = 0; i < v.size(); ++i) {
            const float f = float(jsonNumber(v[i]));
            p[i] = *dtype == DType::Half ? floatToHalf(f) : floatToBfloat16(f);
        }
        break;
    }
    case DType::Complex64: case DType::Complex128: {
        for (size_t i = 0; i < v.size(); ++i) {
            const double re = jsonNumber(v[i][0]), im = jsonNumber(v[i][1]);
            if (*dtype == DType::Complex64) { float* p = t.mutableData<float>(); p[2 * i] = float(re); p[2 * i + 1] = float(im); }
            else { double* p = t.mutableData<double>(); p[2 * i] = re; p[2 * i + 1] = im; }
        }
        break;
    }
    default: return Status::unimplemented("dtype not handled in the oracle test.");
    }
    return t;
}

double relTolerance(DType d) {
    switch (d) {
    case DType::Float: return 1e-5;
    case DType::Double: return 1e-9;
    case DType::Half: return 2e-3;
    case DType::BFloat16: return 1.6e-2;
    default: return 0;
    }
}

}  // namespace

class TestKernelsOracle : public QObject {
    Q_OBJECT
private slots:
    void testCases_data() {
        QTest::addColumn<QByteArray>("caseJson");
        std::ifstream in(TFSCOPE_TEST_DATA "/kernels/cases.json");
        QVERIFY2(in, "cases.json missing");
        const json all = json::parse(in);
        QVERIFY(all.size() > 500);
        for (const json& c : all) {
            if (c.at("node_def").get<std::string>().empty()) continue;  // rejected by TF's OpDef: no node to run
            QTest::newRow(c.at("name").get<std::string>().c_str()) << QByteArray::fromStdString(c.dump());
        }
    }
    void testCases() {
        QFETCH(QByteArray, caseJson);
        const json c = json::parse(caseJson.toStdString());
        tensorflow::NodeDef node;
        QVERIFY(google::protobuf::TextFormat::ParseFromString(c.at("node_def").get<std::string>(), &node));
        std::vector<Tensor> inputs;
        for (const json& t : c.at("inputs")) {
            auto r = decodeTensor(t);
            QVERIFY2(r.ok(), r.status().message().c_str());
            inputs.push_back(std::move(r).value());
        }
        const bool tfFailed = c.contains("error");
        const int numOutputs = tfFailed ? 1 : int(c.at("outputs").size());
        auto result = tfscope::testing::runKernel(node, inputs, numOutputs);
        if (tfFailed) {
            if (c.value("tf_unsupported", false)) return;  // TF has no CPU kernel; either outcome is fine
            QVERIFY2(!result.ok(), ("TF failed with: " + c.at("error").get<std::string>()).c_str());
            return;
        }
        QVERIFY2(result.ok(), result.status().toString().c_str());
        QVERIFY(int(result->size()) >= numOutputs);
        const int checked = c.value("check_outputs", numOutputs);
        for (int i = 0; i < checked; ++i) {
            auto want = decodeTensor(c.at("outputs")[size_t(i)]);
            QVERIFY(want.ok());
            const Tensor& got = (*result)[size_t(i)];
            std::string why;
            const double rtol = relTolerance(want->dtype());
            QVERIFY2(tfscope::testing::tensorsClose(got, *want, rtol, rtol * 0.1, &why),
                     ("output " + std::to_string(i) + ": " + why).c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestKernelsOracle)
#include "tst_kernels_oracle.moc"
