#pragma once
// LayeredLayout: a fast Sugiyama-style layout of our own for graphs too big for `dot`.
//   1. cycles broken by reversing DFS back edges (TF while loops);
//   2. longest-path layering from the sources;
//   3. long edges get virtual points (up to a budget of ~2 per node; the rest are drawn straight);
//   4. a few barycenter ordering sweeps, down and up (each O(V + E) plus a sort per layer);
//   5. x by averaging a left-packed and a right-packed placement around each node's barycenter.
// Handles 100,000 nodes in a fraction of a second. Thread safety: stateless.

#include "model/layout/layout_engine.h"

namespace tfscope {

class LayeredLayout : public LayoutEngine {
public:
    explicit LayeredLayout(int sweeps = 4) : m_sweeps(sweeps) {}
    Result<LayoutResult> layout(const LayoutInput& input, Progress* progress) const override;

private:
    int m_sweeps;
};

}  // namespace tfscope
