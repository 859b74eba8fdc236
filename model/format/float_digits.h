#pragma once
// Shortest round-trip decimal digits of float32 / float64 / half values (what numpy's Dragon4
// "unique" mode prints), and the Python-style scalar spellings built from them.
//
//   FloatDigits d = shortestDigits(0.1f);   // digits "1", exponent -1  (0.1 = 1 × 10^-1)
//   std::string s = scalarFloatString(2.0, DType::Float);   // "2.0"

#include <string>

#include "model/dtype.h"

namespace tfscope {

// value = (negative ? -1 : 1) × 0.d1d2d3... × 10^(exponent+1), i.e. d1.d2d3... × 10^exponent.
struct FloatDigits {
    bool negative = false;
    std::string digits;  // no leading zeros; "0" for zero
    int exponent = 0;
};

// REQUIRES: finite. `dtype` picks the precision whose round trip counts: Half, Float (also
// used for BFloat16 callers that want float digits) or Double.
FloatDigits shortestDigits(double value, DType dtype);

// Positional text with at most `maxFrac` fraction digits (unique digits, then correctly rounded
// if longer), no trailing zeros: "2." has an empty fraction. Returns {intPart incl. sign, fracPart}.
std::pair<std::string, std::string> positionalParts(double value, DType dtype, int maxFrac);
// Scientific parts with at most `maxFrac` mantissa fraction digits: {intPart incl. sign, fracPart, exponent}.
struct SciParts {
    std::string intPart, fracPart;
    int exponent = 0;
};
SciParts scientificParts(double value, DType dtype, int maxFrac);
// Exactly `fracDigits` mantissa fraction digits of the exact binary value, correctly rounded
// (numpy's min_digits: digits past the shortest ones are real, not zeros).
SciParts scientificExact(double value, int fracDigits);

// str() of a numpy float scalar: "0.5", "2.0", "1e-05", "1.5e+16", "nan", "-inf".
std::string scalarFloatString(double value, DType dtype);

// "%g"-style text as ml_dtypes prints bfloat16: "0.100098", "-256", "9.99922e+09".
std::string bfloat16String(float value);

}  // namespace tfscope
