// Reductions over `axis` (int32/int64 scalar or vector, negative allowed) with keep_dims:
// Sum, Mean (integer mean truncates, like TF), Max, Min, Prod, All, Any, EuclideanNorm.
// Axes are grouped by transposing when reduced and kept dimensions interleave.
#include <cmath>
#include <limits>
#include <type_traits>

#include "model/kernels/registry.h"
#include "model/kernels/transpose.h"

namespace tfscope::kernels {
namespace {

enum class Kind { Sum, Mean, Max, Min, Prod, All, Any, Norm };

template <typename T, Kind K> struct Reducer {
    using C = ComputeType<T>;
    static C init() {
        if constexpr (K == Kind::Max) {
            if constexpr (kIsFloatLike<T>) return -std::numeric_limits<C>::infinity();
            else return std::numeric_limits<C>::lowest();
        } else if constexpr (K == Kind::Min) {
            if constexpr (kIsFloatLike<T>) return std::numeric_limits<C>::infinity();
            else return std::numeric_limits<C>::max();
        } else if constexpr (K == Kind::Prod || K == Kind::All) {
            return C(1);
        } else {
            return C(0);
        }
    }
    static C step(C acc, C v) {
        if constexpr (K == Kind::Max) {
            if constexpr (std::is_floating_point_v<C>) {
                if (std::isnan(acc) || std::isnan(v)) return std::numeric_limits<C>::quiet_NaN();
            }
            return v > acc ? v : acc;
        } else if constexpr (K == Kind::Min) {
            if constexpr (std::is_floating_point_v<C>) {
                if (std::isnan(acc) || std::isnan(v)) return std::numeric_limits<C>::quiet_NaN();
            }
            return v < acc ? v : acc;
        } else if constexpr (K == Kind::Prod) {
            if constexpr (std::is_integral_v<C> && std::is_signed_v<C>) return C(std::make_unsigned_t<C>(acc) * std::make_unsigned_t<C>(v));
            else return C(acc * v);
        } else if constexpr (K == Kind::All) {
            return C(acc && v);
        } else if constexpr (K == Kind::Any) {
            return C(acc || v);
        } else if constexpr (K == Kind::Norm) {
            if constexpr (kIsComplex<C>) return acc + v * std::conj(v);
            else return C(acc + v * v);
        } else {
            if constexpr (std::is_integral_v<C> && std::is_signed_v<C>) return C(std::make_unsigned_t<C>(acc) + std::make_unsigned_t<C>(v));
            else return C(acc + v);
        }
    }
    static T finish(C acc, int64_t count) {
        if constexpr (K == Kind::Mean) {
            if constexpr (std::is_integral_v<C>) return count == 0 ? T(0) : T(acc / C(count));
            else return T(acc / C(typename Eigen::NumTraits<C>::Real(count)));
        } else if constexpr (K == Kind::Norm) {
            return T(std::sqrt(acc));
        } else {
            return T(acc);
        }
    }
};

// in is [outer, r, inner] (r reduced); out is [outer, inner].
template <typename T, Kind K>
void reduceMiddle(KernelContext& ctx, const T* in, T* out, int64_t outer, int64_t r, int64_t inner) {
    using R = Reducer<T, K>;
    using C = typename R::C;
    if constexpr ((K == Kind::Sum || K == Kind::Mean) && std::is_floating_point_v<C>) {
        if (inner == 1) {  // the last axis (a layer norm's mean): rows summed in 8 lanes, then pairwise
            parallelFor(ctx, outer, double(r), [&](int64_t o0, int64_t o1) {
                for (int64_t o = o0; o < o1; ++o) {
                    const T* row = in + o * r;
                    C lane[8] = {};
                    int64_t j = 0;
                    for (; j + 8 <= r; j += 8)
                        for (int q = 0; q < 8; ++q) lane[q] += C(row[j + q]);
                    for (int q = 0; j < r; ++j, ++q) lane[q] += C(row[j]);
                    out[o] = R::finish(((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7])), r);
                }
            });
            return;
        }
    }
    parallelFor(ctx, outer, double(r * inner), [&](int64_t o0, int64_t o1) {
        std::vector<C> acc(static_cast<size_t>(inner));
        for (int64_t o = o0; o < o1; ++o) {
            std::fill(acc.begin(), acc.end(), R::init());
            const T* base = in + o * r * inner;
            for (int64_t j = 0; j < r; ++j)
                for (int64_t i = 0; i < inner; ++i) acc[size_t(i)] = R::step(acc[size_t(i)], C(base[j * inner + i]));
            for (int64_t i = 0; i < inner; ++i) out[o * inner + i] = R::finish(acc[size_t(i)], r);
        }
    });
}

template <Kind K, typename Types>
Status evalReduce(KernelContext& ctx, Types types) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* a, inputOf(ctx, 1));
    if (a->rank() > 1) return ctx.error("Axis must be a scalar or vector, got shape '" + shapeToString(a->shape()) + "'.");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> axes, indexValues(ctx, *a, "axis"));
    const int rank = x->rank();
    std::vector<bool> reduced(size_t(rank), false);
    for (int64_t ax : axes) {
        if (ax < -rank || ax >= rank)
            return ctx.error("Invalid reduction dimension '" + std::to_string(ax) + "' for input of shape '" +
                             shapeToString(x->shape()) + "'.");
        const int d = int(ax < 0 ? ax + rank : ax);
        if (reduced[size_t(d)]) return ctx.error("Invalid reduction arguments: axis '" + std::to_string(ax) + "' appears twice.");
        reduced[size_t(d)] = true;
    }
    const bool keepDims = ctx.attrBool("keep_dims", false);
    Shape outShape;
    for (int d = 0; d < rank; ++d) {
        if (!reduced[size_t(d)]) outShape.push_back(x->dim(d));
        else if (keepDims) outShape.push_back(1);
    }
    return dispatch(types, ctx, x->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, x->dtype(), outShape));
        // Move reduced dims after the kept ones when they interleave: [kept..., reduced...].
        Tensor grouped = *x;
        std::vector<int> perm;
        for (int d = 0; d < rank; ++d) if (!reduced[size_t(d)]) perm.push_back(d);
        const size_t keptCount = perm.size();
        for (int d = 0; d < rank; ++d) if (reduced[size_t(d)]) perm.push_back(d);
        int64_t kept = 1, red = 1;
        for (int d = 0; d < rank; ++d) (reduced[size_t(d)] ? red : kept) *= x->dim(d);
        // Fast layouts: [kept, reduced] or [reduced, kept] blocks need no transpose.
        int firstReduced = rank, lastReduced = -1;
        for (int d = 0; d < rank; ++d) if (reduced[size_t(d)]) { firstReduced = std::min(firstReduced, d); lastReduced = d; }
        bool contiguous = true;
        for (int d = firstReduced; d <= lastReduced; ++d) contiguous = contiguous && reduced[size_t(d)];
        int64_t outer = kept, inner = 1;
        if (contiguous && lastReduced >= 0) {
            outer = 1;
            for (int d = 0; d < firstReduced; ++d) outer *= x->dim(d);
            for (int d = lastReduced + 1; d < rank; ++d) inner *= x->dim(d);
        } else if (lastReduced >= 0 && keptCount > 0) {
            TFS_ASSIGN_OR_RETURN(grouped, transposeTensor(ctx, *x, perm));
        }
        if (out->numElements() == 0) return Status::OK();
        reduceMiddle<T, K>(ctx, dataOf<T>(grouped), mutableDataOf<T>(*out), outer, red, inner);
        return Status::OK();
    });
}

