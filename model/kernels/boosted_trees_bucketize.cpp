// BoostedTreesBucketize (float_values x num_features, bucket_boundaries x num_features): for each
// feature, the index of each value's bucket among the sorted boundaries (the number of boundaries
// at or below it: a value equal to a boundary goes to the bucket above), as int32.
#include <algorithm>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalBoostedTreesBucketize(KernelContext& ctx) {
    const int n = int(ctx.attrInt("num_features", ctx.numInputs() / 2));
    if (n < 0 || ctx.numInputs() != 2 * n)
        return ctx.error("Expected " + std::to_string(2 * n) + " inputs (num_features values and boundaries); got " + std::to_string(ctx.numInputs()) + ".");
    for (int f = 0; f < n; ++f) {
        TFS_ASSIGN_OR_RETURN(const Tensor* v, inputOf(ctx, f));
        TFS_ASSIGN_OR_RETURN(const Tensor* b, inputOf(ctx, n + f));
        if (v->dtype() != DType::Float || b->dtype() != DType::Float) return ctx.error("float_values and bucket_boundaries must be float.");
        if (b->rank() != 1) return ctx.error("bucket_boundaries[" + std::to_string(f) + "] must be a vector; got shape " + shapeToString(b->shape()) + ".");
        const float* pb = dataOf<float>(*b);
        const float* pv = dataOf<float>(*v);
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(f, DType::Int32, v->shape()));
        int32_t* po = mutableDataOf<int32_t>(*out);
        for (int64_t i = 0; i < v->numElements(); ++i) po[i] = int32_t(std::upper_bound(pb, pb + b->numElements(), pv[i]) - pb);
    }
    return Status::OK();
}

}  // namespace

void registerBoostedTreesBucketize(KernelList& list) {
    static const KernelDef def{"BoostedTreesBucketize", evalBoostedTreesBucketize};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
