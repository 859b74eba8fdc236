// _TfsFoldFilter and _TfsFoldBias: the kernels of the graph optimizer's scale/shift folding
// (model/exec/optimize/fold_scale_shift.h), which turns product(x, W) [+ c] then * s [+/- b] into
// product(x, W * s) + (c * s +/- b) for a per-channel s and b.
//
//   _TfsFoldFilter(W, s)          -> W * s along W's output channels (attr depthwise: W's last two
//                                    dims [in, multiplier] are the channels, flattened)
//   _TfsFoldBias(W, s, [b], [c])  -> [C]: c * s (+ b, or - b with `subtract`; 0 without c)
//
// s and b must hold one value or one per output channel, all other dims 1, and rank <= out_rank
// (so the original broadcast kept the product's shape); otherwise the kernels fail naming the
// node. The folded filter is kept between runs (DerivedCache, keyed on W and checked against s),
// so it keeps one storage across runs and the product packs it once.
#include <cstring>

#include "model/exec/derived_cache.h"
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
void registerFoldScaleShift(KernelList& list);
}  // namespace tfscope::kernels

namespace tfscope::kernels {
namespace {

int64_t channelsOf(const KernelContext& ctx, const Tensor& w) {
    if (w.rank() == 0) return 1;
    const bool depthwise = ctx.attrBool("depthwise", false);
    return depthwise && w.rank() >= 2 ? w.dim(w.rank() - 1) * w.dim(w.rank() - 2) : w.dim(w.rank() - 1);
}

// OK when `v` is one value or one per channel, every other dim 1, rank at most `maxRank`.
Status checkPerChannel(const KernelContext& ctx, const Tensor& v, int64_t channels, const char* what, int maxRank) {
    bool ok = v.dtype() == DType::Float && v.rank() <= maxRank;
    for (int d = 0; ok && d + 1 < v.rank(); ++d) ok = v.dim(d) == 1;
    ok = ok && (v.numElements() == 1 || (v.rank() >= 1 && v.dim(v.rank() - 1) == channels));
    if (ok) return Status::OK();
    return ctx.error(std::string("The folded ") + what + " of shape '" + shapeToString(v.shape()) + "' is not one float per channel (" +
                     std::to_string(channels) + " channels); run with TFSCOPE_OPTIMIZE=0 to keep the graph as written.");
}

struct FoldedFilter {
    Tensor scale;   // the s it was made with
    Tensor filter;  // W * s
};

Status evalFoldFilter(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* w, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* s, inputOf(ctx, 1));
    if (w->dtype() != DType::Float || w->rank() < 1) return ctx.error("The filter must be a float tensor of rank >= 1, got shape '" + shapeToString(w->shape()) + "'.");
    const int64_t channels = channelsOf(ctx, *w);
    TFS_RETURN_IF_ERROR(checkPerChannel(ctx, *s, channels, "scale", 8));
    const std::string kind = "fold_filter:" + ctx.nodeName();
    exec::DerivedCache* cache = ctx.derivedCache();
    if (cache) {
        if (auto hit = std::static_pointer_cast<const FoldedFilter>(cache->find(*w, kind)); hit && hit->scale.sameContent(*s))
            return ctx.setOutput(0, hit->filter);
    }
    TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutputUninitialized(0, DType::Float, w->shape()));
    const float* src = w->data<float>();
    const float* sv = s->data<float>();
    float* dst = out->mutableData<float>();
    const bool single = s->numElements() == 1;
    const int64_t n = w->numElements();
    for (int64_t i = 0; i < n; ++i) dst[i] = src[i] * sv[single ? 0 : i % channels];
    if (cache) {
        auto folded = std::make_shared<FoldedFilter>();
        folded->scale = s->deepCopy();
        folded->filter = *out;
        cache->insert(*w, kind, folded, out->byteSize());
        w->dropResidentPages();  // W is read again only if s changes (a mapped checkpoint's pages leave the resident set)
    }
    return Status::OK();
}

Status evalFoldBias(KernelContext& ctx) {
    const bool hasShift = ctx.attrBool("has_shift", false);
    const bool hasBias = ctx.attrBool("has_bias", false);
    const int maxRank = int(ctx.attrInt("out_rank", 4));
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2 + int(hasShift) + int(hasBias)));
    TFS_ASSIGN_OR_RETURN(const Tensor* w, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* s, inputOf(ctx, 1));
    if (w->dtype() != DType::Float || w->rank() < 1) return ctx.error("The filter must be a float tensor of rank >= 1, got shape '" + shapeToString(w->shape()) + "'.");
    const int64_t channels = channelsOf(ctx, *w);
    TFS_RETURN_IF_ERROR(checkPerChannel(ctx, *s, channels, "scale", maxRank));
    const Tensor* shift = nullptr;
    const Tensor* bias = nullptr;
    if (hasShift) {
        TFS_ASSIGN_OR_RETURN(shift, inputOf(ctx, 2));
        TFS_RETURN_IF_ERROR(checkPerChannel(ctx, *shift, channels, "shift", maxRank));
    }
    if (hasBias) {
        TFS_ASSIGN_OR_RETURN(bias, inputOf(ctx, 2 + int(hasShift)));
        if (bias->dtype() != DType::Float || bias->rank() != 1 || bias->dim(0) != channels)
            return ctx.error("The bias of shape '" + shapeToString(bias->shape()) + "' does not match " + std::to_string(channels) + " channels.");
    }
    TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutputUninitialized(0, DType::Float, Shape{channels}));
    float* dst = out->mutableData<float>();
    const bool subtract = ctx.attrBool("subtract", false);
    for (int64_t ch = 0; ch < channels; ++ch) {
        const float sv = s->data<float>()[s->numElements() == 1 ? 0 : ch];
        float v = bias ? bias->data<float>()[ch] * sv : 0.0f;
        if (shift) {
            const float b = shift->data<float>()[shift->numElements() == 1 ? 0 : ch];
            v = subtract ? v - b : v + b;
        }
        dst[ch] = v;
    }
    return Status::OK();
}

}  // namespace

void registerFoldScaleShift(KernelList& list) {
    static const KernelDef defs[] = {{"_TfsFoldFilter", evalFoldFilter}, {"_TfsFoldBias", evalFoldBias}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
