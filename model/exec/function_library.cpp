#include "model/exec/function_library.h"

#include "attr_value.pb.h"
#include "function.pb.h"
#include "model/exec/exec_graph.h"

namespace tfscope::exec {

namespace {

std::string stringAttr(const tensorflow::FunctionDef& f, const char* name) {
    auto it = f.attr().find(name);
    return it == f.attr().end() ? std::string() : it->second.s();
}

bool prefersCpu(const tensorflow::FunctionDef& f) {
    const std::string device = stringAttr(f, "api_preferred_device");
    return device.empty() || device == "CPU";
}

}  // namespace

FunctionLibrary::FunctionLibrary(const tensorflow::FunctionDefLibrary& library) {
    std::unordered_map<std::string, const tensorflow::FunctionDef*> cpuByInterface;
    for (const auto& f : library.function()) {
        m_functions[f.signature().name()] = &f;
        const std::string api = stringAttr(f, "api_implements");
        if (!api.empty() && stringAttr(f, "api_preferred_device") == "CPU") cpuByInterface.emplace(api, &f);
    }
    for (const auto& f : library.function()) {
        const std::string api = stringAttr(f, "api_implements");
        if (api.empty() || prefersCpu(f)) continue;
        auto it = cpuByInterface.find(api);
        if (it == cpuByInterface.end()) continue;
        const auto& cpu = it->second->signature();
        if (cpu.input_arg_size() == f.signature().input_arg_size() && cpu.output_arg_size() == f.signature().output_arg_size())
            m_cpuImplementation[f.signature().name()] = cpu.name();
    }
}

const std::string& FunctionLibrary::cpuImplementation(const std::string& name) const {
    auto it = m_cpuImplementation.find(name);
    return it == m_cpuImplementation.end() ? name : it->second;
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
