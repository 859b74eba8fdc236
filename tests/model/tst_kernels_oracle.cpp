// Replays every case of tests/data/kernels/cases.json (TensorFlow's outputs, recorded by
// tests/oracle/make_kernel_cases.py) through our kernels: floats by the rule of float_compare.h
// (a few ulps of the tensor's magnitude times sqrt of the case's reduction length "k"), exact for
// ints, bools and strings; where TF failed, our kernel must fail too (unless TF only lacks a CPU
// kernel for that dtype, where we may support more). Also tests the comparison rule itself.
// kernel_test_util.h pulls in Eigen's thread pool, which must precede Qt's "signals" macro.
#include "kernel_test_util.h"

#include <QtTest>

#include <fstream>
#include <google/protobuf/text_format.h>
#include <nlohmann/json.hpp>

#include "float_compare.h"
#include "model/half.h"

using namespace tfscope;
using nlohmann::json;
using namespace tfscope::testing;

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

// float32 a (m x k) * b (k x n), each dot product summed left to right (or right to left).
std::vector<float> matmulInOrder(const std::vector<float>& a, const std::vector<float>& b, int m, int k, int n, bool reverse) {
    std::vector<float> c(size_t(m * n), 0.0f);
    for (int step = 0; step < k; ++step) {
        const int p = reverse ? k - 1 - step : step;
        for (int i = 0; i < m; ++i)
            for (int j = 0; j < n; ++j) c[size_t(i * n + j)] += a[size_t(i * k + p)] * b[size_t(p * n + j)];
    }
    return c;
}

std::vector<double> asDoubles(const std::vector<float>& v, double scale = 1.0) {
    std::vector<double> out;
    for (float f : v) out.push_back(double(f) * scale);
    return out;
}

}  // namespace

class TestKernelsOracle : public QObject {
    Q_OBJECT
private slots:
    // The comparison rule itself (float_compare.h): a sum in another order passes, real errors fail.
    void testRuleAcceptsAnotherSummationOrder() {
        const int m = 16, k = 1000, n = 8;
        std::vector<float> a(size_t(m * k)), b(size_t(k * n));
        uint32_t state = 12345;
        auto next = [&state] { state = state * 1664525u + 1013904223u; return float(state >> 8) / float(1 << 24) * 2.0f - 1.0f; };
        for (float& x : a) x = next();
        for (float& x : b) x = next();
        const auto fwd = asDoubles(matmulInOrder(a, b, m, k, n, false));
        const auto bwd = asDoubles(matmulInOrder(a, b, m, k, n, true));
        QVERIFY(fwd != bwd);  // the two orders do round differently
        const FloatPrecision f32 = floatPrecision(DType::Float);
        for (double scale : {1e-30, 1.0, 1e30}) {
            std::vector<double> got, ref;
            for (size_t i = 0; i < fwd.size(); ++i) { got.push_back(bwd[i] * scale); ref.push_back(fwd[i] * scale); }
            std::string why = compareFloats(got, ref, f32, k);
            QVERIFY2(why.empty(), why.c_str());
            // One element off by 1e-3 of the tensor's magnitude fails, at every scale; so does a
            // sum that misses one of its K products.
            std::vector<double> wrong = got;
            double top = 0;
            for (double r : ref) top = std::max(top, std::abs(r));
            wrong[13] += 1e-3 * top;
            why = compareFloats(wrong, ref, f32, k);
            QVERIFY2(why.rfind("element 13:", 0) == 0, why.c_str());
            wrong = got;
            wrong[0] -= double(a[7]) * double(b[size_t(7 * n)]) * scale;  // c[0][0] without the product of p = 7
            QVERIFY(!compareFloats(wrong, ref, f32, k).empty());
        }
    }
    void testRuleNearZeroNanInfAndExact() {
        const FloatPrecision f32 = floatPrecision(DType::Float);
        // Rounding noise of a sum of terms of size ~10 on an element near zero: accepted (a per
        // element relative tolerance would reject it).
        QVERIFY(compareFloats({10.0, 1e-6, -2.0}, {10.0, 3e-7, -2.0}, f32, 4).empty());
        QVERIFY(!compareFloats({10.0, 1e-4, -2.0}, {10.0, 3e-7, -2.0}, f32, 4).empty());
        const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
        QVERIFY(compareFloats({nan, inf, -inf, 1.0}, {nan, inf, -inf, 1.0}, f32, 1).empty());
        QVERIFY(compareFloats({nan, 1.0}, {1.0, 1.0}, f32, 1).rfind("element 0:", 0) == 0);
        QVERIFY(compareFloats({1.0, 1.0}, {1.0, nan}, f32, 1).rfind("element 1:", 0) == 0);
        QVERIFY(!compareFloats({inf}, {-inf}, f32, 1).empty());
        QVERIFY(compareFloats({0.0, -0.0}, {0.0, 0.0}, f32, 1).empty());
        QVERIFY(!compareFloats({0.0, 1e-6}, {0.0, 0.0}, f32, 1).empty());
        // The dtype's eps: one half ulp of 1 is fine for half, not for double.
        QVERIFY(compareFloats({1.0 + 0x1p-10}, {1.0}, floatPrecision(DType::Half), 1).empty());
        QVERIFY(!compareFloats({1.0 + 0x1p-10}, {1.0}, floatPrecision(DType::Double), 1).empty());
        // Tensors: ints exact, floats by the rule.
        QVERIFY(compareToReference(Tensor::fromVector<int32_t>({3}, {1, 2, 3}), Tensor::fromVector<int32_t>({3}, {1, 2, 3})).empty());
        QVERIFY(!compareToReference(Tensor::fromVector<int32_t>({3}, {1, 2, 4}), Tensor::fromVector<int32_t>({3}, {1, 2, 3})).empty());
        QVERIFY(compareToReference(Tensor::fromVector<float>({2}, {1.0f, 2.0000002f}), Tensor::fromVector<float>({2}, {1.0f, 2.0f})).empty());
        QVERIFY(!compareToReference(Tensor::fromVector<float>({2}, {1.0f, 2.001f}), Tensor::fromVector<float>({2}, {1.0f, 2.0f})).empty());
        QVERIFY(!compareToReference(Tensor::fromVector<float>({2}, {1.0f, 2.0f}), Tensor::fromVector<float>({1, 2}, {1.0f, 2.0f})).empty());
    }
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
            const std::string why = tfscope::testing::compareToReference(got, *want, c.value("k", int64_t(1)));
            QVERIFY2(why.empty(), ("output " + std::to_string(i) + ": " + why).c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestKernelsOracle)
#include "tst_kernels_oracle.moc"
