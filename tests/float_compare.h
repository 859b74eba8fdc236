#pragma once
// The one rule for comparing a floating-point result with a reference (TensorFlow's output), the
// same as tests/oracle/tolerance.py (whose docstring explains the choice):
//
//   |got - ref| <= kUlps * eps(dtype) * sqrt(K) * max|ref|   (+ the dtype's smallest normal number)
//
// max|ref| is the largest finite magnitude of the whole reference tensor (rounding errors of a sum
// scale with its terms, not with a cancelled near-zero result); K is the length of the reduction
// behind each element (MatMul: contracted dim; Conv2D: kh*kw*cin; elementwise: 1), errors of a
// K-term sum in another order growing like sqrt(K). NaN matches only NaN, an infinity only the
// same infinity; integers, bools and strings compare exactly.
//
//   std::string why = compareToReference(got, want, /*k=*/64);   // "" when close enough
//   QVERIFY2(why.empty(), why.c_str());

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "model/tensor.h"

namespace tfscope::testing {

constexpr double kUlps = 8;

// Machine epsilon (distance from 1 to the next value) and smallest normal number of a float dtype.
struct FloatPrecision {
    double eps;
    double tiny;
};

inline FloatPrecision floatPrecision(DType d) {
    switch (d) {
    case DType::Half: return {0x1p-10, 0x1p-14};
    case DType::BFloat16: return {0x1p-7, 0x1p-126};
    case DType::Double: case DType::Complex128: return {0x1p-52, 0x1p-1022};
    case DType::Float8E5M2: case DType::Float8E5M2FNUZ: return {0x1p-2, 0x1p-14};
    case DType::Float8E4M3FN: case DType::Float8E4M3FNUZ: case DType::Float8E4M3B11FNUZ: return {0x1p-3, 0x1p-6};
    case DType::Float4E2M1FN: return {0x1p-1, 1.0};
    default: return {0x1p-23, 0x1p-126};  // float, complex64
    }
}

inline double referenceTolerance(FloatPrecision p, int64_t k, double scale) {
    return kUlps * p.eps * std::sqrt(double(std::max<int64_t>(1, k))) * scale + p.tiny;
}

// "" when got[i] matches ref[i] for every i under the rule, else a message naming the first element
// that does not. Both hold n values (complex: the real and imaginary parts as separate values).
inline std::string compareFloats(const double* got, const double* ref, size_t n, FloatPrecision p, int64_t k) {
    double scale = 0;
    for (size_t i = 0; i < n; ++i)
        if (std::isfinite(ref[i])) scale = std::max(scale, std::abs(ref[i]));
    const double tol = referenceTolerance(p, k, scale);
    for (size_t i = 0; i < n; ++i) {
        const double a = got[i], b = ref[i];
        bool ok;
        if (std::isnan(b)) ok = std::isnan(a);
        else if (std::isinf(b)) ok = a == b;
        else ok = std::abs(a - b) <= tol;  // false for a NaN
        if (!ok) {
            char buf[256];
            std::snprintf(buf, sizeof buf,
                          "element %zu: %.9g != reference %.9g (|diff| %.3g > tolerance %.3g = %g eps * sqrt(K=%lld) "
                          "* max|ref| %.6g)",
                          i, a, b, std::abs(a - b), tol, kUlps, static_cast<long long>(std::max<int64_t>(1, k)), scale);
            return buf;
        }
    }
    return {};
}

inline std::string compareFloats(const std::vector<double>& got, const std::vector<double>& ref, FloatPrecision p,
                                 int64_t k) {
    if (got.size() != ref.size())
        return std::to_string(got.size()) + " values != reference's " + std::to_string(ref.size());
    return compareFloats(got.data(), ref.data(), got.size(), p, k);
}

// A tensor against a reference tensor: same dtype and shape; floats (and complex parts) by the rule
// with reduction length k, everything else exactly.
inline std::string compareToReference(const Tensor& got, const Tensor& ref, int64_t k = 1) {
    if (got.dtype() != ref.dtype()) return "dtype " + dtypeEnumName(got.dtype()) + " != reference " + dtypeEnumName(ref.dtype());
    if (got.shape() != ref.shape()) return "shape " + shapeToString(got.shape()) + " != reference " + shapeToString(ref.shape());
    if (got.dtype() == DType::String) return got.strings() == ref.strings() ? "" : "strings differ";
    if (!isFloating(got.dtype()) && !isComplex(got.dtype())) return got.sameContent(ref) ? "" : "values differ (exact dtype)";
    const int64_t n = got.numElements();
    std::vector<double> a, b;
    if (isComplex(got.dtype())) {  // interleaved real, imaginary parts
        const bool single = got.dtype() == DType::Complex64;
        for (const Tensor* t : {&got, &ref}) {
            std::vector<double>& out = t == &got ? a : b;
            for (int64_t i = 0; i < 2 * n; ++i) {
                if (single) { float f; std::memcpy(&f, t->rawData() + 4 * i, 4); out.push_back(f); }
                else { double d; std::memcpy(&d, t->rawData() + 8 * i, 8); out.push_back(d); }
            }
        }
    } else {
        for (int64_t i = 0; i < n; ++i) {
            a.push_back(got.elementAsDouble(i));
            b.push_back(ref.elementAsDouble(i));
        }
    }
    return compareFloats(a, b, floatPrecision(got.dtype()), k);
}

}  // namespace tfscope::testing
