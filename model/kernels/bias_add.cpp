// BiasAdd (and BiasAddV1): value + bias along the channel dimension, the last one for NHWC, dim 1
// for NCHW inputs of rank >= 3.
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalBiasAdd(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* value, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* bias, inputOf(ctx, 1));
    TFS_RETURN_IF_ERROR(checkSameDType(ctx, *value, *bias));
    const std::string format = ctx.attrString("data_format", "NHWC");
    if (format != "NHWC" && format != "NCHW") return ctx.error("Unsupported data_format '" + format + "'.");
    if (value->rank() < 2) return ctx.error("Input must be at least 2-D, got shape '" + shapeToString(value->shape()) + "'.");
    if (bias->rank() != 1) return ctx.error("Bias must be 1-D, got shape '" + shapeToString(bias->shape()) + "'.");
    const int channelDim = (format == "NCHW" && value->rank() >= 3) ? 1 : value->rank() - 1;
    const int64_t channels = value->dim(channelDim);
    if (bias->dim(0) != channels)
        return ctx.error("Bias shape '" + shapeToString(bias->shape()) + "' does not match channel dimension " +
                         std::to_string(channels) + " of input shape '" + shapeToString(value->shape()) + "'.");
    int64_t inner = 1;
    for (int d = channelDim + 1; d < value->rank(); ++d) inner *= value->dim(d);
    return dispatch(NumberTypes{}, ctx, value->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, value->dtype(), value->shape()));
        const T* x = dataOf<T>(*value);
        const T* b = dataOf<T>(*bias);
        T* y = mutableDataOf<T>(*out);
        if (inner == 1) {  // channels last: each row of `channels` elements gets the whole bias
            const int64_t rows = channels == 0 ? 0 : value->numElements() / channels;
            parallelFor(ctx, rows, double(channels), [&](int64_t r0, int64_t r1) {
                for (int64_t r = r0; r < r1; ++r) {
                    const T* src = x + r * channels;
                    T* dst = y + r * channels;
                    for (int64_t c = 0; c < channels; ++c) dst[c] = T(src[c] + b[c]);
                }
            });
            return Status::OK();
        }
        const int64_t rows = channels == 0 || inner == 0 ? 0 : value->numElements() / inner;  // (outer, channel) pairs
        parallelFor(ctx, rows, double(inner), [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                const T bv = b[r % channels];
                const T* src = x + r * inner;
                T* dst = y + r * inner;
                for (int64_t i = 0; i < inner; ++i) dst[i] = T(src[i] + bv);
            }
        });
        return Status::OK();
    });
}

}  // namespace

void registerBiasAdd(KernelList& list) {
    static const KernelDef defs[] = {{"BiasAdd", evalBiasAdd}, {"BiasAddV1", evalBiasAdd}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
