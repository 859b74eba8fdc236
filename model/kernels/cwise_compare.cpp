// Elementwise comparisons and logical ops with broadcasting, bool output: Equal, NotEqual, Less,
// LessEqual, Greater, GreaterEqual, LogicalAnd, LogicalOr.
#include "model/kernels/cwise_binary.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

struct EqualOp { template <typename T> bool operator()(const T& a, const T& b) const { return a == b; } };
struct NotEqualOp { template <typename T> bool operator()(const T& a, const T& b) const { return a != b; } };
struct LessOp { template <typename T> bool operator()(T a, T b) const { return a < b; } };
struct LessEqualOp { template <typename T> bool operator()(T a, T b) const { return a <= b; } };
struct GreaterOp { template <typename T> bool operator()(T a, T b) const { return a > b; } };
struct GreaterEqualOp { template <typename T> bool operator()(T a, T b) const { return a >= b; } };
struct AndOp { bool operator()(bool a, bool b) const { return a && b; } };
struct OrOp { bool operator()(bool a, bool b) const { return a || b; } };

using EqualTypes = AllTypes;

// Equal/NotEqual with incompatible_shape_error=false give a scalar instead of failing.
template <typename Op>
Status evalEquality(KernelContext& ctx, bool valueIfIncompatible) {
    if (!ctx.attrBool("incompatible_shape_error", true) && ctx.numInputs() == 2) {
        TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
        TFS_ASSIGN_OR_RETURN(const Tensor* y, inputOf(ctx, 1));
        Broadcast bc;
        if (!bc.init({x->shape(), y->shape()})) {
            TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, DType::Bool, {}));
            *mutableDataOf<bool>(*out) = valueIfIncompatible;
            return Status::OK();
        }
    }
    return evalBinary<true>(ctx, EqualTypes{}, Op{});
}

Status evalEqual(KernelContext& ctx) { return evalEquality<EqualOp>(ctx, false); }
Status evalNotEqual(KernelContext& ctx) { return evalEquality<NotEqualOp>(ctx, true); }
Status evalLess(KernelContext& ctx) { return evalBinary<true>(ctx, RealTypes{}, LessOp{}); }
Status evalLessEqual(KernelContext& ctx) { return evalBinary<true>(ctx, RealTypes{}, LessEqualOp{}); }
Status evalGreater(KernelContext& ctx) { return evalBinary<true>(ctx, RealTypes{}, GreaterOp{}); }
Status evalGreaterEqual(KernelContext& ctx) { return evalBinary<true>(ctx, RealTypes{}, GreaterEqualOp{}); }
Status evalLogicalAnd(KernelContext& ctx) { return evalBinary<true>(ctx, TypeList<bool>{}, AndOp{}); }
Status evalLogicalOr(KernelContext& ctx) { return evalBinary<true>(ctx, TypeList<bool>{}, OrOp{}); }

}  // namespace

void registerCwiseCompare(KernelList& list) {
    static const KernelDef defs[] = {
        {"Equal", evalEqual},     {"NotEqual", evalNotEqual},         {"Less", evalLess},
        {"LessEqual", evalLessEqual}, {"Greater", evalGreater},       {"GreaterEqual", evalGreaterEqual},
        {"LogicalAnd", evalLogicalAnd}, {"LogicalOr", evalLogicalOr},
    };
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
