// bench_layout: GraphvizLayout vs LayeredLayout on chain-like random DAGs (each node takes 1–3
// inputs from the previous 30 nodes), the shape of NN graphs. Prints milliseconds per layout.
#include <chrono>
#include <cstdio>
#include <random>

#include "model/layout/graphviz_layout.h"
#include "model/layout/layered_layout.h"

using namespace tfscope;

namespace {

LayoutInput chainDag(int n, unsigned seed) {
    std::mt19937 rng(seed);
    LayoutInput in;
    for (int i = 0; i < n; ++i) in.nodes.push_back({i, double(60 + rng() % 80), 34});
    for (int i = 1; i < n; ++i) {
        int k = 1 + int(rng() % 3);
        for (int j = 0; j < k; ++j) {
            int lo = std::max(0, i - 30);
            in.edges.push_back({lo + int(rng() % unsigned(i - lo)), i});
        }
    }
    return in;
}

double timeMs(const LayoutEngine& e, const LayoutInput& in) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = e.layout(in, nullptr);
    auto t1 = std::chrono::steady_clock::now();
    if (!r.ok()) std::printf("  failed: %s\n", r.status().message().c_str());
    return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

}  // namespace

int main() {
    for (int n : {100, 300, 1000}) {
        LayoutInput in = chainDag(n, 1);
        std::printf("%7d nodes %7zu edges: dot %8.1f ms   layered %7.1f ms\n", n, in.edges.size(), timeMs(GraphvizLayout(), in),
                    timeMs(LayeredLayout(), in));
    }
    for (int n : {10000, 100000, 300000}) {
        LayoutInput in = chainDag(n, 2);
        std::printf("%7d nodes %7zu edges: layered %7.1f ms\n", n, in.edges.size(), timeMs(LayeredLayout(), in));
    }
    return 0;
}
