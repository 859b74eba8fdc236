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

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope::exec {

struct RunState;
class FunctionLibrary;
class ExecGraph;
class RepeatedRun;

// One function made ready for many calls in a row (a While loop's condition and body): the body's
// plan is looked up once and its run buffers are kept (RepeatedRun, executor.h). Not thread-safe.
class PreparedFunction {
public:
    PreparedFunction(std::shared_ptr<const ExecGraph> graph, RunState& state);
    ~PreparedFunction();
    Status call(const std::vector<Tensor>& args, std::vector<Tensor>* outputs);
    // The same, taking the arguments over (each may be left empty): RepeatedRun::runConsuming.
    Status callConsuming(std::vector<Tensor>& args, std::vector<Tensor>* outputs);

private:
    Status check(size_t numArgs) const;
    std::shared_ptr<const ExecGraph> m_graph;
    RunState& m_state;
    std::unique_ptr<RepeatedRun> m_run;
};

// call() keeps each function's prepared run for the next call (a model's body is called once per
// Session::run): a call takes an idle one, or prepares one when all are busy (a recursive or
// concurrent call). Thread-safe.
class FunctionRunner {
public:
    explicit FunctionRunner(RunState& state);  // Not owned; must outlive this.
    ~FunctionRunner();

    Result<std::vector<Tensor>> call(const std::string& name, const std::vector<Tensor>& args);
    // The same function called again and again: call() through the returned object.
    Result<std::unique_ptr<PreparedFunction>> prepare(const std::string& name);
    const FunctionLibrary& library() const;

private:
    RunState& m_state;
    std::mutex m_mutex;
    std::map<std::string, std::vector<std::unique_ptr<PreparedFunction>>> m_idle;  // by implementation name
};

}  // namespace tfscope::exec
