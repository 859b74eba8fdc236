#include "model/layout/level_layout.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "model/progress.h"

namespace tfscope {
namespace {

uint64_t elementKey(ElementRef e) { return (uint64_t(e.isGroup()) << 32) | uint32_t(e.id); }

struct Rank {
    double y = 0;              // shared centre y
    std::vector<int> members;  // element indices, left to right
    double left = 0, right = 0, height = 0;
};

// Elements grouped by the centre y the engine gave them, top to bottom (both engines centre a
// layer's nodes on one line).
std::vector<Rank> ranksOf(const LevelLayout& l) {
    std::vector<int> order(l.elements.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        const LayoutPoint &p = l.centers[size_t(a)], &q = l.centers[size_t(b)];
        return p.y != q.y ? p.y < q.y : p.x < q.x;
    });
    std::vector<Rank> ranks;
    for (int i : order) {
        const LayoutPoint& c = l.centers[size_t(i)];
        const double w = l.widths[size_t(i)], h = l.heights[size_t(i)];
        if (ranks.empty() || c.y - ranks.back().y > 0.5) ranks.push_back({c.y, {}, c.x - w / 2, c.x + w / 2, h});
        Rank& r = ranks.back();
        r.members.push_back(i);
        r.left = std::min(r.left, c.x - w / 2);
        r.right = std::max(r.right, c.x + w / 2);
        r.height = std::max(r.height, h);
    }
    return ranks;
}

}  // namespace

Status wrapWideRanks(LevelLayout& l, const LayoutInput& in, Progress* progress) {
    const size_t n = l.elements.size();
    if (n < kWrapMinElements) return Status::OK();
    std::vector<char> hasInput(n, 0);
    for (const LevelEdge& e : l.edges) hasInput[size_t(e.to)] = 1;
    const std::vector<Rank> ranks = ranksOf(l);
    // The widest rank, when it holds only sources (nothing at this level feeds them: variables,
    // placeholders, unconnected nodes).
    size_t widest = 0;
    for (size_t r = 1; r < ranks.size(); ++r)
        if (ranks[r].right - ranks[r].left > ranks[widest].right - ranks[widest].left) widest = r;
    const Rank& rank = ranks[widest];
    if (rank.members.size() < kWrapMinElements || rank.right - rank.left <= kWrapMinWidth) return Status::OK();
    if (std::any_of(rank.members.begin(), rank.members.end(), [&](int i) { return hasInput[size_t(i)] != 0; })) return Status::OK();
    // Lay the rest out again without them, then put them above it in a row-major grid of
    // ceil(sqrt(n)) columns (the engine's left-to-right order kept, rows packed and centred).
    std::vector<char> inGrid(n, 0);
    for (int i : rank.members) inGrid[size_t(i)] = 1;
    std::vector<int> restIndex(n, -1), restElement;
    LayoutInput rest;
    rest.nodeSep = in.nodeSep;
    rest.rankSep = in.rankSep;
    for (size_t i = 0; i < n; ++i)
        if (!inGrid[i]) {
            restIndex[i] = int(rest.nodes.size());
            restElement.push_back(int(i));
            rest.nodes.push_back({int(i), l.widths[i], l.heights[i]});
        }
    std::vector<int> restEdge(l.edges.size(), -1);
    for (size_t k = 0; k < l.edges.size(); ++k)
        if (!inGrid[size_t(l.edges[k].from)] && !inGrid[size_t(l.edges[k].to)]) {
            restEdge[k] = int(rest.edges.size());
            rest.edges.push_back({restIndex[size_t(l.edges[k].from)], restIndex[size_t(l.edges[k].to)]});
        }
    LayoutResult below;
    if (!rest.nodes.empty()) {
        TFS_ASSIGN_OR_RETURN(below, layoutGraph(rest, progress));
    }
    const size_t count = rank.members.size();
    const size_t cols = size_t(std::ceil(std::sqrt(double(count))));
    std::vector<double> rowWidth, rowHeight;
    for (size_t b = 0; b < count; b += cols) {
        const size_t e = std::min(count, b + cols);
        double w = kWrapGap * double(e - b - 1), h = 0;
        for (size_t k = b; k < e; ++k) {
            w += l.widths[size_t(rank.members[k])];
            h = std::max(h, l.heights[size_t(rank.members[k])]);
        }
        rowWidth.push_back(w);
        rowHeight.push_back(h);
    }
    double gridWidth = 0, gridHeight = kWrapGap * double(rowHeight.size() - 1);
    for (size_t r = 0; r < rowWidth.size(); ++r) {
        gridWidth = std::max(gridWidth, rowWidth[r]);
        gridHeight += rowHeight[r];
    }
    const double width = std::max(gridWidth, below.width);
    const double centreX = width / 2;
    double top = 0;
    for (size_t r = 0, b = 0; r < rowWidth.size(); ++r, b += cols) {
        double x = centreX - rowWidth[r] / 2;
        for (size_t k = b; k < std::min(count, b + cols); ++k) {
            const int i = rank.members[k];
            l.centers[size_t(i)] = {x + l.widths[size_t(i)] / 2, top + rowHeight[r] / 2};
            x += l.widths[size_t(i)] + kWrapGap;
        }
        top += rowHeight[r] + kWrapGap;
    }
    const double dx = (width - below.width) / 2, dy = rest.nodes.empty() ? 0 : gridHeight + in.rankSep;
    for (size_t k = 0; k < restElement.size(); ++k)
        l.centers[size_t(restElement[k])] = {below.positions[k].x + dx, below.positions[k].y + dy};
    for (size_t k = 0; k < l.edges.size(); ++k) {
        LevelEdge& e = l.edges[k];
        if (restEdge[k] >= 0) {
            e.path = below.edgePaths[size_t(restEdge[k])];
            for (LayoutPoint& p : e.path) p = {p.x + dx, p.y + dy};
            continue;
        }
        // From the grid: straight, source bottom to target top (the grid has no routing channels;
        // edges pass under the boxes below them).
        const LayoutPoint a = l.centers[size_t(e.from)], b = l.centers[size_t(e.to)];
        const double dir = b.y >= a.y ? 1 : -1;
        e.path = {{a.x, a.y + dir * l.heights[size_t(e.from)] / 2}, {b.x, b.y - dir * l.heights[size_t(e.to)] / 2}};
    }
    l.width = width;
    l.height = rest.nodes.empty() ? gridHeight : dy + below.height;
    return Status::OK();
}

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
            w = ElementSizer::nodeWidth(std::max({tree.nodeLabel(e.id).size(), gi.op(e.id).size(), tree.nodeRowChars(e.id)}));
            h = ElementSizer::kNodeHeight + ElementSizer::kRowHeight * tree.nodeRows(e.id);
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
    TFS_RETURN_IF_ERROR(wrapWideRanks(*out, in, progress));
    return std::shared_ptr<const LevelLayout>(std::move(out));
}

}  // namespace tfscope
