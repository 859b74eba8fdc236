#pragma once
// Rewrites a TF2 checkpoint's `_CHECKPOINTABLE_OBJECT_GRAPH` (a serialized TrackableObjectGraph,
// docs/formats.md#tf2-object-graph) for an export that drops or renames bundle keys, so that
// tf.train.Checkpoint(...).restore() resolves every attribute that is left:
// - an attribute whose checkpoint_key was dropped is removed (the object stays, without a value);
// - an attribute whose key was renamed gets the new key;
// - slot-variable references whose slot object lost all its attributes are removed;
// - has_checkpoint_values, where present, is recomputed (the node or something below it has values).
//
//   TFS_ASSIGN_OR_RETURN(std::string bytes, rewriteObjectGraph(old, {{"a/.ATTRIBUTES/VARIABLE_VALUE", "b/..."}}));

#include <map>
#include <string>

#include "model/status.h"

namespace tfscope {

// `kept` maps every exported source key to its exported name; keys not in it are dropped.
// Corruption "The object graph is not a valid TrackableObjectGraph." for unparsable input.
Result<std::string> rewriteObjectGraph(const std::string& serialized, const std::map<std::string, std::string>& kept);

}  // namespace tfscope
