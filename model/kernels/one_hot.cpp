// OneHot: indices (uint8/int32/int64), depth, on_value, off_value, attr axis (-1 = new last
// axis). Out-of-range indices give a row of off_value.
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalOneHot(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 4));
    TFS_ASSIGN_OR_RETURN(const Tensor* indices, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* depthT, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* on, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* off, inputOf(ctx, 3));
    TFS_ASSIGN_OR_RETURN(int64_t depth, indexScalar(ctx, *depthT, "depth"));
    if (depth < 0) return ctx.error("depth must be non-negative, got: " + std::to_string(depth) + ".");
    if (on->numElements() != 1 || off->numElements() != 1) return ctx.error("on_value and off_value must be scalars.");
    TFS_RETURN_IF_ERROR(checkSameDType(ctx, *on, *off));
    const int rank = indices->rank();
    int64_t axis = ctx.attrInt("axis", -1);
    if (axis < -1 || axis > rank) return ctx.error("Expected axis to be -1 or between [0, " + std::to_string(rank) + "], but got " + std::to_string(axis) + ".");
    if (axis == -1) axis = rank;
    std::vector<int64_t> idx;
    if (indices->dtype() == DType::UInt8) {
        const uint8_t* p = dataOf<uint8_t>(*indices);
        idx.assign(p, p + indices->numElements());
    } else {
        TFS_ASSIGN_OR_RETURN(idx, indexValues(ctx, *indices, "indices"));
    }
    Shape outShape = indices->shape();
    outShape.insert(outShape.begin() + axis, depth);
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= indices->dim(d);
    for (int d = int(axis); d < rank; ++d) inner *= indices->dim(d);
    return dispatchCopy(ctx, on->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, on->dtype(), outShape));
        T* po = mutableDataOf<T>(*out);
        const T onV = dataOf<T>(*on)[0], offV = dataOf<T>(*off)[0];
        // out[o, d, i] = idx[o, i] == d
        for (int64_t o = 0; o < outer; ++o)
            for (int64_t d = 0; d < depth; ++d)
                for (int64_t i = 0; i < inner; ++i)
                    po[(o * depth + d) * inner + i] = idx[size_t(o * inner + i)] == d ? onV : offV;
        return Status::OK();
    });
}

}  // namespace

void registerOneHot(KernelList& list) {
    static const KernelDef def{"OneHot", evalOneHot};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
