// MatMul throughput: GFLOP/s of our float MatMul kernel on the test thread pool (2 threads), or,
// with --serial, of the float GEMM (gemm.h) on the calling thread, for square sizes 512..2048 and the shapes the benchmark CNNs, ResNet-50 and MLPs produce,
// on each GEMM path the CPU has (sgemm.h: the packed AVX-512 and AVX2/FMA GEMMs, and the portable
// Eigen contraction), run interleaved so that a busy machine slows all paths alike. Each path is
// compared with the peak of its own width, measured with a tight loop of independent FMAs
// (AVX-512 and AVX2) or SSE mul+add (portable): one thread's best of several runs, times the
// number of threads.
//
//   build-*/bench/bench_matmul [--serial]
//   build-*/bench/bench_matmul --packed M K N [REPS] [--fill] [--cold]   (one product, B packed beforehand)
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <thread>
#include <vector>

#include "model/exec/kernel.h"
#include "model/kernels/gemm.h"
#include "model/kernels/sgemm.h"
#include "tests/model/kernel_test_util.h"

using namespace tfscope;
using kernels::SgemmIsa;
using Clock = std::chrono::steady_clock;

namespace {

// Twelve independent FMA chains per loop: more than latency x FMA units on current x86 cores.
__attribute__((target("avx512f"))) float fmaLoopAvx512(long iters) {
    __m512 a[12];
    for (__m512& x : a) x = _mm512_set1_ps(1.0f);
    const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
    for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 12
        for (__m512& x : a) x = _mm512_fmadd_ps(x, m, c);
    }
    __m512 s = a[0];
    for (int i = 1; i < 12; ++i) s = _mm512_add_ps(s, a[i]);
    float out[16];
    _mm512_storeu_ps(out, s);
    return out[0];
}

__attribute__((target("avx2,fma"))) float fmaLoopAvx2(long iters) {
    __m256 a[12];
    for (__m256& x : a) x = _mm256_set1_ps(1.0f);
    const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
    for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 12
        for (__m256& x : a) x = _mm256_fmadd_ps(x, m, c);
    }
    __m256 s = a[0];
    for (int i = 1; i < 12; ++i) s = _mm256_add_ps(s, a[i]);
    float out[8];
    _mm256_storeu_ps(out, s);
    return out[0];
}

float fmaLoopSse(long iters) {
    __m128 a[12];
    for (__m128& x : a) x = _mm_set1_ps(1.0f);
    const __m128 m = _mm_set1_ps(0.999999f), c = _mm_set1_ps(1e-7f);
    for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 12
        for (__m128& x : a) x = _mm_add_ps(_mm_mul_ps(x, m), c);
    }
    __m128 s = a[0];
    for (int i = 1; i < 12; ++i) s = _mm_add_ps(s, a[i]);
    return _mm_cvtss_f32(s);
}

// Peak GFLOP/s of `threads` threads running the loop of `isa`'s width: one thread's best of 40
// short runs, times `threads` (on a shared machine one quiet core is found far more often than
// all of them at once).
double peakGflops(int threads, SgemmIsa isa) {
    const long iters = 1'000'000;
    const int lanes = isa == SgemmIsa::Avx512 ? 16 : isa == SgemmIsa::Avx2 ? 8
                                                                           : 4;
    const double flopsPerIter = 12.0 * lanes * 2;
    double best = 0;
    float sink = 0;
    for (int run = 0; run < 40; ++run) {
        const auto t0 = Clock::now();
        sink += isa == SgemmIsa::Avx512 ? fmaLoopAvx512(iters) : isa == SgemmIsa::Avx2 ? fmaLoopAvx2(iters)
                                                                                       : fmaLoopSse(iters);
        const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        best = std::max(best, iters * flopsPerIter / secs / 1e9);
    }
    return threads * best + double(sink) * 0.0;
}

const char* pathName(SgemmIsa isa) {
    switch (isa) {
    case SgemmIsa::Avx512: return "AVX-512 8x32 GEMM";
    case SgemmIsa::Avx2: return "AVX2/FMA 6x16 GEMM";
    case SgemmIsa::Portable: return "portable (Eigen, SSE2)";
    }
    return "?";
}

