#include "model/exec/optimize/optimize.h"

#include "model/exec/graph_rewrite.h"
#include "model/exec/optimize/fold_pad.h"
#include "model/exec/optimize/fold_scale_shift.h"
#include "model/exec/optimize/transpose_rewrites.h"

namespace tfscope::exec {
namespace {
EnvSwitch g_optimize("TFSCOPE_OPTIMIZE");
}  // namespace

int optimizeGraph(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns,
                  std::vector<std::unique_ptr<tensorflow::NodeDef>>* owned, std::vector<char>* absorbed) {
    absorbed->assign(nodes.size(), 0);
    const int transposes = rewriteTransposes(nodes, returns, owned, absorbed);
    const int pads = foldPadding(nodes, returns, owned, absorbed);
    return transposes + pads + foldScaleShift(nodes, returns, owned, absorbed);
}

bool graphOptimizerEnabled() { return g_optimize.enabled(); }

void setGraphOptimizerEnabled(bool enabled) { g_optimize.set(enabled); }

}  // namespace tfscope::exec
