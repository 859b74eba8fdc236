#include "views/graph/canvas_layout.h"

namespace tfscope {

CanvasLayout initialCanvasLayout(std::shared_ptr<const GroupTree> tree) {
    CanvasLayout c;
    c.expanded.assign(size_t(tree->groupCount()), 0);
    c.expanded[GroupTree::kRoot] = 1;
    c.tree = std::move(tree);
    return c;
}

Result<CanvasLayout> relayoutCanvas(CanvasLayout next, int changed, Progress* progress) {
    const GroupTree& tree = *next.tree;
    // Interiors of collapsed groups stay cached (re-expanding is free); ancestors of `changed`
    // are stale because its size changed.
    if (changed >= 0)
        for (int g = tree.group(changed).parent; g >= 0; g = tree.group(g).parent) next.levels.erase(g);
    next.levelsComputed = 0;
    // Post-order over expanded groups.
    std::vector<std::pair<int, size_t>> stack{{GroupTree::kRoot, 0}};
    while (!stack.empty()) {
        auto [g, i] = stack.back();
        const Group& grp = tree.group(g);
        if (i < grp.childGroups.size()) {
            ++stack.back().second;
            int c = grp.childGroups[i];
            if (next.isExpanded(c)) stack.emplace_back(c, 0);
            continue;
        }
        stack.pop_back();
        if (next.levels.count(g)) continue;
        auto interior = [&](int child) -> const LevelLayout* {
            if (!next.isExpanded(child)) return nullptr;
            auto it = next.levels.find(child);
            return it == next.levels.end() ? nullptr : it->second.get();
        };
        TFS_ASSIGN_OR_RETURN(auto level, computeLevelLayout(tree, g, interior, progress));
        next.levels[g] = std::move(level);
        ++next.levelsComputed;
    }
    return next;
}

}  // namespace tfscope
