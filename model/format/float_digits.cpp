#include "model/format/float_digits.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "model/half.h"

namespace tfscope {

namespace {

// Parses "d.ddde±XX" (from to_chars / %e) into digits and exponent.
FloatDigits parseScientific(const char* s, bool negative) {
    FloatDigits d;
    d.negative = negative;
    const char* e = std::strchr(s, 'e');
    for (const char* p = s; p < e; ++p)
        if (*p >= '0' && *p <= '9') d.digits += *p;
    d.exponent = std::atoi(e + 1);
    while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
    if (d.digits == "0") d.exponent = 0;
    return d;
}

std::string expText(int exponent, size_t minDigits = 2) {
    std::string digits = std::to_string(std::abs(exponent));
    while (digits.size() < minDigits) digits.insert(0, "0");
    return std::string(exponent < 0 ? "-" : "+") + digits;
}

}  // namespace

FloatDigits shortestDigits(double value, DType dtype) {
    const bool negative = std::signbit(value);
    const double a = std::fabs(value);
    char buf[64];
    if (dtype == DType::Half) {
        const uint16_t want = floatToHalf(float(a));
        for (int p = 1; p <= 6; ++p) {
            std::snprintf(buf, sizeof buf, "%.*e", p - 1, a);
            if (floatToHalf(std::strtof(buf, nullptr)) == want) break;
        }
        return parseScientific(buf, negative);
    }
    std::to_chars_result r = dtype == DType::Double ? std::to_chars(buf, buf + 63, a, std::chars_format::scientific)
                                                    : std::to_chars(buf, buf + 63, float(a), std::chars_format::scientific);
    *r.ptr = '\0';
    return parseScientific(buf, negative);
}

std::pair<std::string, std::string> positionalParts(double value, DType dtype, int maxFrac) {
    FloatDigits d = shortestDigits(value, dtype);
    const std::string sign = d.negative ? "-" : "";
    const int fracDigits = int(d.digits.size()) - 1 - d.exponent;
    if (fracDigits > maxFrac) {
        char buf[512];
        std::snprintf(buf, sizeof buf, "%.*f", maxFrac, std::fabs(value));
        std::string s = buf;
        size_t dot = s.find('.');
        std::string intPart = dot == std::string::npos ? s : s.substr(0, dot);
        std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
        return {sign + intPart, frac};
    }
    std::string intPart, frac;
    if (d.exponent < 0) {
        intPart = "0";
        frac = std::string(size_t(-d.exponent - 1), '0') + d.digits;
    } else if (size_t(d.exponent) + 1 >= d.digits.size()) {
        intPart = d.digits + std::string(size_t(d.exponent) + 1 - d.digits.size(), '0');
    } else {
        intPart = d.digits.substr(0, size_t(d.exponent) + 1);
        frac = d.digits.substr(size_t(d.exponent) + 1);
    }
    if (d.digits == "0") frac.clear();
    return {sign + intPart, frac};
}

SciParts scientificParts(double value, DType dtype, int maxFrac) {
    FloatDigits d = shortestDigits(value, dtype);
    if (int(d.digits.size()) - 1 > maxFrac) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*e", maxFrac, std::fabs(value));
        d = parseScientific(buf, d.negative);
    }
    SciParts p;
    p.intPart = std::string(d.negative ? "-" : "") + d.digits[0];
    p.fracPart = d.digits.substr(1);
    p.exponent = d.exponent;
    return p;
}

SciParts scientificExact(double value, int fracDigits) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*e", fracDigits, std::fabs(value));
    SciParts p;
    const char* e = std::strchr(buf, 'e');
    p.intPart = std::string(std::signbit(value) ? "-" : "") + buf[0];
    if (fracDigits > 0) p.fracPart.assign(buf + 2, size_t(e - (buf + 2)));
    p.exponent = std::atoi(e + 1);
    return p;
}

std::string scalarFloatString(double value, DType dtype) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
    const double a = std::fabs(value);
    if (a < 1e16 && (a == 0 || a >= 1e-4)) {
        auto [i, f] = positionalParts(value, dtype, 1000);
        return i + "." + (f.empty() ? "0" : f);
    }
    FloatDigits d = shortestDigits(value, dtype);
    std::string out = d.negative ? "-" : "";
    out += d.digits[0];
    if (d.digits.size() > 1) out += "." + d.digits.substr(1);
    return out + "e" + expText(d.exponent);
}

std::string bfloat16String(float value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", double(value));
    return buf;
}

}  // namespace tfscope
