// Einsum with one or two operands: "ij,jk->ik", "bij,bjk->bik", "...ij,...jk->...ik", "ij->ji",
// "ij->i" and the like. Labels only in one operand and not in the output are summed first; shared
// labels not in the output are contracted with a batched GEMM. Repeated labels within one operand
// (diagonals) and broadcasting between ellipsis dims of different sizes are Unimplemented.
#include <algorithm>
#include <map>

#include "model/kernels/gemm.h"
#include "model/kernels/registry.h"
#include "model/kernels/sgemm.h"
#include "model/kernels/transpose.h"

namespace tfscope::kernels {
namespace {

using EinsumTypes = decltype(FloatTypes{} + TypeList<int32_t, int64_t>{} + ComplexTypes{});

// Expands "..." into private labels (char 1 + k, counted from the right) for an operand of `rank` dims.
bool expandEllipsis(const std::string& spec, int rank, int& ellipsisRank, std::string& out) {
    const size_t pos = spec.find("...");
    if (pos == std::string::npos) {
        out = spec;
        ellipsisRank = 0;
        return int(spec.size()) == rank;
    }
    const std::string head = spec.substr(0, pos), tail = spec.substr(pos + 3);
    const int e = rank - int(head.size() + tail.size());
    if (e < 0) return false;
    ellipsisRank = e;
    out = head;
    for (int k = e - 1; k >= 0; --k) out += char(1 + k);  // never a user label
    out += tail;
    return true;
}

// Sums `t` (labels `labels`) over every label not in `keep`; returns the new labels.
template <typename T>
Result<Tensor> sumOut(KernelContext& ctx, const Tensor& t, std::string& labels, const std::string& keep) {
    std::vector<int> perm;
    std::string kept;
    for (size_t i = 0; i < labels.size(); ++i)
        if (keep.find(labels[i]) != std::string::npos) { perm.push_back(int(i)); kept += labels[i]; }
    if (kept.size() == labels.size()) return t;
    int64_t keepCount = 1, sumCount = 1;
    for (size_t i = 0; i < labels.size(); ++i) {
        if (keep.find(labels[i]) != std::string::npos) keepCount *= t.dim(int(i));
        else { perm.push_back(int(i)); sumCount *= t.dim(int(i)); }
    }
    TFS_ASSIGN_OR_RETURN(Tensor moved, transposeTensor(ctx, t, perm));
    Shape shape;
    for (size_t i = 0; i < kept.size(); ++i) shape.push_back(t.dim(int(labels.find(kept[i]))));
    TFS_ASSIGN_OR_RETURN(Tensor out, Tensor::allocate(t.dtype(), shape));
    const T* in = dataOf<T>(moved);
    T* po = mutableDataOf<T>(out);
    for (int64_t i = 0; i < keepCount; ++i) {
        ComputeType<T> acc = ComputeType<T>(0);
        for (int64_t j = 0; j < sumCount; ++j) acc += ComputeType<T>(in[i * sumCount + j]);
        po[i] = T(acc);
    }
    labels = kept;
    return out;
}

Status evalEinsum(KernelContext& ctx) {
    const int n = ctx.numInputs();
    if (n != 1 && n != 2) return ctx.error("Einsum with " + std::to_string(n) + " operands is not supported.");
    std::string eq = ctx.attrString("equation", "");
    std::string cleaned;
    for (char ch : eq) if (ch != ' ') cleaned += ch;
    const size_t arrow = cleaned.find("->");
    if (arrow == std::string::npos) return ctx.error("Equation '" + eq + "' without '->' is not supported.");
    std::string lhs = cleaned.substr(0, arrow), outSpec = cleaned.substr(arrow + 2);
    std::vector<std::string> specs;
    for (size_t start = 0;;) {
        const size_t comma = lhs.find(',', start);
        specs.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (int(specs.size()) != n) return ctx.error("Equation '" + eq + "' expects " + std::to_string(specs.size()) + " inputs, got " + std::to_string(n) + ".");
    std::vector<const Tensor*> ins;
    std::vector<std::string> labels(static_cast<size_t>(n));
    int maxEllipsis = 0;
    std::map<char, int64_t> dims;
    for (int i = 0; i < n; ++i) {
        TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, i));
        ins.push_back(t);
        int e = 0;
        if (!expandEllipsis(specs[size_t(i)], t->rank(), e, labels[size_t(i)]))
            return ctx.error("Input " + std::to_string(i) + " of shape '" + shapeToString(t->shape()) + "' does not match '" + specs[size_t(i)] + "'.");
        maxEllipsis = std::max(maxEllipsis, e);
        for (size_t k = 0; k < labels[size_t(i)].size(); ++k) {
            const char l = labels[size_t(i)][k];
            if (labels[size_t(i)].find(l) != k) return Status::unimplemented("Einsum with repeated label '" + std::string(1, l) + "' in one operand is not supported.");
            const int64_t d = t->dim(int(k));
            auto [it, inserted] = dims.emplace(l, d);
            if (!inserted && it->second != d)
                return ctx.error("Dimension of label '" + std::string(1, l) + "' differs between inputs: " + std::to_string(it->second) + " vs " + std::to_string(d) + ".");
        }
    }
    if (n == 2) TFS_RETURN_IF_ERROR(checkSameDType(ctx, *ins[0], *ins[1]));
    std::string out;
    int dummy = 0;
    if (outSpec.find("...") != std::string::npos) {
        if (!expandEllipsis(outSpec, int(outSpec.size()) - 3 + maxEllipsis, dummy, out)) return ctx.error("Invalid output spec '" + outSpec + "'.");
    } else {
        out = outSpec;
    }
    for (char l : out)
        if (!dims.count(l)) return ctx.error("Output label '" + std::string(1, l) + "' does not appear in the inputs.");
    Shape outShape;
    for (char l : out) outShape.push_back(dims[l]);
    return dispatch(EinsumTypes{}, ctx, ins[0]->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        if (n == 1) {
            std::string l0 = labels[0];
            TFS_ASSIGN_OR_RETURN(Tensor a, sumOut<T>(ctx, *ins[0], l0, out));
            std::vector<int> perm;
            for (char l : out) perm.push_back(int(l0.find(l)));
            TFS_ASSIGN_OR_RETURN(Tensor* o, ctx.allocateOutput(0, a.dtype(), outShape));
            transposeData(ctx, dataOf<T>(a), a.shape(), perm, mutableDataOf<T>(*o));
            return Status::OK();
        }
        std::string la = labels[0], lb = labels[1];
        TFS_ASSIGN_OR_RETURN(Tensor a, sumOut<T>(ctx, *ins[0], la, lb + out));
        TFS_ASSIGN_OR_RETURN(Tensor b, sumOut<T>(ctx, *ins[1], lb, la + out));
        std::string batch, freeA, freeB, contract;
        for (char l : la) {
            const bool inB = lb.find(l) != std::string::npos, inOut = out.find(l) != std::string::npos;
            if (inB && inOut) batch += l;
            else if (inB) contract += l;
            else freeA += l;
        }
        for (char l : lb)
            if (la.find(l) == std::string::npos) freeB += l;
        auto size = [&](const std::string& s) { int64_t p = 1; for (char l : s) p *= dims[l]; return p; };
        auto permFor = [](const std::string& from, const std::string& to) {
            std::vector<int> p;
            for (char l : to) p.push_back(int(from.find(l)));
            return p;
        };
        // Each operand is read as it lies when its labels already are batch + rows + depth (or
        // batch + depth + rows, read transposed): a Dense-like "abc,cde->abde" copies nothing.
        auto arrange = [&](const Tensor& t, const std::string& have, const std::string& plain, const std::string& transposed,
                           bool& trans) -> Result<Tensor> {
            trans = have != plain && have == transposed;
            if (have == plain || trans) return t;
            return transposeTensor(ctx, t, permFor(have, plain));
        };
        bool transA = false, transB = false;
        TFS_ASSIGN_OR_RETURN(Tensor ta, arrange(a, la, batch + freeA + contract, batch + contract + freeA, transA));
        TFS_ASSIGN_OR_RETURN(Tensor tb, arrange(b, lb, batch + contract + freeB, batch + freeB + contract, transB));
        const int64_t nb = size(batch), m = size(freeA), k = size(contract), nn = size(freeB);
        Shape prodShape;
        for (char l : batch + freeA + freeB) prodShape.push_back(dims[l]);
        const bool direct = out == batch + freeA + freeB;  // the product is the output
        Tensor temp;
        Tensor* prod = &temp;  // written through this pointer: a copy of the output would copy on write
        if (direct) {
            TFS_ASSIGN_OR_RETURN(prod, ctx.allocateOutputUninitialized(0, a.dtype(), outShape));
        } else {
            TFS_ASSIGN_OR_RETURN(temp, Tensor::allocateUninitialized(a.dtype(), prodShape));
        }
        if (prod->numElements() > 0) {
            const T* pa = dataOf<T>(ta);
            const T* pb = dataOf<T>(tb);
            T* pc = mutableDataOf<T>(*prod);
            bool done = false;
            if constexpr (std::is_same_v<T, float>) {
                // One product whose B is an operand as given (a layer's kernel): packed once per Session.
                if (nb == 1 && !transA && m >= 4 && k > 0 && packedSgemmAvailable() && tb.rawData() == ins[1]->rawData()) {
                    SgemmRowsA rowsA;
                    rowsA.a = pa;
                    rowsA.lda = k;
                    packedSgemmParallel(ctx, rowsA, *packedSgemmB(ctx, tb, k, nn, transB), pc, m, GemmEpilogue{});
                    done = true;
                }
            }
            if (!done && k == 0) {
                std::fill(pc, pc + nb * m * nn, T(0));
            } else if (!done && (nb == 1 || m * nn * k >= 64 * 64 * 64)) {
                for (int64_t i = 0; i < nb; ++i) gemm(ctx, pa + i * m * k, pb + i * k * nn, pc + i * m * nn, m, k, nn, transA, transB);
            } else if (!done) {  // many small products (attention heads): one per thread at a time
                parallelFor(ctx, nb, double(m * nn * k), [&](int64_t b0, int64_t b1) {
                    for (int64_t i = b0; i < b1; ++i) gemmSerial(pa + i * m * k, pb + i * k * nn, pc + i * m * nn, m, k, nn, transA, transB);
                });
            }
        }
        if (direct) return Status::OK();
        TFS_ASSIGN_OR_RETURN(Tensor* o, ctx.allocateOutputUninitialized(0, a.dtype(), outShape));
        transposeData(ctx, dataOf<T>(temp), prodShape, permFor(batch + freeA + freeB, out), mutableDataOf<T>(*o));
        return Status::OK();
    });
}

}  // namespace

void registerEinsum(KernelList& list) {
    static const KernelDef def{"Einsum", evalEinsum};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
