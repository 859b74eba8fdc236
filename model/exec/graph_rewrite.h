#pragma once
// What the load-time rewrite passes (fusion.h, fusion_lstm.cpp, optimize/) share: who reads each
// node of the graph being built, an endpoint's tensor name for a new NodeDef's inputs, and the
// environment switches that turn a pass off.
//
//   const NodeReaders r = readersOf(nodes, returns);
//   if (r.onlyData(x) && r.data[x].size() == 1) ...      // x feeds exactly one input, nothing else
//   if (isOp(n, {"Conv2D", "MatMul"})) ...                 // the node's op is one of these
//   stringAttr(n, "padding", "VALID")                    // a string attr, or the default
//   def->add_input(endpointName(nodes, e));              // "node" or "node:k"
//   installNode(nodes, i, std::move(def), inputs, joinedControlInputs(nodes, {i, j}), &owned);
//   Tensor perm = constValueOf(nodes, n.inputs[1]);       // a Const's values, or invalid
//
//   EnvSwitch g_pass("TFSCOPE_MY_PASS");                  // on unless the variable is "0"
//   if (g_pass.enabled()) ...

#include <atomic>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/exec/exec_graph.h"
#include "model/tensor.h"

namespace tensorflow {
class NodeDef;
}

namespace tfscope::exec {

// The NodeDefs a pass makes (the ExecGraph keeps them; its nodes point into them).
using OwnedNodeDefs = std::vector<std::unique_ptr<tensorflow::NodeDef>>;

struct NodeReaders {
    std::vector<std::vector<std::pair<int, int>>> data;  // per node: (reader, output index read)
    std::vector<int> control;                            // per node: control edges from it
    std::vector<int> returned;                           // per node: function returns of it
    // Read through data edges only: no control edge from it, not returned.
    bool onlyData(int x) const { return !control[size_t(x)] && !returned[size_t(x)]; }
};

NodeReaders readersOf(const std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns);

// Whether n's op is one of `ops` (false for a function argument).
bool isOp(const ExecNode& n, std::initializer_list<const char*> ops);
// n's string attr `name`, or `dflt` when it has none. REQUIRES: n.def.
std::string stringAttr(const ExecNode& n, const char* name, const char* dflt);

// "name" for output 0, "name:k" otherwise.
std::string endpointName(const std::vector<ExecNode>& nodes, Endpoint e);

// The control inputs of the `members` nodes, each once, in their order: a node that replaces them
// waits for what each of them waited for.
std::vector<int> joinedControlInputs(const std::vector<ExecNode>& nodes, const std::vector<int>& members);

// Puts `def` in node i's place: its input list becomes `inputs` and then `control` ("^name"), and
// node i reads them; `owned` keeps def (the node points into it).
void installNode(std::vector<ExecNode>& nodes, size_t i, std::unique_ptr<tensorflow::NodeDef> def, std::vector<Endpoint> inputs,
                 std::vector<int> control, OwnedNodeDefs* owned);

// The values of the Const that `e` is (through Identity nodes), or an invalid Tensor.
Tensor constValueOf(const std::vector<ExecNode>& nodes, Endpoint e);

// A process-wide on/off switch, read from the environment variable on first use ("0" turns it
// off) unless set() came first. Thread-safe.
class EnvSwitch {
public:
    explicit EnvSwitch(const char* variable) : m_variable(variable) {}
    bool enabled() const;
    void set(bool on) { m_state.store(on ? 1 : 0, std::memory_order_relaxed); }

private:
    const char* m_variable;
    mutable std::atomic<int> m_state{-1};  // -1: not yet read
};

}  // namespace tfscope::exec
