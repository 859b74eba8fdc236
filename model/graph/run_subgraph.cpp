#include "model/graph/run_subgraph.h"

#include <algorithm>

namespace tfscope {

std::vector<NodeId> runSubgraph(const GraphIndex& graph, std::span<const std::string> fetches, std::span<const std::string> feeds) {
    std::vector<char> fed(graph.nodeCount(), 0), seen(graph.nodeCount(), 0);
    for (const std::string& f : feeds) {
        const NodeId id = graph.find(GraphIndex::parseTensorName(f).first);
        if (id != kNoNode) fed[id] = 1;
    }
    std::vector<NodeId> stack, out;
    for (const std::string& t : fetches) {
        const NodeId id = graph.find(GraphIndex::parseTensorName(t).first);
        if (id != kNoNode && !seen[id]) {
            seen[id] = 1;
            stack.push_back(id);
        }
    }
    while (!stack.empty()) {
        const NodeId id = stack.back();
        stack.pop_back();
        out.push_back(id);
        if (fed[id]) continue;
        for (const InputRef& in : graph.inputs(id)) {
            if (in.node == kNoNode || seen[in.node]) continue;
            seen[in.node] = 1;
            stack.push_back(in.node);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace tfscope
