// ConcatV2 (values..., axis), Concat (axis, values...) and Pack (values..., attr axis): join
// tensors of one dtype along an existing or a new axis.
#include <cstring>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

// Concatenates along `axis`; shapes must match except there. Inputs are viewed as [outer, rows_i].
Status concatAlong(KernelContext& ctx, const std::vector<const Tensor*>& ins, int axis, Shape outShape) {
    int64_t outer = 1;
    for (int d = 0; d < axis; ++d) outer *= outShape[size_t(d)];
    return dispatchCopy(ctx, ins[0]->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, ins[0]->dtype(), outShape));
        if (out->numElements() == 0) return Status::OK();
        std::vector<int64_t> rowLen(ins.size());
        int64_t outRow = 0;
        for (size_t i = 0; i < ins.size(); ++i) {
            rowLen[i] = outer == 0 ? 0 : ins[i]->numElements() / outer;
            outRow += rowLen[i];
        }
        T* po = mutableDataOf<T>(*out);
        parallelFor(ctx, outer, double(outRow), [&](int64_t o0, int64_t o1) {
            for (int64_t o = o0; o < o1; ++o) {
                T* dst = po + o * outRow;
                for (size_t i = 0; i < ins.size(); ++i) {
                    const T* src = dataOf<T>(*ins[i]) + o * rowLen[i];
                    std::copy(src, src + rowLen[i], dst);
                    dst += rowLen[i];
                }
            }
        });
        return Status::OK();
    });
}

Status concatImpl(KernelContext& ctx, int firstValue, int numValues, const Tensor& axisTensor) {
    if (numValues < 1) return ctx.error("Expected at least 1 value to concatenate.");
    TFS_ASSIGN_OR_RETURN(int64_t axisValue, indexScalar(ctx, axisTensor, "axis"));
    std::vector<const Tensor*> ins;
    for (int i = 0; i < numValues; ++i) {
        TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, firstValue + i));
        ins.push_back(t);
    }
    const Tensor& first = *ins[0];
    if (first.rank() == 0) return ctx.error("Can't concatenate scalars (use tf.stack instead).");
    TFS_ASSIGN_OR_RETURN(int axis, normalizeAxis(ctx, axisValue, first.rank()));
    Shape outShape = first.shape();
    outShape[size_t(axis)] = 0;
    for (const Tensor* t : ins) {
        TFS_RETURN_IF_ERROR(checkSameDType(ctx, first, *t));
        bool ok = t->rank() == first.rank();
        for (int d = 0; ok && d < first.rank(); ++d) ok = d == axis || t->dim(d) == first.dim(d);
        if (!ok)
            return ctx.error("ConcatOp : Dimension mismatch between shapes '" + shapeToString(first.shape()) + "' and '" +
                             shapeToString(t->shape()) + "' along axis " + std::to_string(axis) + ".");
        outShape[size_t(axis)] += t->dim(axis);
    }
    if (ins.size() == 1) return ctx.setOutput(0, first);
    return concatAlong(ctx, ins, axis, outShape);
}

Status evalConcatV2(KernelContext& ctx) {
    if (ctx.numInputs() < 2) return ctx.error("Expected values and an axis.");
    TFS_ASSIGN_OR_RETURN(const Tensor* axis, inputOf(ctx, ctx.numInputs() - 1));
    return concatImpl(ctx, 0, ctx.numInputs() - 1, *axis);
}

Status evalConcat(KernelContext& ctx) {
    if (ctx.numInputs() < 2) return ctx.error("Expected an axis and values.");
    TFS_ASSIGN_OR_RETURN(const Tensor* axis, inputOf(ctx, 0));
    return concatImpl(ctx, 1, ctx.numInputs() - 1, *axis);
}

Status evalPack(KernelContext& ctx) {
    if (ctx.numInputs() < 1) return ctx.error("Expected at least 1 value to pack.");
    std::vector<const Tensor*> ins;
    for (int i = 0; i < ctx.numInputs(); ++i) {
        TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, i));
        if (!ins.empty()) {
            TFS_RETURN_IF_ERROR(checkSameDType(ctx, *ins[0], *t));
            if (t->shape() != ins[0]->shape())
                return ctx.error("Shapes of all inputs must match: values[0].shape = '" + shapeToString(ins[0]->shape()) +
                                 "' != values[" + std::to_string(i) + "].shape = '" + shapeToString(t->shape()) + "'.");
        }
        ins.push_back(t);
    }
    const int rank = ins[0]->rank();
    int64_t axis = ctx.attrInt("axis", 0);
    if (axis < -rank - 1 || axis > rank)
        return ctx.error("axis = " + std::to_string(axis) + " not in [" + std::to_string(-rank - 1) + ", " +
                         std::to_string(rank + 1) + ").");
    if (axis < 0) axis += rank + 1;
    Shape outShape = ins[0]->shape();
    outShape.insert(outShape.begin() + axis, int64_t(ins.size()));
    return concatAlong(ctx, ins, int(axis), outShape);
}

}  // namespace

void registerConcat(KernelList& list) {
    static const KernelDef defs[] = {{"ConcatV2", evalConcatV2}, {"Concat", evalConcat}, {"Pack", evalPack}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
