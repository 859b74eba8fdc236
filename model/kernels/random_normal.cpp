// RandomStandardNormal and TruncatedNormal (shape; attrs dtype, seed, seed2): initializers of
// graphs that keep them (a .meta with its init ops, a training graph).
//
// What is promised: normal(0, 1) draws (TruncatedNormal: redrawn until |x| <= 2, as TF), of the
// requested shape and float dtype. With seed or seed2 set, the values are a fixed function of
// (seed, seed2, element count): the same on every run and machine (our own generator: mt19937_64
// and Box-Muller, no standard-library distribution). They are NOT TensorFlow's values (TF uses
// Philox with its own seeding); a variable restored from a checkpoint never sees them. Unseeded
// (seed == seed2 == 0) draws a fresh seed each call, as TF does.
#include <cmath>
#include <random>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

class Normal {
public:
    explicit Normal(uint64_t seed) : m_gen(seed) {}
    double next() {
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        double u1 = 0;
        do u1 = double(m_gen() >> 11) * 0x1.0p-53;
        while (u1 <= 0.0);
        const double u2 = double(m_gen() >> 11) * 0x1.0p-53;
        const double r = std::sqrt(-2.0 * std::log(u1)), t = 2.0 * M_PI * u2;
        m_spare = r * std::sin(t);
        m_hasSpare = true;
        return r * std::cos(t);
    }

private:
    std::mt19937_64 m_gen;
    double m_spare = 0;
    bool m_hasSpare = false;
};

Status evalNormal(KernelContext& ctx, bool truncated) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* s, inputOf(ctx, 0));
    if (s->rank() != 1) return ctx.error("shape must be a vector; got shape " + shapeToString(s->shape()) + ".");
    TFS_ASSIGN_OR_RETURN(Shape shape, indexValues(ctx, *s, "shape"));
    for (int64_t d : shape)
        if (d < 0) return ctx.error("shape must not have negative dimensions; got " + shapeToString(shape) + ".");
    const DType dtype = ctx.attrType("dtype", DType::Float);
    const int64_t seed = ctx.attrInt("seed", 0), seed2 = ctx.attrInt("seed2", 0);
    Normal gen(seed == 0 && seed2 == 0 ? std::random_device{}() : uint64_t(seed) * 0x9E3779B97F4A7C15ull ^ uint64_t(seed2));
    return dispatch(FloatTypes{}, ctx, dtype, [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, dtype, shape));
        T* p = mutableDataOf<T>(*out);
        for (int64_t i = 0; i < out->numElements(); ++i) {
            double v = gen.next();
            while (truncated && std::fabs(v) > 2.0) v = gen.next();
            p[i] = T(v);
        }
        return Status::OK();
    });
}

Status evalRandomStandardNormal(KernelContext& ctx) { return evalNormal(ctx, false); }
Status evalTruncatedNormal(KernelContext& ctx) { return evalNormal(ctx, true); }

}  // namespace

void registerRandomNormal(KernelList& list) {
    static const KernelDef defs[] = {{"RandomStandardNormal", evalRandomStandardNormal, true}, {"TruncatedNormal", evalTruncatedNormal, true}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
