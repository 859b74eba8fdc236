// StringSplit (input, delimiter; skip_empty) and StringSplitV2 (input, sep; maxsplit): a vector of
// strings split into a SparseTensor (indices [N, 2], values [N], dense_shape [rows, longest]).
//   StringSplit:   every byte of `delimiter` separates; an empty delimiter splits into bytes;
//                  skip_empty drops empty tokens.
//   StringSplitV2: `sep` as a whole separates and empty tokens are kept (Python's str.split(sep),
//                  "" gives one empty token); an empty sep splits on runs of ASCII whitespace,
//                  dropping empty tokens (str.split()); at most `maxsplit` splits per string when
//                  >= 0 (with whitespace, TF then adds the rest as a token even when it is empty).
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::vector<std::string> splitV1(const std::string& s, const std::string& delim, bool skipEmpty) {
    std::vector<std::string> out;
    if (s.empty()) return out;
    if (delim.empty()) {
        for (char c : s) out.emplace_back(1, c);
        return out;
    }
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || delim.find(s[i]) != std::string::npos) {
            if (!skipEmpty || i > start) out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

std::vector<std::string> splitV2(const std::string& s, const std::string& sep, int64_t maxsplit) {
    std::vector<std::string> out;
    if (sep.empty()) {
        // As TF: once maxsplit tokens are out, the rest after the whitespace that follows the last
        // token is one more token, kept as it is (trailing whitespace included, possibly empty).
        size_t i = 0;
        while (i < s.size() && isSpace(s[i])) ++i;
        if (maxsplit == 0) {
            if (i < s.size()) out.push_back(s.substr(i));
            return out;
        }
        while (i < s.size()) {
            size_t j = i;
            while (j < s.size() && !isSpace(s[j])) ++j;
            out.push_back(s.substr(i, j - i));
            while (j < s.size() && isSpace(s[j])) ++j;
            i = j;
            if (maxsplit >= 0 && int64_t(out.size()) == maxsplit) {
                out.push_back(s.substr(i));
                break;
            }
        }
        return out;
    }
    size_t start = 0;
    while (true) {
        size_t at = (maxsplit >= 0 && int64_t(out.size()) >= maxsplit) ? std::string::npos : s.find(sep, start);
        if (at == std::string::npos) {
            out.push_back(s.substr(start));
            break;
        }
        out.push_back(s.substr(start, at - start));
        start = at + sep.size();
    }
    return out;
}

Status emitSparse(KernelContext& ctx, const std::vector<std::vector<std::string>>& rows) {
    int64_t total = 0, longest = 0;
    for (const auto& r : rows) {
        total += int64_t(r.size());
        longest = std::max<int64_t>(longest, int64_t(r.size()));
    }
    TFS_ASSIGN_OR_RETURN(Tensor* idx, ctx.allocateOutput(0, DType::Int64, {total, 2}));
    TFS_ASSIGN_OR_RETURN(Tensor* vals, ctx.allocateOutput(1, DType::String, {total}));
    TFS_ASSIGN_OR_RETURN(Tensor* shape, ctx.allocateOutput(2, DType::Int64, {2}));
    int64_t* pi = mutableDataOf<int64_t>(*idx);
    auto& pv = vals->mutableStrings();
    int64_t k = 0;
    for (size_t r = 0; r < rows.size(); ++r)
        for (size_t c = 0; c < rows[r].size(); ++c, ++k) {
            pi[2 * k] = int64_t(r);
            pi[2 * k + 1] = int64_t(c);
            pv[size_t(k)] = rows[r][c];
        }
    mutableDataOf<int64_t>(*shape)[0] = int64_t(rows.size());
    mutableDataOf<int64_t>(*shape)[1] = longest;
    return Status::OK();
}

Result<std::string> scalarString(KernelContext& ctx, const Tensor& t, const char* what) {
    if (t.dtype() != DType::String || !isScalar(t))
        return ctx.error(std::string(what) + " must be a string scalar; got shape " + shapeToString(t.shape()) + ".");
    return t.strings()[0];
}

Status evalStringSplit(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* d, inputOf(ctx, 1));
    if (x->dtype() != DType::String || x->rank() != 1) return ctx.error("input must be a vector of strings; got shape " + shapeToString(x->shape()) + ".");
    TFS_ASSIGN_OR_RETURN(std::string delim, scalarString(ctx, *d, "delimiter"));
    const bool skipEmpty = ctx.attrBool("skip_empty", true);
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : x->strings()) rows.push_back(splitV1(s, delim, skipEmpty));
    return emitSparse(ctx, rows);
}

Status evalStringSplitV2(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* d, inputOf(ctx, 1));
    if (x->dtype() != DType::String || x->rank() != 1) return ctx.error("input must be a vector of strings; got shape " + shapeToString(x->shape()) + ".");
    TFS_ASSIGN_OR_RETURN(std::string sep, scalarString(ctx, *d, "sep"));
    const int64_t maxsplit = ctx.attrInt("maxsplit", -1);
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : x->strings()) rows.push_back(splitV2(s, sep, maxsplit));
    return emitSparse(ctx, rows);
}

}  // namespace

void registerStringSplit(KernelList& list) {
    static const KernelDef defs[] = {{"StringSplit", evalStringSplit}, {"StringSplitV2", evalStringSplitV2}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
