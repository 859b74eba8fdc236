// _FusedElementwise: a chain of float elementwise ops (model/exec/optimize/fuse_elementwise.h) in
// one pass: each block of up to 1024 elements of input 0 goes through every step while it is in
// cache, instead of one pass over memory (and one output allocation) per op. Every step computes
// exactly what its op's own kernel computes, element by element, so results are the same bits.
//
// Attributes: `steps` (op names in order), `operand` (per step: the input index of its other
// operand, -1 for a unary op), `chain_side` (per binary step: 0 when the chain's value is the left
// operand, 1 when it is the right one). The fast path needs input 0 and every operand to be, against
// the output's shape (all of them broadcast), a scalar, that shape, a row ([..., C] broadcast over
// the rows) or one value per row ([..., 1]); other shapes are computed step by step with
// broadcasting, like the unfused ops. A BiasAdd step (channels last) must read two inputs (in the
// chain form: be the first step, on input 0); their shapes are checked as BiasAdd checks them.
//
// The graph form (attribute `args` instead of `operand` and `chain_side`): the steps of a small
// graph of such ops in an order where producers come first, two arguments per step, each an input
// index or -1 - k for step k's value (a unary step names its operand twice); the last step is the
// output. Each block of a row goes through every step, into one block buffer per step; a step that
// sees only scalars and one value per row is computed once per row.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "model/kernels/activation_float.h"
#include "model/kernels/broadcast.h"
#include "model/kernels/isa_target.h"
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"
#include "model/kernels/sgemm.h"
#include "model/kernels/vector_math.h"

// Only the functions marked kAvx2 use AVX2 instructions; they run only when sgemmIsa() chose a
// path the CPU has AVX2 for.