using SumTypes = NumberTypes;
using MinMaxTypes = RealTypes;

Status evalSum(KernelContext& ctx) { return evalReduce<Kind::Sum>(ctx, SumTypes{}); }
Status evalMean(KernelContext& ctx) { return evalReduce<Kind::Mean>(ctx, SumTypes{}); }
Status evalProd(KernelContext& ctx) { return evalReduce<Kind::Prod>(ctx, SumTypes{}); }
Status evalMax(KernelContext& ctx) { return evalReduce<Kind::Max>(ctx, MinMaxTypes{}); }
Status evalMin(KernelContext& ctx) { return evalReduce<Kind::Min>(ctx, MinMaxTypes{}); }
Status evalAll(KernelContext& ctx) { return evalReduce<Kind::All>(ctx, TypeList<bool>{}); }
Status evalAny(KernelContext& ctx) { return evalReduce<Kind::Any>(ctx, TypeList<bool>{}); }
Status evalNorm(KernelContext& ctx) { return evalReduce<Kind::Norm>(ctx, FloatTypes{}); }

}  // namespace

void registerReduction(KernelList& list) {
    static const KernelDef defs[] = {
        {"Sum", evalSum}, {"Mean", evalMean}, {"Prod", evalProd}, {"Max", evalMax},
        {"Min", evalMin}, {"All", evalAll},   {"Any", evalAny},   {"EuclideanNorm", evalNorm},
    };
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
