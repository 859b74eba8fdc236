#include "model/format/numpy_format.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <functional>

#include "model/format/float_digits.h"
#include "model/half.h"

namespace tfscope {

namespace {

double floatAt(const Tensor& t, int64_t i) {
    switch (t.dtype()) {
    case DType::Half: return halfToFloat(t.data<uint16_t>()[i]);
    case DType::BFloat16: return bfloat16ToFloat(t.data<uint16_t>()[i]);
    case DType::Float: return t.data<float>()[i];
    case DType::Double: return t.data<double>()[i];
    default: return t.elementAsDouble(i);
    }
}

// numpy's FloatingFormat for one set of values (the shown elements).
class FloatFormat {
public:
    FloatFormat(const std::vector<double>& values, DType dtype, int precision, bool plusSign)
        : m_dtype(dtype), m_precision(precision), m_plus(plusSign) {
        std::vector<double> finite;
        for (double v : values)
            if (std::isfinite(v)) finite.push_back(v);
        double maxVal = 0, minVal = 0;
        bool any = false;
        for (double v : finite) {
            double a = std::fabs(v);
            if (a == 0) continue;
            if (!any) maxVal = minVal = a;
            maxVal = std::max(maxVal, a);
            minVal = std::min(minVal, a);
            any = true;
        }
        if (any) {
            // numpy compares in the array's dtype; float32 division rounding matters at the edge.
            double ratio = dtype == DType::Double ? maxVal / minVal : double(float(maxVal) / float(minVal));
            m_exp = maxVal >= 1e8 || minVal < 0.0001 || ratio > 1000.;
        }
        if (finite.empty()) {
            m_padLeft = m_padRight = 0;
        } else if (m_exp) {
            size_t frac = 0, intLen = 0;
            int expDigits = 2;
            for (double v : finite) {
                SciParts p = scientificParts(v, dtype, precision);
                frac = std::max(frac, p.fracPart.size());
                intLen = std::max(intLen, p.intPart.size() + ((m_plus && v >= 0 && !std::signbit(v)) ? 1 : 0));
                expDigits = std::max(expDigits, int(std::to_string(std::abs(p.exponent)).size()));
            }
            m_sciPrecision = int(frac);
            m_expDigits = expDigits;
            m_padLeft = int(intLen);
            m_padRight = m_expDigits + 2 + m_sciPrecision;
        } else {
            for (double v : finite) {
                auto [i, f] = positionalParts(v, dtype, precision);
                int il = int(i.size()) + ((m_plus && !std::signbit(v)) ? 1 : 0);
                m_padLeft = std::max(m_padLeft, il);
                m_padRight = std::max(m_padRight, int(f.size()));
            }
        }
        if (finite.size() != values.size()) {
            bool negInf = m_plus;
            for (double v : values)
                if (std::isinf(v) && v < 0) negInf = true;
            int offset = m_padRight + 1;
            m_padLeft = std::max({m_padLeft, 3 - offset, 3 + (negInf ? 1 : 0) - offset});
        }
    }

