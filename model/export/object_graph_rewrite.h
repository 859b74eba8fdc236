#pragma once
// Rewrites a TF2 checkpoint's `_CHECKPOINTABLE_OBJECT_GRAPH` (a serialized TrackableObjectGraph,
// docs/formats.md#tf2-object-graph) for an export that drops or renames bundle keys, so that
// tf.train.Checkpoint(...).restore() resolves every attribute that is left:
// - an attribute whose checkpoint_key was dropped is removed (the object stays, without a value);
// - an attribute whose key was renamed gets the new key;
// - slot-variable references whose slot object lost all its attributes are removed;
// - has_checkpoint_values, where present, is recomputed (the node or something below it has values).
// Without the optimizer: when none of the optimizer state (model/edit/optimizer_state.h) is
// exported, the optimizer objects are dropped from the graph with everything reachable only
// through them, the rest is renumbered in breadth-first order (slot variables last, as
// TensorFlow numbers them), and a value whose key ran through a dropped object is re-keyed under
// its remaining path as TensorFlow would key it (the first breadth-first path from the root):
// Keras 3's `optimizer/_trainable_variables/0/.ATTRIBUTES/VARIABLE_VALUE` becomes
// `model/_functional/_operations/1/_kernel/.ATTRIBUTES/VARIABLE_VALUE`. Keys renamed by the user
// keep the user's name.
//
//   TFS_ASSIGN_OR_RETURN(ObjectGraphRewrite r, rewriteObjectGraph(old, {{"a/.ATTRIBUTES/VARIABLE_VALUE", "b/..."}}));
//   r.keys.at(sourceKey)   // the key to write the value under

#include <map>
#include <string>

#include "model/status.h"

namespace tfscope {

struct ObjectGraphRewrite {
    std::string serialized;                   // the new TrackableObjectGraph
    std::map<std::string, std::string> keys;  // every kept source key -> the key it is written under
    bool droppedOptimizer = false;
};

// `kept` maps every exported source key to its exported name; keys not in it are dropped.
// Corruption "The object graph is not a valid TrackableObjectGraph." for unparsable input.
Result<ObjectGraphRewrite> rewriteObjectGraph(const std::string& serialized, const std::map<std::string, std::string>& kept);

}  // namespace tfscope
