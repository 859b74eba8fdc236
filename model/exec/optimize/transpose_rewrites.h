#pragma once
// Load-time rewrites around Transpose that make transposing unnecessary:
// - A pair that undoes itself: y = Transpose(Transpose(x, p), q), q the inverse of p (both
//   permutations constants), is x. Keras writes one between stacked recurrent layers: the first
//   layer's outputs go back to batch-major order, and the next layer transposes them to time-major
//   again. The second Transpose becomes an Identity of x.
// - The shape of a Transpose: Shape(Transpose(x, p)) becomes _TfsTransposedShape(x, p)
//   (model/kernels/shape_ops.cpp), x's shape permuted by p, checked as Transpose checks it. Keras
//   reads the batch size of a recurrent layer's input that way.
// The first Transpose stays for any other reader (and a run with none left does not compute it),
// marked absorbed so that a run feeding it uses the unfused graph.
//
//   int rewritten = rewriteTransposes(nodes, returns, &owned, &absorbed);

#include "model/exec/graph_rewrite.h"

namespace tfscope::exec {

// `absorbed` must have one entry per node. Returns the number of nodes rewritten.
int rewriteTransposes(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns,
                      OwnedNodeDefs* owned, std::vector<char>* absorbed);

}  // namespace tfscope::exec
