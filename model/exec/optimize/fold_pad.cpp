#include "model/exec/optimize/fold_pad.h"

#include <algorithm>
#include <string>

#include "model/exec/graph_rewrite.h"
#include "node_def.pb.h"

namespace tfscope::exec {
namespace {

// The 8 paddings [before, after] per NHWC dimension of a zero Pad, or empty when it is not one
// that folds: paddings a constant [4, 2] of non-negative values, zero on N and C; PadV2's value 0.
std::vector<int64_t> zeroPadAmounts(const std::vector<ExecNode>& nodes, const ExecNode& pad) {
    const bool v2 = isOp(pad, {"PadV2"});
    if (!(isOp(pad, {"Pad"}) || v2) || pad.inputs.size() != (v2 ? 3u : 2u)) return {};
    if (v2) {
        const Tensor value = constValueOf(nodes, pad.inputs[2]);
        if (!value.valid() || value.numElements() != 1 || value.elementAsDouble(0) != 0.0) return {};
    }
    const Tensor p = constValueOf(nodes, pad.inputs[1]);
    if (!p.valid() || p.shape() != Shape{4, 2}) return {};
    std::vector<int64_t> amounts;
    for (int64_t i = 0; i < 8; ++i) amounts.push_back(int64_t(p.elementAsDouble(i)));
    if (std::any_of(amounts.begin(), amounts.end(), [](int64_t v) { return v < 0 || v > (int64_t(1) << 30); })) return {};
    if (amounts[0] || amounts[1] || amounts[6] || amounts[7]) return {};
    return amounts;
}

}  // namespace

int foldPadding(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns, OwnedNodeDefs* owned, std::vector<char>* absorbed) {
    const NodeReaders readers = readersOf(nodes, returns);
    int folded = 0;
    for (size_t i = 0; i < nodes.size(); ++i) {
        if ((*absorbed)[i] || !readers.onlyData(int(i)) || readers.data[i].size() != 1) continue;
        const auto [reader, output] = readers.data[i][0];
        ExecNode& r = nodes[size_t(reader)];
        const bool conv = isOp(r, {"Conv2D"}), pool = isOp(r, {"MaxPool"});
        if (output != 0 || (!conv && !pool) || r.inputs.empty() || !(r.inputs[0] == Endpoint{int(i), 0}) || (*absorbed)[size_t(reader)])
            continue;
        if (stringAttr(r, "data_format", "NHWC") != "NHWC") continue;
        const std::string padding = stringAttr(r, "padding", "");
        if (!(padding == "VALID" || (conv && padding == "EXPLICIT"))) continue;
        std::vector<int64_t> pads = zeroPadAmounts(nodes, nodes[i]);
        if (pads.empty()) continue;
        if (padding == "EXPLICIT") {
            auto it = r.def->attr().find("explicit_paddings");
            if (it == r.def->attr().end() || it->second.list().i_size() != 8) continue;
            for (int k = 0; k < 8; ++k) pads[size_t(k)] += it->second.list().i(k);
        }
        const ExecNode& pad = nodes[i];
        auto def = std::make_unique<tensorflow::NodeDef>(*r.def);
        if (pool) def->set_op("_TfsZeroPaddedMaxPool");
        auto& attrs = *def->mutable_attr();
        attrs["padding"].set_s("EXPLICIT");
        attrs["explicit_paddings"].mutable_list()->clear_i();
        for (int64_t v : pads) attrs["explicit_paddings"].mutable_list()->add_i(v);
        std::vector<Endpoint> inputs = r.inputs;
        inputs[0] = pad.inputs[0];
        installNode(nodes, size_t(reader), std::move(def), std::move(inputs), joinedControlInputs(nodes, {reader, int(i)}), owned);
        (*absorbed)[i] = 1;
        ++folded;
    }
    return folded;
}

}  // namespace tfscope::exec
