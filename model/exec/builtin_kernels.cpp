#include "model/exec/builtin_kernels.h"

namespace tfscope::exec {

const std::vector<const KernelDef*>& builtinKernels() {
    static const std::vector<const KernelDef*> kernels = [] {
        std::vector<const KernelDef*> out;
        appendBasicKernels(out);
        appendVariableKernels(out);
        appendCheckpointKernels(out);
        appendStringKernels(out);
        appendFunctionKernels(out);
        appendTableKernels(out);
        appendParseExampleKernels(out);
        appendTensorArrayKernels(out);
        return out;
    }();
    return kernels;
}

}  // namespace tfscope::exec
