// DepthwiseConv2dNative: NHWC input [N,H,W,C], filter [KH,KW,C,M] -> [N,OH,OW,C*M]; strides,
// dilations, SAME / VALID / EXPLICIT padding. NCHW inputs are transposed to NHWC and back.
#include "model/kernels/conv_util.h"
#include "model/kernels/registry.h"

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
    TFS_ASSIGN_OR_RETURN(Layout4 l, layoutAttr(ctx));
    const std::vector<int64_t> strides = ctx.attrIntList("strides");
    const std::vector<int64_t> dilations = ctx.attrIntList("dilations", {1, 1, 1, 1});
    if (strides.size() != 4 || dilations.size() != 4) return ctx.error("strides and dilations must have 4 elements.");
    if (strides[size_t(l.h)] != strides[size_t(l.w)])
        return ctx.error("Current implementation only supports equal length strides in the row and column dimensions.");
    const int64_t n = input->dim(l.n), h = input->dim(l.h), w = input->dim(l.w), c = input->dim(l.c);
    const int64_t kh = filter->dim(0), kw = filter->dim(1), m = filter->dim(3);
    if (filter->dim(2) != c)
        return ctx.error("input depth must match filter in_depth: input shape '" + shapeToString(input->shape()) +
                         "', filter shape '" + shapeToString(filter->shape()) + "'.");
    TFS_ASSIGN_OR_RETURN(Windows2D win, windows2D(ctx, *input, l, kh, kw, strides, dilations));
    const Window wh = win.h, ww = win.w;
    const int64_t oc = c * m;
    return dispatch(FloatTypes{}, ctx, input->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = ComputeType<T>;
        const T* flt = dataOf<T>(*filter);
        return computeNhwc<T>(ctx, *input, l, {n, wh.out, ww.out, oc}, [&](const T* in, T* po) {
            parallelFor(ctx, n * wh.out, double(ww.out * kh * kw * oc), [&](int64_t r0, int64_t r1) {
                std::vector<C> acc(static_cast<size_t>(oc));
                for (int64_t r = r0; r < r1; ++r) {
                    const int64_t oy = r % wh.out, img = r / wh.out;
                    for (int64_t ox = 0; ox < ww.out; ++ox) {
                        std::fill(acc.begin(), acc.end(), C(0));
                        for (int64_t y = 0; y < kh; ++y) {
                            const int64_t iy = oy * win.sh - wh.padBefore + y * win.dh;
                            if (iy < 0 || iy >= h) continue;
                            for (int64_t x = 0; x < kw; ++x) {
                                const int64_t ix = ox * win.sw - ww.padBefore + x * win.dw;
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
        });
    });
}

}  // namespace

void registerDepthwiseConv2D(KernelList& list) {
    static const KernelDef def{"DepthwiseConv2dNative", evalDepthwise};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