namespace tfscope::kernels {
namespace {

enum class Step { Neg,
                  Square,
                  Sqrt,
                  Rsqrt,
                  Exp,
                  Erf,
                  Tanh,
                  Sigmoid,
                  Add,
                  Sub,
                  Mul,
                  RealDiv,
                  SquaredDifference,
                  Maximum,
                  Minimum,
                  BiasAdd };

bool stepOf(const std::string& op, Step* s) {
    static const std::pair<const char*, Step> table[] = {
        {"Neg", Step::Neg},
        {"Square", Step::Square},
        {"Sqrt", Step::Sqrt},
        {"Rsqrt", Step::Rsqrt},
        {"Exp", Step::Exp},
        {"Erf", Step::Erf},
        {"Tanh", Step::Tanh},
        {"Sigmoid", Step::Sigmoid},
        {"Add", Step::Add},
        {"AddV2", Step::Add},
        {"Sub", Step::Sub},
        {"Mul", Step::Mul},
        {"RealDiv", Step::RealDiv},
        {"SquaredDifference", Step::SquaredDifference},
        {"Maximum", Step::Maximum},
        {"Minimum", Step::Minimum},
        {"BiasAdd", Step::BiasAdd},
    };
    for (const auto& [name, step] : table)
        if (op == name) {
            *s = step;
            return true;
        }
    return false;
}

bool isUnary(Step s) { return s <= Step::Sigmoid; }

// The binary ops as their kernels compute them (cwise_arith.cpp, cwise_div.cpp).
float binary(Step s, float a, float b) {
    switch (s) {
    case Step::Add:
    case Step::BiasAdd: return a + b;
    case Step::Sub: return a - b;
    case Step::Mul: return a * b;
    case Step::RealDiv: return a / b;
    case Step::SquaredDifference: {
        const float d = a - b;
        return d * d;
    }
    case Step::Maximum:
        if (std::isnan(a)) return a;
        if (std::isnan(b)) return b;
        return a > b ? a : b;
    case Step::Minimum:
        if (std::isnan(a)) return a;
        if (std::isnan(b)) return b;
        return a < b ? a : b;
    default: return a;
    }
}

// The unary ops as cwise_math.cpp computes float tensors, over an array in place.
void unary(Step s, float* v, int64_t n) {
    switch (s) {
    case Step::Neg:
        for (int64_t i = 0; i < n; ++i) v[i] = -v[i];
        break;
    case Step::Square:
        for (int64_t i = 0; i < n; ++i) v[i] = v[i] * v[i];
        break;
    case Step::Sqrt:
        for (int64_t i = 0; i < n; ++i) v[i] = std::sqrt(v[i]);
        break;
    case Step::Rsqrt:
        for (int64_t i = 0; i < n; ++i) v[i] = 1.0f / std::sqrt(v[i]);
        break;
    case Step::Exp: expFloats(v, v, n); break;
    case Step::Erf: erfFloats(v, v, n); break;
    case Step::Tanh: tanhFloat(v, v, n); break;
    case Step::Sigmoid: sigmoidFloat(v, v, n); break;
    default: break;
    }
}

// v[i] = f(v[i], o(i)) or f(o(i), v[i]), the operand read through `at` (element i of the block).
template <typename At>
void binaryBlock(Step s, bool chainLeft, float* v, int64_t n, At at) {
    auto run = [&](auto f) {
        if (chainLeft)
            for (int64_t i = 0; i < n; ++i) v[i] = f(v[i], at(i));
        else
            for (int64_t i = 0; i < n; ++i) v[i] = f(at(i), v[i]);
    };
    switch (s) {
    case Step::Add:
    case Step::BiasAdd: run([](float a, float b) { return a + b; }); break;
    case Step::Sub: run([](float a, float b) { return a - b; }); break;
    case Step::Mul: run([](float a, float b) { return a * b; }); break;
    case Step::RealDiv: run([](float a, float b) { return a / b; }); break;
    default: run([s](float a, float b) { return binary(s, a, b); }); break;
    }
}

enum class Kind { Scalar,
                  Full,
                  Row,
                  PerRow };

struct Operand {
    const float* p = nullptr;
    Kind kind = Kind::Full;
};

// How `o` broadcasts against the chain's shape `s` ([rows, width] when flattened) without changing
// it; false for anything else.
bool kindOf(const Tensor& o, const Shape& s, Kind* kind) {
    if (o.numElements() == 1 && o.rank() <= int(s.size())) {
        *kind = Kind::Scalar;
        return true;
    }
    if (o.shape() == s) {
        *kind = Kind::Full;
        return true;
    }
    if (s.empty() || o.rank() > int(s.size()) || o.rank() == 0) return false;
    const int shift = int(s.size()) - o.rank();
    bool row = o.shape().back() == s.back(), perRow = o.shape().back() == 1 && shift == 0;
    for (int d = 0; d + 1 < o.rank(); ++d) {
        row = row && o.dim(d) == 1;
        perRow = perRow && o.dim(d) == s[size_t(d + shift)];
    }
    if (row) *kind = Kind::Row;
    else if (perRow) *kind = Kind::PerRow;
    return row || perRow;
}

// One binary step over whole tensors with broadcasting, as the unfused op runs.
Result<Tensor> broadcastStep(KernelContext& ctx, Step s, const Tensor& a, const Tensor& b) {
    Broadcast bc;
    if (!bc.init({a.shape(), b.shape()})) return ctx.error("Incompatible shapes " + Broadcast::describe({a.shape(), b.shape()}) + ".");
    TFS_ASSIGN_OR_RETURN(Tensor next, Tensor::allocateUninitialized(DType::Float, bc.outShape()));
    if (next.numElements() > 0)
        broadcastBinary(ctx, bc, dataOf<float>(a), dataOf<float>(b), mutableDataOf<float>(next), [s](float x, float y) { return binary(s, x, y); });
    return next;
}

// Step by step with broadcasting, as the unfused ops run (any operand shapes).
Status runGeneric(KernelContext& ctx, const std::vector<Step>& steps, const std::vector<int64_t>& operand,
                  const std::vector<int64_t>& side) {
    TFS_ASSIGN_OR_RETURN(const Tensor* first, inputOf(ctx, 0));
    Tensor cur = *first;
    for (size_t k = 0; k < steps.size(); ++k) {
        if (isUnary(steps[k])) {
            TFS_ASSIGN_OR_RETURN(Tensor next, Tensor::allocateUninitialized(DType::Float, cur.shape()));
            float* v = mutableDataOf<float>(next);
            std::copy(dataOf<float>(cur), dataOf<float>(cur) + cur.numElements(), v);
            unary(steps[k], v, next.numElements());
            cur = std::move(next);
            continue;
        }
        TFS_ASSIGN_OR_RETURN(const Tensor* o, inputOf(ctx, int(operand[k])));
        const bool chainLeft = side[k] == 0;
        TFS_ASSIGN_OR_RETURN(cur, broadcastStep(ctx, steps[k], chainLeft ? cur : *o, chainLeft ? *o : cur));
    }
    return ctx.setOutput(0, cur);
}

Status checkFloatInputs(KernelContext& ctx) {
    for (int i = 0; i < ctx.numInputs(); ++i) {
        TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, i));
        if (t->dtype() != DType::Float)
            return ctx.error("Fused elementwise ops take float inputs, input " + std::to_string(i) + " is " + std::string(dtypeShortName(t->dtype())) + ".");
    }
    return Status::OK();
}

