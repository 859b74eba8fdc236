// Conv2D: NHWC input [N,H,W,C] and filter [KH,KW,C,F] (NCHW inputs are transposed to NHWC and
// back, a superset of TF's CPU kernel), strides, dilations, SAME / VALID / EXPLICIT padding.
// im2col into row blocks, then one GEMM per block (float: each thread builds a small block and
// multiplies it by the filter packed once, while the block is in cache; with AVX-512 the GEMM
// reads the patches in place from the zero-padded input instead); 1x1 stride-1 convolutions are
// a single GEMM without copies. computeConv2D also serves _FusedConv2D (fused_conv2d.cpp),
// whose epilogue rides on the float GEMM.
#include "model/kernels/conv2d.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "model/kernels/conv_util.h"
#include "model/kernels/conv_winograd.h"
#include "model/kernels/fused_epilogue.h"
#include "model/kernels/gemm.h"
#include "model/kernels/pad.h"
#include "model/kernels/registry.h"
#include "model/kernels/sgemm.h"
#include "model/kernels/transpose.h"

namespace tfscope::kernels {
namespace {

using ConvTypes = TypeList<float, double, Eigen::half, Eigen::bfloat16, int32_t>;

// Copies a short run of elements (a filter row of the patch: often 9 to a few hundred floats) in
// 16-byte moves; the compiler leaves a plain element loop scalar at -O2.
template <typename T>
inline void copyRun(const T* src, int64_t len, T* dst) {
    if constexpr (std::is_trivially_copyable_v<T> && sizeof(T) <= 16 && 16 % sizeof(T) == 0) {
        if (len >= 64) {
            std::memcpy(dst, src, size_t(len) * sizeof(T));
            return;
        }
        constexpr int64_t kStep = int64_t(16 / sizeof(T));
        int64_t q = 0;
        for (; q + kStep <= len; q += kStep) std::memcpy(dst + q, src + q, 16);
        for (; q < len; ++q) dst[q] = src[q];
    } else {
        std::copy(src, src + len, dst);
    }
}

// The im2col geometry of one convolution: patch row r (output pixel r of the NHWC output) holds
// the kh x kw x c input window under that pixel, zeros where it lies in the padding.
struct Im2col {
    int64_t h, w, c, kh, kw, sh, sw, dh, dw;
    Window wh, ww;

    int64_t depth() const { return kh * kw * c; }

    // Rows [r0, r0 + count) x depth [d0, d0 + kd) of the patch matrix into dst (row stride kd).
    template <typename T>
    void slice(const T* in, int64_t r0, int64_t count, int64_t d0, int64_t kd, T* dst) const {
        const int64_t span = kw * c;  // one filter row of the patch
        const int64_t d1 = d0 + kd, y0 = d0 / span;
        // The output position of row r0, then stepped along (no divisions per row).
        Pixel at = pixel(r0);
        // The slice holds whole filter rows and the window lies inside the image (most pixels):
        // kh contiguous runs, one per filter row.
        const bool wholeRows = dw == 1 && dh == 1 && d0 % span == 0 && kd % span == 0;
        for (int64_t r = r0; r < r0 + count; ++r) {
            const int64_t ix0 = at.ox * sw - ww.padBefore;
            const int64_t iyFirst = at.oy * sh - wh.padBefore + y0, rowsHere = kd / span;
            if (wholeRows && ix0 >= 0 && ix0 + kw <= w && iyFirst >= 0 && iyFirst + rowsHere <= h) {
                const T* src = in + ((at.img * h + iyFirst) * w + ix0) * c;
                for (int64_t y = 0; y < rowsHere; ++y, src += w * c, dst += span) copyRun(src, span, dst);
            } else {
                for (int64_t d = d0, y = y0; d < d1; ++y) {
                    const int64_t rowEnd = std::min(d1, (y + 1) * span);
                    const int64_t iy = at.oy * sh - wh.padBefore + y * dh;
                    if (iy < 0 || iy >= h) {
                        std::fill(dst, dst + (rowEnd - d), T(0));
                        dst += rowEnd - d;
                        d = rowEnd;
                        continue;
                    }
                    const T* row = in + (at.img * h + iy) * w * c;
                    if (dw == 1 && ix0 >= 0 && ix0 + kw <= w) {
                        // Undilated and inside the image: the filter row is contiguous.
                        copyRun(row + ix0 * c + (d - y * span), rowEnd - d, dst);
                        dst += rowEnd - d;
                        d = rowEnd;
                        continue;
                    }
                    // One filter tap (or the part of it in the slice) at a time; only the first may
                    // start inside a tap.
                    int64_t x = (d - y * span) / c, ch = d - y * span - x * c;
                    for (; d < rowEnd; ++x, ch = 0) {
                        const int64_t len = std::min(c - ch, rowEnd - d), ix = ix0 + x * dw;
                        if (ix < 0 || ix >= w) std::fill(dst, dst + len, T(0));
                        else copyRun(row + ix * c + ch, len, dst);
                        dst += len;
                        d += len;
                    }
                }
            }
            next(at);
        }
    }

