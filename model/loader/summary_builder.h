#pragma once
// Builds the proto-free ModelSummary from the raw protos (internal to model/loader).
//
//   m.m_summary = buildSummary(m);  // once, at the end of ModelLoader::load
//
// Object graph linking follows docs/formats.md#object-paths-and-keys (paths, escaping) and
// #linking-the-savedobjectgraph (VisitObjectsToRestore).

#include <string>
#include <vector>

#include "meta_graph.pb.h"
#include "model/loader/model_summary.h"
#include "saved_object_graph.pb.h"
#include "trackable_object_graph.pb.h"

namespace tfscope {

class Model;

ModelSummary buildSummary(const Model& model);

// assetsDir: the SavedModel's assets/ folder ("" if none) to check that asset files exist.
MetaGraphSummary summarizeMetaGraph(const tensorflow::MetaGraphDef& mg, const std::string& assetsDir);
TensorInfoSummary summarizeTensorInfo(const std::string& key, const tensorflow::TensorInfo& info);
// Op types as saved_model_cli lists them (meta_graph.ops_used_by_graph_def): graph nodes plus nodes of
// functions reached through a call op or a (Stateful)PartitionedCall `f`; function names excluded.
std::vector<std::string> opsUsedByGraph(const tensorflow::GraphDef& graph);

// `.` → `..` then `/` → `.S` (docs/formats.md#object-paths-and-keys).
std::string escapeLocalName(const std::string& name);
// BFS object paths over children edges; unreachable nodes get "".
std::vector<std::string> trackablePaths(const tensorflow::TrackableObjectGraph& graph);
std::vector<std::string> savedObjectPaths(const tensorflow::SavedObjectGraph& graph);
// Pairs (savedObjectId, trackableId) as TF's VisitObjectsToRestore visits them.
std::vector<std::pair<int, int>> linkObjectGraphs(const tensorflow::SavedObjectGraph& saved,
                                                  const tensorflow::TrackableObjectGraph& trackable);
// Either graph may be null.
ObjectGraphSummary summarizeObjectGraph(const tensorflow::SavedObjectGraph* saved,
                                        const tensorflow::TrackableObjectGraph* trackable);

std::vector<VariableSummary> collectVariables(const Model& model, const ModelSummary& summary,
                                              std::vector<std::string>* unmatchedKeys);

}  // namespace tfscope
