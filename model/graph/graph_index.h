#pragma once
// GraphIndex: a read-only index over a GraphDef (or a FunctionDef body) for fast lookups: node by
// name, producers/consumers with output index, control edges, the function library, the name-scope
// tree, and the subgraph a set of output tensors needs. Flat arrays and ids; names are
// string_views into the (shared, kept-alive) proto.
//
//   TFS_ASSIGN_OR_RETURN(auto index, GraphIndex::build(graphDefPtr));
//   NodeId y = index->find("y");
//   for (const InputRef& in : index->inputs(y)) use(index->name(in.node), in.outputIndex);
//
// Input strings follow NodeDef.input: "node", "node:2", "^node" (control). In a FunctionDef body
// they are "arg", "node:out_arg:2" or "^node"; function arguments become pseudo nodes with op
// "_Arg" and returns pseudo nodes with op "_Retval" (as TF's function instantiation does).
// Thread safety: immutable after build(); all methods may be called from any thread.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"

namespace tensorflow {
class GraphDef;
class FunctionDef;
class NodeDef;
class FunctionDefLibrary;
}  // namespace tensorflow

namespace tfscope {

class Progress;

using NodeId = int32_t;
constexpr NodeId kNoNode = -1;

struct InputRef {
    NodeId node = kNoNode;     // producer; kNoNode if the name does not resolve
    int outputIndex = 0;       // -1 for control inputs
    bool control = false;
    std::string_view raw;      // the input string as stored
};

struct ConsumerRef {
    NodeId node = kNoNode;     // consumer
    int inputSlot = 0;         // position in the consumer's input list
    int outputIndex = 0;       // producer output it reads; -1 for control edges
    bool control = false;
};

// Name-scope tree: "a/b/c" gives scopes "a" and "a/b" holding node "a/b/c". A node whose full name
// is also a scope ("a/b" next to "a/b/c") is shown inside that scope as "(b)", as TensorBoard does.
struct ScopeEntry {
    std::string_view path;       // "a/b" ("" for the root)
    std::string_view localName;  // "b"
    int parent = -1;
    std::vector<int> childScopes;    // sorted by local name
    std::vector<NodeId> nodes;       // direct nodes, sorted by name
    NodeId selfNode = kNoNode;       // node named exactly `path`, if any
    int64_t totalNodes = 0;          // nodes in this scope and below
};

struct AttrDisplay {
    enum class Kind { Scalar, String, Type, Shape, Tensor, Function, List, Placeholder, Empty };
    std::string name;
    Kind kind = Kind::Empty;
    std::string text;                 // "DT_FLOAT", "[?,28,28]", "DT_FLOAT [3] {1, 2, 3}", "f=..."
    std::vector<std::string> functionNames;  // Function kind (or list of funcs): link targets
};

class GraphIndex {
public:
    // REQUIRES: graph != nullptr. Keeps `graph` alive. Duplicate node names: the first wins, a
    // warning is recorded.
    static Result<std::shared_ptr<const GraphIndex>> build(std::shared_ptr<const tensorflow::GraphDef> graph,
                                                           Progress* progress = nullptr);
    // Body of a library function (pass an aliasing shared_ptr into the owning library/model).
    static Result<std::shared_ptr<const GraphIndex>> buildFromFunction(
        std::shared_ptr<const tensorflow::FunctionDef> function, Progress* progress = nullptr);

    ~GraphIndex();
    GraphIndex(const GraphIndex&) = delete;
    GraphIndex& operator=(const GraphIndex&) = delete;

    int nodeCount() const { return static_cast<int>(m_nodes.size()); }
    NodeId find(std::string_view name) const;  // kNoNode if absent
    std::string_view name(NodeId id) const { return m_nodes[id].name; }
    std::string_view op(NodeId id) const { return m_nodes[id].op; }
    std::string_view device(NodeId id) const { return m_nodes[id].device; }
    // Data inputs first, then control inputs (NodeDef order).
    std::span<const InputRef> inputs(NodeId id) const;
    std::span<const ConsumerRef> consumers(NodeId id) const;
    int dataInputCount(NodeId id) const { return m_nodes[id].dataInputs; }
    // Highest output index read by any consumer + 1 (0 if none); op defs are not consulted.
    int usedOutputCount(NodeId id) const { return m_nodes[id].usedOutputs; }
    // The NodeDef (nullptr for the _Arg/_Retval pseudo nodes of a function body).
    const tensorflow::NodeDef* nodeDef(NodeId id) const { return m_nodes[id].def; }
    // Attributes decoded for display, sorted by name.
    std::vector<AttrDisplay> attrs(NodeId id) const;

    // Sorted names of the function library (GraphDef.library), and callees of a node.
    const std::vector<std::string>& functionNames() const { return m_functionNames; }
    const tensorflow::FunctionDefLibrary* library() const { return m_library; }
    // Index of the body of library function `name` (shares ownership of this graph's proto and
    // keeps the library for nested calls). NotFound if the library has no such function.
    Result<std::shared_ptr<const GraphIndex>> functionBody(std::string_view name, Progress* progress = nullptr) const;
    bool isFunctionBody() const { return m_isFunction; }

    // Scope tree; index 0 is the root.
    const std::vector<ScopeEntry>& scopes() const { return m_scopes; }
    int scopeOf(NodeId id) const { return m_nodes[id].scope; }

    // Ids of all nodes the given tensors ("y:0", "y", "^init") transitively need through data and
    // control inputs, sorted. Unknown names are returned in `missing` (if non-null).
    std::vector<NodeId> subgraphFor(std::span<const std::string> tensorNames,
                                    std::vector<std::string>* missing = nullptr) const;

    // Distinct op types, sorted.
    std::vector<std::string> opTypes() const;
    const std::vector<std::string>& warnings() const { return m_warnings; }

    // Splits "name:2" into {"name", 2}; "^name" into {"name", -1}; "name" into {"name", 0}.
    static std::pair<std::string_view, int> parseTensorName(std::string_view tensor);

private:
    GraphIndex();
    friend class GraphIndexBuilder;
    struct Node {
        std::string_view name;
        std::string_view op;
        std::string_view device;
        const tensorflow::NodeDef* def = nullptr;
        uint32_t inputBegin = 0;
        uint32_t inputEnd = 0;
        uint32_t consumerBegin = 0;
        uint32_t consumerEnd = 0;
        int dataInputs = 0;
        int usedOutputs = 0;
        int scope = 0;
    };
    std::shared_ptr<const void> m_owner;  // keeps the proto alive
    std::vector<Node> m_nodes;
    std::vector<InputRef> m_inputs;
    std::vector<ConsumerRef> m_consumers;
    std::vector<std::pair<std::string_view, NodeId>> m_byName;  // sorted by name
    std::vector<ScopeEntry> m_scopes;
    std::vector<std::string> m_functionNames;
    std::vector<std::string> m_warnings;
    std::vector<std::string> m_arena;   // names of pseudo nodes (function bodies)
    const tensorflow::FunctionDefLibrary* m_library = nullptr;
    bool m_isFunction = false;
};

}  // namespace tfscope
