// libFuzzer target: a mutated GraphDef (binary, as frozen_graph.pb) is loaded and run the way
// `tfscope run PATH --fetches` runs it: every Placeholder fed with zeros (unknown dimensions as 1,
// at most 4096 elements), every node that nothing consumes fetched, under a 256 MiB live-tensor
// limit and a 2 s watchdog that cancels the run. Crashes, hangs past the watchdog and allocations
// the limit does not see (a shape or attribute in the file) are what this looks for.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>
#include <thread>

#include "fuzz/fuzz_util.h"
#include "graph.pb.h"
#include "meta_graph.pb.h"
#include "model/exec/fetch_run.h"
#include "model/exec/model_session.h"
#include "model/exec/session.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "node_def.pb.h"

namespace {

using namespace tfscope;

Tensor zerosFor(const exec::TensorSpec& spec) {
    Shape shape = spec.unknownRank ? Shape{1} : spec.shape;
    int64_t n = 1;
    for (auto& d : shape) {
        if (d < 0) d = 1;
        n *= d;
        if (n > 4096) return Tensor();
    }
    DType dt = spec.dtype == DType::Invalid ? DType::Float : spec.dtype;
    if (dt == DType::String) return Tensor::fromStrings(shape, std::vector<std::string>(size_t(n)));
    if (!isPod(dt)) return Tensor();
    return Tensor(dt, shape);
}

// The node an input names ("^n", "n:1" -> "n").
std::string producerOf(const std::string& input) {
    std::string s = !input.empty() && input[0] == '^' ? input.substr(1) : input;
    return s.substr(0, s.find(':'));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::scratchDir() + "/graph.pb";
    fuzz::writeFile(path, data, size);
    auto model = ModelLoader::load(path);
    if (!model.ok() || model.value()->metaGraphCount() == 0) return 0;
    exec::SessionOptions options;
    options.memoryLimitBytes = uint64_t(256) << 20;
    options.numThreads = 1;
    auto session = exec::openModelSession(model.value(), {"serve"}, options);
    if (!session.ok()) return 0;
    const auto& graph = session.value()->metaGraph().graph_def();
    std::vector<std::pair<std::string, Tensor>> feeds;
    for (const auto& spec : exec::graphPlaceholders(graph)) {
        Tensor t = zerosFor(spec);
        if (t.valid()) feeds.push_back({spec.tensorName, t});
    }
    std::set<std::string> consumed;
    for (const auto& n : graph.node())
        for (const auto& in : n.input()) consumed.insert(producerOf(in));
    std::vector<std::string> fetches;
    for (const auto& n : graph.node())
        if (!consumed.count(n.name()) && fetches.size() < 8) fetches.push_back(n.name() + ":0");
    if (fetches.empty()) return 0;
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    std::thread watchdog([&] {
        std::unique_lock<std::mutex> lock(m);
        if (!cv.wait_for(lock, std::chrono::seconds(2), [&] { return done; })) session.value()->cancel();
    });
    auto out = exec::runFetches(*session.value(), feeds, fetches);
    {
        std::lock_guard<std::mutex> lock(m);
        done = true;
    }
    cv.notify_all();
    watchdog.join();
    (void)out;
    return 0;
}
