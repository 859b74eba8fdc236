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

PreparedFunction::PreparedFunction(std::shared_ptr<const ExecGraph> graph, RunState& state) : m_graph(std::move(graph)), m_state(state) {
    std::vector<Endpoint> fed;
    fed.reserve(m_graph->argNodes().size());
    for (int a : m_graph->argNodes()) fed.push_back({a, 0});
    m_run = std::make_unique<RepeatedRun>(*m_graph, m_state, std::move(fed), m_graph->returns(), m_graph->controlReturns());
}

PreparedFunction::~PreparedFunction() = default;

Status PreparedFunction::check(size_t numArgs) const {
    const std::string& name = m_graph->functionName();
    if (m_state.callDepth >= kMaxCallDepth)
        return Status::resourceExhausted("Function calls nest deeper than " + std::to_string(kMaxCallDepth) + " levels at '" + name + "'.");
    if (numArgs != m_graph->argNodes().size())
        return Status::invalidArgument("Function '" + name + "' takes " + std::to_string(m_graph->argNodes().size()) + " arguments, got " +
                                       std::to_string(numArgs) + ".");
    return Status::OK();
}

Status PreparedFunction::call(const std::vector<Tensor>& args, std::vector<Tensor>* outputs) {
    TFS_RETURN_IF_ERROR(check(args.size()));
    ++m_state.callDepth;
    Status st = m_run->run(args, outputs);
    --m_state.callDepth;
    return st;
}

Status PreparedFunction::callConsuming(std::vector<Tensor>& args, std::vector<Tensor>* outputs) {
    TFS_RETURN_IF_ERROR(check(args.size()));
    ++m_state.callDepth;
    Status st = m_run->runConsuming(args, outputs);
    --m_state.callDepth;
    return st;
}

Result<std::unique_ptr<PreparedFunction>> FunctionRunner::prepare(const std::string& called) {
    if (!m_state.library) return Status::notFound("Function '" + called + "' is not defined: the graph has no function library.");
    TFS_ASSIGN_OR_RETURN(std::shared_ptr<const ExecGraph> graph, m_state.library->graph(m_state.library->cpuImplementation(called)));
    return std::make_unique<PreparedFunction>(std::move(graph), m_state);
}

FunctionRunner::FunctionRunner(RunState& state) : m_state(state) {}

FunctionRunner::~FunctionRunner() = default;

Result<std::vector<Tensor>> FunctionRunner::call(const std::string& called, const std::vector<Tensor>& args) {
    if (!m_state.library) return Status::notFound("Function '" + called + "' is not defined: the graph has no function library.");
    const std::string& name = m_state.library->cpuImplementation(called);
    std::unique_ptr<PreparedFunction> prepared;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = m_idle.find(name);
        if (it != m_idle.end() && !it->second.empty()) {
            prepared = std::move(it->second.back());
            it->second.pop_back();
        }
    }
    if (!prepared) {
        TFS_ASSIGN_OR_RETURN(std::shared_ptr<const ExecGraph> graph, m_state.library->graph(name));
        prepared = std::make_unique<PreparedFunction>(std::move(graph), m_state);
    }
    std::vector<Tensor> outputs;
    Status st = prepared->call(args, &outputs);
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_idle[name].push_back(std::move(prepared));
    }
    if (!st.ok()) return st;
    return outputs;
}

}  // namespace tfscope::exec
