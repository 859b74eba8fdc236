#pragma once
// LevelLayout: the laid-out interior of one expanded group: its direct children (nodes, collapsed
// groups, expanded groups sized by their own interior) and the edges between them, bundled (one
// edge per child pair, with a count) when several graph edges join the same two children.
// computeLevelLayout() is plain C++ and runs on a worker thread (GraphCanvas calls it through
// relayoutCanvas(), canvas_layout.h).

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/layout/group_tree.h"
#include "model/layout/layout_engine.h"

namespace tfscope {

struct LevelEdge {
    int from = 0;  // indices into LevelLayout::elements
    int to = 0;
    int count = 0;              // graph edges bundled here
    bool control = false;       // all of them are control edges
    NodeId producer = kNoNode;  // for count == 1: the edge's endpoints (label, jumps)
    int outputIndex = 0;
    std::vector<LayoutPoint> path;
};

struct LevelLayout {
    int group = GroupTree::kRoot;
    std::vector<ElementRef> elements;
    std::vector<LayoutPoint> centers;
    std::vector<double> widths;
    std::vector<double> heights;
    std::vector<LevelEdge> edges;
    double width = 0;
    double height = 0;
    std::string engine;
};

// Element sizes: collapsed things from their label; expanded groups from their interior.
struct ElementSizer {
    // Size of an expanded group's frame around an interior of w × h.
    static constexpr double kPad = 14;
    static constexpr double kTitle = 22;
    static double nodeWidth(size_t labelChars) { return std::max(56.0, 7.0 * double(std::min<size_t>(labelChars, 36)) + 18); }
    static constexpr double kNodeHeight = 34;
    // One extra line of a node box (a folded weight of the model view).
    static constexpr double kRowHeight = 14;
    static constexpr double kGroupHeight = 40;
};

// When the widest rank of a laid-out level holds only sources (elements nothing at this level
// feeds: variables, placeholders, unconnected nodes), at least kWrapMinElements of them, and is
// wider than kWrapMinWidth, it is wrapped into a grid of ceil(sqrt(n)) columns above the rest of
// the level: a TF2 top level (dozens of VarHandleOps and a few calls) is otherwise one long row
// that fits the window only at an unreadable zoom.
constexpr size_t kWrapMinElements = 8;
constexpr double kWrapMinWidth = 1000;
constexpr double kWrapGap = 16;
// Applies that to `level`, laid out from `input` (computeLevelLayout() calls it): lays the other
// elements out again without the wrapped ones, puts the grid on top and draws the grid's edges
// straight. A level without such a rank is left untouched. Returns Cancelled like layoutGraph().
Status wrapWideRanks(LevelLayout& level, const LayoutInput& input, Progress* progress);

// Lays out `group`'s interior. `expandedInterior(g)` returns the interior LevelLayout of an expanded
// child group, or nullptr when g is collapsed.
Result<std::shared_ptr<const LevelLayout>> computeLevelLayout(
    const GroupTree& tree, int group, const std::function<const LevelLayout*(int)>& expandedInterior,
    Progress* progress);

}  // namespace tfscope
