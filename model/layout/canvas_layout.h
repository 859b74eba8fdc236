#pragma once
// CanvasLayout: what the canvas shows: which groups are expanded and the interior layout of each
// expanded group (the root always is). relayoutCanvas() recomputes only what a change needs: the
// interiors that are missing (a newly expanded group) and the ancestors of the changed group,
// whose sizes changed. Plain C++, runs on a worker thread; the result is an immutable snapshot.

#include <map>
#include <memory>
#include <vector>

#include "model/layout/level_layout.h"

namespace tfscope {

struct ModelView;

struct CanvasLayout {
    std::shared_ptr<const GroupTree> tree;
    std::vector<char> expanded;                                // by group id; expanded[kRoot] == 1
    std::map<int, std::shared_ptr<const LevelLayout>> levels;  // by expanded group id
    int levelsComputed = 0;                                    // how many levels the last relayout computed (tests, bench)

    bool isExpanded(int g) const { return g >= 0 && size_t(g) < expanded.size() && expanded[size_t(g)]; }
};

// The model view's node rows (its folded weights, weightRowTexts()) for GroupTree::build.
NodeRows modelViewRows(const ModelView& view);

// A fresh layout: the root expanded, everything else collapsed.
CanvasLayout initialCanvasLayout(std::shared_ptr<const GroupTree> tree);
// The model view's first expansion: while one group holds most (at least 40%) of the visible
// nodes (a model wrapped in "module/InceptionV3"; of two such, the one fed from outside), it is opened; then the small groups under it (layers of at
// most kSmallGroup nodes) are opened too, so the first view shows the layers. Side groups
// ("(Training)" …) stay closed.
constexpr int64_t kSmallGroup = 40;
void openFirstView(CanvasLayout& layout);
// `next` has the new expansion flags and the previous levels; `changed` is the group that was
// toggled (-1: none). Drops stale levels, computes missing ones bottom-up.
Result<CanvasLayout> relayoutCanvas(CanvasLayout next, int changed, Progress* progress);

}  // namespace tfscope
