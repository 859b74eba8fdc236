#include "model/layout/graphviz_layout.h"

#include <graphviz/gvc.h>

#include <mutex>
#include <string>

#include "model/progress.h"

namespace tfscope {
namespace {

std::mutex& gvMutex() {
    static std::mutex m;
    return m;
}

// One context for the process (plugins load once); only used under gvMutex().
GVC_t* gvContextOnce() {
    static GVC_t* ctx = gvContext();
    return ctx;
}

char* cstr(const char* s) { return const_cast<char*>(s); }

// Cubic Bézier control points p0 (c1 c2 p)* → a polyline sampled 4 times per segment.
void appendBezier(const bezier& bz, double height, std::vector<LayoutPoint>& out) {
    auto flip = [&](pointf p) { return LayoutPoint{p.x, height - p.y}; };
    if (bz.sflag) out.push_back(flip(bz.sp));
    if (bz.size <= 0) return;
    out.push_back(flip(bz.list[0]));
    for (int i = 1; i + 2 < bz.size; i += 3) {
        pointf p0 = bz.list[i - 1], c1 = bz.list[i], c2 = bz.list[i + 1], p3 = bz.list[i + 2];
        for (int k = 1; k <= 4; ++k) {
            double t = k / 4.0, u = 1 - t;
            pointf q{u * u * u * p0.x + 3 * u * u * t * c1.x + 3 * u * t * t * c2.x + t * t * t * p3.x,
                     u * u * u * p0.y + 3 * u * u * t * c1.y + 3 * u * t * t * c2.y + t * t * t * p3.y};
            out.push_back(flip(q));
        }
    }
    if (bz.eflag) out.push_back(flip(bz.ep));
}

}  // namespace

Result<LayoutResult> GraphvizLayout::layout(const LayoutInput& input, Progress* progress) const {
    const size_t n = input.nodes.size();
    for (const LayoutEdge& e : input.edges)
        if (e.src < 0 || e.dst < 0 || size_t(e.src) >= n || size_t(e.dst) >= n)
            return Status::invalidArgument("Layout edge refers to a missing node.");
    if (progress && progress->isCancelled()) return Status::cancelled();

    std::lock_guard<std::mutex> lock(gvMutex());
    GVC_t* gvc = gvContextOnce();
    if (!gvc) return Status::internal("Graphviz could not be initialised.");
    Agraph_t* g = agopen(cstr("g"), Agdirected, nullptr);
    agattr(g, AGRAPH, cstr("nodesep"), cstr(std::to_string(input.nodeSep / 72.0).c_str()));
    agattr(g, AGRAPH, cstr("ranksep"), cstr(std::to_string(input.rankSep / 72.0).c_str()));
    agattr(g, AGNODE, cstr("shape"), cstr("box"));
    agattr(g, AGNODE, cstr("fixedsize"), cstr("true"));
    agattr(g, AGNODE, cstr("label"), cstr(""));
    Agsym_t* wSym = agattr(g, AGNODE, cstr("width"), cstr("1"));
    Agsym_t* hSym = agattr(g, AGNODE, cstr("height"), cstr("0.5"));
    std::vector<Agnode_t*> nodes(n);
    for (size_t i = 0; i < n; ++i) {
        std::string name = "n" + std::to_string(i);
        nodes[i] = agnode(g, cstr(name.c_str()), 1);
        agxset(nodes[i], wSym, cstr(std::to_string(std::max(input.nodes[i].w, 1.0) / 72.0).c_str()));
        agxset(nodes[i], hSym, cstr(std::to_string(std::max(input.nodes[i].h, 1.0) / 72.0).c_str()));
    }
    std::vector<Agedge_t*> edges(input.edges.size());
    for (size_t i = 0; i < input.edges.size(); ++i) {
        std::string name = "e" + std::to_string(i);
        edges[i] = agedge(g, nodes[size_t(input.edges[i].src)], nodes[size_t(input.edges[i].dst)], cstr(name.c_str()), 1);
    }
    if (gvLayout(gvc, g, "dot") != 0) {
        agclose(g);
        return Status::internal("Graphviz dot layout failed.");
    }
    boxf bb = GD_bb(g);
    double height = bb.UR.y;
    LayoutResult r;
    r.engine = "dot";
    r.width = bb.UR.x - bb.LL.x;
    r.height = bb.UR.y - bb.LL.y;
    r.positions.resize(n);
    for (size_t i = 0; i < n; ++i) {
        pointf c = ND_coord(nodes[i]);
        r.positions[i] = {c.x - bb.LL.x, height - c.y};
    }
    r.edgePaths.resize(edges.size());
    for (size_t i = 0; i < edges.size(); ++i) {
        auto& path = r.edgePaths[i];
        splines* spl = edges[i] ? ED_spl(edges[i]) : nullptr;
        if (spl)
            for (int b = 0; b < spl->size; ++b) appendBezier(spl->list[b], height, path);
        for (auto& p : path) p.x -= bb.LL.x;
        if (path.size() < 2) {
            LayoutPoint s = r.positions[size_t(input.edges[i].src)], d = r.positions[size_t(input.edges[i].dst)];
            path = {s, d};
        }
    }
    gvFreeLayout(gvc, g);
    agclose(g);
    if (progress && progress->isCancelled()) return Status::cancelled();
    if (progress) progress->report(1, 1);
    return r;
}

}  // namespace tfscope
