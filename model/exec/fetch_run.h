#pragma once
// Feeds and fetches by tensor name, as TF's `sess.run(fetches, feed_dict)`: for graphs without a
// signature (frozen GraphDefs, bare .meta files) and for intermediate tensors beside a signature's
// outputs. Only what the fetches need runs (the executor prunes), and a fed tensor cuts the graph
// there: its producer and everything only it needed do not run.
//
//   TFS_ASSIGN_OR_RETURN(auto outs, exec::runFetches(*session, {{"x:0", x}}, {"Identity:0"}));
//
// What a feed is checked against (graphTensorSpec): for a Placeholder (PlaceholderWithDefault,
// PlaceholderV2) its `dtype`, and its shape: `_output_shapes` where the node carries it (what TF
// checks old graphs' feeds against), else the `shape` attr — except that a GraphDef older than
// producer 21 wrote `shape {}` for "unknown", so there an empty shape is not taken as scalar.
// Feeds of other tensors are checked against `_output_shapes` only.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/exec/session.h"

namespace tensorflow { class GraphDef; }

namespace tfscope::exec {

// "node" -> "node:0"; "node:k" unchanged; a leading '^' is not a tensor (InvalidArgument).
Result<std::string> canonicalTensorName(std::string_view name);

// What the graph declares for tensor `name` ("node:k"): dtype (Invalid when the node does not say)
// and shape (unknownRank when it does not say). NotFound names the tensor.
Result<TensorSpec> graphTensorSpec(const tensorflow::GraphDef& graph, const std::string& name);

// InvalidArgument naming the tensor and both dtypes / shapes when `value` cannot be fed to `name`.
Status checkFeed(const tensorflow::GraphDef& graph, const std::string& name, const Tensor& value);

// The Placeholders of a graph (its inputs when it has no signature), sorted by name; a
// PlaceholderWithDefault is `optional`.
std::vector<TensorSpec> graphPlaceholders(const tensorflow::GraphDef& graph);

// What a graph without a signature probably computes, for a prefilled fetch list: the first output
// of each node that no node consumes by a data edge (summaries and training ops aside, so a loss
// counts), is not a Placeholder, constant or variable, and
// has no TensorFlow plumbing (save/restore, initialization, training, summaries: plumbing.h)
// upstream of it, by data or control edges, is not a variable's read and not in TF1's `gradients/`,
// `train/` or `save/` scopes. In graph order, at most `limit`.
std::vector<std::string> graphSinks(const tensorflow::GraphDef& graph, size_t limit = 16);

// Checks every feed (checkFeed) and runs; one output per fetch, in order. An unfed Placeholder that
// a fetch needs fails the run naming it, its dtype and shape. `ticket` and `keep` as in Session::run.
Result<std::vector<Tensor>> runFetches(Session& session, const std::vector<std::pair<std::string, Tensor>>& feeds,
                                       const std::vector<std::string>& fetches, const RunTicket* ticket = nullptr,
                                       TensorKeeper* keep = nullptr);

// Evaluate (the window): every output of node `node`, run with the feeds of signature
// `signatureKey` from `inputs` (by input key), or with `inputs` keyed by tensor name when the key is
// empty. Pairs of ("node:k", value).
Result<std::vector<std::pair<std::string, Tensor>>> evaluateNode(Session& session, const std::string& signatureKey,
                                                                 const std::map<std::string, Tensor>& inputs, const std::string& node,
                                                                 const RunTicket* ticket = nullptr);

// "dense/BiasAdd:0" -> "dense__BiasAdd_0": '/' becomes "__" and ':' becomes '_' (file names of
// `tfscope run --fetches --outdir`).
std::string fileSafeTensorName(std::string_view name);

}  // namespace tfscope::exec
