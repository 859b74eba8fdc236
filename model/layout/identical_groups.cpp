#include "model/layout/identical_groups.h"

#include <algorithm>
#include <functional>
#include <string>
#include <unordered_map>

#include "graph.pb.h"
#include "model/graph/attr_format.h"
#include "model/graph/model_view.h"

namespace tfscope {
namespace {

uint64_t mix(uint64_t h, uint64_t v) {
    // 64-bit FNV-style combine with a final avalanche step per value.
    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdULL;
    v ^= v >> 33;
    return (h ^ v) * 0x100000001b3ULL;
}

uint64_t hashText(std::string_view s) { return std::hash<std::string_view>{}(s); }

// What a node is, names aside: op, weight shapes (own attributes, folded weights), dtype.
uint64_t nodeLabel(const GraphIndex& gi, NodeId n, const ModelView* view) {
    uint64_t h = hashText(gi.op(n));
    if (const tensorflow::NodeDef* def = gi.nodeDef(n)) {
        const auto& attr = def->attr();
        if (auto a = attr.find("shape"); a != attr.end() && a->second.has_shape()) h = mix(h, hashText(shapeProtoToString(a->second.shape())));
        if (auto a = attr.find("value"); a != attr.end() && a->second.has_tensor())
            h = mix(h, hashText(shapeProtoToString(a->second.tensor().tensor_shape())));
        for (const char* key : {"T", "dtype"})
            if (auto a = attr.find(key); a != attr.end() && a->second.value_case() == tensorflow::AttrValue::kType) h = mix(h, uint64_t(a->second.type()));
    }
    if (view && size_t(n) < view->folded.size())
        for (const FoldedWeight& w : view->folded[size_t(n)]) h = mix(mix(h, hashText(w.shape)), hashText(w.dtype));
    return h;
}

// The structure hash of group g's subtree.
uint64_t groupHash(const GroupTree& tree, int g, const ModelView* view) {
    const GraphIndex& gi = tree.index();
    const NodeId* begin = tree.subtreeBegin(g);
    const NodeId* end = tree.subtreeEnd(g);
    const size_t count = size_t(end - begin);
    std::unordered_map<NodeId, size_t> local;
    local.reserve(count * 2);
    for (size_t i = 0; i < count; ++i) local[begin[i]] = i;
    std::vector<uint64_t> label(count), next(count);
    for (size_t i = 0; i < count; ++i) label[i] = nodeLabel(gi, begin[i], view);
    // Refine by inputs (in order; from outside the group: a marker, since the producer differs).
    for (int round = 0; round < 3; ++round) {
        for (size_t i = 0; i < count; ++i) {
            uint64_t h = mix(label[i], uint64_t(round));
            for (const InputRef& in : gi.inputs(begin[i])) {
                auto it = in.node == kNoNode ? local.end() : local.find(in.node);
                h = mix(h, it == local.end() ? 0x9e3779b97f4a7c15ULL : label[it->second]);
                h = mix(h, uint64_t(in.outputIndex) * 2 + (in.control ? 1 : 0));
            }
            next[i] = h;
        }
        label.swap(next);
    }
    std::sort(label.begin(), label.end());
    uint64_t h = mix(0, count);
    for (uint64_t l : label) h = mix(h, l);
    return h;
}

}  // namespace

std::vector<int> identicalGroups(const GroupTree& tree, int group, const ModelView* view) {
    if (group <= GroupTree::kRoot || group >= tree.groupCount() || tree.group(group).series) return {};
    const int64_t size = tree.group(group).totalNodes;
    const uint64_t want = groupHash(tree, group, view);
    // Candidates: same node count, not nested in or around `group`; outermost first.
    std::vector<int> candidates;
    for (int g = 1; g < tree.groupCount(); ++g)
        if (g != group && !tree.group(g).series && tree.group(g).totalNodes == size && !tree.isAncestor(g, group) &&
            !tree.isAncestor(group, g))
            candidates.push_back(g);
    std::sort(candidates.begin(), candidates.end(), [&](int a, int b) { return tree.group(a).depth < tree.group(b).depth; });
    std::vector<int> out{group};
    for (int g : candidates) {
        if (std::any_of(out.begin(), out.end(), [&](int o) { return tree.isAncestor(o, g) || tree.isAncestor(g, o); })) continue;
        if (groupHash(tree, g, view) == want) out.push_back(g);
    }
    std::sort(out.begin(), out.end(), [&](int a, int b) { return tree.group(a).path < tree.group(b).path; });
    return out;
}

}  // namespace tfscope
