// Transpose and ConjugateTranspose: permute dimensions by `perm` (int32/int64 vector).
#include "model/kernels/transpose.h"

#include <complex>

#include "model/kernels/registry.h"

namespace tfscope::kernels {

Result<Tensor> transposeTensor(KernelContext& ctx, const Tensor& in, const std::vector<int>& perm) {
    Result<Tensor> result = Status::internal("unreachable");
    Status s = dispatchCopy(ctx, in.dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor t, Tensor::allocateUninitialized(in.dtype(), permutedShape(in.shape(), perm)));
        transposeData(ctx, dataOf<T>(in), in.shape(), perm, mutableDataOf<T>(t));
        result = std::move(t);
        return Status::OK();
    });
    if (!s.ok()) return s;
    return result;
}

Result<std::vector<int>> permutationOf(KernelContext& ctx, const Tensor& x, const Tensor& p) {
    if (p.rank() != 1) return ctx.error("perm must be a vector, got shape '" + shapeToString(p.shape()) + "'.");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> pv, indexValues(ctx, p, "perm"));
    if (int64_t(pv.size()) != x.rank())
        return ctx.error("perm has " + std::to_string(pv.size()) + " elements for an input of shape '" + shapeToString(x.shape()) + "'.");
    std::vector<int> perm(pv.size());
    std::vector<bool> seen(pv.size(), false);
    for (size_t i = 0; i < pv.size(); ++i) {
        if (pv[i] < 0 || pv[i] >= x.rank() || seen[size_t(pv[i])])
            return ctx.error("perm '" + std::to_string(pv[i]) + "' is not a permutation of [0, " + std::to_string(x.rank()) + ").");
        seen[size_t(pv[i])] = true;
        perm[i] = int(pv[i]);
    }
    return perm;
}

namespace {

template <bool kConjugate>
Status evalTransposeImpl(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* p, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(std::vector<int> perm, permutationOf(ctx, *x, *p));
    bool identity = true;
    for (size_t i = 0; i < perm.size(); ++i) identity = identity && perm[i] == int(i);
    if (identity && !(kConjugate && isComplex(x->dtype()))) return ctx.setOutput(0, *x);
    return dispatchCopy(ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, x->dtype(), permutedShape(x->shape(), perm)));
        T* po = mutableDataOf<T>(*out);
        transposeData(ctx, dataOf<T>(*x), x->shape(), perm, po);
        if (kConjugate && x->dtype() == DType::Complex64) {
            auto* c = reinterpret_cast<std::complex<float>*>(po);
            for (int64_t i = 0; i < out->numElements(); ++i) c[i] = std::conj(c[i]);
        } else if (kConjugate && x->dtype() == DType::Complex128) {
            auto* c = reinterpret_cast<std::complex<double>*>(po);
            for (int64_t i = 0; i < out->numElements(); ++i) c[i] = std::conj(c[i]);
        }
        return Status::OK();
    });
}

Status evalTranspose(KernelContext& ctx) { return evalTransposeImpl<false>(ctx); }
Status evalConjugateTranspose(KernelContext& ctx) { return evalTransposeImpl<true>(ctx); }

}  // namespace

void registerTranspose(KernelList& list) {
    static const KernelDef defs[] = {{"Transpose", evalTranspose}, {"ConjugateTranspose", evalConjugateTranspose}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
