// MatMul throughput: GFLOP/s of our float MatMul kernel (Eigen contraction on a thread pool of
// hardware_concurrency threads) for square sizes 512..2048, against a measured peak estimate from
// a tight FMA loop (AVX2+FMA when the CPU has it, else SSE mul+add) on the same number of threads.
// With the default -march, Eigen's contraction uses SSE only; configure with -DTFSCOPE_NATIVE_GEMM=ON
// to build gemm.cpp for the build machine's CPU (about 2x faster where AVX2/FMA exist).
//
//   build-*/bench/bench_matmul
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "model/exec/kernel.h"
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
    std::printf("(the GEMM uses AVX2/FMA only if model/kernels/gemm.cpp was built for it: TFSCOPE_NATIVE_GEMM=ON)\n");
    const exec::KernelDef* matmul = testing::findLibraryKernel("MatMul");
    if (!matmul) { std::printf("no MatMul kernel\n"); return 1; }
    const auto node = testing::NodeBuilder("MatMul").type("T", DType::Float).build();
    for (int64_t n : {512, 1024, 2048}) {
        Tensor a(DType::Float, {n, n}), b(DType::Float, {n, n});
        for (int64_t i = 0; i < n * n; ++i) {
            a.mutableData<float>()[i] = float(i % 17) * 0.1f;
            b.mutableData<float>()[i] = float(i % 13) * 0.1f;
        }
        double best = 1e30;
        const int reps = n >= 2048 ? 2 : 4;
        for (int r = 0; r < reps; ++r) {
            testing::TestKernelContext ctx(node, {a, b});
            const auto t0 = Clock::now();
            Status s = matmul->compute(ctx);
            const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
            if (!s.ok()) { std::printf("%s\n", s.toString().c_str()); return 1; }
            best = std::min(best, secs);
        }
        const double gflops = 2.0 * double(n) * double(n) * double(n) / best / 1e9;
        std::printf("MatMul %4lldx%-4lld float: %7.1f ms  %6.1f GFLOP/s  (%4.1f%% of peak)\n", (long long)n, (long long)n,
                    best * 1e3, gflops, 100.0 * gflops / peak);
    }
    return 0;
}
