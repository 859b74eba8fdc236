#include "model/edit/variable_paths.h"

#include <unordered_map>

#include "model/loader/model_summary.h"

namespace tfscope {

std::vector<std::string> variableTreePaths(const ModelSummary& summary) {
    const auto& vars = summary.variables;
    std::unordered_map<std::string, int> uses;
    for (const VariableSummary& v : vars) ++uses[v.name];
    std::vector<std::string> paths(vars.size());
    std::unordered_map<std::string, size_t> owner;  // graph name -> index of its (non-slot) variable
    for (size_t i = 0; i < vars.size(); ++i) {
        const VariableSummary& v = vars[i];
        const bool clash = uses[v.name] > 1 && !v.objectPath.empty();
        paths[i] = clash ? v.objectPath : v.name;
        if (!v.isOptimizerSlot) owner.emplace(v.name, i);
    }
    for (size_t i = 0; i < vars.size(); ++i) {
        const VariableSummary& v = vars[i];
        if (!v.isOptimizerSlot || v.slotOf.empty()) continue;
        auto it = owner.find(v.slotOf);
        if (it == owner.end()) continue;
        std::string slot = v.slotName;
        if (slot.empty()) {
            const size_t slash = v.name.rfind('/');
            slot = slash == std::string::npos ? v.name : v.name.substr(slash + 1);
        }
        paths[i] = paths[it->second] + "/" + slot;
    }
    return paths;
}

}  // namespace tfscope
