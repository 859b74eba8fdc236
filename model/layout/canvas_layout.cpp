#include "model/layout/canvas_layout.h"

#include <algorithm>

#include "model/graph/model_view.h"

namespace tfscope {

NodeRows modelViewRows(const ModelView& view) {
    NodeRows rows;
    rows.count.assign(view.folded.size(), 0);
    rows.chars.assign(view.folded.size(), 0);
    for (size_t n = 0; n < view.folded.size(); ++n) {
        const std::vector<std::string> texts = weightRowTexts(view.folded[n]);
        rows.count[n] = uint8_t(texts.size());
        for (const std::string& t : texts) rows.chars[n] = std::max(rows.chars[n], uint16_t(utf8Length(t)));
    }
    return rows;
}

CanvasLayout initialCanvasLayout(std::shared_ptr<const GroupTree> tree) {
    CanvasLayout c;
    c.expanded.assign(size_t(tree->groupCount()), 0);
    c.expanded[GroupTree::kRoot] = 1;
    c.tree = std::move(tree);
    return c;
}

void openFirstView(CanvasLayout& layout) {
    const GroupTree& tree = *layout.tree;
    int g = GroupTree::kRoot;
    for (int guard = 0; guard < 64; ++guard) {
        int64_t network = tree.group(g).totalNodes;  // side groups aside
        for (int c : tree.group(g).childGroups)
            if (isSideGroupScope(tree.group(c).path)) network -= tree.group(c).totalNodes;
        // The group holding most of the network; of two near halves (TF Hub's module and its
        // applied copy), the one the graph's inputs feed.
        auto fedFromOutside = [&](int c) {
            const GraphIndex& gi = tree.index();
            for (const NodeId* n = tree.subtreeBegin(c); n != tree.subtreeEnd(c); ++n)
                for (const InputRef& in : gi.inputs(*n))
                    if (in.node != kNoNode && !tree.contains(c, in.node)) return true;
            return false;
        };
        int only = -1;
        bool onlyFed = false;
        for (int c : tree.group(g).childGroups) {
            if (isSideGroupScope(tree.group(c).path) || 5 * tree.group(c).totalNodes < 2 * network) continue;
            const bool fed = fedFromOutside(c);
            if (only < 0 || (fed && !onlyFed) || (fed == onlyFed && tree.group(c).totalNodes > tree.group(only).totalNodes)) {
                only = c;
                onlyFed = fed;
            }
        }
        if (only < 0) break;
        layout.expanded[size_t(only)] = 1;
        g = only;
    }
    for (int c : tree.group(g).childGroups)
        if (!isSideGroupScope(tree.group(c).path) && !tree.group(c).series && tree.group(c).totalNodes <= kSmallGroup)
            layout.expanded[size_t(c)] = 1;
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
