#include "model/layout/group_tree.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace tfscope {
namespace {

// "layer_12" → {"layer_", 12}; false when the name does not end in digits after a non-digit.
bool splitNumbered(std::string_view name, std::string_view& prefix, long& number) {
    size_t i = name.size();
    while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9') --i;
    if (i == name.size() || i == 0 || name.size() - i > 9) return false;
    prefix = name.substr(0, i);
    std::from_chars(name.data() + i, name.data() + name.size(), number);
    return true;
}

constexpr size_t kMinSeries = 3;

}  // namespace

std::shared_ptr<const GroupTree> GroupTree::build(std::shared_ptr<const GraphIndex> index, NodeRows rows) {
    auto tree = std::make_shared<GroupTree>();
    tree->m_rows = std::move(rows);
    const GraphIndex& gi = *index;
    const auto& scopes = gi.scopes();
    // Groups 0..S-1 mirror the scopes; series groups are appended.
    tree->m_groups.resize(scopes.size());
    for (size_t s = 0; s < scopes.size(); ++s) {
        Group& g = tree->m_groups[s];
        g.label = std::string(scopes[s].localName);
        g.path = std::string(scopes[s].path);
        g.parent = scopes[s].parent;
    }
    for (size_t s = 0; s < scopes.size(); ++s) {
        // Fold numbered siblings into series.
        std::map<std::string_view, std::vector<std::pair<long, int>>> runs;
        std::vector<int> plain;
        for (int c : scopes[s].childScopes) {
            std::string_view prefix;
            long number = 0;
            if (splitNumbered(scopes[size_t(c)].localName, prefix, number)) runs[prefix].emplace_back(number, c);
            else plain.push_back(c);
        }
        std::vector<int> kids = plain;
        for (auto& [prefix, members] : runs) {
            if (members.size() < kMinSeries) {
                for (auto& m : members) kids.push_back(m.second);
                continue;
            }
            std::sort(members.begin(), members.end());
            Group series;
            series.series = true;
            series.parent = int(s);
            series.label = std::string(prefix) + "[" + std::to_string(members.front().first) + "-" +
                           std::to_string(members.back().first) + "]";
            series.path = (scopes[s].path.empty() ? std::string() : std::string(scopes[s].path) + "/") + series.label;
            int sid = int(tree->m_groups.size());
            for (auto& m : members) {
                series.childGroups.push_back(m.second);
                tree->m_groups[size_t(m.second)].parent = sid;
            }
            tree->m_groups.push_back(std::move(series));
            kids.push_back(sid);
        }
        std::sort(kids.begin(), kids.end(), [&](int a, int b) {
            return tree->m_groups[size_t(a)].label < tree->m_groups[size_t(b)].label;
        });
        tree->m_groups[s].childGroups = std::move(kids);
    }
    const int n = gi.nodeCount();
    tree->m_nodeGroup.resize(size_t(n));
    for (NodeId id = 0; id < n; ++id) {
        int g = gi.scopeOf(id);
        tree->m_nodeGroup[size_t(id)] = g;
        tree->m_groups[size_t(g)].nodes.push_back(id);
    }
    // DFS: depth, subtree ranges, totals.
    tree->m_order.reserve(size_t(n));
    tree->m_nodePos.assign(size_t(n), 0);
    std::vector<std::pair<int, size_t>> stack{{kRoot, 0}};
    tree->m_groups[kRoot].rangeBegin = 0;
    while (!stack.empty()) {
        auto& [g, next] = stack.back();
        Group& grp = tree->m_groups[size_t(g)];
        if (next == 0) {
            grp.rangeBegin = int(tree->m_order.size());
            for (NodeId id : grp.nodes) {
                tree->m_nodePos[size_t(id)] = int(tree->m_order.size());
                tree->m_order.push_back(id);
            }
        }
        if (next < grp.childGroups.size()) {
            int c = grp.childGroups[next++];
            tree->m_groups[size_t(c)].depth = grp.depth + 1;
            stack.emplace_back(c, 0);
            continue;
        }
        grp.rangeEnd = int(tree->m_order.size());
        grp.totalNodes = grp.rangeEnd - grp.rangeBegin;
        stack.pop_back();
    }
    tree->m_index = std::move(index);
    return tree;
}

std::vector<ElementRef> GroupTree::children(int g) const {
    const Group& grp = group(g);
    std::vector<ElementRef> out;
    out.reserve(grp.childGroups.size() + grp.nodes.size());
    for (int c : grp.childGroups) out.push_back({ElementRef::Kind::Group, c});
    for (NodeId n : grp.nodes) out.push_back({ElementRef::Kind::Node, n});
    return out;
}

ElementRef GroupTree::childOf(int g, NodeId n) const {
    int h = m_nodeGroup[size_t(n)];
    if (h == g) return {ElementRef::Kind::Node, n};
    while (m_groups[size_t(h)].parent != g && m_groups[size_t(h)].parent >= 0) h = m_groups[size_t(h)].parent;
    return {ElementRef::Kind::Group, h};
}

bool GroupTree::isAncestor(int g, int h) const {
    for (; h >= 0; h = m_groups[size_t(h)].parent)
        if (h == g) return true;
    return false;
}

std::string GroupTree::nodeLabel(NodeId n) const {
    std::string_view name = m_index->name(n);
    const Group& g = m_groups[size_t(m_nodeGroup[size_t(n)])];
    size_t slash = name.rfind('/');
    std::string_view local = slash == std::string_view::npos ? name : name.substr(slash + 1);
    if (name == g.path) return "(" + std::string(local) + ")";
    return std::string(local);
}

int GroupTree::findGroup(std::string_view path) const {
    for (size_t i = 0; i < m_groups.size(); ++i)
        if (m_groups[i].path == path) return int(i);
    return -1;
}

}  // namespace tfscope
