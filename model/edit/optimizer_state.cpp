#include "model/edit/optimizer_state.h"

#include <deque>

#include "model/loader/summary_builder.h"
#include "trackable_object_graph.pb.h"

namespace tfscope {
namespace {

bool valid(int id, int n) { return id >= 0 && id < n; }

}  // namespace

TrackablePaths trackableObjectPaths(const tensorflow::TrackableObjectGraph& g, const std::vector<bool>& skip) {
    const int n = g.nodes_size();
    TrackablePaths out;
    out.path.assign(size_t(n), std::string());
    out.reached.assign(size_t(n), false);
    auto skipped = [&](int id) { return size_t(id) < skip.size() && skip[size_t(id)]; };
    if (n == 0 || skipped(0)) return out;
    std::deque<int> queue{0};
    out.reached[0] = true;
    while (!queue.empty()) {
        const int id = queue.front();
        queue.pop_front();
        out.bfsOrder.push_back(id);
        for (const auto& c : g.nodes(id).children()) {
            const int child = c.node_id();
            if (!valid(child, n) || out.reached[size_t(child)] || skipped(child)) continue;
            out.reached[size_t(child)] = true;
            const std::string esc = escapeLocalName(c.local_name());
            out.path[size_t(child)] = out.path[size_t(id)].empty() ? esc : out.path[size_t(id)] + "/" + esc;
            queue.push_back(child);
        }
    }
    // Slot variables are keyed under their variable and optimizer (only when both are reached).
    for (int opt = 0; opt < n; ++opt) {
        if (!out.reached[size_t(opt)]) continue;
        for (const auto& s : g.nodes(opt).slot_variables()) {
            const int var = s.original_variable_node_id(), slot = s.slot_variable_node_id();
            if (!valid(var, n) || !valid(slot, n) || !out.reached[size_t(var)] || out.reached[size_t(slot)] || skipped(slot))
                continue;
            out.reached[size_t(slot)] = true;
            out.path[size_t(slot)] =
                out.path[size_t(var)] + "/.OPTIMIZER_SLOT/" + out.path[size_t(opt)] + "/" + escapeLocalName(s.slot_name());
        }
    }
    return out;
}

OptimizerState findOptimizerState(const tensorflow::TrackableObjectGraph& g) {
    const int n = g.nodes_size();
    OptimizerState s;
    s.optimizer.assign(size_t(n), false);
    s.state.assign(size_t(n), false);
    for (int id = 0; id < n; ++id) {
        const auto& node = g.nodes(id);
        if (node.slot_variables_size() > 0) s.optimizer[size_t(id)] = true;
        bool iterations = false, variables = false;
        for (const auto& c : node.children()) {
            if (c.local_name() == "_iterations") iterations = true;
            if (c.local_name() == "_variables") variables = true;
            if ((c.local_name() == "optimizer" || c.local_name() == "inner_optimizer") && valid(c.node_id(), n) && c.node_id() != 0)
                s.optimizer[size_t(c.node_id())] = true;
        }
        if (iterations && variables && id != 0) s.optimizer[size_t(id)] = true;
    }
    bool anyOptimizer = false;
    for (bool b : s.optimizer) anyOptimizer = anyOptimizer || b;
    if (!anyOptimizer) return s;
    // Everything reachable with the optimizers, minus what stays reachable without them.
    const TrackablePaths all = trackableObjectPaths(g);
    const TrackablePaths without = trackableObjectPaths(g, s.optimizer);
    for (int id = 0; id < n; ++id) {
        if (!all.reached[size_t(id)] || without.reached[size_t(id)]) continue;
        s.state[size_t(id)] = true;
        for (const auto& a : g.nodes(id).attributes()) s.stateKeys.insert(a.checkpoint_key());
    }
    return s;
}

Result<OptimizerState> findOptimizerState(const std::string& serializedGraph) {
    tensorflow::TrackableObjectGraph g;
    if (!g.ParseFromString(serializedGraph)) return Status::corruption("The object graph is not a valid TrackableObjectGraph.");
    return findOptimizerState(g);
}

}  // namespace tfscope
