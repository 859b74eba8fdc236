#include "model/io/literal.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>


namespace tfscope::io {
namespace {

class Parser {
public:
    explicit Parser(std::string_view t) : m_t(t) {}

    Result<Literal> parseAll() {
        TFS_ASSIGN_OR_RETURN(Literal v, value(0));
        skip();
        if (m_p != m_t.size()) return fail("Unexpected text");
        return v;
    }

private:
    Status fail(const std::string& what) const {
        return Status::invalidArgument(what + " at offset " + std::to_string(m_p) + " in '" + std::string(m_t) + "'.");
    }
    void skip() { while (m_p < m_t.size() && (m_t[m_p] == ' ' || m_t[m_p] == '\t' || m_t[m_p] == '\n' || m_t[m_p] == '\r')) ++m_p; }
    bool peek(char c) { skip(); return m_p < m_t.size() && m_t[m_p] == c; }

    Result<Literal> value(int depth) {
        if (depth > 64) return fail("Nesting too deep");
        skip();
        if (m_p >= m_t.size()) return fail("Missing value");
        char c = m_t[m_p];
        if (c == '[' || c == '(') return list(depth, c == '[' ? ']' : ')');
        if (c == '{') return dict(depth);
        if (c == '\'' || c == '"') {
            Literal l;
            l.kind = Literal::Kind::String;
            TFS_ASSIGN_OR_RETURN(l.s, string());
            return l;
        }
        return scalar();
    }

    Result<Literal> list(int depth, char close) {
        ++m_p;
        Literal l;
        l.kind = Literal::Kind::List;
        if (peek(close)) { ++m_p; return l; }
        while (true) {
            TFS_ASSIGN_OR_RETURN(Literal item, value(depth + 1));
            l.items.push_back(std::move(item));
            skip();
            if (peek(',')) { ++m_p; if (peek(close)) { ++m_p; return l; } continue; }
            if (peek(close)) { ++m_p; return l; }
            return fail(std::string("Expected ',' or '") + close + "'");
        }
    }

    Result<Literal> dict(int depth) {
        ++m_p;
        Literal l;
        l.kind = Literal::Kind::Dict;
        if (peek('}')) { ++m_p; return l; }
        while (true) {
            skip();
            if (m_p >= m_t.size() || (m_t[m_p] != '\'' && m_t[m_p] != '"')) return fail("Expected a quoted key");
            TFS_ASSIGN_OR_RETURN(std::string key, string());
            if (!peek(':')) return fail("Expected ':'");
            ++m_p;
            TFS_ASSIGN_OR_RETURN(Literal v, value(depth + 1));
            l.fields.push_back({std::move(key), std::move(v)});
            if (peek(',')) { ++m_p; if (peek('}')) { ++m_p; return l; } continue; }
            if (peek('}')) { ++m_p; return l; }
            return fail("Expected ',' or '}'");
        }
    }

    Result<std::string> string() {
        char q = m_t[m_p++];
        std::string s;
        while (m_p < m_t.size() && m_t[m_p] != q) {
            char c = m_t[m_p++];
            if (c == '\\' && m_p < m_t.size()) {
                char e = m_t[m_p++];
                switch (e) {
                case 'n': s += '\n'; break;
                case 't': s += '\t'; break;
                case 'r': s += '\r'; break;
                case '0': s += '\0'; break;
                default: s += e; break;
                }
            } else {
                s += c;
            }
        }
        if (m_p >= m_t.size()) return fail("Unterminated string");
        ++m_p;
        return s;
    }

    Result<Literal> scalar() {
        size_t start = m_p;
        while (m_p < m_t.size() && std::string_view(",])}: \t\n").find(m_t[m_p]) == std::string_view::npos) ++m_p;
        std::string_view tok = m_t.substr(start, m_p - start);
        Literal l;
        if (tok == "true" || tok == "True" || tok == "false" || tok == "False") {
            l.kind = Literal::Kind::Bool;
            l.b = tok[0] == 't' || tok[0] == 'T';
            return l;
        }
        std::string_view body = tok;
        bool neg = false;
        if (!body.empty() && (body[0] == '-' || body[0] == '+')) { neg = body[0] == '-'; body.remove_prefix(1); }
        if (body == "inf" || body == "Infinity" || body == "nan" || body == "NaN") {
            l.kind = Literal::Kind::Float;
            l.f = body[0] == 'n' || body[0] == 'N' ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
            if (neg) l.f = -l.f;
            return l;
        }
        if (tok.empty()) { m_p = start; return fail("Missing value"); }
        if (tok.find_first_of(".eE") == std::string_view::npos) {
            int64_t v = 0;
            auto [p, ec] = std::from_chars(tok.data() + (tok[0] == '+' ? 1 : 0), tok.data() + tok.size(), v);
            if (ec == std::errc() && p == tok.data() + tok.size()) {
                l.kind = Literal::Kind::Int;
                l.i = v;
                return l;
            }
        }
        std::string copy(tok);
        char* end = nullptr;
        double d = std::strtod(copy.c_str(), &end);
        if (end != copy.c_str() + copy.size()) { m_p = start; return fail("Invalid value '" + copy + "'"); }
        l.kind = Literal::Kind::Float;
        l.f = d;
        return l;
    }

