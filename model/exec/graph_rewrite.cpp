#include "model/exec/graph_rewrite.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "model/exec/tensor_proto.h"
#include "node_def.pb.h"

namespace tfscope::exec {

NodeReaders readersOf(const std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns) {
    NodeReaders r;
    r.data.resize(nodes.size());
    r.control.assign(nodes.size(), 0);
    r.returned.assign(nodes.size(), 0);
    for (size_t i = 0; i < nodes.size(); ++i) {
        for (const Endpoint& e : nodes[i].inputs) r.data[size_t(e.node)].push_back({int(i), e.output});
        for (int c : nodes[i].controlInputs) ++r.control[size_t(c)];
    }
    for (const Endpoint& e : returns) ++r.returned[size_t(e.node)];
    return r;
}

std::string endpointName(const std::vector<ExecNode>& nodes, Endpoint e) {
    return e.output == 0 ? nodes[size_t(e.node)].name : nodes[size_t(e.node)].name + ":" + std::to_string(e.output);
}

bool isOp(const ExecNode& n, std::initializer_list<const char*> ops) {
    if (!n.def) return false;
    for (const char* op : ops)
        if (n.def->op() == op) return true;
    return false;
}

std::string stringAttr(const ExecNode& n, const char* name, const char* dflt) {
    auto it = n.def->attr().find(name);
    return it != n.def->attr().end() && it->second.value_case() == tensorflow::AttrValue::kS ? it->second.s() : dflt;
}

std::vector<int> joinedControlInputs(const std::vector<ExecNode>& nodes, const std::vector<int>& members) {
    std::vector<int> control;
    for (int n : members)
        for (int c : nodes[size_t(n)].controlInputs)
            if (std::find(control.begin(), control.end(), c) == control.end()) control.push_back(c);
    return control;
}

void installNode(std::vector<ExecNode>& nodes, size_t i, std::unique_ptr<tensorflow::NodeDef> def, std::vector<Endpoint> inputs,
                 std::vector<int> control, OwnedNodeDefs* owned) {
    def->clear_input();
    for (const Endpoint& e : inputs) def->add_input(endpointName(nodes, e));
    for (int c : control) def->add_input("^" + nodes[size_t(c)].name);
    ExecNode& node = nodes[i];
    node.def = def.get();
    node.inputs = std::move(inputs);
    node.controlInputs = std::move(control);
    owned->push_back(std::move(def));
}

Tensor constValueOf(const std::vector<ExecNode>& nodes, Endpoint e) {
    const ExecNode* n = &nodes[size_t(e.node)];
    for (int hops = 0; hops < 16 && isOp(*n, {"Identity"}) && n->inputs.size() == 1 && e.output == 0; ++hops) {
        e = n->inputs[0];
        n = &nodes[size_t(e.node)];
    }
    if (!isOp(*n, {"Const"}) || e.output != 0) return Tensor();
    auto it = n->def->attr().find("value");
    if (it == n->def->attr().end() || !it->second.has_tensor()) return Tensor();
    auto t = tensorFromProto(it->second.tensor());
    return t.ok() ? std::move(t).value() : Tensor();
}

bool EnvSwitch::enabled() const {
    int v = m_state.load(std::memory_order_relaxed);
    if (v < 0) {
        const char* env = std::getenv(m_variable);
        v = env && std::strcmp(env, "0") == 0 ? 0 : 1;
        m_state.store(v, std::memory_order_relaxed);
    }
    return v == 1;
}

}  // namespace tfscope::exec
