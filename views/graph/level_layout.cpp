#include "views/graph/level_layout.h"

#include <unordered_map>

#include "model/progress.h"

namespace tfscope {
namespace {

uint64_t elementKey(ElementRef e) { return (uint64_t(e.isGroup()) << 32) | uint32_t(e.id); }

}  // namespace

Result<std::shared_ptr<const LevelLayout>> computeLevelLayout(
    const GroupTree& tree, int group, const std::function<const LevelLayout*(int)>& expandedInterior,
    Progress* progress) {
    auto out = std::make_shared<LevelLayout>();
    out->group = group;
    out->elements = tree.children(group);
    const GraphIndex& gi = tree.index();
    std::unordered_map<uint64_t, int> slot;
    slot.reserve(out->elements.size() * 2);
    LayoutInput in;
    in.nodes.reserve(out->elements.size());
    for (size_t i = 0; i < out->elements.size(); ++i) {
        ElementRef e = out->elements[i];
        slot[elementKey(e)] = int(i);
        double w, h;
        if (e.isGroup()) {
            const Group& g = tree.group(e.id);
            if (const LevelLayout* inner = expandedInterior(e.id)) {
                w = std::max(inner->width + 2 * ElementSizer::kPad, ElementSizer::nodeWidth(g.label.size() + 8));
                h = inner->height + ElementSizer::kPad + ElementSizer::kTitle;
            } else {
                w = ElementSizer::nodeWidth(g.label.size() + 6);
                h = ElementSizer::kGroupHeight;
            }
        } else {
            w = ElementSizer::nodeWidth(std::max(tree.nodeLabel(e.id).size(), gi.op(e.id).size()));
            h = ElementSizer::kNodeHeight;
        }
        in.nodes.push_back({int(i), w, h});
        out->widths.push_back(w);
        out->heights.push_back(h);
    }
    // Bundle graph edges by the pair of children they join.
    std::unordered_map<uint64_t, int> edgeSlot;
    const NodeId* b = tree.subtreeBegin(group);
    const NodeId* e = tree.subtreeEnd(group);
    int64_t done = 0;
    for (const NodeId* p = b; p != e; ++p, ++done) {
        if ((done & 4095) == 0 && progress && progress->isCancelled()) return Status::cancelled();
        NodeId v = *p;
        int to = -1;
        for (const InputRef& r : gi.inputs(v)) {
            if (r.node == kNoNode || !tree.contains(group, r.node)) continue;
            if (to < 0) to = slot[elementKey(tree.childOf(group, v))];
            int from = slot[elementKey(tree.childOf(group, r.node))];
            if (from == to) continue;
            uint64_t key = (uint64_t(uint32_t(from)) << 32) | uint32_t(to);
            auto [it, inserted] = edgeSlot.try_emplace(key, int(out->edges.size()));
            if (inserted) {
                LevelEdge le;
                le.from = from;
                le.to = to;
                le.control = true;
                le.producer = r.node;
                le.outputIndex = r.outputIndex;
                out->edges.push_back(le);
            }
            LevelEdge& le = out->edges[size_t(it->second)];
            ++le.count;
            le.control = le.control && r.control;
            if (!r.control && le.outputIndex < 0) {
                le.producer = r.node;
                le.outputIndex = r.outputIndex;
            }
        }
    }
    in.edges.reserve(out->edges.size());
    for (const LevelEdge& le : out->edges) in.edges.push_back({le.from, le.to});
    TFS_ASSIGN_OR_RETURN(LayoutResult r, layoutGraph(in, progress));
    out->centers = std::move(r.positions);
    for (size_t i = 0; i < out->edges.size(); ++i) out->edges[i].path = std::move(r.edgePaths[i]);
    out->width = r.width;
    out->height = r.height;
    out->engine = r.engine;
    return std::shared_ptr<const LevelLayout>(std::move(out));
}

}  // namespace tfscope
