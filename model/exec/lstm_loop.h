#pragma once
// A Keras LSTM layer's While loop run as one fused layer (model/kernels/lstm_sequence.h) instead
// of step by step: the loop the Keras 2 (tf_keras) and Keras 3 exports write for LSTM(...), whose
// body reads x_t from a TensorList with TensorListGetItem at the time counter, computes
//   z = BiasAdd(AddV2(MatMul(x_t, W), MatMul(h, U)), b)      (W, U, b: variable reads or tensors)
// and one _TfsLstmCell (the cell fusion of fusion.h must have run on the body), writes h' to the
// output list (at the time counter, or at a constant index when only the last h is kept), passes
// h' and c' on, adds 1 to each counter and passes every other variable through unchanged; whose
// condition is Less(counter, bound) or a LogicalAnd of such (bound: a loop-invariant variable or a
// constant). Nothing else may be reachable from the body's or the condition's returns.
//
//   if (lstmLoopFusionEnabled()) {
//       TFS_ASSIGN_OR_RETURN(bool ran, runFusedLstmLoop(ctx, condName, bodyName));
//       if (ran) return Status::OK();   // else run the loop as written
//   }
//
// The match is worked out once per (condition, body) pair. At run time the loop variables must
// fit too (float tensors of the expected shapes, every x_t set, indices in range, the packed GEMM
// available, at least one step); otherwise the loop runs as written, which also gives its errors.

#include <memory>
#include <string>
#include <vector>

#include "model/exec/kernel.h"

namespace tfscope::exec {

class ExecGraph;

// What the match found: the role of each loop variable (by index) and where W, U, b come from.
struct LstmLoopMatch {
    enum class Role { Invariant,
                      Counter,
                      H,
                      C,
                      Output };
    std::vector<Role> roles;
    int h = -1, c = -1, output = -1, inputs = -1, time = -1;
    int kernel = -1, recurrent = -1, bias = -1;                                          // loop variables holding W, U, b
    bool kernelIsVariable = false, recurrentIsVariable = false, biasIsVariable = false;  // a resource read in the body
    long long writeIndex = -1;                                                           // -1: h' goes to the output list at the time counter; else this index
    long long gateOffsetQuarters[4] = {0, 1, 2, 3};
    struct Bound {
        int counter = -1;  // counter < (variable `variable`, or `value` when variable < 0)
        int variable = -1;
        long long value = 0;
    };
    std::vector<Bound> bounds;
};

// The match for a condition and body (ExecGraphs of the While's functions), or null.
std::shared_ptr<const LstmLoopMatch> matchLstmLoop(const ExecGraph& cond, const ExecGraph& body);

// Runs the While node of `ctx` fused when its loop matches; false (nothing emitted) otherwise.
Result<bool> runFusedLstmLoop(KernelContext& ctx, const std::string& cond, const std::string& body);

// On unless TFSCOPE_FUSE_LSTM_LOOP=0 or TFSCOPE_OPTIMIZE=0 (then loops run step by step).
bool lstmLoopFusionEnabled();
void setLstmLoopFusionEnabled(bool enabled);
// Loops run fused so far in this process (tests).
long long fusedLstmLoopRuns();

}  // namespace tfscope::exec
