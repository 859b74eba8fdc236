#include "model/exec/function_library.h"

#include "function.pb.h"
#include "model/exec/exec_graph.h"

namespace tfscope::exec {

FunctionLibrary::FunctionLibrary(const tensorflow::FunctionDefLibrary& library) {
    for (const auto& f : library.function()) m_functions[f.signature().name()] = &f;
}

const tensorflow::FunctionDef* FunctionLibrary::find(std::string_view name) const {
    auto it = m_functions.find(std::string(name));
    return it == m_functions.end() ? nullptr : it->second;
}

Result<std::shared_ptr<const ExecGraph>> FunctionLibrary::graph(const std::string& name) const {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = m_graphs.find(name);
        if (it != m_graphs.end()) return it->second;
    }
    const tensorflow::FunctionDef* f = find(name);
    if (!f) return Status::notFound("Function '" + name + "' is not in the graph's library.");
    auto built = ExecGraph::fromFunction(*f, this);
    if (!built.ok()) return built.status().withContext("Function '" + name + "'");
    std::lock_guard<std::mutex> lock(m_mutex);
    m_graphs[name] = built.value();
    return built.value();
}

}  // namespace tfscope::exec
