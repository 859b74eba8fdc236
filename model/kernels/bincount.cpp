// Bincount (arr, size, weights) and DenseBincount (input, size, weights; binary_output): counts of
// each value in [0, size) (or the sum of its weights; an empty `weights` counts ones). Values at or
// above `size` are ignored and negative ones are an error, as in TF. DenseBincount takes a vector
// (output [size]) or a matrix (one row of bins per input row); binary_output gives 1 for present.
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status binsInto(KernelContext& ctx, const Tensor& in, int64_t size, const Tensor& weights, bool binary, bool denseOp) {
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> vals, indexValues(ctx, in, "input"));
    const bool weighted = weights.numElements() > 0;
    if (weighted && weights.shape() != in.shape())
        return ctx.error("weights must be empty or have the shape of the input " + shapeToString(in.shape()) + "; got " +
                         shapeToString(weights.shape()) + ".");
    if (denseOp && in.rank() != 1 && in.rank() != 2)
        return ctx.error("input must be a vector or a matrix; got shape " + shapeToString(in.shape()) + ".");
    for (int64_t v : vals)
        if (v < 0) return ctx.error("Input arr must be non-negative!");
    const bool rows = denseOp && in.rank() == 2;
    const int64_t nrows = rows ? in.dim(0) : 1, ncols = rows ? in.dim(1) : int64_t(vals.size());
    Shape outShape = rows ? Shape{nrows, size} : Shape{size};
    return dispatch(TypeList<float, double, int32_t, int64_t>{}, ctx, weights.dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, weights.dtype(), outShape));
        T* po = mutableDataOf<T>(*out);
        const T* pw = weighted ? dataOf<T>(weights) : nullptr;
        for (int64_t r = 0; r < nrows; ++r)
            for (int64_t c = 0; c < ncols; ++c) {
                const int64_t i = r * ncols + c, v = vals[size_t(i)];
                if (v >= size) continue;
                T& bin = po[r * size + v];
                if (binary) bin = T(1);
                else bin = T(bin + (pw ? pw[i] : T(1)));
            }
        return Status::OK();
    });
}

Result<int64_t> sizeArg(KernelContext& ctx, const Tensor& t) {
    if (!isScalar(t)) return ctx.error("size must be a scalar; got shape " + shapeToString(t.shape()) + ".");
    TFS_ASSIGN_OR_RETURN(int64_t size, indexScalar(ctx, t, "size"));
    if (size < 0) return ctx.error("size (" + std::to_string(size) + ") must be non-negative");
    return size;
}

Status evalBincount(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* arr, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* s, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* w, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(int64_t size, sizeArg(ctx, *s));
    return binsInto(ctx, *arr, size, *w, false, false);
}

Status evalDenseBincount(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* in, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* s, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* w, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(int64_t size, sizeArg(ctx, *s));
    return binsInto(ctx, *in, size, *w, ctx.attrBool("binary_output", false), true);
}

}  // namespace

void registerBincount(KernelList& list) {
    static const KernelDef defs[] = {{"Bincount", evalBincount}, {"DenseBincount", evalDenseBincount}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