    // Where output pixel (patch row) r is, and stepping to the next one without divisions.
    struct Pixel {
        int64_t ox, oy, img;
    };
    Pixel pixel(int64_t r) const { return {r % ww.out, (r / ww.out) % wh.out, r / (ww.out * wh.out)}; }
    void next(Pixel& p) const {
        if (++p.ox == ww.out) {
            p.ox = 0;
            if (++p.oy == wh.out) {
                p.oy = 0;
                ++p.img;
            }
        }
    }
};

// The NHWC input with the convolution's padding made real (zeros), so that every output pixel's
// window lies inside it; an empty tensor when the convolution has no padding (the input serves as
// it is). The bottom/right padding goes as far as the windows reach.
// The padded input's height and width (see paddedInput).
std::pair<int64_t, int64_t> paddedSize(const Im2col& geo) {
    const int64_t reachH = (geo.wh.out - 1) * geo.sh + (geo.kh - 1) * geo.dh + 1;
    const int64_t reachW = (geo.ww.out - 1) * geo.sw + (geo.kw - 1) * geo.dw + 1;
    return {std::max(geo.h + geo.wh.padBefore, reachH), std::max(geo.w + geo.ww.padBefore, reachW)};
}

Result<Tensor> paddedInput(KernelContext& ctx, const Im2col& geo, int64_t images, const float* in) {
    const int64_t top = geo.wh.padBefore, left = geo.ww.padBefore;
    const auto [hp, wp] = paddedSize(geo);
    if (top == 0 && left == 0 && hp == geo.h && wp == geo.w) return Tensor();
    TFS_ASSIGN_OR_RETURN(Tensor t, Tensor::allocateUninitialized(DType::Float, Shape{images, hp, wp, geo.c}));
    padConstant(ctx, in, t.mutableData<float>(), Shape{images, geo.h, geo.w, geo.c}, t.shape(),
                {0, 0, top, hp - geo.h - top, left, wp - geo.w - left, 0, 0}, 0.0f);
    return t;
}

// im2col into blocks of at most ~16 MB of patches, then one (threaded) GEMM per block.
template <typename T>
void convIm2col(KernelContext& ctx, const Im2col& geo, const T* in, const T* flt, int64_t f, T* po, int64_t rows,
                const GemmEpilogue* ep) {
    const int64_t depth = geo.depth();
    const int64_t blockRows = std::max<int64_t>(1, std::min<int64_t>(rows, (int64_t(16) << 20) / int64_t(sizeof(T)) / depth));
    // Every element is written (zeros for padding), so no zero-fill pass first.
    std::unique_ptr<T[]> patches(new T[size_t(blockRows * depth)]);
    for (int64_t r0 = 0; r0 < rows; r0 += blockRows) {
        const int64_t count = std::min(blockRows, rows - r0);
        parallelFor(ctx, count, double(depth), [&](int64_t b, int64_t e) { geo.slice(in, r0 + b, e - b, 0, depth, patches.get() + b * depth); });
        gemm(ctx, patches.get(), flt, po + r0 * f, count, depth, f, false, false, ep);
    }
}

// float on the packed GEMM: the filter is packed once, then each thread multiplies it by blocks of
// patch rows and depth that it builds (pointwise: reads in place) while they are in its cache.
//
// For inputs of up to kMaxIndirectChannels channels, the AVX-512 GEMM reads the patches in place
// instead (sgemm.h: indirect rows): each output pixel's window in the input, zero-padded beforehand,
// through one offset per patch element. The padded copy is made for a group of images at a time, at
// most kMaxPaddedBytes (or one image): a padded copy of a whole large batch would add tens of MB to
// the run's peak memory (ResNet-50 at batch 32: 673 -> 767 MB). Each group is then one threaded
// product. Measured on ResNet-50 (interleaved runs): in place, the 7x7 stem (3 channels) and the
// 3x3 layers on 64 channels take 10-20 % less time than with patches built by blocks, at batch 1
// and 32; on 128 channels and more, 0-8 % more.
void convFloatPacked(KernelContext& ctx, const Im2col& geo, bool pointwise, const float* in, const Tensor& filter, int64_t f,
                     float* po, int64_t rows, const GemmEpilogue* ep) {
    const GemmEpilogue epilogue = ep ? *ep : GemmEpilogue{};
    const int64_t perImage = geo.wh.out * geo.ww.out;
    if (rows <= 0 || perImage <= 0) return;
    if (geo.kh == 3 && geo.kw == 3 && geo.sh == 1 && geo.sw == 1 && geo.dh == 1 && geo.dw == 1) {
        const Winograd3x3 wg{rows / perImage, geo.h, geo.w, geo.c, f, geo.wh.out, geo.ww.out, geo.wh.padBefore, geo.ww.padBefore};
        if (winogradSuits(wg, numThreads(ctx)) && conv3x3Winograd(ctx, wg, in, filter, po, epilogue)) return;
    }
    const std::shared_ptr<const PackedSgemmB> packed = packedSgemmB(ctx, filter, geo.depth(), f, false);
    if (pointwise) {
        SgemmRowsA a;
        a.a = in;
        a.lda = geo.c;
        packedSgemmParallel(ctx, a, *packed, po, rows, epilogue);
        return;
    }
    constexpr int64_t kMaxPaddedBytes = int64_t(4) << 20;
    constexpr int64_t kMaxIndirectChannels = 64;
    const bool inPlace = sgemmIsa() == SgemmIsa::Avx512 && geo.c <= kMaxIndirectChannels;
    const int64_t images = rows / perImage, imageFloats = geo.h * geo.w * geo.c;
    const std::pair<int64_t, int64_t> paddedHw = paddedSize(geo);
    const int64_t hp = paddedHw.first, wp = paddedHw.second;  // plain names: a lambda below captures them
    const int64_t group = inPlace ? std::clamp<int64_t>(kMaxPaddedBytes / (int64_t(sizeof(float)) * hp * wp * geo.c), 1, images) : images;
    std::vector<int64_t> offsets;  // of each patch element from its window's corner in the padded input
    if (inPlace) {
        offsets.reserve(size_t(geo.depth()));
        for (int64_t y = 0; y < geo.kh; ++y)
            for (int64_t x = 0; x < geo.kw; ++x)
                for (int64_t ch = 0; ch < geo.c; ++ch) offsets.push_back((y * geo.dh * wp + x * geo.dw) * geo.c + ch);
    }
    for (int64_t g0 = 0; g0 < images; g0 += group) {
        const int64_t n = std::min(group, images - g0);
        const float* groupIn = in + g0 * imageFloats;
        SgemmRowsA a;
        a.fill = [&geo, groupIn](int64_t r0, int64_t count, int64_t d0, int64_t kd, float* dst) { geo.slice(groupIn, r0, count, d0, kd, dst); };
        Tensor padded;
        if (inPlace) {
            if (auto made = paddedInput(ctx, geo, n, groupIn); made.ok()) {  // else patches by blocks
                padded = std::move(*made);
                const float* base = padded.numElements() > 0 ? padded.data<float>() : groupIn;  // empty: no padding
                a.offsets = offsets.data();
                a.rowPointers = [&geo, base, hp, wp](int64_t r0, int64_t count, const float** dst) {
                    Im2col::Pixel at = geo.pixel(r0);
                    for (int64_t i = 0; i < count; ++i, geo.next(at)) dst[i] = base + ((at.img * hp + at.oy * geo.sh) * wp + at.ox * geo.sw) * geo.c;
                };
            }
        }
        packedSgemmParallel(ctx, a, *packed, po + g0 * perImage * f, n * perImage, epilogue);
    }
}

Status evalConv2D(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    return computeConv2D(ctx, nullptr);
}

}  // namespace

Status computeConv2D(KernelContext& ctx, const GemmEpilogue* ep, const Tensor* residual, int residualInput) {
    TFS_ASSIGN_OR_RETURN(const Tensor* input, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* filter, inputOf(ctx, 1));
    TFS_RETURN_IF_ERROR(checkSameDType(ctx, *input, *filter));
    if (input->rank() != 4) return ctx.error("input must be 4-dimensional, got shape '" + shapeToString(input->shape()) + "'.");
    if (filter->rank() != 4) return ctx.error("filter must be 4-dimensional, got shape '" + shapeToString(filter->shape()) + "'.");
    Layout4 l;
    const std::string format = ctx.attrString("data_format", "NHWC");
    if (!Layout4::parse(format, l)) return ctx.error("Invalid data_format '" + format + "'.");
    const std::vector<int64_t> strides = ctx.attrIntList("strides");
    const std::vector<int64_t> dilations = ctx.attrIntList("dilations", {1, 1, 1, 1});
    const std::string padding = ctx.attrString("padding", "");
    std::vector<int64_t> explicitPads = ctx.attrIntList("explicit_paddings");
    if (strides.size() != 4 || dilations.size() != 4)
        return ctx.error("strides and dilations must have 4 elements.");
    if (strides[size_t(l.n)] != 1 || strides[size_t(l.c)] != 1 || dilations[size_t(l.n)] != 1 || dilations[size_t(l.c)] != 1)
        return ctx.error("Strides and dilations in the batch and depth dimensions must be 1.");
    if (padding == "EXPLICIT" && explicitPads.size() != 8) return ctx.error("explicit_paddings must have 8 elements.");
    if (padding != "EXPLICIT") explicitPads.assign(8, 0);
    const int64_t n = input->dim(l.n), h = input->dim(l.h), w = input->dim(l.w), c = input->dim(l.c);
    const int64_t kh = filter->dim(0), kw = filter->dim(1), fc = filter->dim(2), f = filter->dim(3);
    if (fc != c || fc == 0)
        return ctx.error("input depth must match filter depth: input shape '" + shapeToString(input->shape()) +
                         "', filter shape '" + shapeToString(filter->shape()) + "'.");
    Window wh, ww;
    if (!computeWindow(h, kh, strides[size_t(l.h)], dilations[size_t(l.h)], padding, explicitPads[size_t(2 * l.h)],
                       explicitPads[size_t(2 * l.h + 1)], wh) ||
        !computeWindow(w, kw, strides[size_t(l.w)], dilations[size_t(l.w)], padding, explicitPads[size_t(2 * l.w)],
                       explicitPads[size_t(2 * l.w + 1)], ww))
        return ctx.error("Invalid padding '" + padding + "', strides or dilations.");
    const int64_t sh = strides[size_t(l.h)], sw = strides[size_t(l.w)], dh = dilations[size_t(l.h)], dw = dilations[size_t(l.w)];
    const bool nchw = format == "NCHW";
    if (ep && input->dtype() != DType::Float) return ctx.error("Fused convolutions support only float inputs.");
    Tensor nhwc = *input;
    if (nchw) { TFS_ASSIGN_OR_RETURN(nhwc, transposeTensor(ctx, *input, {0, 2, 3, 1})); }
    const Shape outNhwc{n, wh.out, ww.out, f};
    // A residual of the output's shape rides in the GEMM's epilogue; any other (broadcast, NCHW)
    // is added afterwards, and the activation with it.
    const bool residualInGemm = residual && ep && !nchw && residual->dtype() == DType::Float && residual->shape() == outNhwc;
    const GemmActivation residualAct = ep ? ep->act : GemmActivation::None;
    GemmEpilogue local;
    if (residual && ep) {
        local = *ep;
        if (!residualInGemm) local.act = GemmActivation::None;
        ep = &local;
    }
    // The output over the residual (see conv2d.h): only on the packed GEMM (the portable one adds the
    // residual after the whole product is written), in one depth pass, and when this node holds the
    // only handle to the residual's own storage.
    const int64_t rows = n * wh.out * ww.out;
    Tensor residualHeld;
    float* overResidual = nullptr;  // the output's elements, in the residual's storage
    if (residualInGemm && residualInput >= 0 && input->dtype() == DType::Float && rows >= 4 && packedSgemmAvailable() &&
        packedSgemmOnePass(kh * kw * c)) {
        residualHeld = ctx.takeInput(residualInput);
        residual = &residualHeld;  // the input slot was moved out
        const std::byte* r0 = residualHeld.rawData();
        const std::byte* r1 = r0 + residualHeld.byteSize();
        auto overlaps = [&](const Tensor& t) { return t.rawData() < r1 && r0 < t.rawData() + t.byteSize(); };
        if (!residualHeld.isView() && residualHeld.storageUseCount() == 1 && residualHeld.numElements() > 0 && !overlaps(nhwc) &&
            !overlaps(*filter)) {
            overResidual = residualHeld.mutableData<float>();  // the only handle: no copy
            TFS_RETURN_IF_ERROR(ctx.setOutput(0, std::move(residualHeld)));
            residual = nullptr;  // moved into the output; the epilogue reads it there
        }
    }
    return dispatch(ConvTypes{}, ctx, input->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        Tensor* out = nullptr;
        Tensor tmp;
        if (nchw) {
            TFS_ASSIGN_OR_RETURN(tmp, Tensor::allocateUninitialized(input->dtype(), outNhwc));
        } else if (!overResidual) {
            TFS_ASSIGN_OR_RETURN(out, ctx.allocateOutputUninitialized(0, input->dtype(), outNhwc));
        }
        if (!overResidual && (nchw ? tmp : *out).numElements() == 0) {
            if (nchw) { TFS_ASSIGN_OR_RETURN(out, ctx.allocateOutput(0, input->dtype(), {n, f, wh.out, ww.out})); }
            if (residual && !residualInGemm) return addResidual(ctx, *out, *residual, residualAct);
            return Status::OK();
        }
        const T* in = dataOf<T>(nhwc);
        T* po = overResidual ? reinterpret_cast<T*>(overResidual) : mutableDataOf<T>(nchw ? tmp : *out);
        if constexpr (std::is_same_v<T, float>) {
            if (residualInGemm) {
                local.residual = overResidual ? po : residual->data<float>();
                local.out = po;
            }
        }
        const Im2col geo{h, w, c, kh, kw, sh, sw, dh, dw, wh, ww};
        const bool pointwise =
            kh == 1 && kw == 1 && sh == 1 && sw == 1 && wh.padBefore == 0 && ww.padBefore == 0 && wh.out == h && ww.out == w;
        bool packed = false;
        if constexpr (std::is_same_v<T, float>) packed = rows >= 4 && packedSgemmAvailable();
        if constexpr (std::is_same_v<T, float>) {
            if (packed) convFloatPacked(ctx, geo, pointwise, in, *filter, f, po, rows, ep);
        }
        if (!packed) {
            const T* flt = dataOf<T>(*filter);  // read here only: a packed filter's bytes may be computed on read
            if (pointwise) gemm(ctx, in, flt, po, rows, c, f, false, false, ep);
            else convIm2col(ctx, geo, in, flt, f, po, rows, ep);
        }
        if (nchw) {
            TFS_ASSIGN_OR_RETURN(Tensor* o, ctx.allocateOutputUninitialized(0, input->dtype(), {n, f, wh.out, ww.out}));
            transposeData(ctx, dataOf<T>(tmp), outNhwc, {0, 3, 1, 2}, mutableDataOf<T>(*o));
            out = o;
        }
        if (residual && !residualInGemm) return addResidual(ctx, *out, *residual, residualAct);
        return Status::OK();
    });
}

void registerConv2D(KernelList& list) {
    static const KernelDef def{"Conv2D", evalConv2D};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