// A BiasAdd step's value and bias are inputs of the fused node; they must have the shapes BiasAdd
// (channels last) accepts, with its messages. Then it is an Add of a row.
Status checkBiasAdd(KernelContext& ctx, int64_t valueInput, int64_t biasInput) {
    TFS_ASSIGN_OR_RETURN(const Tensor* value, inputOf(ctx, int(valueInput)));
    TFS_ASSIGN_OR_RETURN(const Tensor* bias, inputOf(ctx, int(biasInput)));
    if (value->rank() < 2) return ctx.error("Input must be at least 2-D, got shape '" + shapeToString(value->shape()) + "'.");
    if (bias->rank() != 1) return ctx.error("Bias must be 1-D, got shape '" + shapeToString(bias->shape()) + "'.");
    if (bias->dim(0) != value->dim(value->rank() - 1))
        return ctx.error("Bias shape '" + shapeToString(bias->shape()) + "' does not match channel dimension " +
                         std::to_string(value->dim(value->rank() - 1)) + " of input shape '" + shapeToString(value->shape()) + "'.");
    return Status::OK();
}

// One operand of a graph step over a block: an array of the block's n values, or one value.
struct Src {
    const float* p = nullptr;
    float c = 0.0f;
};

template <typename F>
void apply2(F f, const Src& a, const Src& b, float* dst, int64_t n) {
    if (!a.p && !b.p) std::fill(dst, dst + n, f(a.c, b.c));
    else if (!a.p)
        for (int64_t i = 0; i < n; ++i) dst[i] = f(a.c, b.p[i]);
    else if (!b.p)
        for (int64_t i = 0; i < n; ++i) dst[i] = f(a.p[i], b.c);
    else
        for (int64_t i = 0; i < n; ++i) dst[i] = f(a.p[i], b.p[i]);
}

kAvx2 inline __m256 load8(const Src& x, int64_t i) { return x.p ? _mm256_loadu_ps(x.p + i) : _mm256_set1_ps(x.c); }

// dst = a (op) b with 8-float vectors: the same IEEE operation on each element as binary(), so the
// same bits; the tail through binary().
template <Step S>
kAvx2 void binaryVector(const Src& a, const Src& b, float* dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = load8(a, i), y = load8(b, i);
        __m256 r;
        if constexpr (S == Step::Add) r = _mm256_add_ps(x, y);
        else if constexpr (S == Step::Sub) r = _mm256_sub_ps(x, y);
        else if constexpr (S == Step::Mul) r = _mm256_mul_ps(x, y);
        else if constexpr (S == Step::RealDiv) r = _mm256_div_ps(x, y);
        else {
            const __m256 d = _mm256_sub_ps(x, y);
            r = _mm256_mul_ps(d, d);
        }
        _mm256_storeu_ps(dst + i, r);
    }
    for (; i < n; ++i) dst[i] = binary(S, a.p ? a.p[i] : a.c, b.p ? b.p[i] : b.c);
}

// The vector form of a binary step, or false when `s` has none (or the CPU has no AVX2).
bool binaryVectorStep(Step s, const Src& a, const Src& b, float* dst, int64_t n) {
    if (n < 8 || (!a.p && !b.p) || sgemmIsa() == SgemmIsa::Portable) return false;
    switch (s) {
    case Step::Add:
    case Step::BiasAdd: binaryVector<Step::Add>(a, b, dst, n); return true;
    case Step::Sub: binaryVector<Step::Sub>(a, b, dst, n); return true;
    case Step::Mul: binaryVector<Step::Mul>(a, b, dst, n); return true;
    case Step::RealDiv: binaryVector<Step::RealDiv>(a, b, dst, n); return true;
    case Step::SquaredDifference: binaryVector<Step::SquaredDifference>(a, b, dst, n); return true;
    default: return false;
    }
}

