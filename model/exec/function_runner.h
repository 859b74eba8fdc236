#pragma once
// FunctionRunner: calls a function of the graph's library (PartitionedCall, If, While and nodes
// whose op is a function name) with the Session's state.
//
//   TFS_ASSIGN_OR_RETURN(std::vector<Tensor> outs, ctx.functions().call("__inference_f_12", {x}));
//
// A function with a CPU implementation of the same api_implements runs that one instead
// (FunctionLibrary::cpuImplementation). Arguments bind positionally to signature.input_arg; results come in signature.output_arg order.
// The body is pruned to what its returns and control returns need (TF2 functions list their
// stateful ops as control returns).

#include <string>
#include <vector>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope::exec {

struct RunState;
class FunctionLibrary;

class FunctionRunner {
public:
    explicit FunctionRunner(RunState& state) : m_state(state) {}  // Not owned; must outlive this.

    Result<std::vector<Tensor>> call(const std::string& name, const std::vector<Tensor>& args);
    const FunctionLibrary& library() const;

private:
    RunState& m_state;
};

}  // namespace tfscope::exec
