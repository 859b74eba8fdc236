// runLstmSequence (lstm_sequence.h), in one of three ways:
// - batch >= 8 and [W; U] up to 1 MiB: the batch rows in shares of at least 8 (two per thread
//   where possible); a thread runs every step on its share: [x_t, h] times the stacked weights
//   [W; U] (packed once, kept in the derived cache) with the bias as the epilogue, then the cell.
//   Rows are independent, so the threads never wait for each other, and the weights stay in cache.
// - batch >= 8, larger weights: the input projection x_t * W + b for a block of steps as one packed
//   GEMM first, then the shares as above, each step h * U with the step's projected rows added as
//   the epilogue's residual.
// - otherwise (batch 1 above all): the projection of a block up front as above, then a step is
//   split into chunks of 64 units; a chunk multiplies h by the columns of its units' four gates (U
//   rearranged once into one contiguous panel per chunk, kept in the derived cache) and runs the
//   cell on those units. Threads take (step, chunk) tickets in order and a chunk waits only until
//   every chunk of the step before is done, so a step costs a spin on one counter instead of a
//   thread-pool round trip, and one thread alone still finishes.
#include "model/kernels/lstm_sequence.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "model/exec/derived_cache.h"
#include "model/exec/kernel.h"
#include "model/kernels/isa_target.h"
#include "model/kernels/lstm_cell.h"
#include "model/kernels/sgemm.h"

