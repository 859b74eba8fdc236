#include "model/exec/function_runner.h"

#include "model/exec/exec_graph.h"
#include "model/exec/executor.h"
#include "model/exec/function_library.h"
#include "model/exec/run_state.h"

namespace tfscope::exec {

namespace {
constexpr int kMaxCallDepth = 64;
}

const FunctionLibrary& FunctionRunner::library() const { return *m_state.library; }

Result<std::vector<Tensor>> FunctionRunner::call(const std::string& called, const std::vector<Tensor>& args) {
    if (!m_state.library) return Status::notFound("Function '" + called + "' is not defined: the graph has no function library.");
    const std::string& name = m_state.library->cpuImplementation(called);
    if (m_state.callDepth >= kMaxCallDepth)
        return Status::resourceExhausted("Function calls nest deeper than " + std::to_string(kMaxCallDepth) + " levels at '" + name + "'.");
    TFS_ASSIGN_OR_RETURN(std::shared_ptr<const ExecGraph> graph, m_state.library->graph(name));
    if (args.size() != graph->argNodes().size())
        return Status::invalidArgument("Function '" + name + "' takes " + std::to_string(graph->argNodes().size()) + " arguments, got " +
                                       std::to_string(args.size()) + ".");
    std::vector<Feed> feeds;
    feeds.reserve(args.size());
    for (size_t i = 0; i < args.size(); ++i) feeds.push_back({{graph->argNodes()[i], 0}, args[i]});
    Executor executor(*graph, m_state);
    std::vector<Tensor> outputs;
    ++m_state.callDepth;
    Status st = executor.run(feeds, graph->returns(), graph->controlReturns(), &outputs);
    --m_state.callDepth;
    if (!st.ok()) return st;
    return outputs;
}

}  // namespace tfscope::exec
