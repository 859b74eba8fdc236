// bench_run: latency of native signature runs (load once, then the median and p90 of N runs; model
// load and warm-up runs are not timed).
//
// Two modes:
//   build/bench/bench_run [models_dir] [iterations]
//       the shared real models with ramp inputs (compare: tests/oracle/bench_run_tf.py).
//   build/bench/bench_run --model DIR --inputs 'x=in.npy' [--signature serving_default] [--tags serve]
//                         [--iterations 20] [--warmup 3] [--warmup_ms 0] [--threads 0] [--outdir D]
//                         [--profile on|nodes]
//       one model, inputs as `tfscope run --inputs` reads them; prints one line
//       `median_ms M p90_ms P min_ms L load_ms D runs N` and, with --outdir, writes every output as
//       D/<key>.npy (for comparing with TensorFlow: bench/run_vs_tf.py drives this mode). With
//       --profile on, also the timed runs' kernel time per op (exec::OpProfile), largest first;
//       --profile nodes, per node.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "model/exec/model_session.h"
#include "model/exec/op_profile.h"
#include "model/exec/session.h"
#include "model/io/input_args.h"
#include "model/io/npy.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

using namespace tfscope;
using Clock = std::chrono::steady_clock;

namespace {

struct Case {
    const char* dir;
    const char* signature;
    const char* input;
    Shape shape;
};

Tensor ramp(const Shape& shape) {
    Tensor t(DType::Float, shape);
    float* p = t.mutableData<float>();
    for (int64_t i = 0; i < t.numElements(); ++i) p[i] = float(i % 97) / 97.0f;
    return t;
}

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

int sharedModels(int argc, char** argv) {
    // Default: ../shared/testdata/models next to the source tree.
    std::string here = __FILE__;
    std::string root = argc > 1 ? argv[1] : here.substr(0, here.rfind('/')) + "/../../shared/testdata/models";
    int iterations = argc > 2 ? std::max(1, std::atoi(argv[2])) : 200;
    const std::vector<Case> cases = {
        {"serving_saved_model_half_plus_two_cpu/00000123", "serving_default", "x", {64, 1}},
        {"serving_saved_model_half_plus_two_tf2_cpu/00000123", "serving_default", "x", {1}},
        {"cppflow_load_model/model", "serving_default", "input_1", {1, 5}},
        {"kotlindl_mnist1_saved_model", "serving_default", "flatten_2_input", {1, 28, 28}},
        {"kotlindl_mnist1_saved_model", "serving_default", "flatten_2_input", {256, 28, 28}},
        {"tfnet_keras_python_func_model", "serving_default", "input_1", {64, 784}},
    };
    std::printf("%-52s %-14s %10s %10s %10s\n", "model", "input", "load ms", "median ms", "p90 ms");
    for (const Case& c : cases) {
        auto t0 = Clock::now();
        auto model = ModelLoader::load(root + "/" + c.dir);
        if (!model.ok()) { std::printf("%s: %s\n", c.dir, model.status().toString().c_str()); continue; }
        auto session = exec::openModelSession(model.value(), {"serve"});
        if (!session.ok()) { std::printf("%s: %s\n", c.dir, session.status().toString().c_str()); continue; }
        double loadMs = msSince(t0);
        Tensor x = ramp(c.shape);
        std::vector<double> ms;
        for (int i = 0; i < iterations; ++i) {
            auto a = Clock::now();
            auto r = session.value()->runSignature(c.signature, {{c.input, x}});
            if (!r.ok()) { std::printf("%s: %s\n", c.dir, r.status().toString().c_str()); break; }
            ms.push_back(msSince(a));
        }
        if (ms.empty()) continue;
        std::sort(ms.begin(), ms.end());
        std::printf("%-52s %-14s %10.2f %10.3f %10.3f\n", c.dir, shapeToString(c.shape).c_str(), loadMs, ms[ms.size() / 2],
                    ms[ms.size() * 9 / 10]);
    }
    return 0;
}

struct OneModelOptions {
    std::string model, inputs, signature = "serving_default", tags = "serve", outdir;
    int iterations = 20, warmup = 3, warmupMs = 0, threads = 0;
    bool profile = false, profileNodes = false;
};

// The timed runs' kernel time by op (own time: a call's nested nodes are their own ops), largest
// first, per run: calls, ms, share of the kernel time.
void printProfile(const exec::OpProfile& profile, int runs, bool nodes) {
    const auto byOp = nodes ? profile.byNode() : profile.byOp();
    std::vector<std::pair<std::string, exec::OpProfile::Entry>> ops(byOp.begin(), byOp.end());
    std::sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) { return a.second.ms > b.second.ms; });
    double total = 0;
    for (const auto& [op, e] : ops) total += e.ms;
    std::printf("%-32s %10s %12s %7s\n", nodes ? "op node" : "op", "calls/run", "ms/run", "share");
    for (const auto& [op, e] : ops)
        std::printf("%-32s %10.1f %12.4f %6.1f%%\n", op.c_str(), double(e.calls) / runs, e.ms / runs, total > 0 ? 100.0 * e.ms / total : 0.0);
    std::printf("%-32s %10s %12.4f\n", "kernels in all", "", total / runs);
}

