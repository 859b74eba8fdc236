// FusedBatchNorm / V2 / V3: y = (x - mean) / sqrt(variance + epsilon) * scale + offset over the
// channel dim (NHWC last, NCHW dim 1). is_training=false uses the given mean and variance and
// passes them through as batch_mean / batch_variance; is_training=true (the op's default) uses the
// batch statistics and reports the Bessel-corrected batch variance, as TF does.
#include <cmath>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

template <int kVersion>
Status evalFusedBatchNormImpl(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 5));
    const Tensor* in[5];
    for (int i = 0; i < 5; ++i) { TFS_ASSIGN_OR_RETURN(in[i], inputOf(ctx, i)); }
    const Tensor& x = *in[0];
    const std::string format = ctx.attrString("data_format", "NHWC");
    if (format != "NHWC" && format != "NCHW" && format != "NDHWC" && format != "NCDHW")
        return ctx.error("Invalid data_format '" + format + "'.");
    if (x.rank() != 4 && x.rank() != 5) return ctx.error("input must be 4 or 5-dimensional, got shape '" + shapeToString(x.shape()) + "'.");
    const bool channelsFirst = format == "NCHW" || format == "NCDHW";
    const int cdim = channelsFirst ? 1 : x.rank() - 1;
    const int64_t c = x.dim(cdim);
    for (int i = 1; i < 5; ++i) {
        if (in[i]->dtype() != DType::Float) return ctx.error("scale, offset, mean and variance must be float32.");
        const bool emptyStats = i >= 3 && ctx.attrBool("is_training", true) && in[i]->numElements() == 0;
        if (!emptyStats && (in[i]->rank() != 1 || in[i]->dim(0) != c))
            return ctx.error("Input " + std::to_string(i) + " must be a vector of " + std::to_string(c) + " elements, got shape '" +
                             shapeToString(in[i]->shape()) + "'.");
    }
    const float epsilon = ctx.attrFloat("epsilon", 0.0001f);
    const bool training = ctx.attrBool("is_training", true);
    int64_t inner = 1;
    for (int d = cdim + 1; d < x.rank(); ++d) inner *= x.dim(d);
    const int64_t outer = c == 0 || inner == 0 ? 0 : x.numElements() / (c * inner);
    const int64_t count = outer * inner;
    std::vector<double> mean(static_cast<size_t>(c)), var(static_cast<size_t>(c));
    using BnTypes = TypeList<float, Eigen::half, Eigen::bfloat16>;
    return dispatch(BnTypes{}, ctx, x.dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        const T* px = dataOf<T>(x);
        const float* scale = dataOf<float>(*in[1]);
        const float* offset = dataOf<float>(*in[2]);
        if (training) {
            std::vector<double> sum(size_t(c), 0.0), sq(size_t(c), 0.0);
            for (int64_t o = 0; o < outer; ++o)
                for (int64_t ch = 0; ch < c; ++ch)
                    for (int64_t i = 0; i < inner; ++i) {
                        const double v = double(float(px[(o * c + ch) * inner + i]));
                        sum[size_t(ch)] += v;
                        sq[size_t(ch)] += v * v;
                    }
            for (int64_t ch = 0; ch < c; ++ch) {
                mean[size_t(ch)] = count ? sum[size_t(ch)] / double(count) : 0.0;
                var[size_t(ch)] = count ? std::max(0.0, sq[size_t(ch)] / double(count) - mean[size_t(ch)] * mean[size_t(ch)]) : 0.0;
            }
        } else {
            for (int64_t ch = 0; ch < c; ++ch) {
                mean[size_t(ch)] = dataOf<float>(*in[3])[ch];
                var[size_t(ch)] = dataOf<float>(*in[4])[ch];
            }
        }
        std::vector<float> mul(static_cast<size_t>(c)), add(static_cast<size_t>(c));
        for (int64_t ch = 0; ch < c; ++ch) {
            mul[size_t(ch)] = scale[ch] / std::sqrt(float(var[size_t(ch)]) + epsilon);
            add[size_t(ch)] = offset[ch] - float(mean[size_t(ch)]) * mul[size_t(ch)];
        }
        TFS_ASSIGN_OR_RETURN(Tensor* y, ctx.allocateOutputUninitialized(0, x.dtype(), x.shape()));
        T* py = mutableDataOf<T>(*y);
        parallelFor(ctx, outer * c, double(inner) * 2, [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                const int64_t ch = r % c;
                for (int64_t i = 0; i < inner; ++i)
                    py[r * inner + i] = T(float(px[r * inner + i]) * mul[size_t(ch)] + add[size_t(ch)]);
            }
        });
        // batch_mean, batch_variance, reserve_space_1, reserve_space_2 (, reserve_space_3).
        const int numStats = kVersion == 3 ? 5 : 4;
        for (int k = 0; k < numStats; ++k) {
            const bool isVar = k == 1 || k == 3;
            TFS_ASSIGN_OR_RETURN(Tensor* s, ctx.allocateOutput(1 + k, DType::Float, k == 4 ? Shape{} : Shape{c}));
            if (k == 4) continue;
            float* ps = mutableDataOf<float>(*s);
            for (int64_t ch = 0; ch < c; ++ch) {
                double v = isVar ? var[size_t(ch)] : mean[size_t(ch)];
                if (training && k == 1 && count > 1) v = v * double(count) / double(count - 1);
                ps[ch] = float(v);
            }
        }
        return Status::OK();
    });
}

Status evalV1(KernelContext& ctx) { return evalFusedBatchNormImpl<1>(ctx); }
Status evalV3(KernelContext& ctx) { return evalFusedBatchNormImpl<3>(ctx); }

}  // namespace

void registerFusedBatchNorm(KernelList& list) {
    static const KernelDef defs[] = {{"FusedBatchNorm", evalV1}, {"FusedBatchNormV2", evalV1}, {"FusedBatchNormV3", evalV3}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
