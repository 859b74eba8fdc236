#include "model/layout/layered_layout.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>

#include "model/progress.h"

namespace tfscope {
namespace {

constexpr double kVirtualWidth = 4;

// Compressed adjacency: neighbours of v are adj[start[v] .. start[v+1]).
struct Csr {
    std::vector<int> start;
    std::vector<int> adj;
};

Csr buildCsr(size_t n, const std::vector<std::pair<int, int>>& pairs) {
    Csr c;
    c.start.assign(n + 1, 0);
    for (auto& p : pairs) ++c.start[size_t(p.first) + 1];
    std::partial_sum(c.start.begin(), c.start.end(), c.start.begin());
    c.adj.resize(pairs.size());
    std::vector<int> fill(c.start.begin(), c.start.end() - 1);
    for (auto& p : pairs) c.adj[size_t(fill[size_t(p.first)]++)] = p.second;
    return c;
}

// Marks the edges that close a cycle (DFS back edges); reversing them leaves a DAG.
std::vector<char> findBackEdges(size_t n, const std::vector<LayoutEdge>& edges) {
    std::vector<std::pair<int, int>> outPairs;  // (src, edge index)
    outPairs.reserve(edges.size());
    std::vector<int> indeg(n, 0);
    for (size_t i = 0; i < edges.size(); ++i) {
        if (edges[i].src == edges[i].dst) continue;
        outPairs.emplace_back(edges[i].src, int(i));
        ++indeg[size_t(edges[i].dst)];
    }
    Csr out = buildCsr(n, outPairs);
    std::vector<char> back(edges.size(), 0);
    std::vector<char> state(n, 0);  // 0 new, 1 on stack, 2 done
    std::vector<std::pair<int, int>> stack;  // (node, next adjacency slot)
    auto visit = [&](int root) {
        state[size_t(root)] = 1;
        stack.emplace_back(root, out.start[size_t(root)]);
        while (!stack.empty()) {
            auto& [v, slot] = stack.back();
            if (slot == out.start[size_t(v) + 1]) {
                state[size_t(v)] = 2;
                stack.pop_back();
                continue;
            }
            int e = out.adj[size_t(slot++)];
            int w = edges[size_t(e)].dst;
            if (state[size_t(w)] == 1) back[size_t(e)] = 1;
            else if (state[size_t(w)] == 0) {
                state[size_t(w)] = 1;
                stack.emplace_back(w, out.start[size_t(w)]);
            }
        }
    };
    for (size_t v = 0; v < n; ++v)
        if (indeg[v] == 0 && state[v] == 0) visit(int(v));
    for (size_t v = 0; v < n; ++v)
        if (state[v] == 0) visit(int(v));
    return back;
}

// Longest path from the sources; then each source moves down next to its highest consumer.
std::vector<int> assignLayers(size_t n, const std::vector<std::pair<int, int>>& dag) {
    Csr out = buildCsr(n, dag);
    std::vector<int> indeg(n, 0);
    for (auto& p : dag) ++indeg[size_t(p.second)];
    std::vector<int> order;
    order.reserve(n);
    for (size_t v = 0; v < n; ++v)
        if (indeg[v] == 0) order.push_back(int(v));
    std::vector<int> layer(n, 0);
    for (size_t i = 0; i < order.size(); ++i) {
        int v = order[i];
        for (int s = out.start[size_t(v)]; s < out.start[size_t(v) + 1]; ++s) {
            int w = out.adj[size_t(s)];
            layer[size_t(w)] = std::max(layer[size_t(w)], layer[size_t(v)] + 1);
            if (--indeg[size_t(w)] == 0) order.push_back(w);
        }
    }
    std::vector<char> hasPred(n, 0);
    for (auto& p : dag) hasPred[size_t(p.second)] = 1;
    for (size_t v = 0; v < n; ++v) {
        if (hasPred[v] || out.start[v] == out.start[v + 1]) continue;
        int lowest = std::numeric_limits<int>::max();
        for (int s = out.start[v]; s < out.start[v + 1]; ++s) lowest = std::min(lowest, layer[size_t(out.adj[size_t(s)])]);
        layer[v] = lowest - 1;
    }
    return layer;
}

}  // namespace

Result<LayoutResult> LayeredLayout::layout(const LayoutInput& input, Progress* progress) const {
    const size_t n = input.nodes.size();
    for (const LayoutEdge& e : input.edges)
        if (e.src < 0 || e.dst < 0 || size_t(e.src) >= n || size_t(e.dst) >= n)
            return Status::invalidArgument("Layout edge refers to a missing node.");
    auto cancelled = [&] { return progress && progress->isCancelled(); };

    std::vector<char> back = findBackEdges(n, input.edges);
    std::vector<std::pair<int, int>> dag;  // (upper, lower) in layout direction
    dag.reserve(input.edges.size());
    for (size_t i = 0; i < input.edges.size(); ++i) {
        const LayoutEdge& e = input.edges[i];
        if (e.src == e.dst) continue;
        dag.emplace_back(back[i] ? e.dst : e.src, back[i] ? e.src : e.dst);
    }
    std::vector<int> layer = assignLayers(n, dag);
    if (cancelled()) return Status::cancelled();

    // Vertices: the real nodes, then virtual points of long edges (within a budget).
    std::vector<int> vlayer(layer.begin(), layer.end());
    std::vector<double> vwidth(n);
    for (size_t v = 0; v < n; ++v) vwidth[v] = input.nodes[v].w;
    std::vector<std::pair<int, int>> links;  // adjacent-layer (upper, lower) vertex pairs
    links.reserve(dag.size());
    std::vector<int> chainStart(input.edges.size(), -1);  // first virtual vertex of edge i
    size_t budget = 2 * n + 1000;
    for (size_t i = 0; i < input.edges.size(); ++i) {
        const LayoutEdge& e = input.edges[i];
        if (e.src == e.dst) continue;
        int upper = back[i] ? e.dst : e.src, lower = back[i] ? e.src : e.dst;
        int span = layer[size_t(lower)] - layer[size_t(upper)];
        if (span <= 1 || size_t(span - 1) > budget) {
            if (span >= 1) links.emplace_back(upper, lower);
            continue;
        }
        budget -= size_t(span - 1);
        int prev = upper;
        chainStart[i] = int(vlayer.size());
        for (int l = layer[size_t(upper)] + 1; l < layer[size_t(lower)]; ++l) {
            int d = int(vlayer.size());
            vlayer.push_back(l);
            vwidth.push_back(kVirtualWidth);
            links.emplace_back(prev, d);
            prev = d;
        }
        links.emplace_back(prev, lower);
    }
    const size_t m = vlayer.size();
    int minLayer = 0, maxLayer = 0;
    if (m) {
        auto [lo, hi] = std::minmax_element(vlayer.begin(), vlayer.end());
        minLayer = *lo;
        maxLayer = *hi;
    }
    const size_t numLayers = size_t(maxLayer - minLayer + 1);
    std::vector<std::vector<int>> layers(numLayers);
    for (size_t v = 0; v < m; ++v) layers[size_t(vlayer[v] - minLayer)].push_back(int(v));

    // Links that span one layer: up/down neighbour lists.
    std::vector<std::pair<int, int>> downPairs, upPairs;
    downPairs.reserve(links.size());
    upPairs.reserve(links.size());
    for (auto& l : links) {
        if (vlayer[size_t(l.second)] - vlayer[size_t(l.first)] != 1) continue;  // over budget: straight
        downPairs.emplace_back(l.first, l.second);
        upPairs.emplace_back(l.second, l.first);
    }
    Csr down = buildCsr(m, downPairs), up = buildCsr(m, upPairs);

    // Ordering: barycenter sweeps.
    std::vector<double> pos(m);
    for (auto& L : layers)
        for (size_t i = 0; i < L.size(); ++i) pos[size_t(L[i])] = double(i);
    std::vector<double> key(m);
    auto sweep = [&](size_t li, const Csr& nb) {
        auto& L = layers[li];
        for (int v : L) {
            int b = nb.start[size_t(v)], e = nb.start[size_t(v) + 1];
            if (b == e) { key[size_t(v)] = pos[size_t(v)]; continue; }
            double sum = 0;
            for (int s = b; s < e; ++s) sum += pos[size_t(nb.adj[size_t(s)])];
            key[size_t(v)] = sum / double(e - b);
        }
        std::stable_sort(L.begin(), L.end(), [&](int a, int b) { return key[size_t(a)] < key[size_t(b)]; });
        for (size_t i = 0; i < L.size(); ++i) pos[size_t(L[i])] = double(i);
    };
    for (int s = 0; s < m_sweeps; ++s) {
        if (cancelled()) return Status::cancelled();
        if (progress) progress->report(s, m_sweeps + 2);
        if (s % 2 == 0)
            for (size_t li = 1; li < numLayers; ++li) sweep(li, up);
        else
            for (size_t li = numLayers; li-- > 1;) sweep(li - 1, down);
    }

    // Coordinates: x around neighbour barycenters, keeping order and gaps.
    std::vector<double> x(m, 0);
    for (auto& L : layers) {
        double cur = 0;
        for (size_t i = 0; i < L.size(); ++i) {
            if (i) cur += (vwidth[size_t(L[i - 1])] + vwidth[size_t(L[i])]) / 2 + input.nodeSep;
            x[size_t(L[i])] = cur;
        }
        for (int v : L) x[size_t(v)] -= cur / 2;
    }
    std::vector<double> want, lft, rgt;
    auto place = [&](size_t li, const Csr& nb) {
        auto& L = layers[li];
        const size_t k = L.size();
        if (!k) return;
        want.resize(k);
        lft.resize(k);
        rgt.resize(k);
        for (size_t i = 0; i < k; ++i) {
            int v = L[i];
            int b = nb.start[size_t(v)], e = nb.start[size_t(v) + 1];
            double sum = 0;
            for (int s = b; s < e; ++s) sum += x[size_t(nb.adj[size_t(s)])];
            want[i] = b == e ? x[size_t(v)] : sum / double(e - b);
        }
        auto gap = [&](size_t i) { return (vwidth[size_t(L[i - 1])] + vwidth[size_t(L[i])]) / 2 + input.nodeSep; };
        lft[0] = want[0];
        for (size_t i = 1; i < k; ++i) lft[i] = std::max(want[i], lft[i - 1] + gap(i));
        rgt[k - 1] = want[k - 1];
        for (size_t i = k - 1; i-- > 0;) rgt[i] = std::min(want[i], rgt[i + 1] - gap(i + 1));
        for (size_t i = 0; i < k; ++i) x[size_t(L[i])] = (lft[i] + rgt[i]) / 2;
    };
    for (int it = 0; it < 4; ++it) {
        if (cancelled()) return Status::cancelled();
        if (it % 2 == 0)
            for (size_t li = 1; li < numLayers; ++li) place(li, up);
        else
            for (size_t li = numLayers; li-- > 1;) place(li - 1, down);
    }
    if (progress) progress->report(m_sweeps + 1, m_sweeps + 2);

    // y per layer.
    std::vector<double> layerH(numLayers, 0), layerY(numLayers, 0);
    for (size_t v = 0; v < n; ++v) {
        size_t li = size_t(vlayer[v] - minLayer);
        layerH[li] = std::max(layerH[li], input.nodes[v].h);
    }
    double yCur = 0;
    for (size_t li = 0; li < numLayers; ++li) {
        layerY[li] = yCur + layerH[li] / 2;
        yCur += layerH[li] + input.rankSep;
    }

    double minX = 0, maxX = 0;
    bool any = false;
    for (size_t v = 0; v < m; ++v) {
        double half = vwidth[v] / 2;
        if (!any || x[v] - half < minX) minX = x[v] - half;
        if (!any || x[v] + half > maxX) maxX = x[v] + half;
        any = true;
    }
    LayoutResult r;
    r.engine = "layered";
    r.width = any ? maxX - minX : 0;
    r.height = numLayers && n ? yCur - input.rankSep : 0;
    r.positions.resize(n);
    auto at = [&](size_t v) { return LayoutPoint{x[v] - minX, layerY[size_t(vlayer[v] - minLayer)]}; };
    for (size_t v = 0; v < n; ++v) r.positions[v] = at(v);
    r.edgePaths.resize(input.edges.size());
    for (size_t i = 0; i < input.edges.size(); ++i) {
        const LayoutEdge& e = input.edges[i];
        LayoutPoint s = r.positions[size_t(e.src)];
        auto& path = r.edgePaths[i];
        if (e.src == e.dst) {
            double hw = input.nodes[size_t(e.src)].w / 2, hh = input.nodes[size_t(e.src)].h / 2;
            path = {{s.x + hw, s.y - hh / 2}, {s.x + hw + 12, s.y - hh / 2}, {s.x + hw + 12, s.y + hh / 2}, {s.x + hw, s.y + hh / 2}};
            continue;
        }
        int upper = back[i] ? e.dst : e.src, lower = back[i] ? e.src : e.dst;
        LayoutPoint a = r.positions[size_t(upper)], b = r.positions[size_t(lower)];
        path.push_back({a.x, a.y + input.nodes[size_t(upper)].h / 2});
        if (chainStart[i] >= 0) {
            int span = layer[size_t(lower)] - layer[size_t(upper)];
            for (int k = 0; k < span - 1; ++k) path.push_back(at(size_t(chainStart[i] + k)));
        }
        path.push_back({b.x, b.y - input.nodes[size_t(lower)].h / 2});
        if (back[i]) std::reverse(path.begin(), path.end());
    }
    if (progress) progress->report(m_sweeps + 2, m_sweeps + 2);
    return r;
}

}  // namespace tfscope
