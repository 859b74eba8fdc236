// Graph plumbing kernels: Placeholder, PlaceholderWithDefault, Const, Identity family, NoOp, Assert,
// ControlTrigger, Switch/RefSwitch, RefIdentity, LoopCond. Merge and the loop frame ops (Enter, Exit,
// NextIteration) are run by the executor itself (they see dead inputs or move values between
// frames); their entries here only mark them as supported.
#include <algorithm>

#include "attr_value.pb.h"
#include "model/exec/builtin_kernels.h"
#include "model/exec/node_context.h"
#include "model/exec/resource_manager.h"
#include "model/exec/tensor_proto.h"
#include "node_def.pb.h"
#include "tensor_shape.pb.h"

namespace tfscope::exec {
namespace {

NodeContext& nodeContext(KernelContext& ctx) { return static_cast<NodeContext&>(ctx); }

Status computePlaceholder(KernelContext& ctx) {
    DType dtype = ctx.attrType("dtype", DType::Invalid);
    std::string shape = "unknown";
    if (const auto* s = ctx.attr("shape"); s && s->has_shape() && !s->shape().unknown_rank()) {
        Shape dims = shapeFromProto(s->shape());
        shape = shapeToString(dims);
    }
    return Status::invalidArgument("You must feed a value for placeholder tensor '" + ctx.nodeName() + "' with dtype " +
                                   std::string(dtypeShortName(dtype)) + " and shape " + shape + ".");
}

Status computeForward(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(const Tensor* x, ctx.input(0));
    return ctx.setOutput(0, *x);
}

Status computeIdentityN(KernelContext& ctx) {
    for (int i = 0; i < ctx.numInputs(); ++i) {
        TFS_ASSIGN_OR_RETURN(const Tensor* x, ctx.input(i));
        TFS_RETURN_IF_ERROR(ctx.setOutput(i, *x));
    }
    return Status::OK();
}

Status computeConst(KernelContext& ctx) {
    const tensorflow::NodeDef* key = &ctx.node();
    Tensor cached;
    if (ctx.resources().cachedConstant(key, &cached)) return ctx.setOutput(0, std::move(cached));
    const auto* value = ctx.attr("value");
    if (!value || !value->has_tensor()) return ctx.error("Const has no 'value' tensor.");
    auto t = tensorFromProto(value->tensor());
    if (!t.ok()) return ctx.error(t.status().message());
    ctx.resources().cacheConstant(key, t.value());  // any size: parsing a small one each run costs more than a lookup
    return ctx.setOutput(0, std::move(t).value());
}

Status computeNoOp(KernelContext&) { return Status::OK(); }

bool truthy(const Tensor& t) {
    if (t.numElements() != 1) return t.numElements() > 0;
    if (t.dtype() == DType::Bool) return t.data<bool>()[0];
    if (t.dtype() == DType::String) return !t.strings()[0].empty();
    return t.elementAsDouble(0) != 0;
}

Status computeAssert(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(const Tensor* cond, ctx.input(0));
    if (cond->dtype() != DType::Bool || cond->numElements() != 1)
        return ctx.error("Assert condition must be a bool scalar, got " + shapeToString(cond->shape()) + ".");
    if (cond->data<bool>()[0]) return Status::OK();
    std::string msg = "assertion failed:";
    for (int i = 1; i < ctx.numInputs(); ++i) {
        auto d = ctx.input(i);
        if (!d.ok()) continue;
        const Tensor& t = *d.value();
        msg += " [";
        int64_t n = std::min<int64_t>(t.numElements(), int64_t(ctx.attrInt("summarize", 3)));
        for (int64_t k = 0; k < n; ++k) {
            if (k) msg += " ";
            msg += t.dtype() == DType::String ? t.strings()[size_t(k)] : std::to_string(t.elementAsDouble(k));
        }
        msg += "]";
    }
    return Status::invalidArgument(msg);
}

Status computeSwitch(KernelContext& ctx) {
    NodeContext& nc = nodeContext(ctx);
    TFS_ASSIGN_OR_RETURN(const Tensor* pred, ctx.input(1));
    if (pred->numElements() != 1) return ctx.error("Switch predicate must be a scalar, got " + shapeToString(pred->shape()) + ".");
    bool taken = truthy(*pred);
    int live = taken ? 1 : 0;
    TFS_RETURN_IF_ERROR(nc.markDead(1 - live));
    if (auto ref = nc.refInput(0)) return nc.setRefOutput(live, ref);
    TFS_ASSIGN_OR_RETURN(const Tensor* data, ctx.input(0));
    return ctx.setOutput(live, *data);
}

Status computeRefIdentity(KernelContext& ctx) {
    NodeContext& nc = nodeContext(ctx);
    return nc.setRefOutput(0, nc.refInput(0));
}

Status computeMerge(KernelContext& ctx) { return ctx.error("Merge is run by the executor."); }
Status computeFrameOp(KernelContext& ctx) { return ctx.error("Loop frame ops are run by the executor."); }

const KernelDef kPlaceholder{"Placeholder", computePlaceholder};
const KernelDef kPlaceholderV2{"PlaceholderV2", computePlaceholder};
const KernelDef kPlaceholderWithDefault{"PlaceholderWithDefault", computeForward};
const KernelDef kConst{"Const", computeConst};
const KernelDef kHostConst{"HostConst", computeConst};
const KernelDef kIdentity{"Identity", computeForward};
const KernelDef kIdentityN{"IdentityN", computeIdentityN};
const KernelDef kStopGradient{"StopGradient", computeForward};
const KernelDef kPreventGradient{"PreventGradient", computeForward};
const KernelDef kSnapshot{"Snapshot", computeForward};
const KernelDef kEnsureShape{"EnsureShapeIdentity", computeForward};
const KernelDef kNoOp{"NoOp", computeNoOp};
const KernelDef kControlTrigger{"ControlTrigger", computeNoOp};
const KernelDef kAssert{"Assert", computeAssert, true};
const KernelDef kSwitch{"Switch", computeSwitch};
const KernelDef kRefSwitch{"RefSwitch", computeSwitch};
const KernelDef kRefIdentity{"RefIdentity", computeRefIdentity};
const KernelDef kMerge{"Merge", computeMerge};
const KernelDef kRefMerge{"RefMerge", computeMerge};
const KernelDef kEnter{"Enter", computeFrameOp};
const KernelDef kRefEnter{"RefEnter", computeFrameOp};
const KernelDef kExit{"Exit", computeFrameOp};
const KernelDef kRefExit{"RefExit", computeFrameOp};
const KernelDef kNextIteration{"NextIteration", computeFrameOp};
const KernelDef kRefNextIteration{"RefNextIteration", computeFrameOp};
const KernelDef kLoopCond{"LoopCond", computeForward};

}  // namespace

void appendBasicKernels(std::vector<const KernelDef*>& out) {
    for (const KernelDef* k : {&kPlaceholder, &kPlaceholderV2, &kPlaceholderWithDefault, &kConst, &kHostConst, &kIdentity,
                               &kIdentityN, &kStopGradient, &kPreventGradient, &kSnapshot, &kEnsureShape, &kNoOp,
                               &kControlTrigger, &kAssert, &kSwitch, &kRefSwitch, &kRefIdentity, &kMerge, &kRefMerge,
                               &kEnter, &kRefEnter, &kExit, &kRefExit, &kNextIteration, &kRefNextIteration, &kLoopCond})
        out.push_back(k);
}

}  // namespace tfscope::exec
