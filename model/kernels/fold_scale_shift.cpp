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
// so it keeps one storage across runs and the product packs it once. Its bytes are computed only
// when read (FoldedFilterBuffer): a product that packs it (packedSgemmB) computes them into a
// scratch copy and keeps only the packing, so a session holds W and the packed W * s, not also
// W * s (ResNet-50: ~100 MB less).
#include <atomic>
#include <cstring>
#include <mutex>

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

// out[i] = w[i] * s[i % channels] (s one value: s[0]).
void fold(const Tensor& w, const Tensor& s, int64_t channels, float* out) {
    const float* src = w.data<float>();
    const float* sv = s.data<float>();
    const bool single = s.numElements() == 1;
    const int64_t n = w.numElements();
    for (int64_t i = 0; i < n; ++i) out[i] = src[i] * sv[single ? 0 : i % channels];
}

// W * s computed when first read (then kept, for kernels that read the filter on every run), or
// into a reader's scratch space by computeInto() (packing) without keeping a copy.
class FoldedFilterBuffer final : public Buffer {
public:
    FoldedFilterBuffer(Tensor w, Tensor s, int64_t channels) : m_w(std::move(w)), m_s(std::move(s)), m_channels(channels) {}
    const std::byte* data() const override {
        std::call_once(m_once, [this] {
            auto made = std::make_unique<HeapBuffer>(size(), false);
            fold(m_w, m_s, m_channels, reinterpret_cast<float*>(made->mutableData()));
            m_made = std::move(made);
            m_computed.store(true, std::memory_order_release);
        });
        return m_made->data();
    }
    size_t size() const override { return m_w.byteSize(); }
    bool computedOnRead() const override { return !m_computed.load(std::memory_order_acquire); }
    bool computeInto(std::byte* dst) const override {
        fold(m_w, m_s, m_channels, reinterpret_cast<float*>(dst));
        return true;
    }
    // Packed: W is read again only if it is read through data() (W's own pages, when W views a
    // mapped checkpoint, leave the resident set).
    void dropResidentPages(size_t, size_t) const override { m_w.dropResidentPages(); }

private:
    const Tensor m_w;
    const Tensor m_s;  // a copy of s: the values the filter is made with
    const int64_t m_channels;
    mutable std::once_flag m_once;
    mutable std::unique_ptr<HeapBuffer> m_made;
    mutable std::atomic<bool> m_computed{false};
};

struct FoldedFilter {
    Tensor scale;   // the s it was made with
    Tensor filter;  // W * s (storage: a FoldedFilterBuffer)
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
    if (!cache) {  // nothing keeps it between runs: made now
        TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutputUninitialized(0, DType::Float, w->shape()));
        fold(*w, *s, channels, out->mutableData<float>());
        return Status::OK();
    }
    // The entry for an earlier W or s (a variable assigned since, a Const made anew each run) goes:
    // its filter holds that W, so the cache would never see it unused.
    cache->eraseKind(kind);
    auto folded = std::make_shared<FoldedFilter>();
    folded->scale = s->deepCopy();
    folded->filter = Tensor::view(DType::Float, w->shape(), std::make_shared<FoldedFilterBuffer>(*w, folded->scale, channels), 0);
    cache->insert(*w, kind, folded, w->byteSize());
    return ctx.setOutput(0, folded->filter);
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
