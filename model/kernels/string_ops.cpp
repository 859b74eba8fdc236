// String kernels used by real models: AsString, ReduceJoin, StringLength, StaticRegexReplace,
// RegexReplace, RegexFullMatch (StaticRegexFullMatch is the executor's builtin). Regexes run on std::regex (ECMAScript),
// which agrees with RE2 for the usual patterns; RE2's "\1" in rewrites maps to "$1".
#include <cstdio>
#include <regex>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalAsString(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    const int64_t precision = ctx.attrInt("precision", -1), width = ctx.attrInt("width", -1);
    const bool scientific = ctx.attrBool("scientific", false), shortest = ctx.attrBool("shortest", false);
    const std::string fill = ctx.attrString("fill", "");
    if (scientific && shortest) return ctx.error("Cannot select both scientific and shortest notation.");
    if (fill.size() > 1) return ctx.error("Fill string must be one or fewer characters.");
    std::string spec = "%" + fill + (width > -1 ? std::to_string(width) : "");
    const bool isFloat = isFloating(x->dtype()) || isComplex(x->dtype());
    if (!isFloat && precision > -1) return ctx.error("precision not supported for datatype.");
    if (isFloat) spec += (precision > -1 ? "." + std::to_string(precision) : "") + (shortest ? "g" : scientific ? "e" : "f");
    if (x->dtype() == DType::String) return ctx.setOutput(0, *x);
    using AsStringTypes = decltype(RealTypes{} + TypeList<bool>{} + ComplexTypes{});
    return dispatch(AsStringTypes{}, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, DType::String, x->shape()));
        const T* p = dataOf<T>(*x);
        std::vector<std::string>& o = out->mutableStrings();
        char buf[512];
        for (int64_t i = 0; i < x->numElements(); ++i) {
            if constexpr (std::is_same_v<T, bool>) {
                o[size_t(i)] = p[i] ? "true" : "false";
                continue;
            } else if constexpr (kIsComplex<T>) {
                const std::string f = "(" + spec + "," + spec + ")";
                std::snprintf(buf, sizeof buf, f.c_str(), double(p[i].real()), double(p[i].imag()));
            } else if constexpr (kIsFloatLike<T>) {
                std::snprintf(buf, sizeof buf, spec.c_str(), double(ComputeType<T>(p[i])));
            } else if constexpr (std::is_signed_v<T>) {
                std::snprintf(buf, sizeof buf, (spec + "lld").c_str(), (long long)p[i]);
            } else {
                std::snprintf(buf, sizeof buf, (spec + "llu").c_str(), (unsigned long long)p[i]);
            }
            o[size_t(i)] = buf;
        }
        return Status::OK();
    });
}

Status evalReduceJoin(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* a, inputOf(ctx, 1));
    if (x->dtype() != DType::String) return ctx.error("inputs must be strings.");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> axes, indexValues(ctx, *a, "reduction_indices"));
    const int rank = x->rank();
    std::vector<bool> reduced(size_t(rank), false);
    for (int64_t ax : axes) {
        if (ax < -rank || ax >= rank)
            return ctx.error("Invalid reduction dimension " + std::to_string(ax) + " for input with " + std::to_string(rank) + " dimensions.");
        const int d = int(ax < 0 ? ax + rank : ax);
        if (reduced[size_t(d)]) return ctx.error("Duplicate reduction dimension " + std::to_string(ax) + ".");
        reduced[size_t(d)] = true;
    }
    const bool keepDims = ctx.attrBool("keep_dims", false);
    const std::string sep = ctx.attrString("separator", "");
    Shape outShape, keptDims;
    for (int d = 0; d < rank; ++d) {
        if (!reduced[size_t(d)]) { outShape.push_back(x->dim(d)); keptDims.push_back(d); }
        else if (keepDims) outShape.push_back(1);
    }
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, DType::String, outShape));
    std::vector<std::string>& o = out->mutableStrings();
    // Like TF: one join per listed axis in turn, so the first listed axis varies fastest.
    std::vector<int> order;
    for (int64_t ax : axes) order.push_back(int(ax < 0 ? ax + rank : ax));
    std::vector<int64_t> strides(size_t(rank), 1);
    for (int d = rank - 1; d > 0; --d) strides[size_t(d - 1)] = strides[size_t(d)] * x->dim(d);
    int64_t groupSize = 1;
    for (int d : order) groupSize *= x->dim(d);
    const std::vector<std::string>& in = x->strings();
    for (size_t target = 0; target < o.size(); ++target) {
        int64_t rem = int64_t(target), base = 0;
        for (size_t k = keptDims.size(); k-- > 0;) {
            const int d = int(keptDims[k]);
            base += (rem % x->dim(d)) * strides[size_t(d)];
            rem /= x->dim(d);
        }
        std::string joined;
        for (int64_t g = 0; g < groupSize; ++g) {
            int64_t r = g, off = base;
            for (int d : order) {
                off += (r % x->dim(d)) * strides[size_t(d)];
                r /= x->dim(d);
            }
            if (g) joined += sep;
            joined += in[size_t(off)];
        }
        o[target] = std::move(joined);
    }
    return Status::OK();
}

