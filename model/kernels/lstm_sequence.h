#pragma once
// A whole LSTM layer over a sequence in one call: what a Keras LSTM's While loop computes step by
// step (model/exec/lstm_loop.h recognises the loop). For t = 0 .. steps-1:
//   z_t = x_t * W + h_{t-1} * U + b,   (h_t, c_t) = the cell's gate arithmetic on z_t (lstm_cell.h)
// From a batch of 8 rows on, with weights that fit the cache, each step is one product
// [x_t, h] * [W; U] (stacked and packed once); otherwise the input projection x_t * W of all steps
// is one GEMM (in blocks of steps while they fit the cache), done before the recurrence, and each
// step only multiplies h by U, which is packed once.
//
//   LstmSequenceArgs a;  a.x = rowsOfStep; a.steps = T; a.batch = B; ...
//   TFS_RETURN_IF_ERROR(runLstmSequence(ctx, a));
//
// REQUIRES: packedSgemmAvailable() (sgemm.h); the caller runs the loop as written otherwise.

#include <cstdint>
#include <functional>

#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

struct LstmSequenceArgs {
    int64_t steps = 0, batch = 0, input = 0, units = 0;
    std::function<const float*(int64_t t)> x;  // step t's input rows [batch, input]
    const Tensor* kernel = nullptr;            // W [input, 4 * units], float
    const Tensor* recurrent = nullptr;         // U [units, 4 * units], float
    const float* bias = nullptr;               // b [4 * units]
    const float* h0 = nullptr;                 // [batch, units]
    const float* c0 = nullptr;                 // [batch, units]
    int64_t gateOffset[4] = {0, 0, 0, 0};      // where i, f, g, o start in a row of z
    std::function<float*(int64_t t)> h;        // where h_t goes ([batch, units]; read back by step t + 1)
    float* cLast = nullptr;                    // c after the last step [batch, units]
};

// Cancelled() is checked between steps.
Status runLstmSequence(KernelContext& ctx, const LstmSequenceArgs& a);

// The largest stacked weights [W; U] (in bytes) that make one product per step at a batch of 8 or
// more; 1 MiB unless set (tests set 0 to take the projection-first path on small layers).
void setLstmStackedMaxBytes(uint64_t bytes);

}  // namespace tfscope::kernels
