#pragma once
// Which parts of a TF2 checkpoint are optimizer state, decided from its object graph
// (`_CHECKPOINTABLE_OBJECT_GRAPH`), never from key prefixes: Keras 3 keys the model's own weights
// under the optimizer (`optimizer/_trainable_variables/0/.ATTRIBUTES/VARIABLE_VALUE`) because the
// optimizer is reached first in TensorFlow's breadth-first walk from the root.
//
// - An optimizer is an object that holds slot variables (Keras 2 OptimizerV2, `.OPTIMIZER_SLOT`
//   keys), an object reached through an edge named `optimizer` (tf.train.Checkpoint(optimizer=...)
//   and a compiled Keras model's `optimizer`), or an object with both `_iterations` and
//   `_variables` children (Keras 3 and tf-keras optimizers).
// - Optimizer state is every object that is reachable from the root only through an optimizer
//   (its iterations, learning rate, moments, `_variables/N`), plus the optimizers' slot variables.
//   Objects also reachable another way (the model's weights listed in `_trainable_variables`) are
//   not state.
//
//   OptimizerState s = findOptimizerState(graph);
//   if (s.stateKeys.count(key)) ...        // drop it with "without optimizer slots"
//
// The same walk gives each object's path as TensorFlow keys it (trackableObjectPaths), with or
// without the optimizers (see model/export/object_graph_rewrite.h).

#include <set>
#include <string>
#include <vector>

#include "model/status.h"

namespace tensorflow { class TrackableObjectGraph; }

namespace tfscope {

struct OptimizerState {
    std::vector<bool> optimizer;      // per node: an optimizer object
    std::vector<bool> state;          // per node: optimizer state (the optimizers included)
    std::set<std::string> stateKeys;  // checkpoint keys of the state nodes' attributes
    bool any() const { return !stateKeys.empty(); }
};

OptimizerState findOptimizerState(const tensorflow::TrackableObjectGraph& graph);
// Parses a serialized TrackableObjectGraph first; Corruption when it is not one.
Result<OptimizerState> findOptimizerState(const std::string& serializedGraph);

// Object paths as TensorFlow derives checkpoint keys: the first path in breadth-first order from
// node 0, children in stored order, local names escaped ('.' -> "..", '/' -> ".S"); nodes in
// `skip` are not entered. A slot variable without a child path gets
// "<variable path>/.OPTIMIZER_SLOT/<optimizer path>/<slot name>". Unreached nodes get "" and
// reached[id] false.
struct TrackablePaths {
    std::vector<std::string> path;
    std::vector<bool> reached;
    std::vector<int> bfsOrder;        // child-reached nodes in visiting order (slot nodes not included)
};
TrackablePaths trackableObjectPaths(const tensorflow::TrackableObjectGraph& graph, const std::vector<bool>& skip = {});

}  // namespace tfscope
