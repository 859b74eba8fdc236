#pragma once
// runSubgraph: the nodes a run executes for `fetches` when `feeds` are fed: what subgraphFor()
// reaches, except that a fed node's inputs are not followed (a fed tensor replaces its producer's
// output, as in TF's pruning). The fed nodes themselves are included (where the inputs enter).
//
//   auto nodes = runSubgraph(*index, {"y:0"}, {"x:0"});   // not what computes x (ParseExample …)

#include <span>
#include <string>
#include <vector>

#include "model/graph/graph_index.h"

namespace tfscope {

std::vector<NodeId> runSubgraph(const GraphIndex& graph, std::span<const std::string> fetches, std::span<const std::string> feeds);

}  // namespace tfscope
