#pragma once
// Zero padding folded into the convolution or max pooling that reads it: y = Conv2D(Pad(x, p), w)
// with VALID (or EXPLICIT) padding becomes Conv2D(x, w) with EXPLICIT padding p (added to its
// own), and MaxPool(Pad(x, p)) with VALID padding becomes _TfsZeroPaddedMaxPool(x) with p as
// explicit_paddings (model/kernels/pooling.cpp: a window that reaches into the padding also takes
// the maximum with 0, as the padded tensor's zeros give). Keras writes ZeroPadding2D layers before
// ResNet's first convolution and first pooling; the padded copy of the activations is not made.
//
// Only NHWC, padding on H and W (the batch and channel rows zero), p a constant, the constant
// value zero (Pad, or PadV2 with a constant 0), and the Pad read by nothing else. The Pad stays,
// marked absorbed: fetching it computes it, feeding it uses the unfused graph.
//
//   int folded = foldPadding(nodes, returns, &owned, &absorbed);

#include "model/exec/graph_rewrite.h"

namespace tfscope::exec {

// `absorbed` must have one entry per node. Returns the number of Pad nodes folded.
int foldPadding(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns, OwnedNodeDefs* owned,
                std::vector<char>* absorbed);

}  // namespace tfscope::exec
