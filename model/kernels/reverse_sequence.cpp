// ReverseSequence (input, seq_lengths; attrs seq_dim, batch_dim): for each batch entry b, the first
// seq_lengths[b] elements along seq_dim are reversed and the rest are kept (bidirectional RNNs).
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalReverseSequence(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* lens, inputOf(ctx, 1));
    const int64_t seqDim = ctx.attrInt("seq_dim", -1), batchDim = ctx.attrInt("batch_dim", 0);
    const int rank = x->rank();
    if (seqDim < 0 || seqDim >= rank || batchDim < 0 || batchDim >= rank)
        return ctx.error("seq_dim (" + std::to_string(seqDim) + ") and batch_dim (" + std::to_string(batchDim) +
                         ") must be dimensions of the input of rank " + std::to_string(rank) + ".");
    if (seqDim == batchDim) return ctx.error("seq_dim == batch_dim == " + std::to_string(seqDim));
    if (lens->rank() != 1 || lens->dim(0) != x->dim(int(batchDim)))
        return ctx.error("seq_lengths must be a vector of length input.dims(batch_dim) = " + std::to_string(x->dim(int(batchDim))) +
                         "; got shape " + shapeToString(lens->shape()) + ".");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> len, indexValues(ctx, *lens, "seq_lengths"));
    for (size_t b = 0; b < len.size(); ++b) {
        if (len[b] < 0) return ctx.error("seq_lengths(" + std::to_string(b) + ") must be non-negative; got " + std::to_string(len[b]) + ".");
        if (len[b] > x->dim(int(seqDim)))
            return ctx.error("seq_lengths(" + std::to_string(b) + ") = " + std::to_string(len[b]) + " > input.dims(" +
                             std::to_string(seqDim) + ") = " + std::to_string(x->dim(int(seqDim))) + ".");
    }
    std::vector<int64_t> stride(size_t(rank), 1);
    for (int d = rank - 2; d >= 0; --d) stride[size_t(d)] = stride[size_t(d) + 1] * x->dim(d + 1);
    return dispatchCopy(ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, x->dtype(), x->shape()));
        const T* in = dataOf<T>(*x);
        T* po = mutableDataOf<T>(*out);
        for (int64_t i = 0; i < x->numElements(); ++i) {
            const int64_t b = (i / stride[size_t(batchDim)]) % x->dim(int(batchDim));
            const int64_t s = (i / stride[size_t(seqDim)]) % x->dim(int(seqDim));
            int64_t src = i;
            if (s < len[size_t(b)]) src = i + (len[size_t(b)] - 1 - 2 * s) * stride[size_t(seqDim)];
            po[i] = in[src];
        }
        return Status::OK();
    });
}

}  // namespace

void registerReverseSequence(KernelList& list) {
    static const KernelDef def{"ReverseSequence", evalReverseSequence};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