void graphStep(Step s, const Src& a, const Src& b, float* dst, int64_t n) {
    if (binaryVectorStep(s, a, b, dst, n)) return;
    if (isUnary(s)) {
        if (a.p) std::copy(a.p, a.p + n, dst);
        else std::fill(dst, dst + n, a.c);
        unary(s, dst, n);
        return;
    }
    switch (s) {
    case Step::Add:
    case Step::BiasAdd: apply2([](float x, float y) { return x + y; }, a, b, dst, n); break;
    case Step::Sub: apply2([](float x, float y) { return x - y; }, a, b, dst, n); break;
    case Step::Mul: apply2([](float x, float y) { return x * y; }, a, b, dst, n); break;
    case Step::RealDiv: apply2([](float x, float y) { return x / y; }, a, b, dst, n); break;
    default: apply2([s](float x, float y) { return binary(s, x, y); }, a, b, dst, n); break;
    }
}

// The graph form (attribute `args`: two per step, an input index, or -1 - k for step k's value; a
// unary step names its operand twice), step by step over whole tensors with broadcasting.
Status runGraphGeneric(KernelContext& ctx, const std::vector<Step>& steps, const std::vector<int64_t>& args) {
    std::vector<Tensor> values(steps.size());
    auto operand = [&](int64_t a) -> Result<Tensor> {
        if (a < 0) return values[size_t(-1 - a)];
        TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, int(a)));
        return *t;
    };
    for (size_t k = 0; k < steps.size(); ++k) {
        TFS_ASSIGN_OR_RETURN(Tensor a, operand(args[2 * k]));
        if (isUnary(steps[k])) {
            TFS_ASSIGN_OR_RETURN(Tensor next, Tensor::allocateUninitialized(DType::Float, a.shape()));
            graphStep(steps[k], Src{dataOf<float>(a)}, Src{}, mutableDataOf<float>(next), next.numElements());
            values[k] = std::move(next);
            continue;
        }
        TFS_ASSIGN_OR_RETURN(Tensor b, operand(args[2 * k + 1]));
        TFS_ASSIGN_OR_RETURN(values[k], broadcastStep(ctx, steps[k], a, b));
    }
    return ctx.setOutput(0, values.back());
}

// The graph form's fast path: every input a scalar, the output's shape, a row or one value per row
// against the output (all inputs broadcast); each block of a row goes through every step, a step
// that sees only scalars and per-row values once per row.
Status runGraph(KernelContext& ctx, const std::vector<Step>& steps, const std::vector<int64_t>& args) {
    const size_t count = steps.size();
    std::vector<Shape> shapes;
    for (int i = 0; i < ctx.numInputs(); ++i) shapes.push_back((*inputOf(ctx, i))->shape());
    Broadcast all;
    if (!all.init(shapes)) return runGraphGeneric(ctx, steps, args);
    const Shape s = all.outShape();
    std::vector<Operand> in(size_t(ctx.numInputs()));
    for (int i = 0; i < ctx.numInputs(); ++i) {
        const Tensor* t = *inputOf(ctx, i);
        if (!kindOf(*t, s, &in[size_t(i)].kind)) return runGraphGeneric(ctx, steps, args);
        in[size_t(i)].p = dataOf<float>(*t);
    }
    // perRow[k]: step k sees only scalars and per-row values (the root never: it writes the output).
    std::vector<char> perRow(count, 0);
    for (size_t k = 0; k + 1 < count; ++k) {
        bool uniform = true;
        for (int64_t a : {args[2 * k], args[2 * k + 1]})
            uniform = uniform && (a < 0 ? perRow[size_t(-1 - a)] != 0 : in[size_t(a)].kind == Kind::Scalar || in[size_t(a)].kind == Kind::PerRow);
        perRow[k] = uniform;
    }
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, DType::Float, s));
    if (all.numElements() == 0) return Status::OK();
    const int64_t width = s.empty() ? 1 : s.back(), rows = all.numElements() / width;
    float* po = mutableDataOf<float>(*out);
    constexpr int64_t kBlock = 1024;
    parallelFor(ctx, rows, double(width) * double(count) * 2, [&](int64_t r0, int64_t r1) {
        std::vector<float> slots(count * size_t(std::min(kBlock, width)));
        std::vector<float> rowValue(count);
        for (int64_t r = r0; r < r1; ++r) {
            auto source = [&](int64_t a, int64_t base, int64_t j0) {
                if (a < 0) {
                    const size_t k = size_t(-1 - a);
                    return perRow[k] ? Src{nullptr, rowValue[k]} : Src{slots.data() + k * size_t(std::min(kBlock, width)), 0.0f};
                }
                const Operand& o = in[size_t(a)];
                switch (o.kind) {
                case Kind::Scalar: return Src{nullptr, o.p[0]};
                case Kind::PerRow: return Src{nullptr, o.p[r]};
                case Kind::Full: return Src{o.p + base, 0.0f};
                case Kind::Row: break;
                }
                return Src{o.p + j0, 0.0f};
            };
            for (size_t k = 0; k < count; ++k)
                if (perRow[k]) graphStep(steps[k], source(args[2 * k], 0, 0), source(args[2 * k + 1], 0, 0), &rowValue[k], 1);
            for (int64_t j0 = 0; j0 < width; j0 += kBlock) {
                const int64_t n = std::min(kBlock, width - j0), base = r * width + j0;
                for (size_t k = 0; k < count; ++k) {
                    if (perRow[k]) continue;
                    float* dst = k + 1 == count ? po + base : slots.data() + k * size_t(std::min(kBlock, width));
                    graphStep(steps[k], source(args[2 * k], base, j0), source(args[2 * k + 1], base, j0), dst, n);
                }
            }
        }
    });
    return Status::OK();
}

