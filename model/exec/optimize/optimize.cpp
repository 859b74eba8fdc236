#include "model/exec/optimize/optimize.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "model/exec/optimize/fold_scale_shift.h"

namespace tfscope::exec {
namespace {
std::atomic<int> g_optimize{-1};  // -1: not yet read from the environment
}  // namespace

int optimizeGraph(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns,
                  std::vector<std::unique_ptr<tensorflow::NodeDef>>* owned, std::vector<char>* absorbed) {
    absorbed->assign(nodes.size(), 0);
    return foldScaleShift(nodes, returns, owned, absorbed);
}

bool graphOptimizerEnabled() {
    int v = g_optimize.load(std::memory_order_relaxed);
    if (v < 0) {
        const char* env = std::getenv("TFSCOPE_OPTIMIZE");
        v = env && std::strcmp(env, "0") == 0 ? 0 : 1;
        g_optimize.store(v, std::memory_order_relaxed);
    }
    return v == 1;
}

void setGraphOptimizerEnabled(bool enabled) { g_optimize.store(enabled ? 1 : 0, std::memory_order_relaxed); }

}  // namespace tfscope::exec
