#pragma once
// Small text-format GraphDef builders for the executor suites (tst_fusion, tst_optimize).
//
//   std::string g = floatConst("w", {3, 3, 2, 3}, -0.4f, 0.13f);
//   g += "node { name: 'y' op: 'Conv2D' input: 'x' input: 'w'" + std::string(kFloatT) + "}\n";
#include <cstdint>
#include <string>
#include <vector>

// A float Const node NAME of SHAPE whose values follow a fixed, sign-changing pattern.
inline std::string floatConst(const std::string& name, const std::vector<int64_t>& shape, float start, float step) {
    int64_t count = 1;
    std::string dims;
    for (int64_t d : shape) {
        count *= d;
        dims += "dim { size: " + std::to_string(d) + " } ";
    }
    std::string values;
    for (int64_t i = 0; i < count; ++i)
        values += "float_val: " + std::to_string(start + step * float(i % 7) - step * float(i % 3)) + " ";
    return "node { name: '" + name +
           "' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } } attr { key: 'value' value { tensor { "
           "dtype: DT_FLOAT tensor_shape { " +
           dims + "} " + values + "} } } }\n";
}

// The `T: DT_FLOAT` attribute most float ops carry.
inline constexpr const char* kFloatT = " attr { key: 'T' value { type: DT_FLOAT } } ";