    std::string operator()(double v) const {
        if (!std::isfinite(v)) {
            std::string s = std::isnan(v) ? "nan" : (v < 0 ? "-inf" : "inf");
            if (m_plus && !std::isnan(v) && v > 0) s = "+inf";
            if (m_plus && std::isnan(v)) s = "+nan";
            int width = m_padLeft + m_padRight + 1;
            return std::string(size_t(std::max(0, width - int(s.size()))), ' ') + s;
        }
        std::string sign = (m_plus && !std::signbit(v)) ? "+" : "";
        if (m_exp) {
            SciParts p = scientificParts(v, m_dtype, m_precision);
            if (int(p.fracPart.size()) < m_sciPrecision) p = scientificExact(v, m_sciPrecision);
            std::string intPart = sign + p.intPart;
            std::string frac = p.fracPart + std::string(size_t(m_sciPrecision) - std::min(p.fracPart.size(), size_t(m_sciPrecision)), '0');
            std::string e = std::to_string(std::abs(p.exponent));
            while (int(e.size()) < m_expDigits) e.insert(0, "0");
            std::string s = pad(intPart) + "." + frac + "e" + (p.exponent < 0 ? "-" : "+") + e;
            return s;
        }
        auto [i, f] = positionalParts(v, m_dtype, m_precision);
        return pad(sign + i) + "." + f + std::string(size_t(std::max(0, m_padRight - int(f.size()))), ' ');
    }

private:
    std::string pad(const std::string& intPart) const {
        return std::string(size_t(std::max(0, m_padLeft - int(intPart.size()))), ' ') + intPart;
    }
    DType m_dtype;
    int m_precision;
    bool m_plus;
    bool m_exp = false;
    int m_padLeft = 0, m_padRight = 0, m_sciPrecision = 0, m_expDigits = 2;
};

template <typename T>
std::string intText(const Tensor& t, int64_t i) {
    return std::to_string(t.data<T>()[i]);
}

std::string integerText(const Tensor& t, int64_t i) {
    switch (t.dtype()) {
    case DType::Int8: case DType::QInt8: return intText<int8_t>(t, i);
    case DType::UInt8: case DType::QUInt8: return intText<uint8_t>(t, i);
    case DType::Int16: case DType::QInt16: return intText<int16_t>(t, i);
    case DType::UInt16: case DType::QUInt16: return intText<uint16_t>(t, i);
    case DType::Int32: case DType::QInt32: return intText<int32_t>(t, i);
    case DType::UInt32: return intText<uint32_t>(t, i);
    case DType::Int64: return intText<int64_t>(t, i);
    case DType::UInt64: return intText<uint64_t>(t, i);
    default: {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", t.elementAsDouble(i));
        return buf;
    }
    }
}

bool isIntegerLike(DType d) {
    switch (d) {
    case DType::QInt8: case DType::QUInt8: case DType::QInt16: case DType::QUInt16: case DType::QInt32: return true;
    default: return isInteger(d);
    }
}

std::pair<double, double> complexAt(const Tensor& t, int64_t i) {
    if (t.dtype() == DType::Complex64) return {t.data<float>()[2 * i], t.data<float>()[2 * i + 1]};
    return {t.data<double>()[2 * i], t.data<double>()[2 * i + 1]};
}

// Python's str() of a complex scalar: "(1+2j)", "2j", "(-1-0.5j)".
std::string complexScalar(double re, double im, DType part) {
    auto num = [&](double v) {
        std::string s = scalarFloatString(v, part);
        if (s.size() > 2 && s.ends_with(".0")) s.resize(s.size() - 2);
        return s;
    };
    std::string imText = num(im);
    if (re == 0 && !std::signbit(re)) return imText + "j";
    std::string sign = (std::signbit(im) || std::isnan(im)) && imText[0] == '-' ? "" : "+";
    return "(" + num(re) + sign + imText + "j)";
}

// Element indices shown along each axis (all, or the edges when summarising).
std::vector<std::vector<int64_t>> shownIndices(const Shape& shape, bool summarise, int edge) {
    std::vector<std::vector<int64_t>> out;
    for (int64_t n : shape) {
        std::vector<int64_t> idx;
        if (summarise && n > 2 * edge) {
            for (int64_t i = 0; i < edge; ++i) idx.push_back(i);
            for (int64_t i = n - edge; i < n; ++i) idx.push_back(i);
        } else {
            for (int64_t i = 0; i < n; ++i) idx.push_back(i);
        }
        out.push_back(std::move(idx));
    }
    return out;
}

void extendLine(std::string& s, std::string& line, const std::string& word, size_t width, const std::string& indent) {
    bool wrap = line.size() + word.size() > width;
    if (line.size() <= indent.size()) wrap = false;
    if (wrap) {
        while (!line.empty() && line.back() == ' ') line.pop_back();
        s += line + "\n";
        line = indent;
    }
    line += word;
}

}  // namespace

std::string pythonBytesRepr(const std::string& bytes) {
    const bool hasSingle = bytes.find('\'') != std::string::npos;
    const bool hasDouble = bytes.find('"') != std::string::npos;
    const char quote = (hasSingle && !hasDouble) ? '"' : '\'';
    std::string out = "b";
    out += quote;
    for (unsigned char c : bytes) {
        if (c == quote || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c < 0x20 || c >= 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += char(c);
        }
    }
    out += quote;
    return out;
}

std::string formatNumpy(const Tensor& t, const NumpyPrintOptions& options) {
    const DType dtype = t.dtype();
    const int64_t n = t.numElements();
    if (t.rank() == 0) {
        if (n != 1) return "[]";
        if (dtype == DType::String) return pythonBytesRepr(t.strings()[0]);
        if (dtype == DType::Bool) return t.data<bool>()[0] ? "True" : "False";
        if (dtype == DType::BFloat16) return bfloat16String(float(floatAt(t, 0)));
        if (dtype == DType::Half || dtype == DType::Float || dtype == DType::Double)
            return scalarFloatString(floatAt(t, 0), dtype);
        if (isComplex(dtype)) {
            auto [re, im] = complexAt(t, 0);
            return complexScalar(re, im, dtype == DType::Complex64 ? DType::Float : DType::Double);
        }
        if (isIntegerLike(dtype)) return integerText(t, 0);
        if (isFloating(dtype)) return scalarFloatString(t.elementAsDouble(0), DType::Float);
        return "<object>";
    }
    if (n == 0) return "[]";

    const bool summarise = n > options.threshold;
    const auto shown = shownIndices(t.shape(), summarise, options.edgeItems);
    std::vector<int64_t> strides(size_t(t.rank()), 1);
    for (int d = t.rank() - 1; d > 0; --d) strides[size_t(d - 1)] = strides[size_t(d)] * t.dim(d);
    // Flat indices of every shown element, to size the common format.
    std::vector<int64_t> flat;
    std::function<void(size_t, int64_t)> collect = [&](size_t axis, int64_t base) {
        if (axis == shown.size()) {
            flat.push_back(base);
            return;
        }
        for (int64_t i : shown[axis]) collect(axis + 1, base + i * strides[axis]);
    };
    collect(0, 0);

    std::function<std::string(int64_t)> element;
    std::optional<FloatFormat> realFormat, imagFormat;
    size_t intWidth = 0;
    if (dtype == DType::String) {
        element = [&](int64_t i) { return pythonBytesRepr(t.strings()[size_t(i)]); };
    } else if (dtype == DType::Bool) {
        element = [&](int64_t i) { return std::string(t.data<bool>()[i] ? " True" : "False"); };
    } else if (dtype == DType::BFloat16) {
        element = [&](int64_t i) { return bfloat16String(float(floatAt(t, i))); };
    } else if (dtype == DType::Half || dtype == DType::Float || dtype == DType::Double) {
        std::vector<double> vals;
        for (int64_t i : flat) vals.push_back(floatAt(t, i));
        realFormat.emplace(vals, dtype, options.precision, false);
        element = [&](int64_t i) { return (*realFormat)(floatAt(t, i)); };
    } else if (isComplex(dtype)) {
        const DType part = dtype == DType::Complex64 ? DType::Float : DType::Double;
        std::vector<double> re, im;
        for (int64_t i : flat) {
            auto [r, m] = complexAt(t, i);
            re.push_back(r);
            im.push_back(m);
        }
        realFormat.emplace(re, part, options.precision, false);
        imagFormat.emplace(im, part, options.precision, true);
        element = [&](int64_t i) {
            auto [r, m] = complexAt(t, i);
            std::string is = (*imagFormat)(m);
            size_t end = is.find_last_not_of(' ') + 1;
            return (*realFormat)(r) + is.substr(0, end) + "j" + is.substr(end);
        };
    } else if (isIntegerLike(dtype)) {
        for (int64_t i : flat) intWidth = std::max(intWidth, integerText(t, i).size());
        element = [&](int64_t i) {
            std::string s = integerText(t, i);
            return std::string(intWidth - std::min(intWidth, s.size()), ' ') + s;
        };
    } else if (isFloating(dtype)) {
        std::vector<double> vals;
        for (int64_t i : flat) vals.push_back(t.elementAsDouble(i));
        realFormat.emplace(vals, DType::Float, options.precision, false);
        element = [&](int64_t i) { return (*realFormat)(t.elementAsDouble(i)); };
    } else {
        element = [](int64_t) { return std::string("<object>"); };
    }

    const std::string separator = " ";
    std::function<std::string(size_t, int64_t, const std::string&, size_t)> recurse =
        [&](size_t axis, int64_t base, const std::string& indent, size_t width) -> std::string {
        const std::string nextIndent = indent + " ";
        const size_t nextWidth = width - 1;
        const int64_t len = t.dim(int(axis));
        const bool showSummary = summarise && 2 * options.edgeItems < len;
        const int64_t lead = showSummary ? options.edgeItems : 0;
        const int64_t trail = showSummary ? options.edgeItems : len;
        const size_t axesLeft = size_t(t.rank()) - axis;
        auto child = [&](int64_t i) {
            int64_t at = base + i * strides[axis];
            return axesLeft == 1 ? element(at) : recurse(axis + 1, at, nextIndent, nextWidth);
        };
        std::string s;
        if (axesLeft == 1) {
            const size_t elemWidth = width - 1;  // max(len(sep.rstrip()), len(']'))
            std::string line = indent;
            for (int64_t i = 0; i < lead; ++i) {
                extendLine(s, line, child(i), elemWidth, indent);
                line += separator;
            }
            if (showSummary) {
                extendLine(s, line, "...", elemWidth, indent);
                line += separator;
            }
            for (int64_t i = trail; i > 1; --i) {
                extendLine(s, line, child(len - i), elemWidth, indent);
                line += separator;
            }
            extendLine(s, line, child(len - 1), elemWidth, indent);
            s += line;
        } else {
            const std::string lineSep = "\n" + std::string(axesLeft - 1 - 1, '\n');
            for (int64_t i = 0; i < lead; ++i) s += indent + child(i) + lineSep;
            if (showSummary) s += indent + "..." + lineSep;
            for (int64_t i = trail; i > 1; --i) s += indent + child(len - i) + lineSep;
            s += indent + child(len - 1);
        }
        return "[" + s.substr(indent.size()) + "]";
    };
    return recurse(0, 0, " ", size_t(options.lineWidth));
}

}  // namespace tfscope
