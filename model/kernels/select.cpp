// Select (condition scalar, same shape as t/e, or a vector over t's first dimension) and
// SelectV2 (numpy broadcasting of condition, t and e).
#include "model/kernels/broadcast.h"
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status selectBroadcast(KernelContext& ctx, const Tensor& cond, const Tensor& t, const Tensor& e, const Shape& condShape) {
    Broadcast bc;
    if (!bc.init({condShape, t.shape(), e.shape()}))
        return ctx.error("Incompatible shapes " + Broadcast::describe({cond.shape(), t.shape(), e.shape()}) + ".");
    return dispatchCopy(ctx, t.dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, t.dtype(), bc.outShape()));
        const bool* pc = dataOf<bool>(cond);
        const T* pt = dataOf<T>(t);
        const T* pe = dataOf<T>(e);
        T* po = mutableDataOf<T>(*out);
        const int64_t sc = bc.innerStride(0), st = bc.innerStride(1), se = bc.innerStride(2);
        bc.forEachRow(ctx, 1, [&](int64_t o, const int64_t* in, int64_t len) {
            for (int64_t i = 0; i < len; ++i)
                po[o + i] = pc[in[0] + i * sc] ? pt[in[1] + i * st] : pe[in[2] + i * se];
        });
        return Status::OK();
    });
}

Status readInputs(KernelContext& ctx, const Tensor*& cond, const Tensor*& t, const Tensor*& e) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(cond, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(t, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(e, inputOf(ctx, 2));
    if (cond->dtype() != DType::Bool)
        return ctx.error("Condition must be bool, got '" + std::string(dtypeShortName(cond->dtype())) + "'.");
    return checkSameDType(ctx, *t, *e);
}

Status evalSelect(KernelContext& ctx) {
    const Tensor *cond, *t, *e;
    TFS_RETURN_IF_ERROR(readInputs(ctx, cond, t, e));
    if (t->shape() != e->shape())
        return ctx.error("'then' and 'else' must have the same shape, got '" + shapeToString(t->shape()) + "' and '" +
                         shapeToString(e->shape()) + "'.");
    if (cond->rank() == 0) return selectBroadcast(ctx, *cond, *t, *e, {});
    if (cond->shape() == t->shape()) return selectBroadcast(ctx, *cond, *t, *e, cond->shape());
    if (cond->rank() == 1 && t->rank() >= 1 && cond->dim(0) == t->dim(0)) {
        Shape s(size_t(t->rank()), 1);
        s[0] = cond->dim(0);
        return selectBroadcast(ctx, *cond, *t, *e, s);
    }
    return ctx.error("Condition shape '" + shapeToString(cond->shape()) + "' must be a scalar, equal '" +
                     shapeToString(t->shape()) + "' or be a vector over its first dimension.");
}

Status evalSelectV2(KernelContext& ctx) {
    const Tensor *cond, *t, *e;
    TFS_RETURN_IF_ERROR(readInputs(ctx, cond, t, e));
    return selectBroadcast(ctx, *cond, *t, *e, cond->shape());
}

}  // namespace

void registerSelect(KernelList& list) {
    static const KernelDef defs[] = {{"Select", evalSelect}, {"SelectV2", evalSelectV2}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