    std::string_view m_t;
    size_t m_p = 0;
};

Status shapeOf(const Literal& v, Shape& shape, size_t depth, std::vector<const Literal*>& leaves) {
    if (v.kind == Literal::Kind::Dict) return Status::invalidArgument("A dict cannot be turned into a tensor.");
    if (v.kind != Literal::Kind::List) {
        if (depth != shape.size()) return Status::invalidArgument("The nested lists are ragged (not rectangular).");
        leaves.push_back(&v);
        return Status::OK();
    }
    if (depth == shape.size()) {
        if (!leaves.empty()) return Status::invalidArgument("The nested lists are ragged (not rectangular).");
        shape.push_back(int64_t(v.items.size()));
    } else if (depth > shape.size() || shape[depth] != int64_t(v.items.size())) {
        return Status::invalidArgument("The nested lists are ragged (not rectangular).");
    }
    for (const Literal& item : v.items) TFS_RETURN_IF_ERROR(shapeOf(item, shape, depth + 1, leaves));
    if (v.items.empty() && depth + 1 != shape.size() && !leaves.empty())
        return Status::invalidArgument("The nested lists are ragged (not rectangular).");
    return Status::OK();
}

template <typename T>
void store(Tensor& t, int64_t i, const Literal& l) {
    double d = l.kind == Literal::Kind::Int ? double(l.i) : l.kind == Literal::Kind::Bool ? double(l.b) : l.f;
    if constexpr (std::is_same_v<T, int64_t>) {
        t.mutableData<int64_t>()[i] = l.kind == Literal::Kind::Int ? l.i : int64_t(d);
    } else if constexpr (std::is_same_v<T, uint64_t>) {
        t.mutableData<uint64_t>()[i] = l.kind == Literal::Kind::Int ? uint64_t(l.i) : uint64_t(d);
    } else {
        t.mutableData<T>()[i] = T(d);
    }
}

}  // namespace

Result<Literal> parseLiteral(std::string_view text) { return Parser(text).parseAll(); }

Result<Tensor> literalToTensor(const Literal& value, DType dtype) {
    Shape shape;
    std::vector<const Literal*> leaves;
    TFS_RETURN_IF_ERROR(shapeOf(value, shape, 0, leaves));
    if (dtype == DType::Invalid) {
        dtype = DType::Float;
        bool anyFloat = false, anyString = false, allBool = !leaves.empty();
        for (const Literal* l : leaves) {
            anyFloat = anyFloat || l->kind == Literal::Kind::Float;
            anyString = anyString || l->kind == Literal::Kind::String;
            allBool = allBool && l->kind == Literal::Kind::Bool;
        }
        dtype = anyString ? DType::String : allBool ? DType::Bool : anyFloat || leaves.empty() ? DType::Double : DType::Int64;
    }
    TFS_ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(dtype, shape));
    for (size_t k = 0; k < leaves.size(); ++k) {
        const Literal& l = *leaves[k];
        int64_t i = int64_t(k);
        if ((dtype == DType::String) != (l.kind == Literal::Kind::String))
            return Status::invalidArgument(dtype == DType::String ? "Expected strings for a DT_STRING input."
                                                                  : "Got a string for a " + dtypeEnumName(dtype) + " input.");
        switch (dtype) {
        case DType::String: t.mutableStrings()[k] = l.s; break;
        case DType::Bool: t.mutableData<bool>()[i] = l.kind == Literal::Kind::Bool ? l.b : (l.kind == Literal::Kind::Int ? l.i != 0 : l.f != 0); break;
        case DType::Float: store<float>(t, i, l); break;
        case DType::Double: store<double>(t, i, l); break;
        case DType::Int8: store<int8_t>(t, i, l); break;
        case DType::Int16: store<int16_t>(t, i, l); break;
        case DType::Int32: store<int32_t>(t, i, l); break;
        case DType::Int64: store<int64_t>(t, i, l); break;
        case DType::UInt8: store<uint8_t>(t, i, l); break;
        case DType::UInt16: store<uint16_t>(t, i, l); break;
        case DType::UInt32: store<uint32_t>(t, i, l); break;
        case DType::UInt64: store<uint64_t>(t, i, l); break;
        default: return Status::unimplemented("Literal inputs of dtype '" + dtypeEnumName(dtype) + "' are not supported.");
        }
    }
    return t;
}

}  // namespace tfscope::io
