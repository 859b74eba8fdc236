#include <string>
#include <unordered_map>

#include "model/exec/kernel.h"

namespace tfscope::exec {

// Builtin kernels win over library ones of the same name (the executor's own semantics).
const KernelDef* findKernel(std::string_view op) {
    static const std::unordered_map<std::string_view, const KernelDef*> table = [] {
        std::unordered_map<std::string_view, const KernelDef*> t;
        for (const KernelDef* k : libraryKernels()) t[k->op] = k;
        for (const KernelDef* k : builtinKernels()) t[k->op] = k;
        return t;
    }();
    auto it = table.find(op);
    return it == table.end() ? nullptr : it->second;
}

}  // namespace tfscope::exec
