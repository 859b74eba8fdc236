// bench_graph: a synthetic 100,000-node GraphDef in nested name scopes, written to a temp file,
// then timed: parse, GraphIndex build (incl. name-scope tree), lookups, a signature subgraph, the
// whole ModelLoader::load; and peak RSS.
//   build/bench/bench_graph [nodes]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>

#include "graph.pb.h"
#include "model/graph/graph_index.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "model/loader/proto_io.h"

using namespace tfscope;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

long peakRssKb() {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

// block_i/layer_j/unit_k/{op}: 4 levels of scopes, each node reads the previous two nodes and
// every 100th node has a control input.
tensorflow::GraphDef makeGraph(int n) {
    tensorflow::GraphDef g;
    g.mutable_versions()->set_producer(1000);
    static const char* kOps[] = {"MatMul", "AddV2", "Relu", "Mul", "Identity", "Const"};
    for (int i = 0; i < n; ++i) {
        auto* node = g.add_node();
        int unit = i / 5, layer = unit / 10, block = layer / 20;
        node->set_name("block_" + std::to_string(block) + "/layer_" + std::to_string(layer % 20) + "/unit_" +
                       std::to_string(unit % 10) + "/op_" + std::to_string(i % 5));
        node->set_op(kOps[i % 6]);
        node->set_device("/device:CPU:0");
        if (i >= 1) node->add_input(g.node(i - 1).name());
        if (i >= 2) node->add_input(g.node(i - 2).name() + ":0");
        if (i % 100 == 99) node->add_input("^" + g.node(i - 50).name());
        (*node->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
    }
    return g;
}

}  // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
    const auto path = std::filesystem::temp_directory_path() / "tfscope_bench_graph.pb";
    {
        auto t0 = Clock::now();
        tensorflow::GraphDef g = makeGraph(n);
        std::ofstream out(path, std::ios::binary);
        g.SerializeToOstream(&out);
        std::printf("generate+write: %.1f ms (%d nodes)\n", ms(t0, Clock::now()), n);
    }
    std::printf("file size: %.1f MB\n", std::filesystem::file_size(path) / 1e6);
    const long rssBefore = peakRssKb();

    auto t0 = Clock::now();
    auto graph = std::make_shared<tensorflow::GraphDef>();
    Status st = readBinaryProto(path.string(), *graph);
    auto t1 = Clock::now();
    if (!st.ok()) {
        std::fprintf(stderr, "%s\n", st.toString().c_str());
        return 1;
    }
    auto index = GraphIndex::build(graph);
    auto t2 = Clock::now();
    if (!index.ok()) return 1;
    const GraphIndex& g = **index;
    std::printf("parse: %.1f ms\n", ms(t0, t1));
    std::printf("GraphIndex::build (names, edges, consumers, scope tree): %.1f ms\n", ms(t1, t2));
    std::printf("scopes: %zu, top-level: %zu\n", g.scopes().size(), g.scopes()[0].childScopes.size());

    auto t3 = Clock::now();
    int64_t found = 0;
    for (int i = 0; i < n; i += 7) found += g.find(g.name(i)) == i;
    auto t4 = Clock::now();
    std::printf("find x%lld: %.1f ms (%.0f ns each)\n", static_cast<long long>(found), ms(t3, t4),
                ms(t3, t4) * 1e6 / std::max<int64_t>(found, 1));
    std::vector<std::string> outs{std::string(g.name(n - 1)) + ":0"};
    auto sub = g.subgraphFor(outs);
    auto t5 = Clock::now();
    std::printf("subgraphFor(last node): %zu nodes in %.1f ms\n", sub.size(), ms(t4, t5));
    std::printf("peak RSS after parse+index: %.1f MB (before: %.1f MB)\n", peakRssKb() / 1024.0, rssBefore / 1024.0);

    auto t6 = Clock::now();
    auto model = ModelLoader::load(path.string());
    auto t7 = Clock::now();
    if (!model.ok()) {
        std::fprintf(stderr, "%s\n", model.status().toString().c_str());
        return 1;
    }
    std::printf("ModelLoader::load (detect+parse+index+summary): %.1f ms\n", ms(t6, t7));
    std::printf("peak RSS: %.1f MB\n", peakRssKb() / 1024.0);
    std::filesystem::remove(path);
    return 0;
}
