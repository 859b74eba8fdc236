#include "model/exec/fusion.h"

#include <algorithm>
#include <string>

#include "model/exec/graph_rewrite.h"
#include "node_def.pb.h"

namespace tfscope::exec {
namespace {

constexpr int kDtFloat = 1;  // tensorflow::DT_FLOAT

EnvSwitch g_fusion("TFSCOPE_FUSION");

bool typeAttrIs(const ExecNode& n, const char* name, int type, bool absentOk) {
    auto it = n.def->attr().find(name);
    if (it == n.def->attr().end()) return absentOk;
    return it->second.value_case() == tensorflow::AttrValue::kType && it->second.type() == type;
}

// Who reads each node, and the nodes already part of a fused chain (no second chain may extend
// into them).
struct Uses : NodeReaders {
    std::vector<char> taken;
};

Uses usesOf(const std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns) {
    Uses u{readersOf(nodes, returns), {}};
    u.taken.assign(nodes.size(), 0);
    return u;
}

// The single node that reads `x`, through input 0 only, and nothing else reads x: -1 otherwise.
int soleConsumer(const std::vector<ExecNode>& nodes, const Uses& u, int x) {
    if (!u.onlyData(x) || u.data[size_t(x)].size() != 1) return -1;
    const auto [consumer, output] = u.data[size_t(x)][0];
    if (output != 0 || consumer == x || u.taken[size_t(consumer)]) return -1;
    const ExecNode& c = nodes[size_t(consumer)];
    if (c.inputs.empty() || !(c.inputs[0] == Endpoint{x, 0})) return -1;
    return consumer;
}

// Like soleConsumer, but x may be either input of the reader (an Add): {reader, input index}, or
// {-1, -1}.
std::pair<int, int> soleReader(const std::vector<ExecNode>& nodes, const Uses& u, int x) {
    if (!u.onlyData(x) || u.data[size_t(x)].size() != 1) return {-1, -1};
    const auto [consumer, output] = u.data[size_t(x)][0];
    if (output != 0 || consumer == x || u.taken[size_t(consumer)]) return {-1, -1};
    const ExecNode& c = nodes[size_t(consumer)];
    for (size_t i = 0; i < c.inputs.size(); ++i)
        if (c.inputs[i] == Endpoint{x, 0}) return {consumer, int(i)};
    return {-1, -1};
}

bool onlyOutputZeroUsed(const Uses& u, int x) {
    return std::all_of(u.data[size_t(x)].begin(), u.data[size_t(x)].end(), [](const auto& use) { return use.second == 0; }) &&
           !u.returned[size_t(x)];
}

struct Chain {
    std::vector<int> nodes;      // the product first, the last op last
    std::vector<std::string> ops;
    std::vector<Endpoint> args;
    float epsilon = 0.0001f;
    bool hasEpsilon = false;
};

bool extendChain(const std::vector<ExecNode>& nodes, const Uses& u, int start, Chain* chain) {
    const ExecNode& product = nodes[size_t(start)];
    const bool conv = product.def->op() == "Conv2D";
    if (!typeAttrIs(product, "T", kDtFloat, false) || product.inputs.size() != 2) return false;
    const std::string format = conv ? stringAttr(product, "data_format", "NHWC") : "NHWC";
    chain->nodes = {start};
    int cur = start;
    int next = soleConsumer(nodes, u, cur);
    if (next >= 0 && isOp(nodes[size_t(next)], {"BiasAdd", "BiasAddV1"}) && nodes[size_t(next)].inputs.size() == 2 &&
        typeAttrIs(nodes[size_t(next)], "T", kDtFloat, false) &&
        (!conv || stringAttr(nodes[size_t(next)], "data_format", "NHWC") == format)) {
        chain->ops.push_back("BiasAdd");
        chain->args.push_back(nodes[size_t(next)].inputs[1]);
        chain->nodes.push_back(cur = next);
        next = soleConsumer(nodes, u, cur);
    }
    if (conv && next >= 0 && isOp(nodes[size_t(next)], {"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"})) {
        const ExecNode& bn = nodes[size_t(next)];
        auto training = bn.def->attr().find("is_training");  // defaults to true: only an explicit false fuses
        const bool inference = training != bn.def->attr().end() && training->second.value_case() == tensorflow::AttrValue::kB &&
                               !training->second.b();
        if (inference && bn.inputs.size() == 5 && typeAttrIs(bn, "T", kDtFloat, false) && typeAttrIs(bn, "U", kDtFloat, true) &&
            stringAttr(bn, "data_format", "NHWC") == format && onlyOutputZeroUsed(u, next)) {
            chain->ops.push_back("FusedBatchNorm");
            for (int i = 1; i <= 4; ++i) chain->args.push_back(bn.inputs[size_t(i)]);
            auto eps = bn.def->attr().find("epsilon");
            if (eps != bn.def->attr().end() && eps->second.value_case() == tensorflow::AttrValue::kF) {
                chain->epsilon = eps->second.f();
                chain->hasEpsilon = true;
            }
            chain->nodes.push_back(cur = next);
            next = soleConsumer(nodes, u, cur);
        }
    }
    if (conv) {
        // A ResNet block's end: + the shortcut (either operand of the Add).
        const auto [reader, at] = soleReader(nodes, u, cur);
        if (reader >= 0 && isOp(nodes[size_t(reader)], {"Add", "AddV2"}) && nodes[size_t(reader)].inputs.size() == 2 &&
            typeAttrIs(nodes[size_t(reader)], "T", kDtFloat, false)) {
            chain->ops.push_back("Add");
            chain->args.push_back(nodes[size_t(reader)].inputs[size_t(1 - at)]);
            chain->nodes.push_back(cur = reader);
            next = soleConsumer(nodes, u, cur);
        }
    }
    if (next >= 0 && isOp(nodes[size_t(next)], {"Relu", "Relu6"}) && nodes[size_t(next)].inputs.size() == 1 &&
        typeAttrIs(nodes[size_t(next)], "T", kDtFloat, false)) {
        chain->ops.push_back(nodes[size_t(next)].def->op());
        chain->nodes.push_back(next);
    }
    return !chain->ops.empty();
}

}  // namespace

int fuseKernelChains(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns,
                     std::vector<std::unique_ptr<tensorflow::NodeDef>>* owned, std::vector<char>* absorbed) {
    absorbed->assign(nodes.size(), 0);
    Uses uses = usesOf(nodes, returns);
    int fused = 0;
    for (size_t i = 0; i < nodes.size(); ++i) {
        if (!isOp(nodes[i], {"Conv2D", "MatMul"})) continue;
        Chain chain;
        if (!extendChain(nodes, uses, int(i), &chain)) continue;
        const ExecNode& product = nodes[i];
        ExecNode& last = nodes[size_t(chain.nodes.back())];
        auto def = std::make_unique<tensorflow::NodeDef>(*product.def);
        def->set_name(last.name);
        def->set_op(product.def->op() == "Conv2D" ? "_FusedConv2D" : "_FusedMatMul");
        std::vector<Endpoint> inputs = product.inputs;
        inputs.insert(inputs.end(), chain.args.begin(), chain.args.end());
        auto& attrs = *def->mutable_attr();
        for (const std::string& op : chain.ops) attrs["fused_ops"].mutable_list()->add_s(op);
        attrs["num_args"].set_i(int64_t(chain.args.size()));
        if (chain.hasEpsilon) attrs["epsilon"].set_f(chain.epsilon);
        installNode(nodes, size_t(chain.nodes.back()), std::move(def), std::move(inputs), joinedControlInputs(nodes, chain.nodes), owned);
        for (size_t k = 0; k + 1 < chain.nodes.size(); ++k) (*absorbed)[size_t(chain.nodes[k])] = 1;
        // Two chains can meet at one Add (a ResNet stage's first block: the main branch and the
        // projected shortcut); the first takes it, the other ends before it.
        for (int n : chain.nodes) uses.taken[size_t(n)] = 1;
        ++fused;
    }
    return fused;
}

bool kernelFusionEnabled() { return g_fusion.enabled(); }

void setKernelFusionEnabled(bool enabled) { g_fusion.set(enabled); }

}  // namespace tfscope::exec
