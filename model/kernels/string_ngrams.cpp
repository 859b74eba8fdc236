// StringNGrams (data, data_splits; separator, ngram_widths, left_pad, right_pad, pad_width,
// preserve_short_sequences): the n-grams of each row of a ragged string tensor, joined with the
// separator, for every width in turn; ngrams_splits delimits the rows of the result.
// A row of length L padded by p = min(pad_width, w - 1) (pad_width < 0: w - 1) on each side has
// max(0, L + 2p - w + 1) n-grams of width w; the pads are left_pad / right_pad tokens. With
// preserve_short_sequences, a non-empty row that gets no n-gram gets one of the whole padded row.
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

struct NGramAttrs {
    std::string sep, left, right;
    int64_t padWidth = -1;
    int64_t pad(int64_t width) const { return padWidth < 0 ? width - 1 : std::min(padWidth, width - 1); }
};

// The n-gram `index` of width `width` over tokens [0, len) padded by `pad` on each side.
std::string ngramAt(const std::string* tokens, int64_t len, int64_t width, int64_t pad, int64_t index, const NGramAttrs& a) {
    std::string out;
    for (int64_t k = 0; k < width; ++k) {
        const int64_t pos = index + k - pad;  // position in the unpadded row
        if (k) out += a.sep;
        if (pos < 0) out += a.left;
        else if (pos >= len) out += a.right;
        else out += tokens[pos];
    }
    return out;
}

Status evalStringNGrams(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* data, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* splitsT, inputOf(ctx, 1));
    if (data->dtype() != DType::String || data->rank() != 1) return ctx.error("data must be a vector of strings; got shape " + shapeToString(data->shape()) + ".");
    if (splitsT->rank() != 1) return ctx.error("data_splits must be a vector; got shape " + shapeToString(splitsT->shape()) + ".");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> splits, indexValues(ctx, *splitsT, "data_splits"));
    NGramAttrs a{ctx.attrString("separator", " "), ctx.attrString("left_pad", ""), ctx.attrString("right_pad", ""), ctx.attrInt("pad_width", -1)};
    const std::vector<int64_t> widths = ctx.attrIntList("ngram_widths");
    const bool preserveShort = ctx.attrBool("preserve_short_sequences", false);
    for (int64_t w : widths)
        if (w <= 0) return ctx.error("Ngram width must be positive; got " + std::to_string(w) + ".");
    const int64_t n = data->numElements();
    if (!splits.empty() && (splits.front() != 0 || splits.back() != n))
        return ctx.error("Invalid split values: data_splits must start at 0 and end at the number of data elements (" + std::to_string(n) + ").");
    for (size_t i = 1; i < splits.size(); ++i)
        if (splits[i] < splits[i - 1]) return ctx.error("Invalid split values: data_splits must not decrease.");
    const std::string* tokens = data->strings().data();
    std::vector<std::string> grams;
    std::vector<int64_t> outSplits{0};
    for (size_t r = 0; r + 1 < splits.size(); ++r) {
        const std::string* row = tokens + splits[r];
        const int64_t len = splits[r + 1] - splits[r];
        const size_t before = grams.size();
        for (int64_t w : widths) {
            const int64_t p = a.pad(w);
            const int64_t count = std::max<int64_t>(0, len + 2 * p - w + 1);
            for (int64_t i = 0; i < count; ++i) grams.push_back(ngramAt(row, len, w, p, i, a));
        }
        if (preserveShort && len > 0 && grams.size() == before) {
            const int64_t p = std::max<int64_t>(a.padWidth, 0);
            grams.push_back(ngramAt(row, len, len + 2 * p, p, 0, a));
        }
        outSplits.push_back(int64_t(grams.size()));
    }
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, DType::String, {int64_t(grams.size())}));
    out->mutableStrings() = std::move(grams);
    TFS_ASSIGN_OR_RETURN(Tensor* os, ctx.allocateOutput(1, splitsT->dtype(), {int64_t(outSplits.size())}));
    for (size_t i = 0; i < outSplits.size(); ++i) {
        if (splitsT->dtype() == DType::Int32) mutableDataOf<int32_t>(*os)[i] = int32_t(outSplits[i]);
        else mutableDataOf<int64_t>(*os)[i] = outSplits[i];
    }
    return Status::OK();
}

}  // namespace

void registerStringNGrams(KernelList& list) {
    static const KernelDef def{"StringNGrams", evalStringNGrams};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
