// AddN: the elementwise sum of N tensors of one shape and dtype (no broadcasting).
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalAddN(KernelContext& ctx) {
    if (ctx.numInputs() < 1) return ctx.error("Expected at least 1 input, got 0.");
    std::vector<const Tensor*> ins;
    for (int i = 0; i < ctx.numInputs(); ++i) {
        TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, i));
        if (!ins.empty()) {
            TFS_RETURN_IF_ERROR(checkSameDType(ctx, *ins[0], *t));
            if (t->shape() != ins[0]->shape())
                return ctx.error("Inputs must have the same shape, got '" + shapeToString(ins[0]->shape()) + "' and '" +
                                 shapeToString(t->shape()) + "'.");
        }
        ins.push_back(t);
    }
    if (ins.size() == 1) return ctx.setOutput(0, *ins[0]);
    return dispatch(NumberTypes{}, ctx, ins[0]->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = ComputeType<T>;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, ins[0]->dtype(), ins[0]->shape()));
        T* y = mutableDataOf<T>(*out);
        parallelFor(ctx, out->numElements(), double(ins.size()), [&](int64_t b, int64_t e) {
            for (int64_t i = b; i < e; ++i) {
                C acc = C(dataOf<T>(*ins[0])[i]);
                for (size_t k = 1; k < ins.size(); ++k) acc = C(acc + C(dataOf<T>(*ins[k])[i]));
                y[i] = T(acc);
            }
        });
        return Status::OK();
    });
}

}  // namespace

void registerAddN(KernelList& list) {
    static const KernelDef def{"AddN", evalAddN};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
