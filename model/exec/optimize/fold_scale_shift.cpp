#include "model/exec/optimize/fold_scale_shift.h"

#include <algorithm>
#include <string>

#include "model/exec/graph_rewrite.h"
#include "node_def.pb.h"
#include "tensor.pb.h"
#include "tensor_shape.pb.h"

namespace tfscope::exec {
namespace {

constexpr int kDtFloat = 1;  // tensorflow::DT_FLOAT

bool floatT(const ExecNode& n) {
    auto it = n.def->attr().find("T");
    return it != n.def->attr().end() && it->second.value_case() == tensorflow::AttrValue::kType && it->second.type() == kDtFloat;
}

bool boolAttr(const ExecNode& n, const char* name) {
    auto it = n.def->attr().find(name);
    return it != n.def->attr().end() && it->second.value_case() == tensorflow::AttrValue::kB && it->second.b();
}

using Uses = NodeReaders;

// The one node reading output 0 of x (and nothing else reading x): {reader, input index}, or {-1, -1}.
std::pair<int, int> soleReader(const std::vector<ExecNode>& nodes, const Uses& u, int x) {
    if (!u.onlyData(x) || u.data[size_t(x)].size() != 1) return {-1, -1};
    const auto [reader, output] = u.data[size_t(x)][0];
    if (output != 0 || reader == x) return {-1, -1};
    const ExecNode& r = nodes[size_t(reader)];
    for (size_t i = 0; i < r.inputs.size(); ++i)
        if (r.inputs[i] == Endpoint{x, 0}) return {reader, int(i)};
    return {-1, -1};
}

void setType(tensorflow::NodeDef* def, const char* name) { (*def->mutable_attr())[name].set_type(tensorflow::DataType(kDtFloat)); }

// False when `e` is (through Identity) a Const whose shape is not per channel: rank above the
// product's, or a dim other than the last above 1. Computed values are checked by the kernels.
bool constShapeMayFold(const std::vector<ExecNode>& nodes, Endpoint e, int outRank) {
    const ExecNode* n = &nodes[size_t(e.node)];
    for (int hops = 0; hops < 16 && isOp(*n, {"Identity"}) && n->inputs.size() == 1; ++hops) n = &nodes[size_t(n->inputs[0].node)];
    if (!isOp(*n, {"Const"})) return true;
    auto it = n->def->attr().find("value");
    if (it == n->def->attr().end() || !it->second.has_tensor()) return false;
    const auto& shape = it->second.tensor().tensor_shape();
    if (shape.unknown_rank() || shape.dim_size() > outRank) return false;
    for (int d = 0; d + 1 < shape.dim_size(); ++d)
        if (shape.dim(d).size() != 1) return false;
    return true;
}

struct Chain {
    int product = -1, biasAdd = -1, mul = -1, add = -1;
    Endpoint scale, shift, bias;
    bool subtract = false;
};

bool matchChain(const std::vector<ExecNode>& nodes, const Uses& u, int p, std::vector<char>* memo, Chain* c) {
    const ExecNode& product = nodes[size_t(p)];
    if (!isOp(product, {"Conv2D", "MatMul", "DepthwiseConv2dNative"}) || product.inputs.size() != 2 || !floatT(product)) return false;
    if (product.def->op() != "MatMul" && stringAttr(product, "data_format", "NHWC") != "NHWC") return false;
    if (product.def->op() == "MatMul" && boolAttr(product, "transpose_b")) return false;  // channels are W's first dim
    c->product = p;
    int cur = p;
    auto [reader, at] = soleReader(nodes, u, cur);
    if (reader >= 0 && at == 0 && isOp(nodes[size_t(reader)], {"BiasAdd", "BiasAddV1"}) && nodes[size_t(reader)].inputs.size() == 2 &&
        floatT(nodes[size_t(reader)]) && stringAttr(nodes[size_t(reader)], "data_format", "NHWC") == "NHWC") {
        c->biasAdd = cur = reader;
        c->bias = nodes[size_t(reader)].inputs[1];
        std::tie(reader, at) = soleReader(nodes, u, cur);
    }
    if (reader < 0 || !isOp(nodes[size_t(reader)], {"Mul"}) || nodes[size_t(reader)].inputs.size() != 2 || !floatT(nodes[size_t(reader)]))
        return false;
    const int outRank = product.def->op() == "MatMul" ? 2 : 4;
    c->scale = nodes[size_t(reader)].inputs[size_t(1 - at)];
    if (!constantInput(nodes, c->scale, memo) || !constShapeMayFold(nodes, c->scale, outRank)) return false;
    c->mul = cur = reader;
    std::tie(reader, at) = soleReader(nodes, u, cur);
    if (reader >= 0 && nodes[size_t(reader)].inputs.size() == 2 && floatT(nodes[size_t(reader)]) &&
        (isOp(nodes[size_t(reader)], {"Add", "AddV2"}) || (isOp(nodes[size_t(reader)], {"Sub"}) && at == 0))) {
        Endpoint shift = nodes[size_t(reader)].inputs[size_t(1 - at)];
        if (constantInput(nodes, shift, memo) && constShapeMayFold(nodes, shift, outRank)) {
            c->add = reader;
            c->shift = shift;
            c->subtract = nodes[size_t(reader)].def->op() == "Sub";
        }
    }
    return true;
}

}  // namespace

bool constantInput(const std::vector<ExecNode>& nodes, Endpoint e, std::vector<char>* memo) {
    if (memo->size() != nodes.size()) memo->assign(nodes.size(), 0);
    // Iterative depth-first walk: a node is constant when all its data inputs are.
    std::vector<int> stack{e.node};
    while (!stack.empty()) {
        const int x = stack.back();
        char& m = (*memo)[size_t(x)];
        if (m) { stack.pop_back(); continue; }
        const ExecNode& n = nodes[size_t(x)];
        if (isOp(n, {"Const", "ReadVariableOp"})) { m = 1; stack.pop_back(); continue; }
        if (!isOp(n, {"Identity", "Reshape", "Squeeze", "ExpandDims", "Rsqrt", "Sqrt", "Reciprocal", "Neg", "Mul", "Add", "AddV2",
                      "Sub", "RealDiv", "Cast"})) {
            m = 2;
            stack.pop_back();
            continue;
        }
        bool pending = false, no = false;
        for (const Endpoint& in : n.inputs) {
            const char mi = (*memo)[size_t(in.node)];
            if (mi == 2) no = true;
            else if (mi == 0) { stack.push_back(in.node); pending = true; }
        }
        if (no) { m = 2; stack.pop_back(); continue; }
        if (pending) {
            if (stack.size() > 4 * nodes.size() + 16) { m = 2; stack.pop_back(); }  // a cycle: not constant
            continue;
        }
        m = 1;
        stack.pop_back();
    }
    return (*memo)[size_t(e.node)] == 1;
}

int foldScaleShift(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns,
                   std::vector<std::unique_ptr<tensorflow::NodeDef>>* owned, std::vector<char>* absorbed) {
    const Uses uses = readersOf(nodes, returns);
    std::vector<char> memo;
    std::vector<char> taken(nodes.size(), 0);
    const size_t original = nodes.size();
    int folded = 0;
    for (size_t i = 0; i < original; ++i) {
        Chain c;
        if (!matchChain(nodes, uses, int(i), &memo, &c)) continue;
        const std::vector<int> members = {c.product, c.biasAdd, c.mul, c.add};
        if (std::any_of(members.begin(), members.end(), [&](int n) { return n >= 0 && taken[size_t(n)]; })) continue;
        const int last = c.add >= 0 ? c.add : c.mul;
        const ExecNode product = nodes[size_t(i)];  // copied: appending below may move the vector
        const std::string base = nodes[size_t(last)].name + "/_tfs_folded_";
        const bool depthwise = product.def->op() == "DepthwiseConv2dNative";
        const int outRank = product.def->op() == "MatMul" ? 2 : 4;

        auto filter = std::make_unique<tensorflow::NodeDef>();
        filter->set_name(base + "filter");
        filter->set_op("_TfsFoldFilter");
        setType(filter.get(), "T");
        (*filter->mutable_attr())["depthwise"].set_b(depthwise);
        std::vector<Endpoint> filterIn = {product.inputs[1], c.scale};

        auto bias = std::make_unique<tensorflow::NodeDef>();
        bias->set_name(base + "bias");
        bias->set_op("_TfsFoldBias");
        setType(bias.get(), "T");
        auto& battr = *bias->mutable_attr();
        battr["depthwise"].set_b(depthwise);
        battr["out_rank"].set_i(outRank);
        battr["has_shift"].set_b(c.add >= 0);
        battr["subtract"].set_b(c.subtract);
        battr["has_bias"].set_b(c.biasAdd >= 0);
        std::vector<Endpoint> biasIn = {product.inputs[1], c.scale};
        if (c.add >= 0) biasIn.push_back(c.shift);
        if (c.biasAdd >= 0) biasIn.push_back(c.bias);

        auto prod = std::make_unique<tensorflow::NodeDef>(*product.def);
        prod->set_name(base + "product");
        prod->clear_input();

        auto add = std::make_unique<tensorflow::NodeDef>();
        add->set_name(nodes[size_t(last)].name);
        add->set_op("BiasAdd");
        setType(add.get(), "T");

        const int filterIndex = int(nodes.size());
        const int biasIndex = filterIndex + 1;
        const int prodIndex = filterIndex + 2;
        for (const Endpoint& e : filterIn) filter->add_input(endpointName(nodes, e));
        for (const Endpoint& e : biasIn) bias->add_input(endpointName(nodes, e));
        prod->add_input(endpointName(nodes, product.inputs[0]));
        prod->add_input(filter->name());
        for (int cIn : product.controlInputs) prod->add_input("^" + nodes[size_t(cIn)].name);
        add->add_input(prod->name());
        add->add_input(bias->name());

        std::vector<int> control;
        for (int n : members)
            if (n >= 0 && n != c.product)
                for (int cIn : nodes[size_t(n)].controlInputs)
                    if (std::find(control.begin(), control.end(), cIn) == control.end()) control.push_back(cIn);
        for (int cIn : control) add->add_input("^" + nodes[size_t(cIn)].name);

        ExecNode fn;
        fn.def = filter.get();
        fn.name = filter->name();
        fn.inputs = filterIn;
        fn.knownOutputs = true;
        ExecNode bn;
        bn.def = bias.get();
        bn.name = bias->name();
        bn.inputs = biasIn;
        bn.knownOutputs = true;
        ExecNode pn;
        pn.def = prod.get();
        pn.name = prod->name();
        pn.inputs = {product.inputs[0], Endpoint{filterIndex, 0}};
        pn.controlInputs = product.controlInputs;
        pn.knownOutputs = true;
        nodes.push_back(std::move(fn));
        nodes.push_back(std::move(bn));
        nodes.push_back(std::move(pn));
        ExecNode& lastNode = nodes[size_t(last)];
        lastNode.def = add.get();
        lastNode.inputs = {Endpoint{prodIndex, 0}, Endpoint{biasIndex, 0}};
        lastNode.controlInputs = std::move(control);
        lastNode.numOutputs = 1;
        lastNode.knownOutputs = true;
        for (auto* d : {&filter, &bias, &prod, &add}) owned->push_back(std::move(*d));

        absorbed->resize(nodes.size(), 0);
        for (int n : members)
            if (n >= 0) {
                taken[size_t(n)] = 1;
                if (n != last) (*absorbed)[size_t(n)] = 1;
            }
        ++folded;
    }
    absorbed->resize(nodes.size(), 0);
    return folded;
}

}  // namespace tfscope::exec
