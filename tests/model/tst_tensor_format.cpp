// numpy-style printing against numpy 1.26's own output (tests/data/ckpt/numpy_print_cases.json,
// made by make_numpy_cases.py) and JSON value encoding (docs/cli-json.md).
#include <QtTest>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "model/format/numpy_format.h"
#include "model/format/tensor_json.h"
#include "model/half.h"

using namespace tfscope;

namespace {

double number(const nlohmann::json& v) {
    if (v.is_string()) {
        std::string s = v.get<std::string>();
        if (s == "nan") return NAN;
        return s[0] == '-' ? -INFINITY : INFINITY;
    }
    return v.get<double>();
}

std::string base64Decode(const std::string& in) {
    static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    uint32_t buf = 0;
    int bits = 0;
    for (char c : in) {
        size_t v = kAlphabet.find(c);
        if (v == std::string::npos) break;
        buf = (buf << 6) | uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += char((buf >> bits) & 0xff);
        }
    }
    return out;
}

Tensor build(const nlohmann::json& c) {
    const std::string dtype = c["dtype"];
    Shape shape = c["shape"].get<Shape>();
    nlohmann::json values = c["values"];
    if (shape.empty()) values = nlohmann::json::array({values});  // scalar: bare value (complex: [re, im])
    if (dtype == "string") {
        std::vector<std::string> s;
        for (const auto& v : c["values"]) s.push_back(base64Decode(v.get<std::string>()));
        return Tensor::fromStrings(shape, s);
    }
    DType d = *dtypeFromName(dtype);
    Tensor t(d, shape);
    for (int64_t i = 0; i < t.numElements(); ++i) {
        const auto& v = values[size_t(i)];
        switch (d) {
        case DType::Float: t.mutableData<float>()[i] = float(number(v)); break;
        case DType::Double: t.mutableData<double>()[i] = number(v); break;
        case DType::Half: t.mutableData<uint16_t>()[i] = floatToHalf(float(number(v))); break;
        case DType::BFloat16: t.mutableData<uint16_t>()[i] = floatToBfloat16(float(number(v))); break;
        case DType::Int32: t.mutableData<int32_t>()[i] = v.get<int32_t>(); break;
        case DType::Int64: t.mutableData<int64_t>()[i] = v.get<int64_t>(); break;
        case DType::Int8: t.mutableData<int8_t>()[i] = int8_t(v.get<int>()); break;
        case DType::UInt64: t.mutableData<uint64_t>()[i] = v.get<uint64_t>(); break;
        case DType::Bool: t.mutableData<bool>()[i] = v.get<bool>(); break;
        case DType::Complex64:
            t.mutableData<float>()[2 * i] = float(number(v[0]));
            t.mutableData<float>()[2 * i + 1] = float(number(v[1]));
            break;
        case DType::Complex128:
            t.mutableData<double>()[2 * i] = number(v[0]);
            t.mutableData<double>()[2 * i + 1] = number(v[1]);
            break;
        default: qFatal("unhandled dtype %s", dtype.c_str());
        }
    }
    return t;
}

}  // namespace

class TestTensorFormat : public QObject {
    Q_OBJECT
private slots:
    void testMatchesNumpy_data() {
        QTest::addColumn<QByteArray>("caseJson");
        std::ifstream in(std::string(TFSCOPE_TEST_DATA) + "/ckpt/numpy_print_cases.json");
        QVERIFY(in.good());
        nlohmann::json cases = nlohmann::json::parse(in);
        QVERIFY(cases.size() >= 50);
        int i = 0;
        for (const auto& c : cases) {
            std::string name = std::to_string(i++) + " " + c["dtype"].get<std::string>() + " " + c["shape"].dump();
            QTest::addRow("%s", name.c_str()) << QByteArray::fromStdString(c.dump());
        }
    }
    void testMatchesNumpy() {
        QFETCH(QByteArray, caseJson);
        nlohmann::json c = nlohmann::json::parse(caseJson.toStdString());
        Tensor t = build(c);
        QCOMPARE(QString::fromStdString(formatNumpy(t)), QString::fromStdString(c["expected"].get<std::string>()));
    }

    void testBytesRepr() {
        QCOMPARE(pythonBytesRepr("it's"), std::string("b\"it's\""));
        QCOMPARE(pythonBytesRepr("'\""), std::string("b'\\'\"'"));
        QCOMPARE(pythonBytesRepr(std::string("\x00\x7f\n", 3)), std::string("b'\\x00\\x7f\\n'"));
    }

    void testJsonValues() {
        Tensor f = Tensor::fromVector<float>({2, 2}, {0.1f, NAN, INFINITY, -2.5f});
        QCOMPARE(tensorValueToJson(f).dump(), std::string("[[0.1,\"nan\"],[\"inf\",-2.5]]"));
        Tensor h(DType::Half, {1});
        h.mutableData<uint16_t>()[0] = floatToHalf(0.1f);
        QCOMPARE(tensorValueToJson(h).dump(), std::string("[0.1]"));
        QCOMPARE(tensorValueToJson(Tensor::scalar<int64_t>(INT64_MIN)).dump(), std::string("-9223372036854775808"));
        QCOMPARE(tensorValueToJson(Tensor::scalar<uint64_t>(UINT64_MAX)).dump(), std::string("18446744073709551615"));
        Tensor c(DType::Complex64, {1});
        c.mutableData<float>()[0] = 1;
        c.mutableData<float>()[1] = -0.5f;
        QCOMPARE(tensorValueToJson(c).dump(), std::string("[[1.0,-0.5]]"));
        Tensor s = Tensor::fromStrings({2}, {"h\xc3\xa9", std::string("\xff\x00", 2)});
        QCOMPARE(tensorValueToJson(s).dump(), std::string("[\"h\xc3\xa9\",{\"base64\":\"/wA=\"}]"));
        QCOMPARE(tensorValueToJson(Tensor::scalar<bool>(true)).dump(), std::string("true"));
        QCOMPARE(base64Encode("abcd"), std::string("YWJjZA=="));
        QVERIFY(!isValidUtf8("\xc0\x80"));  // overlong
    }
};

QTEST_GUILESS_MAIN(TestTensorFormat)
#include "tst_tensor_format.moc"