namespace tfscope::kernels {
namespace {

constexpr int64_t kChunk = 64;          // units per chunk of a step
constexpr int64_t kPanel = 4 * kChunk;  // columns of U per chunk: its units in each of the 4 gates
// Stacked weights [W; U] up to this size (they stay in L2 from step to step) make one product per
// step; larger ones, the input projection of a block of steps up front.
std::atomic<uint64_t> g_stackedMaxBytes{uint64_t(1) << 20};

// U [units, 4 * units] as one panel per chunk: panel c is [units][kPanel], column q * kChunk + j
// holding U's column q * units + c * kChunk + j (zero past the last unit).
std::shared_ptr<const std::vector<float>> recurrentPanels(KernelContext& ctx, const Tensor& recurrent, int64_t units) {
    static constexpr const char* kKind = "lstm_sequence.recurrent_panels";
    exec::DerivedCache* cache = ctx.derivedCache();
    if (cache)
        if (auto hit = cache->find(recurrent, kKind)) return std::static_pointer_cast<const std::vector<float>>(hit);
    const int64_t chunks = (units + kChunk - 1) / kChunk;
    auto panels = std::make_shared<std::vector<float>>(size_t(chunks * units * kPanel), 0.0f);
    const float* u = recurrent.data<float>();
    for (int64_t c = 0; c < chunks; ++c)
        for (int64_t r = 0; r < units; ++r)
            for (int64_t q = 0; q < 4; ++q)
                for (int64_t j = 0; j < kChunk && c * kChunk + j < units; ++j)
                    (*panels)[size_t((c * units + r) * kPanel + q * kChunk + j)] = u[r * 4 * units + q * units + c * kChunk + j];
    if (cache) cache->insert(recurrent, kKind, panels, panels->size() * sizeof(float));
    return panels;
}

// sums[kPanel] = h[k] * panel [k][kPanel], the sums in registers while the panel streams by.
kAvx512 void panelProduct512(const float* h, const float* panel, int64_t k, float* sums) {
    constexpr int kVec = int(kPanel / 16);
    __m512 s[kVec];
    // Unrolled so that the sums live in registers (GCC keeps a looped-over array in memory).
#pragma GCC unroll 16
    for (int v = 0; v < kVec; ++v) s[v] = _mm512_setzero_ps();
    for (int64_t r = 0; r < k; ++r) {
        const __m512 x = _mm512_set1_ps(h[r]);
#pragma GCC unroll 16
        for (int v = 0; v < kVec; ++v) s[v] = _mm512_fmadd_ps(x, _mm512_loadu_ps(panel + r * kPanel + 16 * v), s[v]);
    }
#pragma GCC unroll 16
    for (int v = 0; v < kVec; ++v) _mm512_storeu_ps(sums + 16 * v, s[v]);
}

kAvx2 void panelProduct(const float* h, const float* panel, int64_t k, float* sums) {
    for (int64_t part = 0; part < kPanel; part += 64) {  // 64 columns at a time: 8 of the 16 registers
        __m256 s[8];
#pragma GCC unroll 8
        for (int v = 0; v < 8; ++v) s[v] = _mm256_setzero_ps();
        const float* b = panel + part;
        for (int64_t r = 0; r < k; ++r) {
            const __m256 x = _mm256_broadcast_ss(h + r);
#pragma GCC unroll 8
            for (int v = 0; v < 8; ++v) s[v] = _mm256_fmadd_ps(x, _mm256_loadu_ps(b + r * kPanel + 8 * v), s[v]);
        }
#pragma GCC unroll 8
        for (int v = 0; v < 8; ++v) _mm256_storeu_ps(sums + part + 8 * v, s[v]);
    }
}

// [W; U] ([input + units, 4 * units]: x_t and h side by side multiply it in one product) packed,
// kept in the derived cache under W with the U it was made from (a hit needs the same U storage).
struct StackedWeights {
    Tensor recurrent;
    std::unique_ptr<PackedSgemmB> packed;
};

std::shared_ptr<const StackedWeights> stackedWeights(KernelContext& ctx, const Tensor& kernel, const Tensor& recurrent, int64_t in,
                                                     int64_t units) {
    static constexpr const char* kKind = "lstm_sequence.stacked_weights";
    exec::DerivedCache* cache = ctx.derivedCache();
    if (cache)
        if (auto hit = std::static_pointer_cast<const StackedWeights>(cache->find(kernel, kKind));
            hit && hit->recurrent.storageId() == recurrent.storageId() && hit->recurrent.shape() == recurrent.shape())
            return hit;
    const int64_t gates = 4 * units;
    std::vector<float> stacked(size_t((in + units) * gates));
    std::copy_n(kernel.data<float>(), in * gates, stacked.begin());
    std::copy_n(recurrent.data<float>(), units * gates, stacked.begin() + in * gates);
    auto value = std::make_shared<StackedWeights>();
    value->recurrent = recurrent;
    value->packed = std::make_unique<PackedSgemmB>(stacked.data(), in + units, gates, false);
    if (cache) cache->insert(kernel, kKind, value, value->packed->bytes());
    return value;
}

// Waits until `counter` reaches `target`: spins, then yields (the other thread may be descheduled).
void waitFor(const std::atomic<int64_t>& counter, int64_t target) {
    for (int spins = 0; counter.load(std::memory_order_acquire) < target; ++spins) {
        if (spins < 2000) _mm_pause();
        else std::this_thread::yield();
    }
}

// Steps t0 .. t0 + n - 1 of the rows in `parts` shares, a share per parallelFor chunk: each step
// computes the share's pre-activations z (product(t, s, h_{t-1}, r0, r1, z): rows r0..r1 of z) and
// runs the cell on them. Rows are independent, so the threads never wait for each other.
template <typename Product>
void runRowShares(KernelContext& ctx, const LstmSequenceArgs& a, int64_t parts, int64_t t0, int64_t n, const float* h, const float* c,
                  const std::function<float*(int64_t)>& cSlot, std::atomic<bool>& cancelled, const Product& product) {
    const int64_t batch = a.batch, units = a.units;
    parallelFor(ctx, parts, 1e9, [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p) {
            const int64_t r0 = p * batch / parts, r1 = (p + 1) * batch / parts;
            std::vector<float> z(size_t(batch * 4 * units)), scratch(size_t(5 * units));  // rows r0..r1 used
            const float* hp = h;
            const float* cp = c;
            for (int64_t s = 0; s < n && !cancelled.load(std::memory_order_relaxed); ++s) {
                const int64_t t = t0 + s;
                if (ctx.isCancelled()) cancelled.store(true, std::memory_order_relaxed);
                product(t, s, hp, r0, r1, z.data());
                float* hNext = a.h(t);
                float* cNext = cSlot(t);
                lstmCellRows(z.data(), cp, units, hNext, cNext, r0, r1, units, a.gateOffset, scratch.data());
                hp = hNext;
                cp = cNext;
            }
        }
    });
}

}  // namespace

