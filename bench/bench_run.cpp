// bench_run: latency of native signature runs on the shared real models (load once, then the median
// and p90 of N runs), e.g. `build/bench/bench_run [models_dir] [iterations]`.
// Compare with TensorFlow using tests/oracle/bench_run_tf.py on the same models and inputs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "model/exec/model_session.h"
#include "model/exec/session.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

using namespace tfscope;

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

}  // namespace

int main(int argc, char** argv) {
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
        auto t0 = std::chrono::steady_clock::now();
        auto model = ModelLoader::load(root + "/" + c.dir);
        if (!model.ok()) { std::printf("%s: %s\n", c.dir, model.status().toString().c_str()); continue; }
        auto session = exec::openModelSession(model.value(), {"serve"});
        if (!session.ok()) { std::printf("%s: %s\n", c.dir, session.status().toString().c_str()); continue; }
        double loadMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        Tensor x = ramp(c.shape);
        std::vector<double> ms;
        for (int i = 0; i < iterations; ++i) {
            auto a = std::chrono::steady_clock::now();
            auto r = session.value()->runSignature(c.signature, {{c.input, x}});
            auto b = std::chrono::steady_clock::now();
            if (!r.ok()) { std::printf("%s: %s\n", c.dir, r.status().toString().c_str()); break; }
            ms.push_back(std::chrono::duration<double, std::milli>(b - a).count());
        }
        if (ms.empty()) continue;
        std::sort(ms.begin(), ms.end());
        std::printf("%-52s %-14s %10.2f %10.3f %10.3f\n", c.dir, shapeToString(c.shape).c_str(), loadMs, ms[ms.size() / 2],
                    ms[ms.size() * 9 / 10]);
    }
    return 0;
}
