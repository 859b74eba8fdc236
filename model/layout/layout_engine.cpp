#include "model/layout/layout_engine.h"

#include "model/layout/graphviz_layout.h"
#include "model/layout/layered_layout.h"

namespace tfscope {

std::unique_ptr<LayoutEngine> chooseLayoutEngine(const LayoutInput& input) {
    if (input.nodes.size() <= kGraphvizMaxNodes && input.edges.size() <= 3 * kGraphvizMaxNodes)
        return std::make_unique<GraphvizLayout>();
    return std::make_unique<LayeredLayout>();
}

Result<LayoutResult> layoutGraph(const LayoutInput& input, Progress* progress) {
    auto engine = chooseLayoutEngine(input);
    auto result = engine->layout(input, progress);
    if (result.ok() || result.status().code() == Status::Code::Cancelled) return result;
    return LayeredLayout().layout(input, progress);
}

}  // namespace tfscope