Status runLstmSequence(KernelContext& ctx, const LstmSequenceArgs& a) {
    const int64_t batch = a.batch, units = a.units, gates = 4 * units, in = a.input;
    if (a.steps <= 0 || batch <= 0 || units <= 0) return Status::OK();
    const std::unique_ptr<float[]> cBuf(new float[size_t(2 * batch * units)]);
    const std::function<float*(int64_t)> cSlot = [&](int64_t t) { return t + 1 == a.steps ? a.cLast : cBuf.get() + (t % 2) * batch * units; };
    std::atomic<bool> cancelled{false};
    auto outcome = [&] { return cancelled.load() ? Status::cancelled("The run was cancelled.") : Status::OK(); };
    const int threads = numThreads(ctx);
    // From 8 rows on, threads that each take a share of the batch rows (8 at least); else chunks of units.
    const bool byRows = batch >= 8;
    // Two shares per thread where the rows allow: a thread that starts late (a busy machine) then
    // finds less to do instead of holding the others up (parallelFor hands shares out in turn).
    const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(2 * threads, batch / 8));
    if (byRows && uint64_t(in + units) * uint64_t(gates) * sizeof(float) <= g_stackedMaxBytes.load(std::memory_order_relaxed)) {
        // One product per step: [x_t, h] * [W; U] + b.
        const auto stacked = stackedWeights(ctx, *a.kernel, *a.recurrent, in, units);
        GemmEpilogue withBias;
        withBias.bias = a.bias;
        runRowShares(ctx, a, parts, 0, a.steps, a.h0, a.c0, cSlot, cancelled,
                     [&](int64_t t, int64_t, const float* hp, int64_t r0, int64_t r1, float* z) {
                         const float* xt = a.x(t);
                         SgemmRowsA rows;
                         rows.fill = [&](int64_t q0, int64_t count, int64_t d0, int64_t depth, float* dst) {
                             const int64_t d1 = d0 + depth, split = std::clamp(in, d0, d1);
                             for (int64_t r = q0; r < q0 + count; ++r) {
                                 float* o = dst + (r - q0) * depth;
                                 std::copy(xt + r * in + d0, xt + r * in + split, o);
                                 std::copy(hp + r * units + (split - in), hp + r * units + (d1 - in), o + (split - d0));
                             }
                         };
                         packedSgemmRows(rows, *stacked->packed, z, gates, r0, r1, 0, gates, withBias);
                     });
        return outcome();
    }
    // Steps per block of the input projection: about 4 MB of pre-activations, at least one step.
    const int64_t block = std::clamp<int64_t>((int64_t(1) << 20) / (batch * gates), 1, a.steps);
    // Every element is written before it is read: no zero fill (xw is up to 4 MB).
    const std::unique_ptr<float[]> xw(new float[size_t(block * batch * gates)]);
    const auto packedW = packedSgemmB(ctx, *a.kernel, in, gates, false);
    const auto packedU = byRows ? packedSgemmB(ctx, *a.recurrent, units, gates, false) : nullptr;
    const auto panels = byRows ? nullptr : recurrentPanels(ctx, *a.recurrent, units);
    const bool wide = sgemmIsa() == SgemmIsa::Avx512;
    const int64_t chunks = (units + kChunk - 1) / kChunk;
    int64_t chunkGates[4];  // where the i, f, g, o gates start in a chunk's pre-activations
    for (int k = 0; k < 4; ++k) chunkGates[k] = a.gateOffset[k] / units * kChunk;
    const float* h = a.h0;
    const float* c = a.c0;
    for (int64_t t0 = 0; t0 < a.steps; t0 += block) {
        const int64_t n = std::min(block, a.steps - t0);
        SgemmRowsA rows;
        rows.fill = [&](int64_t r0, int64_t count, int64_t d0, int64_t depth, float* dst) {
            for (int64_t r = r0; r < r0 + count; ++r) {
                const float* src = a.x(t0 + r / batch) + (r % batch) * in + d0;
                std::copy(src, src + depth, dst + (r - r0) * depth);
            }
        };
        GemmEpilogue withBias;
        withBias.bias = a.bias;
        packedSgemmParallel(ctx, rows, *packedW, xw.get(), n * batch, withBias);
        const float* hBlock = h;
        const float* cBlock = c;
        if (byRows) {
            // h * U, with the step's projected rows added as the epilogue's residual.
            runRowShares(ctx, a, parts, t0, n, hBlock, cBlock, cSlot, cancelled,
                         [&](int64_t, int64_t s, const float* hp, int64_t r0, int64_t r1, float* z) {
                             GemmEpilogue ep;
                             ep.residual = xw.get() + s * batch * gates;
                             ep.out = z;
                             SgemmRowsA hRows;
                             hRows.a = hp;
                             hRows.lda = units;
                             packedSgemmRows(hRows, *packedU, z, gates, r0, r1, 0, gates, ep);
                         });
        } else {
            // Ticket s * chunks + q is chunk q of step s; steps go in order, chunks of one step in any order.
            const int64_t tickets = n * chunks;
            std::atomic<int64_t> next{0}, done{0};
            parallelFor(ctx, std::min<int64_t>(threads, chunks), 1e9, [&](int64_t, int64_t) {
                float sums[kPanel], z[kPanel];
                std::vector<float> scratch(size_t(5 * kChunk));
                for (int64_t ticket; (ticket = next.fetch_add(1, std::memory_order_relaxed)) < tickets;) {
                    const int64_t s = ticket / chunks, q = ticket % chunks, t = t0 + s;
                    waitFor(done, s * chunks);  // every chunk of step s - 1
                    if (q == 0 && ctx.isCancelled()) cancelled.store(true, std::memory_order_relaxed);
                    if (!cancelled.load(std::memory_order_relaxed)) {
                        const float* hPrev = s == 0 ? hBlock : a.h(t - 1);
                        const float* cPrev = s == 0 ? cBlock : cSlot(t - 1);
                        const int64_t u0 = q * kChunk, count = std::min(kChunk, units - u0);
                        for (int64_t r = 0; r < batch; ++r) {
                            const float* panel = panels->data() + q * units * kPanel;
                            if (wide) panelProduct512(hPrev + r * units, panel, units, sums);
                            else panelProduct(hPrev + r * units, panel, units, sums);
                            const float* x = xw.get() + (s * batch + r) * gates;
                            for (int64_t g = 0; g < 4; ++g)
                                for (int64_t j = 0; j < count; ++j) z[g * kChunk + j] = sums[g * kChunk + j] + x[g * units + u0 + j];
                            lstmCellRows(z, cPrev + r * units + u0, 0, a.h(t) + r * units + u0, cSlot(t) + r * units + u0, 0, 1, count,
                                         chunkGates, scratch.data());
                        }
                    }
                    done.fetch_add(1, std::memory_order_release);
                }
            });
        }
        if (cancelled.load()) return Status::cancelled("The run was cancelled.");
        h = a.h(t0 + n - 1);
        c = cSlot(t0 + n - 1);
    }
    return Status::OK();
}

void setLstmStackedMaxBytes(uint64_t bytes) { g_stackedMaxBytes.store(bytes, std::memory_order_relaxed); }

}  // namespace tfscope::kernels
