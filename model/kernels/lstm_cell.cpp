// _TfsLstmCell (made at load time by fuseLstmCells, model/exec/fusion_lstm.cpp): the gate
// arithmetic of an LSTM cell in one pass. Inputs z [rows, 4u] (the gates' pre-activations) and
// c [rows, u]; attr gate_slots = which quarter of z holds the i, f, g and o gates. Outputs
//   h' = sigmoid(o) * tanh(c'),   c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
// with the same float operations, in the same order, as the unfused Sigmoid/Tanh/Mul/AddV2 nodes.
#include <algorithm>
#include <vector>

#include "attr_value.pb.h"
#include "model/kernels/activation_float.h"
#include "model/kernels/kernel_util.h"
#include "model/kernels/lstm_cell.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {

void lstmCellRows(const float* z, const float* c, int64_t cStride, float* h, float* cNew, int64_t r0, int64_t r1, int64_t u,
                  const int64_t gateOffset[4]) {
    std::vector<float> act(size_t(5 * u));
    lstmCellRows(z, c, cStride, h, cNew, r0, r1, u, gateOffset, act.data());
}

void lstmCellRows(const float* z, const float* c, int64_t cStride, float* h, float* cNew, int64_t r0, int64_t r1, int64_t u,
                  const int64_t gateOffset[4], float* scratch) {
    float* si = scratch;  // sigmoid(i), sigmoid(f), tanh(g), sigmoid(o), tanh(c')
    float* sf = si + u;
    float* tg = sf + u;
    float* so = tg + u;
    float* tc = so + u;
    const int64_t qi = gateOffset[0], qf = gateOffset[1], qg = gateOffset[2], qo = gateOffset[3];
    for (int64_t r = r0; r < r1; ++r) {
        const float* zr = z + r * 4 * u;
        const float* cr = c + r * cStride;
        float* hr = h + r * u;
        float* cnr = cNew + r * u;
        sigmoidFloat(zr + qi, si, u);
        sigmoidFloat(zr + qf, sf, u);
        tanhFloat(zr + qg, tg, u);
        sigmoidFloat(zr + qo, so, u);
        for (int64_t j = 0; j < u; ++j) {
            const float keep = sf[j] * cr[j];
            const float add = si[j] * tg[j];
            cnr[j] = keep + add;
        }
        tanhFloat(cnr, tc, u);
        for (int64_t j = 0; j < u; ++j) hr[j] = so[j] * tc[j];
    }
}

namespace {

Status evalLstmCell(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* z, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* c, inputOf(ctx, 1));
    if (z->dtype() != DType::Float || c->dtype() != DType::Float) return ctx.error("The fused LSTM cell takes float32 tensors.");
    const std::vector<int64_t> slots = ctx.attrIntList("gate_slots");
    if (slots.size() != 4 || std::any_of(slots.begin(), slots.end(), [](int64_t s) { return s < 0 || s > 3; }))
        return ctx.error("Attr gate_slots must list 4 quarters (0..3).");
    const int64_t splitDim = ctx.attrInt("split_dim", -1);
    if (z->rank() < 1 || (splitDim < 0 ? z->rank() + splitDim : splitDim) != z->rank() - 1 || z->dim(z->rank() - 1) % 4 != 0)
        return ctx.error("The gates' pre-activations must split into 4 along their last dimension (split_dim " +
                         std::to_string(splitDim) + "), got shape '" + shapeToString(z->shape()) + "'.");
    const int64_t u = z->dim(z->rank() - 1) / 4;
    Shape cShape = z->shape();
    cShape.back() = u;
    // c is [rows, u] as the gates, or one row (or one value) that every row uses, as Mul broadcasts it.
    const bool full = c->shape() == cShape;
    const bool oneRow = !full && c->rank() <= z->rank() && c->numElements() == u &&
                        (c->rank() == 0 || c->dim(c->rank() - 1) == u || u == 1);
    const bool oneValue = !full && !oneRow && c->numElements() == 1 && c->rank() <= z->rank();
    if (!full && !oneRow && !oneValue)
        return ctx.error("The cell state has shape '" + shapeToString(c->shape()) + "'; the gates' pre-activations '" +
                         shapeToString(z->shape()) + "' need '" + shapeToString(cShape) + "' (TFSCOPE_FUSION=0 runs other shapes).");
    TFS_ASSIGN_OR_RETURN(Tensor* h, ctx.allocateOutputUninitialized(0, DType::Float, cShape));
    const float* zp = dataOf<float>(*z);
    const float* cp = dataOf<float>(*c);
    float* hp = mutableDataOf<float>(*h);
    TFS_ASSIGN_OR_RETURN(Tensor* cn, ctx.allocateOutputUninitialized(1, DType::Float, cShape));
    float* cnp = mutableDataOf<float>(*cn);
    const int64_t rows = u == 0 ? 0 : shapeNumElements(cShape) / u;
    std::vector<float> cRow;
    if (oneValue) {
        cRow.assign(size_t(u), cp[0]);
        cp = cRow.data();
    }
    const int64_t gates[4] = {slots[0] * u, slots[1] * u, slots[2] * u, slots[3] * u};
    parallelFor(ctx, rows, double(u) * 12,
                [&](int64_t r0, int64_t r1) { lstmCellRows(zp, cp, full ? u : 0, hp, cnp, r0, r1, u, gates); });
    return Status::OK();
}

}  // namespace

void registerLstmCell(KernelList& list) {
    static const KernelDef def{"_TfsLstmCell", evalLstmCell};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
