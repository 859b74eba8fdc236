#pragma once
// ExecGraph: a GraphDef or a FunctionDef body resolved for execution: node inputs parsed into
// (node, flat output) endpoints and control inputs, function arguments as pseudo-nodes, returns
// as endpoints. Built once and shared read-only by every run.
//
//   TFS_ASSIGN_OR_RETURN(auto g, ExecGraph::fromGraphDef(metaGraph.graph_def(), &library));
//   TFS_ASSIGN_OR_RETURN(Endpoint y, g->endpoint("y:0"));
//
// Input naming: GraphDef `node`, `node:k`, `^node`; FunctionDef `arg`, `node:out_arg:idx`, `^node`
// (docs/formats.md#function-library), where idx counts within the output arg and is mapped to a flat index.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/status.h"

namespace tensorflow { class GraphDef; class FunctionDef; class NodeDef; class FunctionDefLibrary; class OpDef; }

namespace tfscope::exec {

class FunctionLibrary;
struct KernelDef;
bool kernelFusionEnabled();  // model/exec/fusion.h

struct Endpoint {
    int node = -1;
    int output = 0;
    bool operator==(const Endpoint& o) const { return node == o.node && output == o.output; }
};

struct ExecNode {
    const tensorflow::NodeDef* def = nullptr;  // null for a function argument
    std::string name;
    int argIndex = -1;                         // >= 0: the function argument it stands for
    std::vector<Endpoint> inputs;              // data inputs
    std::vector<int> controlInputs;
    int numOutputs = 1;
    bool knownOutputs = false;                 // numOutputs is exact (op table or function signature)
};

class ExecGraph {
public:
    // `library` may be null (then nodes whose op is a function are unknown ops). With `fuse`, chains
    // such as Conv2D -> BiasAdd -> Relu run as one fused kernel (model/exec/fusion.h).
    static Result<std::shared_ptr<const ExecGraph>> fromGraphDef(const tensorflow::GraphDef& graph, const FunctionLibrary* library,
                                                                 bool fuse = kernelFusionEnabled());
    static Result<std::shared_ptr<const ExecGraph>> fromFunction(const tensorflow::FunctionDef& function, const FunctionLibrary* library,
                                                                 bool fuse = kernelFusionEnabled());
    ExecGraph();
    ~ExecGraph();

    const std::vector<ExecNode>& nodes() const { return m_nodes; }
    const ExecNode& node(int i) const { return m_nodes[size_t(i)]; }
    int find(std::string_view name) const;  // -1 if absent
    // "name", "name:k" -> endpoint; NotFound / InvalidArgument with the name quoted.
    Result<Endpoint> endpoint(std::string_view tensorName) const;
    // "" for a GraphDef; the function name otherwise (for messages).
    const std::string& functionName() const { return m_functionName; }

    // Function bodies: argument pseudo-nodes, returned endpoints (signature order), control returns.
    const std::vector<int>& argNodes() const { return m_argNodes; }
    const std::vector<Endpoint>& returns() const { return m_returns; }
    const std::vector<int>& controlReturns() const { return m_controlReturns; }

    // A node whose output a fused node computes itself: feeding it needs the unfused graph (same
    // node indices).
    bool isAbsorbed(int node) const { return !m_absorbed.empty() && m_absorbed[size_t(node)]; }
    bool hasFusedNodes() const { return !m_owned.empty(); }

    // What a run with given feeds, fetches and targets executes, worked out once (Executor::run):
    // the order and whether every op in it has a kernel. Keyed by the caller (executor.cpp);
    // thread-safe; a handful of keys per graph in practice, dropped wholesale past kMaxPlans.
    struct Plan {
        std::vector<int> order;
        Status kernels;
        bool hasLoops = false;
        // For the ordered pass (executor.cpp), per position in `order`: the node's kernel (null:
        // none, or a function argument) and what the pass must look at (kTakesRefs: the op has
        // TF1 reference inputs; kFedInput: some input endpoint is fed; kForward: an Identity whose
        // value is moved through without a kernel; kMerge: a Merge).
        enum Step : uint8_t { kTakesRefs = 1,
                              kFedInput = 2,
                              kForward = 4,
                              kMerge = 8 };
        std::vector<const KernelDef*> kernelAt;
        std::vector<uint8_t> stepAt;
        // Consumers of each node output in the run before it starts: outputs of node x are
        // uses[useBase[x] .. useBase[x + 1]); a fetched output counts 1 << 30 more (never freed).
        std::vector<int> useBase;
        std::vector<int> uses;
    };
    std::shared_ptr<const Plan> cachedPlan(const std::vector<uint64_t>& key) const;
    void storePlan(std::vector<uint64_t> key, std::shared_ptr<const Plan> plan) const;

private:
    Status resolveInputs(bool functionBody, const FunctionLibrary* library);
    std::vector<ExecNode> m_nodes;
    std::unordered_map<std::string, int> m_byName;
    std::unordered_map<std::string, int> m_argByName;
    std::vector<int> m_argNodes;
    std::vector<Endpoint> m_returns;
    std::vector<int> m_controlReturns;
    std::string m_functionName;
    std::vector<std::unique_ptr<tensorflow::NodeDef>> m_owned;  // the fused nodes' definitions
    std::vector<char> m_absorbed;
    static constexpr size_t kMaxPlans = 64;
    mutable std::mutex m_planMutex;
    mutable std::map<std::vector<uint64_t>, std::shared_ptr<const Plan>> m_plans;
};

}  // namespace tfscope::exec