Status evalStringLength(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    if (x->dtype() != DType::String) return ctx.error("input must be strings.");
    const std::string unit = ctx.attrString("unit", "BYTE");
    if (unit != "BYTE" && unit != "UTF8_CHAR") return ctx.error("Invalid unit '" + unit + "'.");
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, DType::Int32, x->shape()));
    int32_t* p = mutableDataOf<int32_t>(*out);
    for (int64_t i = 0; i < x->numElements(); ++i) {
        const std::string& s = x->strings()[size_t(i)];
        if (unit == "BYTE") { p[i] = int32_t(s.size()); continue; }
        int32_t n = 0;
        for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;  // count non-continuation bytes
        p[i] = n;
    }
    return Status::OK();
}

// RE2 rewrite ("\1", "\\") to ECMAScript format ("$1", "\").
std::string toEcmaRewrite(const std::string& rewrite) {
    std::string out;
    for (size_t i = 0; i < rewrite.size(); ++i) {
        const char ch = rewrite[i];
        if (ch == '\\' && i + 1 < rewrite.size()) {
            const char next = rewrite[++i];
            if (next >= '0' && next <= '9') out += std::string("$") + next;
            else out += next;
        } else if (ch == '$') {
            out += "$$";
        } else {
            out += ch;
        }
    }
    return out;
}

Status regexReplace(KernelContext& ctx, const Tensor& x, const std::string& pattern, const std::string& rewrite, bool global) {
    if (x.dtype() != DType::String) return ctx.error("input must be strings.");
    std::regex re;
    try {
        re = std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
        return ctx.error("Invalid pattern '" + pattern + "'.");
    }
    const std::string fmt = toEcmaRewrite(rewrite);
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, DType::String, x.shape()));
    std::vector<std::string>& o = out->mutableStrings();
    const auto flags = global ? std::regex_constants::format_default : std::regex_constants::format_first_only;
    for (int64_t i = 0; i < x.numElements(); ++i) o[size_t(i)] = std::regex_replace(x.strings()[size_t(i)], re, fmt, flags);
    return Status::OK();
}

Status regexFullMatch(KernelContext& ctx, const Tensor& x, const std::string& pattern) {
    if (x.dtype() != DType::String) return ctx.error("input must be strings.");
    std::regex re;
    try {
        re = std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
        return ctx.error("Invalid pattern '" + pattern + "'.");
    }
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, DType::Bool, x.shape()));
    bool* p = mutableDataOf<bool>(*out);
    for (int64_t i = 0; i < x.numElements(); ++i) p[i] = std::regex_match(x.strings()[size_t(i)], re);
    return Status::OK();
}

Result<std::string> stringScalar(KernelContext& ctx, int i, const char* what) {
    TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, i));
    if (t->dtype() != DType::String || t->numElements() != 1) return ctx.error(std::string(what) + " must be a string scalar.");
    return t->strings()[0];
}

Status evalStaticRegexReplace(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    return regexReplace(ctx, *x, ctx.attrString("pattern", ""), ctx.attrString("rewrite", ""), ctx.attrBool("replace_global", true));
}

Status evalRegexReplace(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(std::string pattern, stringScalar(ctx, 1, "pattern"));
    TFS_ASSIGN_OR_RETURN(std::string rewrite, stringScalar(ctx, 2, "rewrite"));
    return regexReplace(ctx, *x, pattern, rewrite, ctx.attrBool("replace_global", true));
}

Status evalRegexFullMatch(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(std::string pattern, stringScalar(ctx, 1, "pattern"));
    return regexFullMatch(ctx, *x, pattern);
}

}  // namespace

void registerStringOps(KernelList& list) {
    static const KernelDef defs[] = {
        {"AsString", evalAsString},
        {"ReduceJoin", evalReduceJoin},
        {"StringLength", evalStringLength},
        {"StaticRegexReplace", evalStaticRegexReplace},
        {"RegexReplace", evalRegexReplace},
        {"RegexFullMatch", evalRegexFullMatch},
    };
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
