// DenseToDenseSetOperation: set1, set2 (same leading dims; the last dim holds each group's
// elements), attr set_operation "a-b" | "b-a" | "intersection" | "union". Each group's result is
// sorted ascending and returned as a SparseTensor (indices int64 [N, rank], values [N], dense
// shape int64 [rank] whose last dim is the largest result).
#include <algorithm>
#include <set>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

template <typename T>
std::vector<T> combine(const std::set<T>& a, const std::set<T>& b, const std::string& op) {
    std::vector<T> out;
    if (op == "a-b") std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    else if (op == "b-a") std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(out));
    else if (op == "intersection") std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    else std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

Status evalDenseToDenseSetOperation(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* a, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* b, inputOf(ctx, 1));
    TFS_RETURN_IF_ERROR(checkSameDType(ctx, *a, *b));
    const std::string op = ctx.attrString("set_operation", "");
    if (op != "a-b" && op != "b-a" && op != "intersection" && op != "union")
        return ctx.error("Invalid set_operation '" + op + "'.");
    if (a->rank() < 2 || b->rank() != a->rank())
        return ctx.error("Sets must have the same rank of at least 2, got shapes " + shapeToString(a->shape()) + " and " +
                         shapeToString(b->shape()) + ".");
    const int rank = a->rank();
    int64_t groups = 1;
    for (int d = 0; d + 1 < rank; ++d) {
        if (a->dim(d) != b->dim(d))
            return ctx.error("Sets of shapes " + shapeToString(a->shape()) + " and " + shapeToString(b->shape()) +
                             " differ in group dimension " + std::to_string(d) + ".");
        groups *= a->dim(d);
    }
    const int64_t na = a->dim(rank - 1), nb = b->dim(rank - 1);
    auto run = [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        const T* pa = dataOf<T>(*a);
        const T* pb = dataOf<T>(*b);
        std::vector<std::vector<T>> results(static_cast<size_t>(groups));
        int64_t total = 0, widest = 0;
        for (int64_t g = 0; g < groups; ++g) {
            std::set<T> sa(pa + g * na, pa + (g + 1) * na), sb(pb + g * nb, pb + (g + 1) * nb);
            results[size_t(g)] = combine(sa, sb, op);
            total += int64_t(results[size_t(g)].size());
            widest = std::max(widest, int64_t(results[size_t(g)].size()));
        }
        TFS_ASSIGN_OR_RETURN(Tensor* indices, ctx.allocateOutput(0, DType::Int64, {total, rank}));
        TFS_ASSIGN_OR_RETURN(Tensor* values, ctx.allocateOutput(1, a->dtype(), {total}));
        TFS_ASSIGN_OR_RETURN(Tensor* shape, ctx.allocateOutput(2, DType::Int64, {rank}));
        int64_t* pi = mutableDataOf<int64_t>(*indices);
        T* pv = mutableDataOf<T>(*values);
        int64_t* ps = mutableDataOf<int64_t>(*shape);
        for (int d = 0; d + 1 < rank; ++d) ps[d] = a->dim(d);
        ps[rank - 1] = widest;
        int64_t row = 0;
        for (int64_t g = 0; g < groups; ++g) {
            for (size_t k = 0; k < results[size_t(g)].size(); ++k, ++row) {
                int64_t rest = g;
                for (int d = rank - 2; d >= 0; --d) {
                    pi[row * rank + d] = rest % a->dim(d);
                    rest /= a->dim(d);
                }
                pi[row * rank + rank - 1] = int64_t(k);
                pv[row] = results[size_t(g)][k];
            }
        }
        return Status::OK();
    };
    return dispatch(TypeList<int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, std::string>{}, ctx, a->dtype(), run);
}

}  // namespace

void registerSetOperation(KernelList& list) {
    static const KernelDef def{"DenseToDenseSetOperation", evalDenseToDenseSetOperation};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
