#include "model/graph/attr_format.h"

#include <cstring>
#include <sstream>

#include "model/dtype.h"
#include "model/half.h"

namespace tfscope {

namespace {

std::string quoteBytes(const std::string& s, size_t maxLen = 64) {
    std::string out = "\"";
    size_t n = std::min(s.size(), maxLen);
    for (size_t i = 0; i < n; ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    if (s.size() > maxLen) out += "...";
    out += '"';
    return out;
}

std::string formatDouble(double v) {
    std::ostringstream os;
    os.precision(7);
    os << v;
    return os.str();
}

template <typename T>
T readLe(const std::string& bytes, size_t i) {
    T v;
    std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
    return v;
}

// Element i of a TensorProto as text, or "" when out of range (repeated fields broadcast their last).
std::string elementText(const tensorflow::TensorProto& t, DType d, int64_t i) {
    const std::string& c = t.tensor_content();
    auto pick = [&](const auto& rep, auto conv) -> std::string {
        if (rep.empty()) return "0";
        return conv(rep[std::min<int64_t>(i, rep.size() - 1)]);
    };
    auto num = [](auto v) { return formatDouble(static_cast<double>(v)); };
    auto integer = [](auto v) { return std::to_string(v); };
    const size_t sz = dtypeSize(d);
    if (!c.empty() && sz > 0) {
        if (static_cast<size_t>(i + 1) * sz > c.size()) return {};
        switch (d) {
        case DType::Float: return num(readLe<float>(c, i));
        case DType::Double: return num(readLe<double>(c, i));
        case DType::Int32: case DType::QInt32: return integer(readLe<int32_t>(c, i));
        case DType::Int64: return integer(readLe<int64_t>(c, i));
        case DType::UInt64: return integer(readLe<uint64_t>(c, i));
        case DType::UInt32: return integer(readLe<uint32_t>(c, i));
        case DType::Int16: case DType::QInt16: return integer(readLe<int16_t>(c, i));
        case DType::UInt16: case DType::QUInt16: return integer(readLe<uint16_t>(c, i));
        case DType::Int8: case DType::QInt8: return integer(static_cast<int>(readLe<int8_t>(c, i)));
        case DType::UInt8: case DType::QUInt8: return integer(static_cast<int>(readLe<uint8_t>(c, i)));
        case DType::Bool: return readLe<uint8_t>(c, i) ? "true" : "false";
        default: return "?";
        }
    }
    switch (d) {
    case DType::Float: return pick(t.float_val(), num);
    case DType::Double: return pick(t.double_val(), num);
    case DType::Int32: case DType::Int16: case DType::Int8: case DType::UInt8: case DType::UInt16:
    case DType::QInt8: case DType::QUInt8: case DType::QInt32: case DType::QInt16: case DType::QUInt16:
        return pick(t.int_val(), integer);
    case DType::Int64: return pick(t.int64_val(), integer);
    case DType::UInt32: return pick(t.uint32_val(), integer);
    case DType::UInt64: return pick(t.uint64_val(), integer);
    case DType::Bool: return pick(t.bool_val(), [](bool b) { return std::string(b ? "true" : "false"); });
    case DType::String:
        if (t.string_val().empty()) return "\"\"";
        return quoteBytes(t.string_val(std::min<int64_t>(i, t.string_val_size() - 1)));
    case DType::Half: case DType::BFloat16: return pick(t.half_val(), integer);
    default: return "?";
    }
}

}  // namespace

std::string shapeProtoToString(const tensorflow::TensorShapeProto& shape) {
    if (shape.unknown_rank()) return "<unknown>";
    std::string s = "[";
    for (int i = 0; i < shape.dim_size(); ++i) {
        if (i) s += ',';
        int64_t d = shape.dim(i).size();
        s += d < 0 ? std::string("?") : std::to_string(d);
    }
    return s + "]";
}

OptionalShape shapeProtoToOptional(const tensorflow::TensorShapeProto& shape) {
    if (shape.unknown_rank()) return std::nullopt;
    std::vector<int64_t> dims;
    dims.reserve(shape.dim_size());
    for (const auto& d : shape.dim()) dims.push_back(d.size());
    return dims;
}

std::string tensorProtoSummary(const tensorflow::TensorProto& t, int maxElements) {
    const DType d = baseType(t.dtype());
    std::string s = dtypeEnumName(t.dtype()) + " " + shapeProtoToString(t.tensor_shape());
    int64_t n = 1;
    for (const auto& dim : t.tensor_shape().dim()) n *= std::max<int64_t>(dim.size(), 0);
    if (t.tensor_shape().unknown_rank()) n = 0;
    s += " {";
    int64_t shown = std::min<int64_t>(n, maxElements);
    for (int64_t i = 0; i < shown; ++i) {
        if (i) s += ", ";
        std::string e = elementText(t, d, i);
        s += e.empty() ? "?" : e;
    }
    if (n > shown) s += ", ...";
    s += "}";
    return s;
}

AttrDisplay formatAttr(const std::string& name, const tensorflow::AttrValue& v) {
    AttrDisplay a;
    a.name = name;
    using V = tensorflow::AttrValue;
    switch (v.value_case()) {
    case V::kS: a.kind = AttrDisplay::Kind::String; a.text = quoteBytes(v.s(), 256); break;
    case V::kI: a.kind = AttrDisplay::Kind::Scalar; a.text = std::to_string(v.i()); break;
    case V::kF: a.kind = AttrDisplay::Kind::Scalar; a.text = formatDouble(v.f()); break;
    case V::kB: a.kind = AttrDisplay::Kind::Scalar; a.text = v.b() ? "true" : "false"; break;
    case V::kType: a.kind = AttrDisplay::Kind::Type; a.text = dtypeEnumName(v.type()); break;
    case V::kShape: a.kind = AttrDisplay::Kind::Shape; a.text = shapeProtoToString(v.shape()); break;
    case V::kTensor: a.kind = AttrDisplay::Kind::Tensor; a.text = tensorProtoSummary(v.tensor()); break;
    case V::kPlaceholder: a.kind = AttrDisplay::Kind::Placeholder; a.text = "$" + v.placeholder(); break;
    case V::kFunc: {
        a.kind = AttrDisplay::Kind::Function;
        a.text = v.func().name();
        a.functionNames.push_back(v.func().name());
        break;
    }
    case V::kList: {
        a.kind = AttrDisplay::Kind::List;
        const auto& l = v.list();
        std::vector<std::string> items;
        for (const auto& s : l.s()) items.push_back(quoteBytes(s));
        for (auto i : l.i()) items.push_back(std::to_string(i));
        for (auto f : l.f()) items.push_back(formatDouble(f));
        for (bool b : l.b()) items.push_back(b ? "true" : "false");
        for (int t : l.type()) items.push_back(dtypeEnumName(t));
        for (const auto& s : l.shape()) items.push_back(shapeProtoToString(s));
        for (const auto& t : l.tensor()) items.push_back(tensorProtoSummary(t, 4));
        for (const auto& f : l.func()) {
            items.push_back(f.name());
            a.functionNames.push_back(f.name());
        }
        a.text = "[";
        for (size_t i = 0; i < items.size(); ++i) a.text += (i ? ", " : "") + items[i];
        a.text += "]";
        break;
    }
    case V::VALUE_NOT_SET: a.kind = AttrDisplay::Kind::Empty; break;
    }
    return a;
}

}  // namespace tfscope
