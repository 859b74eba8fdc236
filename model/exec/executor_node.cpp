#include "model/exec/executor_node.h"

#include <algorithm>
#include <mutex>

#include "model/exec/executor.h"
#include "model/exec/kernel.h"
#include "model/exec/op_info.h"
#include "model/exec/op_profile.h"
#include "model/exec/resource_manager.h"
#include "model/exec/run_state.h"
#include "model/exec/tensor_keeper.h"
#include "node_def.pb.h"

namespace tfscope::exec {

FlowOp flowOp(const ExecNode& node) {
    if (!node.def) return FlowOp::None;
    const std::string& op = node.def->op();
    if (op == "Merge" || op == "RefMerge") return FlowOp::Merge;
    if (op == "Enter" || op == "RefEnter") return FlowOp::Enter;
    if (op == "Exit" || op == "RefExit") return FlowOp::Exit;
    if (op == "NextIteration" || op == "RefNextIteration") return FlowOp::NextIteration;
    return FlowOp::None;
}

Status annotateNodeError(const Status& st, const ExecNode& node, const ExecGraph& graph) {
    Status out = st;
    if (st.message().rfind("Node '", 0) != 0 && st.message().rfind("Function '", 0) != 0 && node.def)
        out = Status(st.code(), "Node '" + node.name + "' (" + node.def->op() + "): " + st.message());
    if (!graph.functionName().empty() && out.message().rfind("Function '", 0) != 0)
        out = Status(out.code(), "Function '" + graph.functionName() + "': " + out.message());
    return out;
}

Result<Tensor> derefVariable(const std::shared_ptr<VariableResource>& var) {
    std::lock_guard<std::mutex> lock(var->mutex);
    if (!var->initialized) return Status::failedPrecondition("Attempting to use uninitialized value '" + var->name + "'.");
    return var->value;
}

Status computeNode(const ExecGraph& graph, RunState& state, const ExecNode& node, std::vector<Value>& in, bool anyDead,
                   std::vector<Value>* outp) {
    NodeContext ctx(state);
    return computeNodeWith(graph, node, kernelForNode(*node.def, state.library), takesRefInput(node.def->op(), 0), ctx, in,
                           anyDead, outp);
}

Status computeNodeWith(const ExecGraph& graph, const ExecNode& node, const KernelDef* kernel, bool takesRefs,
                       NodeContext& ctx, std::vector<Value>& in, bool anyDead, std::vector<Value>* outp) {
    const std::string& op = node.def->op();
    std::vector<Value>& out = *outp;
    if (!anyDead && in.size() == 1 && in[0].ref && op == "Identity") {
        // TF's Identity of a ref variable aliases its buffer, and Assign/AssignAdd write in place, so
        // consumers see the value at the time they run: forward the reference, read it there.
        out.push_back(in[0]);
        return Status::OK();
    }
    if (anyDead && op != "ControlTrigger") {
        out.resize(size_t(std::max(node.numOutputs, 1)));
        for (auto& v : out) { v.dead = true; v.set = true; }
        return Status::OK();
    }
    if (!kernel) return annotateNodeError(Status::unimplemented("No kernel for op '" + op + "'."), node, graph);
    ctx.reset(*node.def, graph.functionName(), node.numOutputs, node.knownOutputs);
    auto& kin = ctx.inputs();
    auto& refs = ctx.refInputs();
    kin.resize(in.size());
    refs.resize(in.size());
    Status st;
    for (size_t i = 0; i < in.size() && st.ok(); ++i) {
        if (takesRefs && takesRefInput(op, int(i))) {
            if (!in[i].ref) st = Status::invalidArgument("Input " + std::to_string(i) + " must be a variable reference.");
            refs[i] = in[i].ref;
        } else if (in[i].ref) {
            auto t = derefVariable(in[i].ref);
            if (t.ok()) kin[i] = std::move(t).value();
            else st = t.status();
        } else {
            kin[i] = std::move(in[i].tensor);
        }
    }
    in.clear();
    if (st.ok()) {
        const OpProfile::Scope timed(ctx.state().profile, op, node.name);
        st = kernel->compute(ctx);
    }
    kin.clear();  // the inputs are freed now, not when the context runs its next node
    refs.clear();
    if (!st.ok()) return annotateNodeError(st, node, graph);
    out.clear();
    out.swap(ctx.outputs());
    return Status::OK();
}

Status mergeOutputs(const ExecGraph& graph, const ExecNode& node, const std::vector<Value>& in, int chosen,
                    std::vector<Value>* outp) {
    std::vector<Value>& out = *outp;
    out.assign(2, Value{});
    if (chosen < 0) {
        for (auto& v : out) { v.dead = true; v.set = true; }
        return Status::OK();
    }
    out[0] = in[size_t(chosen)];
    if (out[0].ref && node.def->op() == "Merge") {
        auto t = derefVariable(out[0].ref);
        if (!t.ok()) return annotateNodeError(t.status(), node, graph);
        out[0].ref.reset();
        out[0].tensor = std::move(t).value();
    }
    out[1].tensor = Tensor::scalar<int32_t>(chosen);
    out[1].set = true;
    return Status::OK();
}

Status checkMemoryCap(const ExecGraph& graph, const ExecNode& node, const MemoryTracker* mem) {
    if (!mem || !mem->limit() || mem->live() <= mem->limit()) return Status::OK();
    return annotateNodeError(Status::resourceExhausted("Live tensors need " + std::to_string(mem->live()) +
                                                       " bytes; the memory limit is " + std::to_string(mem->limit()) + " bytes."),
                             node, graph);
}

Result<Tensor> fetchedTensor(const ExecGraph& graph, Endpoint e, const Value* kept) {
    const std::string name = graph.node(e.node).name + ":" + std::to_string(e.output);
    if (!kept) return Status::invalidArgument("Fetched tensor '" + name + "' was not produced.");
    if (kept->dead) return Status::invalidArgument("Fetched tensor '" + name + "' is dead (its conditional branch was not taken).");
    if (kept->ref) return derefVariable(kept->ref);
    return kept->tensor;
}

void keepOutputs(const ExecGraph& graph, const RunState& state, int x, const std::vector<Value>& out) {
    if (!state.keeper || state.callDepth != 0) return;
    const ExecNode& node = graph.node(x);
    for (size_t i = 0; i < out.size(); ++i) {
        const Value& v = out[i];
        if (!v.set || v.dead) continue;
        const std::string name = node.name + ":" + std::to_string(i);
        if (!v.ref) {
            state.keeper->offer(name, v.tensor);
        } else if (auto t = derefVariable(v.ref); t.ok()) {
            state.keeper->offer(name, t.value());
        }
    }
}

}  // namespace tfscope::exec
