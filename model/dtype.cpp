#include "model/dtype.h"

#include <array>

namespace tfscope {
namespace {

struct DTypeInfo {
    const char* enumName;   // without "DT_"
    const char* shortName;  // numpy-like
    size_t size;
};

// Indexed by DType value 0..33.
constexpr std::array<DTypeInfo, kMaxDType + 1> kInfo = {{
    {"INVALID", "invalid", 0},   {"FLOAT", "float32", 4},      {"DOUBLE", "float64", 8},
    {"INT32", "int32", 4},       {"UINT8", "uint8", 1},        {"INT16", "int16", 2},
    {"INT8", "int8", 1},         {"STRING", "string", 0},      {"COMPLEX64", "complex64", 8},
    {"INT64", "int64", 8},       {"BOOL", "bool", 1},          {"QINT8", "qint8", 1},
    {"QUINT8", "quint8", 1},     {"QINT32", "qint32", 4},      {"BFLOAT16", "bfloat16", 2},
    {"QINT16", "qint16", 2},     {"QUINT16", "quint16", 2},    {"UINT16", "uint16", 2},
    {"COMPLEX128", "complex128", 16}, {"HALF", "float16", 2},  {"RESOURCE", "resource", 0},
    {"VARIANT", "variant", 0},   {"UINT32", "uint32", 4},      {"UINT64", "uint64", 8},
    {"FLOAT8_E5M2", "float8_e5m2", 1}, {"FLOAT8_E4M3FN", "float8_e4m3fn", 1},
    {"FLOAT8_E4M3FNUZ", "float8_e4m3fnuz", 1}, {"FLOAT8_E4M3B11FNUZ", "float8_e4m3b11fnuz", 1},
    {"FLOAT8_E5M2FNUZ", "float8_e5m2fnuz", 1}, {"INT4", "int4", 1}, {"UINT4", "uint4", 1},
    {"INT2", "int2", 1},         {"UINT2", "uint2", 1},        {"FLOAT4_E2M1FN", "float4_e2m1fn", 1},
}};

}  // namespace

std::optional<DType> dtypeFromInt(int raw) {
    if (raw > kRefOffset) raw -= kRefOffset;
    if (raw < 0 || raw > kMaxDType) return std::nullopt;
    return static_cast<DType>(raw);
}

std::string dtypeEnumName(int raw) {
    auto d = dtypeFromInt(raw);
    if (!d) return "DT_UNKNOWN_" + std::to_string(raw);
    std::string name = std::string("DT_") + kInfo[static_cast<int>(*d)].enumName;
    if (isRefType(raw)) name += "_REF";
    return name;
}

std::string dtypeEnumName(DType d) { return dtypeEnumName(static_cast<int>(d)); }

std::string_view dtypeShortName(DType d) {
    int i = static_cast<int>(d);
    return (i >= 0 && i <= kMaxDType) ? kInfo[i].shortName : "invalid";
}

std::optional<DType> dtypeFromName(std::string_view name) {
    if (name == "float") return DType::Float;
    if (name == "double") return DType::Double;
    if (name == "half") return DType::Half;
    std::string_view base = name;
    bool ref = false;
    if (base.starts_with("DT_")) {
        base.remove_prefix(3);
        if (base.ends_with("_REF")) { base.remove_suffix(4); ref = true; }
    }
    for (int i = 1; i <= kMaxDType; ++i) {
        if (base == kInfo[i].enumName || name == kInfo[i].shortName) return static_cast<DType>(i);
    }
    (void)ref;
    return std::nullopt;
}

size_t dtypeSize(DType d) {
    int i = static_cast<int>(d);
    return (i >= 0 && i <= kMaxDType) ? kInfo[i].size : 0;
}

bool isFloating(DType d) {
    switch (d) {
    case DType::Half: case DType::BFloat16: case DType::Float: case DType::Double:
    case DType::Float8E5M2: case DType::Float8E4M3FN: case DType::Float8E4M3FNUZ:
    case DType::Float8E4M3B11FNUZ: case DType::Float8E5M2FNUZ: case DType::Float4E2M1FN:
        return true;
    default: return false;
    }
}

bool isInteger(DType d) {
    switch (d) {
    case DType::Int8: case DType::Int16: case DType::Int32: case DType::Int64:
    case DType::UInt8: case DType::UInt16: case DType::UInt32: case DType::UInt64:
    case DType::QInt8: case DType::QUInt8: case DType::QInt16: case DType::QUInt16: case DType::QInt32:
    case DType::Int4: case DType::UInt4: case DType::Int2: case DType::UInt2:
        return true;
    default: return false;
    }
}

bool isComplex(DType d) { return d == DType::Complex64 || d == DType::Complex128; }

}  // namespace tfscope
