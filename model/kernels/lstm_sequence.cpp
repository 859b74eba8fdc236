// runLstmSequence (lstm_sequence.h): the input projection for a block of steps as one packed GEMM
// with the bias as its epilogue, then per step h * U (sgemv at batch 1, the packed GEMM otherwise)
// with that block's rows added as the epilogue's residual, then the cell.
#include "model/kernels/lstm_sequence.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <vector>

#include "model/exec/kernel.h"
#include "model/kernels/lstm_cell.h"
#include "model/kernels/sgemm.h"
#include "model/kernels/sgemv.h"

namespace tfscope::kernels {

Status runLstmSequence(KernelContext& ctx, const LstmSequenceArgs& a) {
    const int64_t batch = a.batch, units = a.units, gates = 4 * units, in = a.input;
    if (a.steps <= 0 || batch <= 0 || units <= 0) return Status::OK();
    // Steps per block of the input projection: about 4 MB of pre-activations, at least one step.
    const int64_t block = std::clamp<int64_t>((int64_t(1) << 20) / (batch * gates), 1, a.steps);
    // Every element is written before it is read: no zero fill (xw is up to 4 MB).
    const std::unique_ptr<float[]> xw(new float[size_t(block * batch * gates)]);
    const std::unique_ptr<float[]> z(new float[size_t(batch * gates)]);
    const std::unique_ptr<float[]> cBuf(new float[size_t(2 * batch * units)]);
    const auto packedW = packedSgemmB(ctx, *a.kernel, in, gates, false);
    const auto packedU = batch > 1 ? packedSgemmB(ctx, *a.recurrent, units, gates, false) : nullptr;
    const float* u = dataOf<float>(*a.recurrent);
    const float* h = a.h0;
    const float* c = a.c0;
    auto cSlot = [&](int64_t t) { return t + 1 == a.steps ? a.cLast : cBuf.get() + (t % 2) * batch * units; };
    // Threads that each take a share of the batch rows (at least 8 rows each), or 1: step by step.
    const int64_t parts = std::min<int64_t>(numThreads(ctx), batch / 8);
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
        if (parts > 1) {
            // Batch rows are independent: each thread runs this block's steps on its own rows, with
            // no synchronisation between steps.
            std::atomic<bool> cancelled{false};
            parallelFor(ctx, parts, 1e9, [&](int64_t p0, int64_t p1) {
                for (int64_t p = p0; p < p1; ++p) {
                    const int64_t r0 = p * batch / parts, r1 = (p + 1) * batch / parts;
                    const float* hp = h;
                    const float* cp = c;
                    for (int64_t s = 0; s < n && !cancelled.load(std::memory_order_relaxed); ++s) {
                        const int64_t t = t0 + s;
                        if (ctx.isCancelled()) cancelled.store(true, std::memory_order_relaxed);
                        GemmEpilogue ep;
                        ep.residual = xw.get() + s * batch * gates;
                        ep.out = z.get();
                        SgemmRowsA hRows;
                        hRows.a = hp;
                        hRows.lda = units;
                        packedSgemmRows(hRows, *packedU, z.get(), gates, r0, r1, 0, gates, ep);
                        float* hNext = a.h(t);
                        float* cNext = cSlot(t);
                        lstmCellRows(z.get(), cp, units, hNext, cNext, r0, r1, units, a.gateOffset);
                        hp = hNext;
                        cp = cNext;
                    }
                }
            });
            if (cancelled.load()) return Status::cancelled("The run was cancelled.");
            h = a.h(t0 + n - 1);
            c = cSlot(t0 + n - 1);
            continue;
        }
        for (int64_t s = 0; s < n; ++s) {
            const int64_t t = t0 + s;
            if (ctx.isCancelled()) return Status::cancelled("The run was cancelled.");
            GemmEpilogue ep;
            ep.residual = xw.get() + s * batch * gates;
            ep.out = z.get();
            if (batch == 1) {
                sgemv(&ctx, h, u, z.get(), units, gates, false, ep);
            } else {
                SgemmRowsA hRows;
                hRows.a = h;
                hRows.lda = units;
                packedSgemmParallel(ctx, hRows, *packedU, z.get(), batch, ep);
            }
            float* hNext = a.h(t);
            float* cNext = cSlot(t);
            parallelFor(ctx, batch, double(units) * 12,
                        [&](int64_t r0, int64_t r1) { lstmCellRows(z.get(), c, units, hNext, cNext, r0, r1, units, a.gateOffset); });
            h = hNext;
            c = cNext;
        }
    }
    return Status::OK();
}

}  // namespace tfscope::kernels
