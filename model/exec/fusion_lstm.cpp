// fuseLstmCells (fusion.h): finds the gate arithmetic of an LSTM cell as Keras writes it in a
// recurrent loop body,
//   [z0, z1, z2, z3] = Split(split_dim = 1 or -1, z, num_split = 4)
//   c' = Sigmoid(zf) * c + Sigmoid(zi) * Tanh(zg)        (Mul, Mul, Add/AddV2, operands in any order)
//   h' = Sigmoid(zo) * Tanh(c')
// and lets one _TfsLstmCell node compute h' (output 0) and c' (output 1). The roles of the four
// slices are read from the graph (the Tanh slice; the Sigmoid multiplied by it; the Sigmoid
// multiplied by Tanh(c'); the Sigmoid multiplied by the outside value c), so any slice order fuses.
#include <algorithm>
#include <string>

#include "attr_value.pb.h"
#include "model/exec/fusion.h"
#include "model/exec/graph_rewrite.h"
#include "model/exec/tensor_proto.h"
#include "node_def.pb.h"

namespace tfscope::exec {
namespace {

constexpr int kDtFloat = 1;  // tensorflow::DT_FLOAT

bool isFloatOp(const ExecNode& n, std::initializer_list<const char*> ops, size_t numInputs) {
    if (!n.def || n.inputs.size() != numInputs) return false;
    if (std::none_of(ops.begin(), ops.end(), [&](const char* op) { return n.def->op() == op; })) return false;
    auto it = n.def->attr().find("T");
    return it != n.def->attr().end() && it->second.value_case() == tensorflow::AttrValue::kType && it->second.type() == kDtFloat;
}

// The only reader of node x (which has one output, or only `output` read): -1 if none, several,
// a control edge or a return.
int onlyReader(const NodeReaders& r, int x, int output = 0) {
    if (!r.onlyData(x) || r.data[size_t(x)].size() != 1) return -1;
    return r.data[size_t(x)][0].second == output ? r.data[size_t(x)][0].first : -1;
}

// The other operand of a two-input node, given one of them.
Endpoint otherOperand(const ExecNode& n, Endpoint known) {
    return n.inputs[0] == known ? n.inputs[1] : n.inputs[0];
}

// The split dimension if it is a constant 1 or -1 (the last one of a [rows, 4u] matrix), else 0.
int splitDim(const ExecNode& c) {
    if (!c.def || c.def->op() != "Const") return 0;
    auto it = c.def->attr().find("value");
    if (it == c.def->attr().end() || !it->second.has_tensor()) return 0;
    auto t = tensorFromProto(it->second.tensor());
    if (!t.ok() || t.value().numElements() != 1 || t.value().rank() != 0) return 0;
    const double v = t.value().elementAsDouble(0);
    return v == 1 || v == -1 ? int(v) : 0;
}

struct Cell {
    int split = -1, hNew = -1, cNew = -1, splitDim = 0;
    int slot[4] = {-1, -1, -1, -1};  // split output of the i, f, g, o gates
    Endpoint z, c;
    std::vector<int> nodes;  // every node the fused one replaces, hNew last
};

bool matchCell(const std::vector<ExecNode>& nodes, const NodeReaders& r, int split, Cell* cell) {
    const ExecNode& s = nodes[size_t(split)];
    if (!isFloatOp(s, {"Split"}, 2)) return false;
    auto ns = s.def->attr().find("num_split");
    if (ns == s.def->attr().end() || ns->second.i() != 4) return false;
    cell->splitDim = splitDim(nodes[size_t(s.inputs[0].node)]);
    if (!cell->splitDim || !r.onlyData(split)) return false;
    // Each slice goes to exactly one Sigmoid or Tanh.
    int act[4];
    int tanhSlot = -1;
    if (r.data[size_t(split)].size() != 4) return false;
    for (int k = 0; k < 4; ++k) act[k] = -1;
    for (const auto& [reader, out] : r.data[size_t(split)]) {
        if (out < 0 || out > 3 || act[out] >= 0) return false;
        const ExecNode& a = nodes[size_t(reader)];
        if (isFloatOp(a, {"Tanh"}, 1)) {
            if (tanhSlot >= 0) return false;
            tanhSlot = out;
        } else if (!isFloatOp(a, {"Sigmoid"}, 1)) {
            return false;
        }
        act[out] = reader;
    }
    if (tanhSlot < 0) return false;
    const int tG = act[tanhSlot];
    const int mulIG = onlyReader(r, tG);
    if (mulIG < 0 || !isFloatOp(nodes[size_t(mulIG)], {"Mul"}, 2)) return false;
    const Endpoint iEnd = otherOperand(nodes[size_t(mulIG)], {tG, 0});
    int iSlot = -1;
    for (int k = 0; k < 4; ++k)
        if (k != tanhSlot && iEnd == Endpoint{act[k], 0}) iSlot = k;
    if (iSlot < 0 || onlyReader(r, act[iSlot]) != mulIG) return false;
    const int cNew = onlyReader(r, mulIG);
    if (cNew < 0 || !isFloatOp(nodes[size_t(cNew)], {"Add", "AddV2"}, 2) || !r.onlyData(cNew)) return false;
    const Endpoint fcEnd = otherOperand(nodes[size_t(cNew)], {mulIG, 0});
    const int mulFC = fcEnd.node;
    if (fcEnd.output != 0 || !isFloatOp(nodes[size_t(mulFC)], {"Mul"}, 2) || onlyReader(r, mulFC) != cNew) return false;
    // c' = mulFC + mulIG: find the Tanh(c') among c''s readers, then h' = Sigmoid(o) * Tanh(c').
    int tC = -1;
    for (const auto& [reader, out] : r.data[size_t(cNew)])
        if (out == 0 && isFloatOp(nodes[size_t(reader)], {"Tanh"}, 1) && onlyReader(r, reader) >= 0) tC = reader;
    if (tC < 0) return false;
    const int hNew = onlyReader(r, tC);
    if (hNew < 0 || !isFloatOp(nodes[size_t(hNew)], {"Mul"}, 2)) return false;
    const Endpoint oEnd = otherOperand(nodes[size_t(hNew)], {tC, 0});
    int oSlot = -1, fSlot = -1;
    for (int k = 0; k < 4; ++k)
        if (k != tanhSlot && k != iSlot && oEnd == Endpoint{act[k], 0}) oSlot = k;
    if (oSlot < 0 || onlyReader(r, act[oSlot]) != hNew) return false;
    for (int k = 0; k < 4; ++k)
        if (k != tanhSlot && k != iSlot && k != oSlot) fSlot = k;
    const ExecNode& fc = nodes[size_t(mulFC)];
    Endpoint cEnd;
    if (fc.inputs[0] == Endpoint{act[fSlot], 0}) cEnd = fc.inputs[1];
    else if (fc.inputs[1] == Endpoint{act[fSlot], 0}) cEnd = fc.inputs[0];
    else return false;
    if (onlyReader(r, act[fSlot]) != mulFC || cEnd == Endpoint{act[fSlot], 0}) return false;
    cell->split = split;
    cell->hNew = hNew;
    cell->cNew = cNew;
    cell->slot[0] = iSlot;
    cell->slot[1] = fSlot;
    cell->slot[2] = tanhSlot;
    cell->slot[3] = oSlot;
    cell->z = s.inputs[1];
    cell->c = cEnd;
    cell->nodes = {split, act[0], act[1], act[2], act[3], mulIG, mulFC, cNew, tC, hNew};
    return true;
}

}  // namespace

int fuseLstmCells(std::vector<ExecNode>& nodes, const std::vector<Endpoint>& returns,
                  std::vector<std::unique_ptr<tensorflow::NodeDef>>* owned, std::vector<char>* absorbed) {
    if (absorbed->size() < nodes.size()) absorbed->resize(nodes.size(), 0);
    NodeReaders r = readersOf(nodes, returns);  // updated as cells are fused
    int fused = 0;
    for (size_t i = 0; i < nodes.size(); ++i) {
        Cell cell;
        if ((*absorbed)[i] || !matchCell(nodes, r, int(i), &cell)) continue;
        if (std::any_of(cell.nodes.begin(), cell.nodes.end(), [&](int n) { return (*absorbed)[size_t(n)] != 0; })) continue;
        ExecNode& last = nodes[size_t(cell.hNew)];
        auto def = std::make_unique<tensorflow::NodeDef>();
        def->set_name(last.name);
        def->set_op("_TfsLstmCell");
        auto& attrs = *def->mutable_attr();
        attrs["T"].set_type(static_cast<tensorflow::DataType>(kDtFloat));
        for (int k : cell.slot) attrs["gate_slots"].mutable_list()->add_i(k);
        attrs["split_dim"].set_i(cell.splitDim);
        installNode(nodes, size_t(cell.hNew), std::move(def), {cell.z, cell.c}, joinedControlInputs(nodes, cell.nodes), owned);
        last.numOutputs = 2;
        last.knownOutputs = true;
        // Readers of c' outside the cell (the next step's state, a return through Identity) read
        // the fused node's second output; c''s own node stays, absorbed, for a fetch of it.
        for (auto& [reader, out] : r.data[size_t(cell.cNew)]) {
            if (reader == cell.nodes[8]) continue;  // Tanh(c'), absorbed
            for (Endpoint& e : nodes[size_t(reader)].inputs)
                if (e == Endpoint{cell.cNew, 0}) e = {cell.hNew, 1};
            r.data[size_t(cell.hNew)].push_back({reader, 1});
            (void)out;
        }
        for (size_t k = 0; k + 1 < cell.nodes.size(); ++k) (*absorbed)[size_t(cell.nodes[k])] = 1;
        ++fused;
    }
    return fused;
}

}  // namespace tfscope::exec
