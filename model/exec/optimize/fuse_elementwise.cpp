#include "model/exec/optimize/fuse_elementwise.h"

#include <algorithm>
#include <string>

#include "model/exec/graph_rewrite.h"
#include "node_def.pb.h"

namespace tfscope::exec {
namespace {

constexpr int kDtFloat = 1;  // tensorflow::DT_FLOAT

EnvSwitch g_enabled("TFSCOPE_FUSE_ELEMENTWISE");

int arity(const ExecNode& n) {
    if (!n.def) return 0;
    static const char* const kUnary[] = {"Neg", "Square", "Sqrt", "Rsqrt", "Exp", "Erf", "Tanh", "Sigmoid"};
    static const char* const kBinary[] = {"Add", "AddV2", "Sub", "Mul", "RealDiv", "SquaredDifference", "Maximum", "Minimum"};
    const std::string& op = n.def->op();
    int a = 0;
    for (const char* u : kUnary)
        if (op == u) a = 1;
    for (const char* b : kBinary)
        if (op == b) a = 2;
    if (op == "BiasAdd") {  // channels last only (NCHW adds along dimension 1)
        auto f = n.def->attr().find("data_format");
        if (f == n.def->attr().end() || (f->second.value_case() == tensorflow::AttrValue::kS && f->second.s() == "NHWC")) a = 2;
    }
    if (a == 0 || int(n.inputs.size()) != a) return 0;
    auto t = n.def->attr().find("T");
    if (t == n.def->attr().end() || t->second.value_case() != tensorflow::AttrValue::kType || t->second.type() != kDtFloat) return 0;
    return a;
}

// A BiasAdd joins only where both its inputs come from outside the fused node (the kernel checks
// their shapes as BiasAdd does): as a chain's first step, or a graph member whose inputs are not
// in the graph.
bool isBiasAdd(const ExecNode& n) { return n.def && n.def->op() == "BiasAdd"; }

// Who reads each node, and each node's arity as written (before any chain is rewritten).
struct Uses : NodeReaders {
    std::vector<int> arity;
};

Uses usesOf(const std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns) {
    Uses u{readersOf(nodes, returns), {}};
    u.arity.resize(nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i) u.arity[i] = arity(nodes[i]);
    return u;
}

// The one elementwise node that reads x (through one input), when nothing else reads x: {reader,
// input index}, or {-1, -1}.
std::pair<int, int> nextInChain(const std::vector<ExecNode>& nodes, const Uses& u, const std::vector<char>& absorbed,
                                const std::vector<char>& taken, int x) {
    if (!u.onlyData(x) || u.data[size_t(x)].size() != 1) return {-1, -1};
    const auto [reader, output] = u.data[size_t(x)][0];
    if (output != 0 || reader == x || absorbed[size_t(reader)] || taken[size_t(reader)] || u.arity[size_t(reader)] == 0) return {-1, -1};
    const ExecNode& r = nodes[size_t(reader)];
    if (isBiasAdd(r)) return {-1, -1};
    for (size_t i = 0; i < r.inputs.size(); ++i) {
        if (!(r.inputs[i] == Endpoint{x, 0})) continue;
        // Where two chains meet (a layer norm's centered value times its rsqrt), neither goes on:
        // which operand has the chain's shape is not known before the run. The meeting node
        // starts a chain of its own.
        if (r.inputs.size() == 2) {
            const Endpoint other = r.inputs[1 - i];
            const int o = other.node;
            if (o != x && u.arity[size_t(o)] && !absorbed[size_t(o)] && other.output == 0 && u.data[size_t(o)].size() == 1 && u.onlyData(o))
                return {-1, -1};
        }
        return {reader, int(i)};
    }
    return {-1, -1};
}

bool isConst(const std::vector<ExecNode>& nodes, Endpoint e) {
    const ExecNode& n = nodes[size_t(e.node)];
    return n.def && n.def->op() == "Const";
}

// A _FusedElementwise NodeDef under the name of `last`, the group's last node.
std::unique_ptr<tensorflow::NodeDef> fusedDef(const ExecNode& last) {
    auto def = std::make_unique<tensorflow::NodeDef>();
    def->set_name(last.name);
    def->set_op("_FusedElementwise");
    def->set_device(last.def->device());
    (*def->mutable_attr())["T"].set_type(tensorflow::DataType(kDtFloat));
    return def;
}

// Puts `def` with `inputs` (and every member's control inputs) in the place of the group's last
// member; the others stay, marked absorbed, for fetches. All are taken.
void replaceGroup(std::vector<ExecNode>& nodes, const std::vector<int>& members, std::unique_ptr<tensorflow::NodeDef> def,
                  std::vector<Endpoint> inputs, std::vector<std::unique_ptr<tensorflow::NodeDef>>* owned, std::vector<char>* absorbed,
                  std::vector<char>* taken) {
    installNode(nodes, size_t(members.back()), std::move(def), std::move(inputs), joinedControlInputs(nodes, members), owned);
    for (int n : members) {
        (*taken)[size_t(n)] = 1;
        if (n != members.back()) (*absorbed)[size_t(n)] = 1;
    }
}

// Elementwise graphs: a root, whose value leaves the group, and every elementwise node all of
// whose readers are in the group (a GELU's 0.5 * x beside its erf branch of the same x; a layer
// norm's rsqrt(var + eps) * gamma, read by both its scale and its shift) become one node that
// computes each block of the output through every node of the group. Plain chains are left to the
// chain pass below (its kernel path works in place, one value per row where it can).
int fuseGraphs(std::vector<ExecNode>& nodes, const Uses& uses, std::vector<std::unique_ptr<tensorflow::NodeDef>>* owned,
               std::vector<char>* absorbed, std::vector<char>* taken) {
    constexpr size_t kMaxNodes = 32;
    auto candidate = [&](int x) { return uses.arity[size_t(x)] && !(*absorbed)[size_t(x)] && !(*taken)[size_t(x)]; };
    std::vector<char> in(nodes.size(), 0);
    auto allReadersIn = [&](int x) {
        if (!uses.onlyData(x) || uses.data[size_t(x)].empty()) return false;
        for (const auto& [r, out] : uses.data[size_t(x)])
            if (out != 0 || !in[size_t(r)] || isBiasAdd(nodes[size_t(r)])) return false;
        return true;
    };
    int fused = 0;
    for (size_t root = 0; root < nodes.size(); ++root) {
        if (!candidate(int(root))) continue;
        // Not a root when every reader is elementwise: it belongs to a reader's group (or to none).
        bool inner = uses.onlyData(int(root)) && !uses.data[root].empty();
        for (const auto& [r, out] : uses.data[root]) inner = inner && out == 0 && candidate(r);
        if (inner) continue;
        std::vector<int> group = {int(root)};
        in[root] = 1;
        for (bool grew = true; grew;) {
            grew = false;
            for (size_t g = 0; g < group.size() && group.size() < kMaxNodes; ++g)
                for (const Endpoint& e : nodes[size_t(group[g])].inputs) {
                    if (e.output != 0 || in[size_t(e.node)] || !candidate(e.node) || !allReadersIn(e.node) || group.size() >= kMaxNodes) continue;
                    in[size_t(e.node)] = 1;
                    group.push_back(e.node);
                    grew = true;
                }
        }
        // Producers before readers: a depth-first walk from the root over the group's edges.
        std::vector<int> order;
        std::vector<char> seen(nodes.size(), 0);
        auto visit = [&](auto&& self, int x) -> void {
            seen[size_t(x)] = 1;
            for (const Endpoint& e : nodes[size_t(x)].inputs)
                if (in[size_t(e.node)] && e.output == 0 && !seen[size_t(e.node)]) self(self, e.node);
            order.push_back(x);
        };
        visit(visit, int(root));
        bool branches = false;  // a node with two operands from the group: not a plain chain
        for (int g : order) {
            int inside = 0;
            for (const Endpoint& e : nodes[size_t(g)].inputs) inside += in[size_t(e.node)] && e.output == 0;
            branches = branches || inside >= 2;
        }
        for (int g : group) in[size_t(g)] = 0;
        if (order.size() < 2 || !branches || order.size() != group.size()) continue;
        std::vector<int> slot(nodes.size(), -1);
        for (size_t k = 0; k < order.size(); ++k) slot[size_t(order[k])] = int(k);
        auto def = fusedDef(nodes[root]);
        auto& attrs = *def->mutable_attr();
        auto* steps = attrs["steps"].mutable_list();
        auto* args = attrs["args"].mutable_list();
        std::vector<Endpoint> inputs;
        for (int g : order) {
            const ExecNode& n = nodes[size_t(g)];
            steps->add_s(n.def->op());
            for (size_t i = 0; i < 2; ++i) {
                const Endpoint e = n.inputs[std::min(i, n.inputs.size() - 1)];  // a unary op names its operand twice
                if (e.output == 0 && slot[size_t(e.node)] >= 0) {
                    args->add_i(-1 - slot[size_t(e.node)]);
                    continue;
                }
                auto at = std::find(inputs.begin(), inputs.end(), e);
                if (at == inputs.end()) at = inputs.insert(inputs.end(), e);
                args->add_i(int64_t(at - inputs.begin()));
            }
        }
        replaceGroup(nodes, order, std::move(def), std::move(inputs), owned, absorbed, taken);
        ++fused;
    }
    return fused;
}

}  // namespace

int fuseElementwiseChains(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns,
                          std::vector<std::unique_ptr<tensorflow::NodeDef>>* owned, std::vector<char>* absorbed) {
    absorbed->resize(nodes.size(), 0);
    const Uses uses = usesOf(nodes, returns);
    std::vector<char> taken(nodes.size(), 0);
    int fused = fuseGraphs(nodes, uses, owned, absorbed, &taken);
    for (size_t head = 0; head < nodes.size(); ++head) {
        const int a = uses.arity[head];
        if (a == 0 || (*absorbed)[head] || taken[head]) continue;
        // Not a head when the node before it would extend into it.
        bool inner = false;
        for (const Endpoint& e : nodes[head].inputs)
            if (uses.arity[size_t(e.node)] && !(*absorbed)[size_t(e.node)] && nextInChain(nodes, uses, *absorbed, taken, e.node).first == int(head))
                inner = true;
        if (inner) continue;
        // The chain's value starts as input 0, or input 1 when input 0 is a constant (0.5 * x).
        const int start = a == 2 && !isBiasAdd(nodes[head]) && isConst(nodes, nodes[head].inputs[0]) && !isConst(nodes, nodes[head].inputs[1]) ? 1 : 0;
        std::vector<int> chain = {int(head)};
        std::vector<int> sides = {start};
        for (int cur = int(head);;) {
            const auto [reader, at] = nextInChain(nodes, uses, *absorbed, taken, cur);
            if (reader < 0 || std::find(chain.begin(), chain.end(), reader) != chain.end()) break;
            chain.push_back(reader);
            sides.push_back(at);
            cur = reader;
        }
        if (chain.size() < 2) continue;
        auto def = fusedDef(nodes[size_t(chain.back())]);
        std::vector<Endpoint> inputs = {nodes[head].inputs[size_t(start)]};
        auto& attrs = *def->mutable_attr();
        attrs["steps"].mutable_list();
        attrs["operand"].mutable_list();
        attrs["chain_side"].mutable_list();
        for (size_t k = 0; k < chain.size(); ++k) {
            const ExecNode& n = nodes[size_t(chain[k])];
            attrs["steps"].mutable_list()->add_s(n.def->op());
            if (n.inputs.size() == 1) {
                attrs["operand"].mutable_list()->add_i(-1);
                attrs["chain_side"].mutable_list()->add_i(0);
                continue;
            }
            const int side = sides[k];
            attrs["operand"].mutable_list()->add_i(int64_t(inputs.size()));
            attrs["chain_side"].mutable_list()->add_i(side);
            inputs.push_back(n.inputs[size_t(1 - side)]);
        }
        replaceGroup(nodes, chain, std::move(def), std::move(inputs), owned, absorbed, &taken);
        ++fused;
    }
    return fused;
}

bool elementwiseFusionEnabled() { return g_enabled.enabled(); }

void setElementwiseFusionEnabled(bool enabled) { g_enabled.set(enabled); }

}  // namespace tfscope::exec
