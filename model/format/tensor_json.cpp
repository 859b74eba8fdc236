#include "model/format/tensor_json.h"

#include <cmath>
#include <cstdlib>
#include <functional>

#include "model/format/float_digits.h"
#include "model/half.h"

namespace tfscope {

namespace {

// The shortest decimal that round-trips in `dtype`, as a double (so 0.1f prints as 0.1).
nlohmann::json floatJson(double v, DType dtype) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    if (dtype == DType::Double) return v;
    FloatDigits d = shortestDigits(v, dtype == DType::Half ? DType::Half : DType::Float);
    std::string text = std::string(d.negative ? "-" : "") + "0." + d.digits + "e" + std::to_string(d.exponent + 1);
    return std::strtod(text.c_str(), nullptr);
}

}  // namespace

bool isValidUtf8(const std::string& s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        unsigned c = *p++;
        int extra;
        unsigned minValue;
        if (c < 0x80) continue;
        if ((c & 0xe0) == 0xc0) { extra = 1; c &= 0x1f; minValue = 0x80; }
        else if ((c & 0xf0) == 0xe0) { extra = 2; c &= 0x0f; minValue = 0x800; }
        else if ((c & 0xf8) == 0xf0) { extra = 3; c &= 0x07; minValue = 0x10000; }
        else return false;
        if (end - p < extra) return false;
        for (int i = 0; i < extra; ++i) {
            if ((p[i] & 0xc0) != 0x80) return false;
            c = (c << 6) | (p[i] & 0x3f);
        }
        p += extra;
        if (c < minValue || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return false;
    }
    return true;
}

std::string base64Encode(const std::string& bytes) {
    static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 | uint8_t(bytes[i + 2]);
        for (int k = 3; k >= 0; --k) out += kAlphabet[(v >> (6 * k)) & 63];
    }
    if (i + 1 == bytes.size()) {
        uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == bytes.size()) {
        uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

nlohmann::json shapeToJson(const Shape& shape) {
    nlohmann::json a = nlohmann::json::array();
    for (int64_t d : shape) a.push_back(d);
    return a;
}

nlohmann::json tensorElementToJson(const Tensor& t, int64_t i) {
    switch (t.dtype()) {
    case DType::Float: return floatJson(t.data<float>()[i], DType::Float);
    case DType::Double: return floatJson(t.data<double>()[i], DType::Double);
    case DType::Half: return floatJson(halfToFloat(t.data<uint16_t>()[i]), DType::Half);
    case DType::BFloat16: return floatJson(bfloat16ToFloat(t.data<uint16_t>()[i]), DType::BFloat16);
    case DType::Int8: case DType::QInt8: return t.data<int8_t>()[i];
    case DType::UInt8: case DType::QUInt8: return t.data<uint8_t>()[i];
    case DType::Int16: case DType::QInt16: return t.data<int16_t>()[i];
    case DType::UInt16: case DType::QUInt16: return t.data<uint16_t>()[i];
    case DType::Int32: case DType::QInt32: return t.data<int32_t>()[i];
    case DType::UInt32: return t.data<uint32_t>()[i];
    case DType::Int64: return t.data<int64_t>()[i];
    case DType::UInt64: return t.data<uint64_t>()[i];
    case DType::Bool: return t.data<bool>()[i];
    case DType::Complex64:
        return nlohmann::json::array({floatJson(t.data<float>()[2 * i], DType::Float), floatJson(t.data<float>()[2 * i + 1], DType::Float)});
    case DType::Complex128:
        return nlohmann::json::array({floatJson(t.data<double>()[2 * i], DType::Double), floatJson(t.data<double>()[2 * i + 1], DType::Double)});
    case DType::String: {
        const std::string& s = t.strings()[size_t(i)];
        if (isValidUtf8(s)) return s;
        return nlohmann::json{{"base64", base64Encode(s)}};
    }
    default:
        if (isFloating(t.dtype())) return floatJson(t.elementAsDouble(i), DType::Float);
        if (isInteger(t.dtype())) return int64_t(t.elementAsDouble(i));
        return nullptr;
    }
}

nlohmann::json tensorValueToJson(const Tensor& t) {
    if (t.rank() == 0) return t.numElements() == 1 ? tensorElementToJson(t, 0) : nlohmann::json();
    std::vector<int64_t> strides(size_t(t.rank()), 1);
    for (int d = t.rank() - 1; d > 0; --d) strides[size_t(d - 1)] = strides[size_t(d)] * t.dim(d);
    std::function<nlohmann::json(int, int64_t)> build = [&](int axis, int64_t base) {
        nlohmann::json a = nlohmann::json::array();
        for (int64_t i = 0; i < t.dim(axis); ++i) {
            int64_t at = base + i * strides[size_t(axis)];
            a.push_back(axis + 1 == t.rank() ? tensorElementToJson(t, at) : build(axis + 1, at));
        }
        return a;
    };
    return build(0, 0);
}

}  // namespace tfscope
