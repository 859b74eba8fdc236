#pragma once
// FunctionLibrary: the FunctionDefs of a graph (GraphDef.library) by name, with their ExecGraphs
// built on first use and cached.
//
//   FunctionLibrary lib(metaGraph.graph_def().library());
//   if (const tensorflow::FunctionDef* f = lib.find("__inference_call_12")) ...
//   TFS_ASSIGN_OR_RETURN(auto g, lib.graph("__inference_call_12"));
//
// Thread safety: find() is const and safe; graph() locks its cache.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "model/status.h"

namespace tensorflow { class FunctionDef; class FunctionDefLibrary; }

namespace tfscope::exec {

class ExecGraph;

class FunctionLibrary {
public:
    // `library` is not owned; must outlive this.
    explicit FunctionLibrary(const tensorflow::FunctionDefLibrary& library);

    const tensorflow::FunctionDef* find(std::string_view name) const;
    // The implementation to run for a call of `name` on a CPU (what TF's grappler implementation
    // selector does): a function whose `api_preferred_device` is not CPU (Keras' gpu_lstm_with_fallback)
    // is swapped for the function with the same `api_implements` preferring CPU (standard_lstm), when
    // one exists with the same argument and result counts; otherwise `name` itself.
    const std::string& cpuImplementation(const std::string& name) const;
    Result<std::shared_ptr<const ExecGraph>> graph(const std::string& name) const;

private:
    std::unordered_map<std::string, const tensorflow::FunctionDef*> m_functions;
    std::unordered_map<std::string, std::string> m_cpuImplementation;  // only for swapped functions
    mutable std::mutex m_mutex;
    mutable std::unordered_map<std::string, std::shared_ptr<const ExecGraph>> m_graphs;
};

}  // namespace tfscope::exec
