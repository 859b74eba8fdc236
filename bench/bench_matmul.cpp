// MatMul throughput: GFLOP/s of our float MatMul kernel on a thread pool of hardware_concurrency
// threads, for square sizes 512..2048 and the shapes the benchmark CNNs and MLPs produce, with the
// packed AVX2/FMA GEMM (sgemm.h) and with the Eigen contraction it replaces, against a measured
// peak estimate from a tight FMA loop (AVX2+FMA when the CPU has it, else SSE mul+add).
//
//   build-*/bench/bench_matmul
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "model/exec/kernel.h"
#include "model/kernels/sgemm.h"
#include "tests/model/kernel_test_util.h"

using namespace tfscope;
using Clock = std::chrono::steady_clock;

namespace {

__attribute__((target("avx2,fma"))) double fmaLoopAvx2(long iters) {
    __m256 a0 = _mm256_set1_ps(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
    for (long i = 0; i < iters; ++i) {
        a0 = _mm256_fmadd_ps(a0, m, c); a1 = _mm256_fmadd_ps(a1, m, c); a2 = _mm256_fmadd_ps(a2, m, c);
        a3 = _mm256_fmadd_ps(a3, m, c); a4 = _mm256_fmadd_ps(a4, m, c); a5 = _mm256_fmadd_ps(a5, m, c);
        a6 = _mm256_fmadd_ps(a6, m, c); a7 = _mm256_fmadd_ps(a7, m, c);
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                             _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
    float out[8];
    _mm256_storeu_ps(out, s);
    return double(out[0]) + iters * 8.0 * 8.0 * 2.0 * 0.0;  // keep the result alive
}

double fmaLoopSse(long iters) {
    __m128 a0 = _mm_set1_ps(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    const __m128 m = _mm_set1_ps(0.999999f), c = _mm_set1_ps(1e-7f);
    for (long i = 0; i < iters; ++i) {
        a0 = _mm_add_ps(_mm_mul_ps(a0, m), c); a1 = _mm_add_ps(_mm_mul_ps(a1, m), c);
        a2 = _mm_add_ps(_mm_mul_ps(a2, m), c); a3 = _mm_add_ps(_mm_mul_ps(a3, m), c);
        a4 = _mm_add_ps(_mm_mul_ps(a4, m), c); a5 = _mm_add_ps(_mm_mul_ps(a5, m), c);
        a6 = _mm_add_ps(_mm_mul_ps(a6, m), c); a7 = _mm_add_ps(_mm_mul_ps(a7, m), c);
    }
    float out[4];
    _mm_storeu_ps(out, _mm_add_ps(_mm_add_ps(_mm_add_ps(a0, a1), _mm_add_ps(a2, a3)), _mm_add_ps(_mm_add_ps(a4, a5), _mm_add_ps(a6, a7))));
    return double(out[0]);
}

// Peak GFLOP/s of `threads` threads each running the FMA loop.
double peakGflops(int threads, bool avx2) {
    const long iters = 50'000'000;
    const double flopsPerIter = avx2 ? 8 * 8 * 2 : 8 * 4 * 2;
    std::vector<std::thread> pool;
    std::vector<double> sink(static_cast<size_t>(threads));
    const auto t0 = Clock::now();
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] { sink[size_t(t)] = avx2 ? fmaLoopAvx2(iters) : fmaLoopSse(iters); });
    for (auto& th : pool) th.join();
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    return threads * iters * flopsPerIter / secs / 1e9 + sink[0] * 0.0;
}

}  // namespace

int main() {
    const int threads = int(std::max(1u, std::thread::hardware_concurrency()));
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const double peak = peakGflops(threads, avx2);
    std::printf("peak estimate (%s loop, %d threads): %.1f GFLOP/s\n", avx2 ? "AVX2 FMA" : "SSE mul+add", threads, peak);
    const exec::KernelDef* matmul = testing::findLibraryKernel("MatMul");
    if (!matmul) { std::printf("no MatMul kernel\n"); return 1; }
    const auto node = testing::NodeBuilder("MatMul").type("T", DType::Float).build();
    struct Case { int64_t m, k, n; const char* what; };
    const Case cases[] = {{512, 512, 512, "square"}, {1024, 1024, 1024, "square"}, {2048, 2048, 2048, "square"},
                          {32768, 27, 32, "conv 3x3x3 -> 32, 32x32 batch 32"}, {8192, 288, 64, "conv 3x3x32 -> 64, 16x16 batch 32"},
                          {12544, 576, 64, "ResNet-50 conv2 3x3x64 -> 64, batch 1"}, {49, 4608, 512, "ResNet-50 conv5 3x3x512 -> 512, batch 1"},
                          {32, 4096, 128, "dense 4096 -> 128, batch 32"},
                          {1, 784, 512, "dense 784 -> 512, batch 1"}};
    for (const bool packed : {true, false}) {
        kernels::setPackedSgemmEnabled(packed);
        std::printf("%s\n", packed ? (kernels::packedSgemmAvailable() ? "packed AVX2/FMA GEMM:" : "packed GEMM unavailable on this CPU, Eigen:")
                                   : "Eigen contraction (baseline build flags):");
        for (const Case& cs : cases) {
            Tensor a(DType::Float, {cs.m, cs.k}), b(DType::Float, {cs.k, cs.n});
            for (int64_t i = 0; i < cs.m * cs.k; ++i) a.mutableData<float>()[i] = float(i % 17) * 0.1f;
            for (int64_t i = 0; i < cs.k * cs.n; ++i) b.mutableData<float>()[i] = float(i % 13) * 0.1f;
            const double flops = 2.0 * double(cs.m) * double(cs.k) * double(cs.n);
            const int reps = std::max(3, int(std::min(200.0, 2e10 / flops)));
            double best = 1e30;
            for (int r = 0; r < reps; ++r) {
                testing::TestKernelContext ctx(node, {a, b});
                const auto t0 = Clock::now();
                Status s = matmul->compute(ctx);
                const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
                if (!s.ok()) { std::printf("%s\n", s.toString().c_str()); return 1; }
                best = std::min(best, secs);
            }
            const double gflops = flops / best / 1e9;
            std::printf("  MatMul [%5lld,%4lld]x[%4lld,%4lld]: %8.3f ms %6.1f GFLOP/s (%4.1f%% of peak)  %s\n", (long long)cs.m,
                        (long long)cs.k, (long long)cs.k, (long long)cs.n, best * 1e3, gflops, 100.0 * gflops / peak, cs.what);
        }
    }
    return 0;
}
