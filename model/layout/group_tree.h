#pragma once
// GroupTree: the name-scope tree of a GraphIndex as the canvas shows it, TensorBoard style. Each
// scope is a group; runs of >= 3 sibling scopes named PREFIX<number> ("layer_1".."layer_40") are
// folded under one series group "layer_[1-40]". Also answers, for any group G and node n inside
// it, which direct child of G holds n, which is what edge bundling between collapsed groups needs.
//
//   auto tree = GroupTree::build(index);
//   for (ElementRef e : tree->children(GroupTree::kRoot)) ...
//
// Thread safety: immutable after build(); shared as std::shared_ptr<const GroupTree>.

#include <memory>
#include <string>
#include <vector>

#include "model/graph/graph_index.h"

namespace tfscope {

// A thing drawn at one level: a graph node or a (collapsed or expanded) group.
struct ElementRef {
    enum class Kind : uint8_t { Node,
                                Group };
    Kind kind = Kind::Node;
    int id = 0;
    bool operator==(const ElementRef& o) const { return kind == o.kind && id == o.id; }
    bool isGroup() const { return kind == Kind::Group; }
};

struct Group {
    std::string label;  // local name ("conv1", "layer_[1-40]"); "" for the root
    std::string path;   // full scope path ("a/b"); a series: parent path + "/" + label
    int parent = -1;
    std::vector<int> childGroups;
    std::vector<NodeId> nodes;  // direct nodes, by id
    int64_t totalNodes = 0;     // in this group and below
    bool series = false;
    int depth = 0;
    int rangeBegin = 0;  // nodes of the subtree are order()[rangeBegin, rangeEnd)
    int rangeEnd = 0;
};

// Extra text lines a node's box shows under its op type (the model view's folded weights), by
// NodeId: how many, and the longest one's length in characters. Empty vectors: none.
struct NodeRows {
    std::vector<uint8_t> count;
    std::vector<uint16_t> chars;
};

class GroupTree {
public:
    static constexpr int kRoot = 0;
    // REQUIRES: index != nullptr. Keeps the index alive.
    static std::shared_ptr<const GroupTree> build(std::shared_ptr<const GraphIndex> index, NodeRows rows = {});

    const GraphIndex& index() const { return *m_index; }
    std::shared_ptr<const GraphIndex> indexPtr() const { return m_index; }
    int groupCount() const { return int(m_groups.size()); }
    const Group& group(int g) const { return m_groups[size_t(g)]; }
    int groupOf(NodeId n) const { return m_nodeGroup[size_t(n)]; }
    // Child groups, then nodes, of g.
    std::vector<ElementRef> children(int g) const;
    // True if node n lies in g's subtree.
    bool contains(int g, NodeId n) const {
        int p = m_nodePos[size_t(n)];
        return p >= m_groups[size_t(g)].rangeBegin && p < m_groups[size_t(g)].rangeEnd;
    }
    // The direct child of g holding n. REQUIRES: contains(g, n).
    ElementRef childOf(int g, NodeId n) const;
    // True if g is an ancestor of (or equal to) h.
    bool isAncestor(int g, int h) const;
    // Nodes of g's subtree.
    const NodeId* subtreeBegin(int g) const { return m_order.data() + m_groups[size_t(g)].rangeBegin; }
    const NodeId* subtreeEnd(int g) const { return m_order.data() + m_groups[size_t(g)].rangeEnd; }
    // Label of a node inside its group: the last name component, "(b)" for a node named like a scope.
    std::string nodeLabel(NodeId n) const;
    // Group whose path equals `path`, or -1.
    int findGroup(std::string_view path) const;
    // Extra lines of node n's box (NodeRows) and the longest one's length.
    int nodeRows(NodeId n) const { return size_t(n) < m_rows.count.size() ? m_rows.count[size_t(n)] : 0; }
    size_t nodeRowChars(NodeId n) const { return size_t(n) < m_rows.chars.size() ? m_rows.chars[size_t(n)] : 0; }

private:
    std::shared_ptr<const GraphIndex> m_index;
    std::vector<Group> m_groups;
    std::vector<int> m_nodeGroup;
    std::vector<int> m_nodePos;
    std::vector<NodeId> m_order;
    NodeRows m_rows;
};

}  // namespace tfscope
