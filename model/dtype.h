#pragma once
// DType: TensorFlow's DataType values (types.proto), without depending on generated code, so that
// views/ can use it. `_REF` variants (base + 100) are folded to their base by baseType().

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tfscope {

enum class DType : int {
    Invalid = 0, Float = 1, Double = 2, Int32 = 3, UInt8 = 4, Int16 = 5, Int8 = 6, String = 7,
    Complex64 = 8, Int64 = 9, Bool = 10, QInt8 = 11, QUInt8 = 12, QInt32 = 13, BFloat16 = 14,
    QInt16 = 15, QUInt16 = 16, UInt16 = 17, Complex128 = 18, Half = 19, Resource = 20, Variant = 21,
    UInt32 = 22, UInt64 = 23, Float8E5M2 = 24, Float8E4M3FN = 25, Float8E4M3FNUZ = 26,
    Float8E4M3B11FNUZ = 27, Float8E5M2FNUZ = 28, Int4 = 29, UInt4 = 30, Int2 = 31, UInt2 = 32,
    Float4E2M1FN = 33,
};
constexpr int kRefOffset = 100;
constexpr int kMaxDType = 33;

// Maps any raw DataType value (incl. *_REF) to its base; nullopt for values TF does not define.
std::optional<DType> dtypeFromInt(int raw);
inline DType baseType(int raw) { auto d = dtypeFromInt(raw); return d ? *d : DType::Invalid; }
inline bool isRefType(int raw) { return raw > kRefOffset; }

// "DT_FLOAT", "DT_FLOAT_REF" (TF's enum names).
std::string dtypeEnumName(int raw);
std::string dtypeEnumName(DType d);
// numpy-like short names as TF prints them: "float32", "int64", "string", "bfloat16".
std::string_view dtypeShortName(DType d);
// Accepts "float32", "float", "DT_FLOAT", "int64", ... (case-sensitive TF/numpy spellings).
std::optional<DType> dtypeFromName(std::string_view name);

// Bytes per element in a tensor bundle / in memory; 0 for String, Variant, Resource, Invalid.
size_t dtypeSize(DType d);
// True for dtypes whose elements are stored as raw fixed-size bytes (memcpy-able).
inline bool isPod(DType d) { return dtypeSize(d) != 0; }
bool isFloating(DType d);   // half, bfloat16, float, double, float8/4 kinds
bool isInteger(DType d);    // signed/unsigned ints incl. quantized and int4/2
bool isComplex(DType d);

}  // namespace tfscope
