// StringUpper / StringLower (input; attr encoding "" or "utf-8"). ASCII letters are mapped byte by
// byte as TF does for encoding "". With "utf-8", TF maps every Unicode letter (ICU); we map ASCII
// and the two-byte Latin-1 Supplement letters (U+00C0..U+00FE, with 'ß' upper-cased to "SS"), and
// leave every other character unchanged: other scripts' case mapping is not implemented.
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

std::string mapCase(const std::string& s, bool upper, bool utf8) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if (upper && c >= 'a' && c <= 'z') out += char(c - 32);
            else if (!upper && c >= 'A' && c <= 'Z') out += char(c + 32);
            else out += char(c);
            continue;
        }
        if (utf8 && c == 0xC3 && i + 1 < s.size()) {  // U+00C0..U+00FF
            const unsigned char d = static_cast<unsigned char>(s[i + 1]);
            const unsigned cp = 0xC0u + (d & 0x3Fu);
            unsigned mapped = cp;
            if (upper && cp == 0xDF) {
                out += "SS";
                ++i;
                continue;
            }
            if (upper && cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) mapped = cp - 0x20;
            if (!upper && cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) mapped = cp + 0x20;
            if ((d & 0xC0) == 0x80) {
                out += char(0xC3);
                out += char(0x80 | (mapped & 0x3F));
                ++i;
                continue;
            }
        }
        out += char(c);
    }
    return out;
}

Status evalCase(KernelContext& ctx, bool upper) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    if (x->dtype() != DType::String) return ctx.error("input must be a string tensor.");
    const std::string enc = ctx.attrString("encoding", "");
    if (!enc.empty() && enc != "utf-8" && enc != "UTF-8") return ctx.error("encoding must be '' or 'utf-8'; got '" + enc + "'.");
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, DType::String, x->shape()));
    const auto& in = x->strings();
    auto& o = out->mutableStrings();
    for (size_t i = 0; i < in.size(); ++i) o[i] = mapCase(in[i], upper, !enc.empty());
    return Status::OK();
}

Status evalStringUpper(KernelContext& ctx) { return evalCase(ctx, true); }
Status evalStringLower(KernelContext& ctx) { return evalCase(ctx, false); }

}  // namespace

void registerStringCase(KernelList& list) {
    static const KernelDef defs[] = {{"StringUpper", evalStringUpper}, {"StringLower", evalStringLower}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
