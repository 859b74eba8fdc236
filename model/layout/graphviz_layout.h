#pragma once
// GraphvizLayout: Graphviz `dot` through libgvc (nodes as fixed-size boxes, splines as polylines
// of their control points). Good drawings, but time grows fast with size (≈0.3 s at 1,000 nodes),
// so layoutGraph() uses it for small graphs only. libgvc is not thread-safe: calls are serialised
// by a process-wide mutex. Cancellation is checked before and after the dot run only.

#include "model/layout/layout_engine.h"

namespace tfscope {

class GraphvizLayout : public LayoutEngine {
public:
    Result<LayoutResult> layout(const LayoutInput& input, Progress* progress) const override;
};

}  // namespace tfscope
