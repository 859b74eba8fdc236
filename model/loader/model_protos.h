#pragma once
// Raw protobuf access to a loaded Model for the executor and export helpers (not for views/).
// Including this header pulls in the generated protobuf headers.
//
//   const tensorflow::MetaGraphDef& mg = model->metaGraph(0);
//   const tensorflow::GraphDef& g = mg.graph_def();

#include "meta_graph.pb.h"       // IWYU pragma: export
#include "saved_model.pb.h"      // IWYU pragma: export
#include "graph.pb.h"            // IWYU pragma: export
#include "function.pb.h"         // IWYU pragma: export
#include "trackable_object_graph.pb.h"  // IWYU pragma: export
#include "model/loader/model.h"  // IWYU pragma: export