// --packed M K N [REPS] [--fill] [--cold]: one product as a Session runs it, B packed once beforehand (the
// DerivedCache keeps a layer's packed weights), best of REPS; --fill builds A's blocks through the
// fill callback a convolution uses (here a copy) instead of reading A in place. --cold flushes the packed B from the caches before each product (a layer's weights at batch 1).
int packedOnly(int argc, char** argv) {
    const int64_t m = std::atoll(argv[2]), k = std::atoll(argv[3]), n = std::atoll(argv[4]);
    const int reps = argc > 5 ? std::max(1, std::atoi(argv[5])) : 30;
    bool fill = false, cold = false;
    for (int i = 6; i < argc; ++i) {
        fill = fill || std::string_view(argv[i]) == "--fill";
        cold = cold || std::string_view(argv[i]) == "--cold";
    }
    if (m <= 0 || k <= 0 || n <= 0) {
        std::printf("usage: bench_matmul --packed M K N [REPS] [--fill] [--cold]\n");
        return 2;
    }
    std::vector<float> a(size_t(m * k)), b(size_t(k * n)), c(size_t(m * n));
    for (size_t i = 0; i < a.size(); ++i) a[i] = float(i % 17) * 0.1f;
    for (size_t i = 0; i < b.size(); ++i) b[i] = float(i % 13) * 0.1f;
    const kernels::PackedSgemmB packed(b.data(), k, n, false);
    testing::TestKernelContext ctx(testing::NodeBuilder("MatMul").type("T", DType::Float).build(), {});
    kernels::SgemmRowsA rows;
    if (fill) {
        rows.fill = [&](int64_t r0, int64_t count, int64_t d0, int64_t depth, float* dst) {
            for (int64_t r = 0; r < count; ++r) std::copy_n(a.data() + (r0 + r) * k + d0, depth, dst + r * depth);
        };
    } else {
        rows.a = a.data();
        rows.lda = k;
    }
    double best = 1e30;
    for (int r = 0; r < reps; ++r) {
        if (cold) {  // B out of every cache level, as a layer's weights are in a network at batch 1
            const char* p = reinterpret_cast<const char*>(packed.data());
            for (size_t i = 0; i < packed.bytes(); i += 64) _mm_clflush(p + i);
            _mm_mfence();
        }
        const auto t0 = Clock::now();
        kernels::packedSgemmParallel(ctx, rows, packed, c.data(), m, {});
        best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::printf("[%lld,%lld]x[%lld,%lld] %s%s, %d threads, %s: %.3f ms, %.1f GFLOP/s\n", (long long)m, (long long)k, (long long)k,
                (long long)n, fill ? "A filled by blocks" : "A in place", cold ? ", B cold" : "", ctx.device().numThreads(), kernels::sgemmIsaName(kernels::sgemmIsa()),
                best * 1e3, 2.0 * double(m) * double(k) * double(n) / best / 1e9);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 5 && std::string_view(argv[1]) == "--packed") return packedOnly(argc, argv);
    const bool serial = argc > 1 && std::string_view(argv[1]) == "--serial";
    const int threads = serial ? 1 : testing::testDevice().numThreads();
    std::vector<SgemmIsa> paths;
    std::vector<double> peaks;
    for (SgemmIsa isa : {SgemmIsa::Avx512, SgemmIsa::Avx2, SgemmIsa::Portable}) {
        if (!kernels::sgemmIsaSupported(isa)) {
            std::printf("%-24s not supported by this CPU\n", pathName(isa));
            continue;
        }
        paths.push_back(isa);
        peaks.push_back(peakGflops(threads, isa));
        std::printf("%-24s peak estimate (%s loop, 1 thread x %d): %.1f GFLOP/s\n", pathName(isa),
                    isa == SgemmIsa::Portable ? "SSE mul+add" : isa == SgemmIsa::Avx2 ? "AVX2 FMA"
                                                                                      : "AVX-512 FMA",
                    threads, peaks.back());
    }
    const exec::KernelDef* matmul = testing::findLibraryKernel("MatMul");
    if (!matmul) { std::printf("no MatMul kernel\n"); return 1; }
    const auto node = testing::NodeBuilder("MatMul").type("T", DType::Float).build();
    struct Case { int64_t m, k, n; const char* what; };
    // clang-format off
    const Case cases[] = {{512, 512, 512, "square"}, {1024, 1024, 1024, "square"}, {2048, 2048, 2048, "square"},
                          {32768, 27, 32, "CNN conv 3x3x3 -> 32, 32x32 batch 32"}, {8192, 288, 64, "CNN conv 3x3x32 -> 64, 16x16 batch 32"},
                          {1024, 27, 32, "CNN conv 3x3x3 -> 32, 32x32 batch 1"}, {256, 288, 64, "CNN conv 3x3x32 -> 64, 16x16 batch 1"},
                          {12544, 147, 64, "ResNet-50 conv1 7x7x3 -> 64, batch 1"},
                          {3136, 64, 256, "ResNet-50 conv2 1x1x64 -> 256, batch 1"},
                          {3136, 576, 64, "ResNet-50 conv2 3x3x64 -> 64, batch 1"},
                          {12544, 576, 64, "ResNet-50 conv2 3x3x64 -> 64, 56x56 batch 4"},
                          {784, 1152, 128, "ResNet-50 conv3 3x3x128 -> 128, batch 1"},
                          {196, 2304, 256, "ResNet-50 conv4 3x3x256 -> 256, batch 1"},
                          {49, 4608, 512, "ResNet-50 conv5 3x3x512 -> 512, batch 1"},
                          {1, 2048, 1000, "ResNet-50 dense 2048 -> 1000, batch 1"},
                          {32, 4096, 128, "CNN dense 4096 -> 128, batch 32"},
                          {32, 784, 512, "MLP dense 784 -> 512, batch 32"},
                          {32, 512, 256, "MLP dense 512 -> 256, batch 32"},
                          {1, 784, 512, "MLP dense 784 -> 512, batch 1"},
                          {1, 512, 256, "MLP dense 512 -> 256, batch 1"}};
    // clang-format on
    std::printf("%-22s", "MatMul [m,k]x[k,n]");
    for (SgemmIsa isa : paths) std::printf(" | %-8s ms  GFLOP/s %%peak", kernels::sgemmIsaName(isa));
    std::printf(" | shape\n");
    for (const Case& cs : cases) {
        Tensor a(DType::Float, {cs.m, cs.k}), b(DType::Float, {cs.k, cs.n});
        for (int64_t i = 0; i < cs.m * cs.k; ++i) a.mutableData<float>()[i] = float(i % 17) * 0.1f;
        for (int64_t i = 0; i < cs.k * cs.n; ++i) b.mutableData<float>()[i] = float(i % 13) * 0.1f;
        const double flops = 2.0 * double(cs.m) * double(cs.k) * double(cs.n);
        const int reps = std::max(3, int(std::min(200.0, 1e10 / flops)));
        std::vector<float> c(size_t(cs.m * cs.n));
        std::vector<double> best(paths.size(), 1e30);
        for (int r = 0; r < reps; ++r)
            for (size_t p = 0; p < paths.size(); ++p) {
                kernels::setSgemmIsa(paths[p]);
                testing::TestKernelContext ctx(node, {a, b});
                const auto t0 = Clock::now();
                Status s;
                if (serial) kernels::gemmFloat(nullptr, a.data<float>(), b.data<float>(), c.data(), cs.m, cs.k, cs.n, false, false);
                else s = matmul->compute(ctx);
                const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
                if (!s.ok()) { std::printf("%s\n", s.toString().c_str()); return 1; }
                best[p] = std::min(best[p], secs);
            }
        char shape[64];
        std::snprintf(shape, sizeof shape, "[%lld,%lld]x[%lld,%lld]", (long long)cs.m, (long long)cs.k, (long long)cs.k, (long long)cs.n);
        std::printf("%-22s", shape);
        for (size_t p = 0; p < paths.size(); ++p) {
            const double gflops = flops / best[p] / 1e9;
            std::printf(" | %8.3f %8.1f %5.1f", best[p] * 1e3, gflops, 100.0 * gflops / peaks[p]);
        }
        std::printf(" | %s\n", cs.what);
    }
    kernels::setPackedSgemmEnabled(true);
    return 0;
}
