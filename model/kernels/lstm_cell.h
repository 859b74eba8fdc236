#pragma once
// The LSTM cell's gate arithmetic on rows of pre-activations, shared by _TfsLstmCell
// (lstm_cell.cpp) and the fused recurrent layer (lstm_sequence.h):
//   h' = sigmoid(o) * tanh(c'),   c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
// with the same float operations, in the same order, as the unfused Sigmoid/Tanh/Mul/AddV2 nodes.
//
//   const int64_t gates[4] = {0 * u, 1 * u, 2 * u, 3 * u};   // offsets of i, f, g, o in a row of z
//   lstmCellRows(z, c, u, h, cNew, 0, rows, u, gates);

#include <cstdint>

namespace tfscope::kernels {

// Rows [r0, r1): z [rows, 4u]; c [rows, u] with row stride cStride (0: one row for all rows);
// h and cNew [rows, u]. gateOffset: where the i, f, g and o quarters start in a row of z.
void lstmCellRows(const float* z, const float* c, int64_t cStride, float* h, float* cNew, int64_t r0, int64_t r1, int64_t u,
                  const int64_t gateOffset[4]);
// The same with scratch space of 5 * u floats supplied (no allocation).
void lstmCellRows(const float* z, const float* c, int64_t cStride, float* h, float* cNew, int64_t r0, int64_t r1, int64_t u,
                  const int64_t gateOffset[4], float* scratch);

}  // namespace tfscope::kernels
