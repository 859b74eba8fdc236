#include "model/exec/optimize/transpose_rewrites.h"

#include <algorithm>
#include <string>

#include "model/exec/graph_rewrite.h"
#include "node_def.pb.h"

namespace tfscope::exec {
namespace {

// The constant permutation a Transpose's second input holds (through Identity), or empty.
std::vector<int64_t> constPerm(const std::vector<ExecNode>& nodes, Endpoint e) {
    const Tensor t = constValueOf(nodes, e);
    std::vector<int64_t> perm;
    if (!t.valid() || t.rank() != 1) return perm;
    for (int64_t i = 0; i < t.numElements(); ++i) perm.push_back(int64_t(t.elementAsDouble(i)));
    return perm;
}

// Transpose(Transpose(x, p), q) is x when p[q[j]] == j for every j (a valid permutation p).
bool undoes(const std::vector<int64_t>& p, const std::vector<int64_t>& q) {
    if (p.empty() || p.size() != q.size()) return false;
    const int64_t n = int64_t(p.size());
    std::vector<char> seen(p.size(), 0);
    for (int64_t v : p) {
        if (v < 0 || v >= n || seen[size_t(v)]) return false;
        seen[size_t(v)] = 1;
    }
    for (int64_t j = 0; j < n; ++j)
        if (q[size_t(j)] < 0 || q[size_t(j)] >= n || p[size_t(q[size_t(j)])] != j) return false;
    return true;
}

// Gives node i a new NodeDef (op, same name, the attrs named) reading `inputs`, and the control
// inputs of node i and of the Transpose t it read (it waited for t's through its data edge).
void replace(std::vector<ExecNode>& nodes, size_t i, int t, const char* op, std::vector<Endpoint> inputs,
             std::initializer_list<const char*> keepAttrs, OwnedNodeDefs* owned) {
    ExecNode& node = nodes[i];
    auto def = std::make_unique<tensorflow::NodeDef>();
    def->set_name(node.name);
    def->set_op(op);
    for (const char* a : keepAttrs) {
        auto it = node.def->attr().find(a);
        if (it != node.def->attr().end()) (*def->mutable_attr())[a] = it->second;
    }
    installNode(nodes, i, std::move(def), std::move(inputs), joinedControlInputs(nodes, {int(i), t}), owned);
    node.numOutputs = 1;
    node.knownOutputs = true;
}

}  // namespace

int rewriteTransposes(std::vector<ExecNode>& nodes, const std::vector<Endpoint>&, OwnedNodeDefs* owned, std::vector<char>* absorbed) {
    int rewritten = 0;
    for (size_t i = 0; i < nodes.size(); ++i) {
        const ExecNode& node = nodes[i];
        if ((*absorbed)[i] || node.inputs.size() != (isOp(node, {"Transpose"}) ? 2u : 1u) || node.inputs[0].output != 0) continue;
        const int t = node.inputs[0].node;
        const ExecNode& transpose = nodes[size_t(t)];
        if (!isOp(transpose, {"Transpose"}) || transpose.inputs.size() != 2) continue;
        if (isOp(node, {"Transpose"})) {
            if (!undoes(constPerm(nodes, transpose.inputs[1]), constPerm(nodes, node.inputs[1]))) continue;
            replace(nodes, i, t, "Identity", {transpose.inputs[0]}, {"T"}, owned);
        } else if (isOp(node, {"Shape"})) {
            replace(nodes, i, t, "_TfsTransposedShape", {transpose.inputs[0], transpose.inputs[1]}, {"T", "out_type"}, owned);
        } else {
            continue;
        }
        (*absorbed)[size_t(t)] = 1;
        ++rewritten;
    }
    return rewritten;
}

}  // namespace tfscope::exec