int fail(const std::string& message) {
    std::fprintf(stderr, "bench_run: %s\n", message.c_str());
    return 1;
}

int oneModel(const OneModelOptions& o) {
    std::vector<std::string> tags;
    std::stringstream ss(o.tags);
    for (std::string t; std::getline(ss, t, ',');)
        if (!t.empty()) tags.push_back(t);
    const auto t0 = Clock::now();
    auto model = ModelLoader::load(o.model);
    if (!model.ok()) return fail(model.status().toString());
    exec::SessionOptions so;
    so.numThreads = o.threads;
    exec::OpProfile profile;
    if (o.profile) so.profile = &profile;
    auto session = exec::openModelSession(model.value(), tags, so);
    if (!session.ok()) return fail(session.status().toString());
    const double loadMs = msSince(t0);
    auto specs = session.value()->signatureInputs(o.signature);
    if (!specs.ok()) return fail(specs.status().toString());
    std::map<std::string, DType> want;
    for (const auto& [k, spec] : specs.value()) want[k] = spec.dtype;
    auto inputs = io::parseRunInputs(o.inputs, "", "", want);
    if (!inputs.ok()) return fail(inputs.status().toString());

    // Warm-up: --warmup runs, and more until --warmup_ms have passed.
    const auto warmStart = Clock::now();
    for (int i = 0; i < o.warmup || msSince(warmStart) < o.warmupMs; ++i) {
        auto r = session.value()->runSignature(o.signature, inputs.value());
        if (!r.ok()) return fail(r.status().toString());
    }
    profile.clear();  // the timed runs only
    std::map<std::string, Tensor> last;
    std::vector<double> ms;
    for (int i = 0; i < o.iterations; ++i) {
        const auto a = Clock::now();
        auto r = session.value()->runSignature(o.signature, inputs.value());
        const double t = msSince(a);
        if (!r.ok()) return fail(r.status().toString());
        ms.push_back(t);
        if (i + 1 == o.iterations) last = std::move(r.value());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("median_ms %.3f p90_ms %.3f min_ms %.3f load_ms %.1f runs %zu\n", ms[ms.size() / 2], ms[ms.size() * 9 / 10],
                ms.front(), loadMs, ms.size());
    if (o.profile) printProfile(profile, o.iterations, o.profileNodes);
    if (!o.outdir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(o.outdir, ec);
        for (const auto& [key, t] : last) {
            Status st = io::writeNpy((std::filesystem::path(o.outdir) / (key + ".npy")).string(), t);
            if (!st.ok()) return fail(st.toString());
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::string(argv[1]).rfind("--", 0) != 0) return sharedModels(argc, argv);
    OneModelOptions o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) return fail("Option '" + flag + "' needs a value.");
        const std::string value = argv[++i];
        if (flag == "--model") o.model = value;
        else if (flag == "--inputs") o.inputs = value;
        else if (flag == "--signature") o.signature = value;
        else if (flag == "--tags") o.tags = value;
        else if (flag == "--outdir") o.outdir = value;
        else if (flag == "--iterations") o.iterations = std::max(1, std::atoi(value.c_str()));
        else if (flag == "--warmup") o.warmup = std::max(0, std::atoi(value.c_str()));
        else if (flag == "--warmup_ms") o.warmupMs = std::max(0, std::atoi(value.c_str()));
        else if (flag == "--threads") o.threads = std::max(0, std::atoi(value.c_str()));
        else if (flag == "--profile") {
            o.profile = value == "1" || value == "on" || value == "nodes";
            o.profileNodes = value == "nodes";
        } else return fail("Unknown option '" + flag + "'.");
    }
    if (o.model.empty() || o.inputs.empty()) return fail("Both '--model' and '--inputs' are required.");
    return oneModel(o);
}
