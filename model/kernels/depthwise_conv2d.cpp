// DepthwiseConv2dNative: NHWC input [N,H,W,C], filter [KH,KW,C,M] -> [N,OH,OW,C*M]; strides,
// dilations, SAME / VALID / EXPLICIT padding. NCHW inputs are transposed to NHWC and back.
#include "model/kernels/conv_util.h"
#include "model/kernels/registry.h"
#include "model/kernels/transpose.h"

namespace tfscope::kernels {
namespace {

Status evalDepthwise(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* input, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* filter, inputOf(ctx, 1));
    TFS_RETURN_IF_ERROR(checkSameDType(ctx, *input, *filter));
    if (input->rank() != 4 || filter->rank() != 4)
        return ctx.error("input and filter must be 4-dimensional, got shapes '" + shapeToString(input->shape()) + "' and '" +
                         shapeToString(filter->shape()) + "'.");
    Layout4 l;
    const std::string format = ctx.attrString("data_format", "NHWC");
    if (!Layout4::parse(format, l)) return ctx.error("Invalid data_format '" + format + "'.");
    const std::vector<int64_t> strides = ctx.attrIntList("strides");
    const std::vector<int64_t> dilations = ctx.attrIntList("dilations", {1, 1, 1, 1});
    const std::string padding = ctx.attrString("padding", "");
    std::vector<int64_t> pads = ctx.attrIntList("explicit_paddings");
    if (strides.size() != 4 || dilations.size() != 4) return ctx.error("strides and dilations must have 4 elements.");
    if (strides[size_t(l.h)] != strides[size_t(l.w)])
        return ctx.error("Current implementation only supports equal length strides in the row and column dimensions.");
    if (padding != "EXPLICIT") pads.assign(8, 0);
    if (pads.size() != 8) return ctx.error("explicit_paddings must have 8 elements.");
    const int64_t n = input->dim(l.n), h = input->dim(l.h), w = input->dim(l.w), c = input->dim(l.c);
    const int64_t kh = filter->dim(0), kw = filter->dim(1), m = filter->dim(3);
    if (filter->dim(2) != c)
        return ctx.error("input depth must match filter in_depth: input shape '" + shapeToString(input->shape()) +
                         "', filter shape '" + shapeToString(filter->shape()) + "'.");
    Window wh, ww;
    if (!computeWindow(h, kh, strides[size_t(l.h)], dilations[size_t(l.h)], padding, pads[size_t(2 * l.h)], pads[size_t(2 * l.h + 1)], wh) ||
        !computeWindow(w, kw, strides[size_t(l.w)], dilations[size_t(l.w)], padding, pads[size_t(2 * l.w)], pads[size_t(2 * l.w + 1)], ww))
        return ctx.error("Invalid padding '" + padding + "', strides or dilations.");
    const int64_t sh = strides[size_t(l.h)], sw = strides[size_t(l.w)], dh = dilations[size_t(l.h)], dw = dilations[size_t(l.w)];
    const bool nchw = format == "NCHW";
    Tensor nhwc = *input;
    if (nchw) { TFS_ASSIGN_OR_RETURN(nhwc, transposeTensor(ctx, *input, {0, 2, 3, 1})); }
    const Shape outNhwc{n, wh.out, ww.out, c * m};
    return dispatch(FloatTypes{}, ctx, input->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = ComputeType<T>;
        // NHWC writes straight into the output (memory cap); NCHW goes through a temporary.
        Tensor scratch;
        Tensor* resultPtr = &scratch;
        if (nchw) {
            TFS_ASSIGN_OR_RETURN(scratch, Tensor::allocate(input->dtype(), outNhwc));
        } else {
            TFS_ASSIGN_OR_RETURN(resultPtr, ctx.allocateOutput(0, input->dtype(), outNhwc));
        }
        Tensor& result = *resultPtr;
        const T* in = dataOf<T>(nhwc);
        const T* flt = dataOf<T>(*filter);
        T* po = mutableDataOf<T>(result);
        const int64_t oc = c * m;
        parallelFor(ctx, n * wh.out, double(ww.out * kh * kw * oc), [&](int64_t r0, int64_t r1) {
            std::vector<C> acc(static_cast<size_t>(oc));
            for (int64_t r = r0; r < r1; ++r) {
                const int64_t oy = r % wh.out, img = r / wh.out;
                for (int64_t ox = 0; ox < ww.out; ++ox) {
                    std::fill(acc.begin(), acc.end(), C(0));
                    for (int64_t y = 0; y < kh; ++y) {
                        const int64_t iy = oy * sh - wh.padBefore + y * dh;
                        if (iy < 0 || iy >= h) continue;
                        for (int64_t x = 0; x < kw; ++x) {
                            const int64_t ix = ox * sw - ww.padBefore + x * dw;
                            if (ix < 0 || ix >= w) continue;
                            const T* src = in + ((img * h + iy) * w + ix) * c;
                            const T* fp = flt + (y * kw + x) * oc;
                            for (int64_t ch = 0; ch < c; ++ch)
                                for (int64_t q = 0; q < m; ++q) acc[size_t(ch * m + q)] += C(src[ch]) * C(fp[ch * m + q]);
                        }
                    }
                    T* dst = po + ((img * wh.out + oy) * ww.out + ox) * oc;
                    for (int64_t i = 0; i < oc; ++i) dst[i] = T(acc[size_t(i)]);
                }
            }
        });
        if (nchw) {
            TFS_ASSIGN_OR_RETURN(Tensor* o, ctx.allocateOutput(0, input->dtype(), {n, oc, wh.out, ww.out}));
            transposeData(ctx, dataOf<T>(result), outNhwc, {0, 3, 1, 2}, mutableDataOf<T>(*o));
        }
        return Status::OK();
    });
}

}  // namespace

void registerDepthwiseConv2D(KernelList& list) {
    static const KernelDef def{"DepthwiseConv2dNative", evalDepthwise};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