Status evalFusedElementwise(KernelContext& ctx) {
    const std::vector<std::string> names = ctx.attrStringList("steps");
    const std::vector<int64_t> graphArgs = ctx.attrIntList("args");
    if (!graphArgs.empty()) {
        if (names.empty() || graphArgs.size() != 2 * names.size())
            return ctx.error("Malformed fused elementwise node: 'args' must hold two entries per step.");
        std::vector<Step> steps(names.size());
        for (size_t k = 0; k < names.size(); ++k) {
            if (!stepOf(names[k], &steps[k])) return ctx.error("Unsupported fused elementwise step '" + names[k] + "'.");
            for (int64_t a : {graphArgs[2 * k], graphArgs[2 * k + 1]})
                if (a >= ctx.numInputs() || (a < 0 && -1 - a >= int64_t(k)))
                    return ctx.error("Malformed fused elementwise node: step " + std::to_string(k) + " ('" + names[k] + "') reads " +
                                     (a < 0 ? "step " + std::to_string(-1 - a) : "input " + std::to_string(a)) + ".");
        }
        TFS_RETURN_IF_ERROR(checkFloatInputs(ctx));
        for (size_t k = 0; k < steps.size(); ++k) {
            if (steps[k] != Step::BiasAdd) continue;
            if (graphArgs[2 * k] < 0 || graphArgs[2 * k + 1] < 0)
                return ctx.error("Malformed fused elementwise node: BiasAdd step " + std::to_string(k) + " must read two inputs.");
            TFS_RETURN_IF_ERROR(checkBiasAdd(ctx, graphArgs[2 * k], graphArgs[2 * k + 1]));
        }
        return runGraph(ctx, steps, graphArgs);
    }
    const std::vector<int64_t> operand = ctx.attrIntList("operand"), side = ctx.attrIntList("chain_side");
    if (names.empty() || operand.size() != names.size() || side.size() != names.size())
        return ctx.error("Malformed fused elementwise node: steps, operand and chain_side differ in length.");
    std::vector<Step> steps(names.size());
    for (size_t k = 0; k < names.size(); ++k) {
        if (!stepOf(names[k], &steps[k])) return ctx.error("Unsupported fused elementwise step '" + names[k] + "'.");
        if (isUnary(steps[k]) != (operand[k] < 0) || operand[k] >= ctx.numInputs())
            return ctx.error("Malformed fused elementwise node: step '" + names[k] + "' has operand " + std::to_string(operand[k]) + ".");
    }
    TFS_RETURN_IF_ERROR(checkFloatInputs(ctx));
    for (size_t k = 0; k < steps.size(); ++k) {
        if (steps[k] != Step::BiasAdd) continue;
        if (k != 0 || side[k] != 0) return ctx.error("Malformed fused elementwise node: a BiasAdd step must come first, on input 0.");
        TFS_RETURN_IF_ERROR(checkBiasAdd(ctx, 0, operand[k]));
    }
    // The fast path runs every step over the output's elements, each input read where broadcasting
    // puts it: a step before the value grows (rsqrt(var + eps) of a [N, 1] variance, then times a
    // [C] gamma) is computed per output element, the same value each time.
    std::vector<Shape> shapes;
    for (int i = 0; i < ctx.numInputs(); ++i) shapes.push_back((*inputOf(ctx, i))->shape());
    Broadcast all;
    if (!all.init(shapes)) return runGeneric(ctx, steps, operand, side);
    const Shape s = all.outShape();
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    Operand first;
    if (!kindOf(*x, s, &first.kind)) return runGeneric(ctx, steps, operand, side);
    first.p = dataOf<float>(*x);
    std::vector<Operand> ops(steps.size());
    for (size_t k = 0; k < steps.size(); ++k) {
        if (operand[k] < 0) continue;
        TFS_ASSIGN_OR_RETURN(const Tensor* o, inputOf(ctx, int(operand[k])));
        if (!kindOf(*o, s, &ops[k].kind)) return runGeneric(ctx, steps, operand, side);
        ops[k].p = dataOf<float>(*o);
    }
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, DType::Float, s));
    if (all.numElements() == 0) return Status::OK();
    const int64_t width = s.empty() ? 1 : s.back(), rows = all.numElements() / width;
    float* po = mutableDataOf<float>(*out);
    constexpr int64_t kBlock = 1024;
    size_t perRowSteps = 0;
    if (first.kind == Kind::Scalar || first.kind == Kind::PerRow)
        while (perRowSteps < steps.size() && (operand[perRowSteps] < 0 || ops[perRowSteps].kind == Kind::Scalar || ops[perRowSteps].kind == Kind::PerRow))
            ++perRowSteps;
    parallelFor(ctx, rows, double(width) * double(steps.size()) * 2, [&](int64_t r0, int64_t r1) {
        // Steps before the value first meets a row or a full operand see one value per row (a
        // layer norm's rsqrt(var + eps)): computed once per row, through the same routines.
        auto step = [&](size_t k, float* v, int64_t n, int64_t r, int64_t base, int64_t j0) {
            if (isUnary(steps[k])) {
                unary(steps[k], v, n);
                return;
            }
            const bool left = side[k] == 0;
            const float* p = ops[k].p;
            switch (ops[k].kind) {
            case Kind::Scalar: {
                const float c = p[0];
                binaryBlock(steps[k], left, v, n, [c](int64_t) { return c; });
                break;
            }
            case Kind::Full: binaryBlock(steps[k], left, v, n, [p, base](int64_t i) { return p[base + i]; }); break;
            case Kind::Row: binaryBlock(steps[k], left, v, n, [p, j0](int64_t i) { return p[j0 + i]; }); break;
            case Kind::PerRow: {
                const float c = p[r];
                binaryBlock(steps[k], left, v, n, [c](int64_t) { return c; });
                break;
            }
            }
        };
        for (int64_t r = r0; r < r1; ++r) {
            float rowValue = first.kind == Kind::Scalar ? first.p[0] : first.kind == Kind::PerRow ? first.p[r]
                                                                                                  : 0.0f;
            for (size_t k = 0; k < perRowSteps; ++k) step(k, &rowValue, 1, r, 0, 0);
            for (int64_t j0 = 0; j0 < width; j0 += kBlock) {
                const int64_t n = std::min(kBlock, width - j0), base = r * width + j0;
                float* v = po + base;  // the steps work on the output's block while it is in cache
                switch (first.kind) {
                case Kind::Scalar:
                case Kind::PerRow: std::fill(v, v + n, rowValue); break;
                case Kind::Full: std::copy(first.p + base, first.p + base + n, v); break;
                case Kind::Row: std::copy(first.p + j0, first.p + j0 + n, v); break;
                }
                for (size_t k = perRowSteps; k < steps.size(); ++k) step(k, v, n, r, base, j0);
            }
        }
    });
    return Status::OK();
}

}  // namespace

void registerFusedElementwise(KernelList& list) {
    static const KernelDef def{"_FusedElementwise", evalFusedElementwise};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
