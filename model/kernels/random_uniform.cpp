// RandomUniform (shape; attrs dtype, seed, seed2): floats in [0, 1).
//
// NOT TensorFlow's stream: TF uses Philox with its own seeding, which we do not reproduce, so
// values differ from TF for any seed. Registered only because frozen RNN graphs (onnx_gru/lstm)
// feed dropout masks from it with keep_prob = 1.0, where the output does not depend on the values.
// Unseeded runs (seed == seed2 == 0) draw a fresh seed each call, as TF does.
#include <random>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

Status evalRandomUniform(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* s, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(Shape shape, indexValues(ctx, *s, "shape"));
    const DType dtype = ctx.attrType("dtype", DType::Float);
    const int64_t seed = ctx.attrInt("seed", 0), seed2 = ctx.attrInt("seed2", 0);
    std::mt19937_64 gen(seed == 0 && seed2 == 0 ? std::random_device{}() : uint64_t(seed) * 0x9E3779B97F4A7C15ull ^ uint64_t(seed2));
    std::uniform_real_distribution<double> dist(0.0, 1.0);
    return dispatch(FloatTypes{}, ctx, dtype, [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, dtype, shape));
        T* p = mutableDataOf<T>(*out);
        for (int64_t i = 0; i < out->numElements(); ++i) {
            T v = T(dist(gen));
            if (!(ComputeType<T>(v) < ComputeType<T>(1))) v = T(0);  // rounding up to 1.0
            p[i] = v;
        }
        return Status::OK();
    });
}

}  // namespace

void registerRandomUniform(KernelList& list) {
    static const KernelDef def{"RandomUniform", evalRandomUniform, true};
    list.push_back(&def);
}

}  // namespace tfscope::kernels
