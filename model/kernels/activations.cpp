// Activation functions: Relu, Relu6, Elu, Selu, Softplus, Softsign, LeakyRelu (alpha default 0.2).
#include <cmath>
#include <limits>

#include "model/kernels/cwise_unary.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

// NaN passes through both (every comparison with it is false), as in TF; no branch on isnan, so
// the loops vectorize.
struct ReluOp {
    template <typename T> T operator()(T x) const { return x < T(0) ? T(0) : x; }
};
struct Relu6Op {
    template <typename T> T operator()(T x) const { return x < T(0) ? T(0) : (x > T(6) ? T(6) : x); }
};
struct EluOp { template <typename T> T operator()(T x) const { return x < T(0) ? std::expm1(x) : x; } };
struct SeluOp {
    template <typename T> T operator()(T x) const {
        const T scale = T(1.0507009873554804934193349852946);
        const T alpha = T(1.6732632423543772848170429916717);
        return x < T(0) ? scale * alpha * std::expm1(x) : scale * x;
    }
};
// Like TF: x itself far above zero, exp(x) far below, log1p(exp(x)) in between.
template <typename Stored>
struct SoftplusOp {
    template <typename T> T operator()(T x) const {
        const T threshold = T(std::log(double(Eigen::NumTraits<Stored>::epsilon())) + 2.0);
        if (x > -threshold) return x;
        if (x < threshold) return std::exp(x);
        return std::log1p(std::exp(x));
    }
};
struct SoftsignOp { template <typename T> T operator()(T x) const { return x / (T(1) + std::abs(x)); } };
struct LeakyReluOp {
    float alpha;
    template <typename T> T operator()(T x) const { return x > T(0) ? x : T(x * T(alpha)); }
};

using ReluTypes = decltype(FloatTypes{} + IntTypes{});

Status evalRelu(KernelContext& ctx) { return evalUnary<false>(ctx, ReluTypes{}, ReluOp{}, 1); }
Status evalRelu6(KernelContext& ctx) { return evalUnary<false>(ctx, ReluTypes{}, Relu6Op{}, 1); }
Status evalElu(KernelContext& ctx) { return evalUnary<false>(ctx, FloatTypes{}, EluOp{}, 20); }
Status evalSelu(KernelContext& ctx) { return evalUnary<false>(ctx, FloatTypes{}, SeluOp{}, 20); }
Status evalSoftsign(KernelContext& ctx) { return evalUnary<false>(ctx, FloatTypes{}, SoftsignOp{}, 4); }
Status evalLeakyRelu(KernelContext& ctx) {
    return evalUnary<false>(ctx, FloatTypes{}, LeakyReluOp{ctx.attrFloat("alpha", 0.2f)}, 2);
}
Status evalSoftplus(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    // The threshold depends on the stored type's epsilon.
    switch (x->dtype()) {
    case DType::Half: return evalUnary<false>(ctx, TypeList<Eigen::half>{}, SoftplusOp<Eigen::half>{}, 40);
    case DType::BFloat16: return evalUnary<false>(ctx, TypeList<Eigen::bfloat16>{}, SoftplusOp<Eigen::bfloat16>{}, 40);
    case DType::Double: return evalUnary<false>(ctx, TypeList<double>{}, SoftplusOp<double>{}, 40);
    default: return evalUnary<false>(ctx, TypeList<float>{}, SoftplusOp<float>{}, 40);
    }
}

}  // namespace

void registerActivations(KernelList& list) {
    static const KernelDef defs[] = {
        {"Relu", evalRelu},         {"Relu6", evalRelu6},       {"Elu", evalElu},
        {"Selu", evalSelu},         {"Softplus", evalSoftplus}, {"Softsign", evalSoftsign},
        {"LeakyRelu", evalLeakyRelu},
    };
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
