#pragma once
// Window geometry shared by Conv2D, DepthwiseConv2dNative and the pooling kernels: output size
// and leading padding per spatial dim for SAME / VALID / EXPLICIT padding (TF's rules), the
// data_format layout, and running an NHWC loop on NCHW data by transposing in and out.

#include <string>
#include <vector>

#include "model/kernels/kernel_util.h"
#include "model/kernels/transpose.h"

namespace tfscope::kernels {

struct Window {
    int64_t out = 0;
    int64_t padBefore = 0;
};

// effectiveK = (k - 1) * dilation + 1.
inline bool computeWindow(int64_t in, int64_t k, int64_t stride, int64_t dilation, const std::string& padding,
                          int64_t explicitBefore, int64_t explicitAfter, Window& w) {
    if (stride < 1 || dilation < 1 || k < 1) return false;
    const int64_t eff = (k - 1) * dilation + 1;
    if (padding == "VALID") {
        if (in < eff) { w.out = 0; w.padBefore = 0; return true; }
        w.out = (in - eff) / stride + 1;
        w.padBefore = 0;
    } else if (padding == "SAME") {
        w.out = (in + stride - 1) / stride;
        const int64_t total = std::max<int64_t>((w.out - 1) * stride + eff - in, 0);
        w.padBefore = total / 2;
    } else if (padding == "EXPLICIT") {
        if (explicitBefore < 0 || explicitAfter < 0) return false;
        const int64_t padded = in + explicitBefore + explicitAfter;
        w.out = padded < eff ? 0 : (padded - eff) / stride + 1;
        w.padBefore = explicitBefore;
    } else {
        return false;
    }
    return true;
}

// Index of H, W and C in a 4-D tensor of the given data_format ("NHWC" or "NCHW").
struct Layout4 {
    int n = 0, h = 1, w = 2, c = 3;
    static bool parse(const std::string& format, Layout4& l) {
        if (format == "NHWC") { l = {0, 1, 2, 3}; return true; }
        if (format == "NCHW") { l = {0, 2, 3, 1}; return true; }
        return false;
    }
    bool nchw() const { return c == 1; }
};

// The node's data_format attr (default NHWC) as a layout; an error naming the node otherwise.
inline Result<Layout4> layoutAttr(const KernelContext& ctx) {
    Layout4 l;
    const std::string format = ctx.attrString("data_format", "NHWC");
    if (!Layout4::parse(format, l)) return ctx.error("Invalid data_format '" + format + "'.");
    return l;
}

// The output windows over H and W of a sliding-window op (pooling, depthwise convolution) on
// `input` in layout `l`: `window`, `strides` and `dilations` are 4-element attrs in that layout;
// padding and explicit_paddings come from the node's attrs.
struct Windows2D {
    Window h, w;
    int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
};
inline Result<Windows2D> windows2D(const KernelContext& ctx, const Tensor& input, const Layout4& l, int64_t kh, int64_t kw,
                                   const std::vector<int64_t>& strides, const std::vector<int64_t>& dilations) {
    const std::string padding = ctx.attrString("padding", "");
    std::vector<int64_t> pads = ctx.attrIntList("explicit_paddings");
    if (padding != "EXPLICIT") pads.assign(8, 0);
    if (pads.size() != 8) return ctx.error("explicit_paddings must have 8 elements.");
    Windows2D out;
    out.kh = kh;
    out.kw = kw;
    out.sh = strides[size_t(l.h)];
    out.sw = strides[size_t(l.w)];
    out.dh = dilations[size_t(l.h)];
    out.dw = dilations[size_t(l.w)];
    if (!computeWindow(input.dim(l.h), kh, out.sh, out.dh, padding, pads[size_t(2 * l.h)], pads[size_t(2 * l.h + 1)], out.h) ||
        !computeWindow(input.dim(l.w), kw, out.sw, out.dw, padding, pads[size_t(2 * l.w)], pads[size_t(2 * l.w + 1)], out.w))
        return ctx.error("Invalid padding '" + padding + "', window size, strides or dilations.");
    return out;
}

// Runs `compute(const T* in, T* out)` on NHWC data: `in` is `input` ([N,H,W,C]) and `out` is
// [N,OH,OW,OC] (`outNhwc`). NHWC output is written straight into output 0 (under the memory cap);
// for NCHW the input is transposed in, the result computed into a temporary and transposed back
// into output 0 as [N,OC,OH,OW].
template <typename T, typename F>
Status computeNhwc(KernelContext& ctx, const Tensor& input, const Layout4& l, const Shape& outNhwc, F&& compute) {
    if (!l.nchw()) {
        TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutputUninitialized(0, input.dtype(), outNhwc));
        compute(dataOf<T>(input), mutableDataOf<T>(*out));
        return Status::OK();
    }
    TFS_ASSIGN_OR_RETURN(Tensor nhwc, transposeTensor(ctx, input, {0, 2, 3, 1}));
    TFS_ASSIGN_OR_RETURN(Tensor scratch, Tensor::allocateUninitialized(input.dtype(), outNhwc));
    compute(dataOf<T>(nhwc), mutableDataOf<T>(scratch));
    TFS_ASSIGN_OR_RETURN(Tensor * o, ctx.allocateOutputUninitialized(0, input.dtype(), {outNhwc[0], outNhwc[3], outNhwc[1], outNhwc[2]}));
    transposeData(ctx, dataOf<T>(scratch), outNhwc, {0, 3, 1, 2}, mutableDataOf<T>(*o));
    return Status::OK();
}

}  // namespace tfscope::kernels
