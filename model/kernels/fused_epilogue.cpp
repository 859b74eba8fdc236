#include "model/kernels/fused_epilogue.h"

#include <cmath>

#include "attr_value.pb.h"
#include "model/kernels/broadcast.h"

namespace tfscope::kernels {
namespace {

Result<const float*> channelArg(KernelContext& ctx, int index, int64_t channels, const char* what) {
    TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, index));
    if (t->dtype() != DType::Float || t->rank() != 1 || t->dim(0) != channels)
        return ctx.error(std::string("Fused ") + what + " must be a float vector of " + std::to_string(channels) +
                         " elements, got shape '" + shapeToString(t->shape()) + "'.");
    return dataOf<float>(*t);
}

using OpNames = google::protobuf::RepeatedPtrField<std::string>;

std::string joined(const OpNames& ops) {
    std::string s;
    for (const std::string& op : ops) s += (s.empty() ? "" : ",") + op;
    return s;
}

}  // namespace

GemmEpilogue FusedEpilogue::epilogue() const {
    GemmEpilogue ep;
    ep.bias = bias;
    if (!scale.empty()) {
        ep.scale = scale.data();
        ep.shift = shift.data();
    }
    ep.act = act;
    return ep;
}

Result<FusedEpilogue> FusedEpilogue::fromNode(KernelContext& ctx, int firstArg, int64_t channels) {
    // Read in place (every run calls this: no copy of the names).
    static const OpNames kNone;
    const tensorflow::AttrValue* attr = ctx.attr("fused_ops");
    const OpNames& ops = attr && attr->value_case() == tensorflow::AttrValue::kList ? attr->list().s() : kNone;
    FusedEpilogue fused;
    int next = 0;
    int arg = firstArg;
    if (next < ops.size() && ops[next] == "BiasAdd") {
        TFS_ASSIGN_OR_RETURN(fused.bias, channelArg(ctx, arg++, channels, "bias"));
        ++next;
    }
    if (next < ops.size() && ops[next] == "FusedBatchNorm") {
        TFS_ASSIGN_OR_RETURN(const float* gamma, channelArg(ctx, arg, channels, "batch norm scale"));
        TFS_ASSIGN_OR_RETURN(const float* beta, channelArg(ctx, arg + 1, channels, "batch norm offset"));
        TFS_ASSIGN_OR_RETURN(const float* mean, channelArg(ctx, arg + 2, channels, "batch norm mean"));
        TFS_ASSIGN_OR_RETURN(const float* variance, channelArg(ctx, arg + 3, channels, "batch norm variance"));
        arg += 4;
        const float epsilon = ctx.attrFloat("epsilon", 0.0001f);
        fused.scale.resize(size_t(channels));
        fused.shift.resize(size_t(channels));
        for (int64_t c = 0; c < channels; ++c) {
            fused.scale[size_t(c)] = gamma[c] / std::sqrt(variance[c] + epsilon);
            fused.shift[size_t(c)] = beta[c] - mean[c] * fused.scale[size_t(c)];
        }
        ++next;
    }
    if (next < ops.size() && ops[next] == "Add") {
        fused.residualInput = arg;
        TFS_ASSIGN_OR_RETURN(fused.residual, inputOf(ctx, arg++));
        if (fused.residual->dtype() != DType::Float)
            return ctx.error("Fused Add must be a float tensor, got '" + dtypeEnumName(fused.residual->dtype()) + "'.");
        ++next;
    }
    if (next < ops.size() && (ops[next] == "Relu" || ops[next] == "Relu6")) {
        fused.act = ops[next] == "Relu" ? GemmActivation::Relu : GemmActivation::Relu6;
        ++next;
    }
    if (next != ops.size() || ops.empty()) return ctx.error("Unsupported fused_ops '" + joined(ops) + "'.");
    if (arg != ctx.numInputs())
        return ctx.error("Expected " + std::to_string(arg) + " inputs for fused_ops '" + joined(ops) + "', got " +
                         std::to_string(ctx.numInputs()) + ".");
    return fused;
}

Status addResidual(KernelContext& ctx, Tensor product, const Tensor& residual, GemmActivation act) {
    if (product.dtype() != DType::Float || residual.dtype() != DType::Float)
        return ctx.error("Fused Add supports only float tensors.");
    Broadcast bc;
    if (!bc.init({product.shape(), residual.shape()}))
        return ctx.error("Incompatible shapes " + Broadcast::describe({product.shape(), residual.shape()}) + ".");
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutputUninitialized(0, DType::Float, bc.outShape()));
    if (bc.numElements() == 0) return Status::OK();
    GemmEpilogue only;
    only.act = act;
    broadcastBinary(ctx, bc, product.data<float>(), residual.data<float>(), mutableDataOf<float>(*out),
                    [&only](float a, float b) { return epilogueValue(only, a + b, 0); });
    return Status::OK();
}

}  // namespace tfscope::kernels
