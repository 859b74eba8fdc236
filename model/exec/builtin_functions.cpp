// Function-call and functional control-flow kernels: PartitionedCall, StatefulPartitionedCall, a
// node whose op is a library function, If/StatelessIf, Case/StatelessCase, While/StatelessWhile.
#include "attr_value.pb.h"
#include "model/exec/builtin_kernels.h"
#include "model/exec/function_runner.h"
#include "model/exec/lstm_loop.h"
#include "node_def.pb.h"

namespace tfscope::exec {
namespace {

Result<std::string> funcAttr(KernelContext& ctx, std::string_view name) {
    const auto* a = ctx.attr(name);
    if (!a || !a->has_func() || a->func().name().empty()) return ctx.error("Missing function attr '" + std::string(name) + "'.");
    return a->func().name();
}

std::vector<Tensor> inputsFrom(KernelContext& ctx, int first) {
    std::vector<Tensor> args;
    for (int i = first; i < ctx.numInputs(); ++i) args.push_back(*ctx.input(i).value());
    return args;
}

Status emit(KernelContext& ctx, const std::vector<Tensor>& outs) {
    for (size_t i = 0; i < outs.size(); ++i) TFS_RETURN_IF_ERROR(ctx.setOutput(int(i), outs[i]));
    return Status::OK();
}

Status callAndEmit(KernelContext& ctx, const std::string& fn, const std::vector<Tensor>& args) {
    auto outs = ctx.functions().call(fn, args);
    if (!outs.ok()) return outs.status();
    return emit(ctx, outs.value());
}

// TF's truth value of a predicate tensor: a scalar's value, else "has elements".
Result<bool> truthValue(KernelContext& ctx, const Tensor& t) {
    if (t.rank() != 0) return t.numElements() > 0;
    switch (t.dtype()) {
    case DType::Bool: return t.data<bool>()[0];
    case DType::String: return !t.strings()[0].empty();
    case DType::Resource: case DType::Variant: return ctx.error("Cannot use a '" + dtypeEnumName(t.dtype()) + "' tensor as a predicate.");
    default: return t.elementAsDouble(0) != 0;
    }
}

Status computePartitionedCall(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(std::string fn, funcAttr(ctx, "f"));
    return callAndEmit(ctx, fn, inputsFrom(ctx, 0));
}

Status computeCallByOpName(KernelContext& ctx) { return callAndEmit(ctx, ctx.op(), inputsFrom(ctx, 0)); }

Status computeIf(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(const Tensor* cond, ctx.input(0));
    TFS_ASSIGN_OR_RETURN(bool taken, truthValue(ctx, *cond));
    TFS_ASSIGN_OR_RETURN(std::string fn, funcAttr(ctx, taken ? "then_branch" : "else_branch"));
    return callAndEmit(ctx, fn, inputsFrom(ctx, 1));
}

Status computeCase(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(const Tensor* index, ctx.input(0));
    if (index->numElements() != 1) return ctx.error("branch_index must be a scalar, got " + shapeToString(index->shape()) + ".");
    const auto* branches = ctx.attr("branches");
    if (!branches || !branches->has_list() || branches->list().func_size() == 0) return ctx.error("Case has no branches.");
    int n = branches->list().func_size();
    int64_t i = int64_t(index->elementAsDouble(0));
    if (i < 0 || i >= n) i = n - 1;  // out of range runs the last (default) branch
    return callAndEmit(ctx, branches->list().func(int(i)).name(), inputsFrom(ctx, 1));
}

Status computeWhile(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(std::string cond, funcAttr(ctx, "cond"));
    TFS_ASSIGN_OR_RETURN(std::string body, funcAttr(ctx, "body"));
    // Both functions are prepared once for all iterations (plans and run buffers kept).
    TFS_ASSIGN_OR_RETURN(std::unique_ptr<PreparedFunction> condFn, ctx.functions().prepare(cond));
    TFS_ASSIGN_OR_RETURN(std::unique_ptr<PreparedFunction> bodyFn, ctx.functions().prepare(body));
    if (lstmLoopFusionEnabled()) {  // a Keras LSTM layer's loop, run as one fused layer (lstm_loop.h)
        TFS_ASSIGN_OR_RETURN(bool ran, runFusedLstmLoop(ctx, cond, body));
        if (ran) return Status::OK();
    }
    std::vector<Tensor> vars = inputsFrom(ctx, 0);
    std::vector<Tensor> c, next;
    for (int64_t iter = 0;; ++iter) {
        if (ctx.isCancelled()) return Status::cancelled("The run was cancelled.");
        TFS_RETURN_IF_ERROR(condFn->call(vars, &c));
        if (c.empty()) return ctx.error("While condition '" + cond + "' returned nothing.");
        TFS_ASSIGN_OR_RETURN(bool more, truthValue(ctx, c[0]));
        if (!more) break;
        TFS_RETURN_IF_ERROR(bodyFn->callConsuming(vars, &next));  // vars are replaced by next below
        if (next.size() != vars.size())
            return ctx.error("While body '" + body + "' returned " + std::to_string(next.size()) + " values for " +
                             std::to_string(vars.size()) + " loop variables.");
        vars.swap(next);
    }
    return emit(ctx, vars);
}

const KernelDef kPartitionedCall{"PartitionedCall", computePartitionedCall};
const KernelDef kStatefulPartitionedCall{"StatefulPartitionedCall", computePartitionedCall, true};
const KernelDef kCallByOpName{"_CallFunctionByOpName", computeCallByOpName, true};
const KernelDef kIf{"If", computeIf, true};
const KernelDef kStatelessIf{"StatelessIf", computeIf};
const KernelDef kCase{"Case", computeCase, true};
const KernelDef kStatelessCase{"StatelessCase", computeCase};
const KernelDef kWhile{"While", computeWhile, true};
const KernelDef kStatelessWhile{"StatelessWhile", computeWhile};

}  // namespace

const KernelDef* callByOpNameKernel() { return &kCallByOpName; }

void appendFunctionKernels(std::vector<const KernelDef*>& out) {
    for (const KernelDef* k : {&kPartitionedCall, &kStatefulPartitionedCall, &kIf, &kStatelessIf, &kCase, &kStatelessCase,
                               &kWhile, &kStatelessWhile})
        out.push_back(k);
}

}  // namespace tfscope::exec
