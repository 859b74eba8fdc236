// Variable kernels. TF1 ref variables (VariableV2/Variable, Assign, AssignAdd, AssignSub,
// IsVariableInitialized) and resource variables (VarHandleOp, ReadVariableOp, AssignVariableOp,
// AssignAdd/SubVariableOp, VarIsInitializedOp, DisableCopyOnRead, DestroyResourceOp), and the plain SGD
// update (ApplyGradientDescent on a ref, ResourceApplyGradientDescent on a handle), ResourceGather. Both live in the
// Session's ResourceManager under (container, shared_name); an empty shared_name means the node name.
#include <algorithm>
#include <cstring>

#include "attr_value.pb.h"
#include "model/exec/builtin_kernels.h"
#include "model/exec/node_context.h"
#include "model/exec/resource_manager.h"
#include "node_def.pb.h"

namespace tfscope::exec {
namespace {

NodeContext& nodeContext(KernelContext& ctx) { return static_cast<NodeContext&>(ctx); }

Result<std::shared_ptr<VariableResource>> variableFor(KernelContext& ctx) {
    std::string name = ctx.attrString("shared_name", "");
    if (name.empty()) name = ctx.nodeName();
    DType dtype = ctx.attrType("dtype", DType::Invalid);
    auto var = ctx.resources().lookupOrCreate<VariableResource>(ctx.attrString("container", ""), name, [dtype] {
        auto v = std::make_shared<VariableResource>();
        v->dtype = dtype;
        return v;
    });
    if (!var.ok()) return ctx.error(var.status().message());
    return var;
}

template <typename T>
void addInto(Tensor& dst, const Tensor& src, bool subtract) {
    T* d = dst.mutableData<T>();
    const T* s = src.data<T>();
    for (int64_t i = 0; i < dst.numElements(); ++i) d[i] = subtract ? T(d[i] - s[i]) : T(d[i] + s[i]);
}

// var += delta (or -=), elementwise; shapes must match.
Status addToVariable(KernelContext& ctx, VariableResource& var, const Tensor& delta, bool subtract) {
    std::lock_guard<std::mutex> lock(var.mutex);
    noteResourcesChanged();
    if (!var.initialized) return ctx.error("Attempting to use uninitialized value '" + var.name + "'.");
    if (var.value.dtype() != delta.dtype())
        return ctx.error("Cannot update variable of dtype '" + dtypeEnumName(var.value.dtype()) + "' with '" + dtypeEnumName(delta.dtype()) + "'.");
    if (var.value.shape() != delta.shape())
        return ctx.error("Cannot update variable of shape " + shapeToString(var.value.shape()) + " with " + shapeToString(delta.shape()) + ".");
    switch (delta.dtype()) {
    case DType::Float: addInto<float>(var.value, delta, subtract); break;
    case DType::Double: addInto<double>(var.value, delta, subtract); break;
    case DType::Int32: addInto<int32_t>(var.value, delta, subtract); break;
    case DType::Int64: addInto<int64_t>(var.value, delta, subtract); break;
    case DType::Int8: addInto<int8_t>(var.value, delta, subtract); break;
    case DType::Int16: addInto<int16_t>(var.value, delta, subtract); break;
    case DType::UInt8: addInto<uint8_t>(var.value, delta, subtract); break;
    default: return ctx.error("Updating variables of dtype '" + dtypeEnumName(delta.dtype()) + "' is not supported.");
    }
    return Status::OK();
}

Status assignTo(KernelContext& ctx, VariableResource& var, const Tensor& value, bool validateShape) {
    std::lock_guard<std::mutex> lock(var.mutex);
    if (var.dtype != DType::Invalid && value.dtype() != var.dtype)
        return ctx.error("Cannot assign a '" + dtypeEnumName(value.dtype()) + "' value to variable '" + var.name + "' of dtype '" +
                         dtypeEnumName(var.dtype) + "'.");
    if (validateShape && var.initialized && var.value.shape() != value.shape())
        return ctx.error("Cannot assign a value of shape " + shapeToString(value.shape()) + " to variable '" + var.name + "' of shape " +
                         shapeToString(var.value.shape()) + ".");
    var.value = value;
    var.initialized = true;
    noteResourcesChanged();
    return Status::OK();
}

// --- TF1 reference variables ---

Status computeVariableV2(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto var, variableFor(ctx));
    return nodeContext(ctx).setRefOutput(0, std::move(var));
}

Result<std::shared_ptr<VariableResource>> refArg(KernelContext& ctx) {
    auto var = nodeContext(ctx).refInput(0);
    if (!var) return ctx.error("Input 0 must be a variable reference.");
    return var;
}

Status computeAssign(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto var, refArg(ctx));
    TFS_ASSIGN_OR_RETURN(const Tensor* value, ctx.input(1));
    TFS_RETURN_IF_ERROR(assignTo(ctx, *var, *value, ctx.attrBool("validate_shape", true)));
    return nodeContext(ctx).setRefOutput(0, var);
}

Status computeAssignAdd(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto var, refArg(ctx));
    TFS_ASSIGN_OR_RETURN(const Tensor* delta, ctx.input(1));
    TFS_RETURN_IF_ERROR(addToVariable(ctx, *var, *delta, false));
    return nodeContext(ctx).setRefOutput(0, var);
}

Status computeAssignSub(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto var, refArg(ctx));
    TFS_ASSIGN_OR_RETURN(const Tensor* delta, ctx.input(1));
    TFS_RETURN_IF_ERROR(addToVariable(ctx, *var, *delta, true));
    return nodeContext(ctx).setRefOutput(0, var);
}

Status computeIsVariableInitialized(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto var, refArg(ctx));
    std::lock_guard<std::mutex> lock(var->mutex);
    return ctx.setOutput(0, Tensor::scalar<bool>(var->initialized));
}

// --- Resource variables ---

Status computeVarHandleOp(KernelContext& ctx) {
    const tensorflow::NodeDef* key = &ctx.node();
    Tensor handle;
    if (ctx.resources().cachedHandle(key, &handle)) return ctx.setOutput(0, std::move(handle));
    TFS_ASSIGN_OR_RETURN(auto var, variableFor(ctx));
    handle = makeResourceHandle(std::move(var));
    ctx.resources().cacheHandle(key, handle);
    return ctx.setOutput(0, std::move(handle));
}

Result<std::shared_ptr<VariableResource>> handleArg(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(const Tensor* h, ctx.input(0));
    auto var = resourceFromHandle<VariableResource>(*h);
    if (!var.ok()) return ctx.error(var.status().message());
    return var;
}

Status computeReadVariableOp(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto var, handleArg(ctx));
    std::lock_guard<std::mutex> lock(var->mutex);
    if (!var->initialized) return ctx.error("Reading uninitialized variable '" + var->name + "'.");
    DType want = ctx.attrType("dtype", var->value.dtype());
    if (want != var->value.dtype())
        return ctx.error("Variable '" + var->name + "' holds '" + dtypeEnumName(var->value.dtype()) + "', read as '" + dtypeEnumName(want) + "'.");
    return ctx.setOutput(0, var->value);
}

Status computeAssignVariableOp(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto var, handleArg(ctx));
    TFS_ASSIGN_OR_RETURN(const Tensor* value, ctx.input(1));
    return assignTo(ctx, *var, *value, ctx.attrBool("validate_shape", false));
}

Status computeAssignAddVariableOp(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto var, handleArg(ctx));
    TFS_ASSIGN_OR_RETURN(const Tensor* delta, ctx.input(1));
    return addToVariable(ctx, *var, *delta, false);
}

Status computeAssignSubVariableOp(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto var, handleArg(ctx));
    TFS_ASSIGN_OR_RETURN(const Tensor* delta, ctx.input(1));
    return addToVariable(ctx, *var, *delta, true);
}

Status computeVarIsInitializedOp(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto var, handleArg(ctx));
    std::lock_guard<std::mutex> lock(var->mutex);
    return ctx.setOutput(0, Tensor::scalar<bool>(var->initialized));
}

// var -= alpha * delta, elementwise (alpha a scalar of the variable's dtype).
template <typename T>
void descend(Tensor& var, const Tensor& alpha, const Tensor& delta) {
    T* v = var.mutableData<T>();
    const T a = alpha.data<T>()[0];
    const T* d = delta.data<T>();
    for (int64_t i = 0; i < var.numElements(); ++i) v[i] -= a * d[i];
}

Status applyGradientDescent(KernelContext& ctx, VariableResource& var) {
    TFS_ASSIGN_OR_RETURN(const Tensor* alpha, ctx.input(1));
    TFS_ASSIGN_OR_RETURN(const Tensor* delta, ctx.input(2));
    std::lock_guard<std::mutex> lock(var.mutex);
    noteResourcesChanged();
    if (!var.initialized) return ctx.error("Attempting to use uninitialized value '" + var.name + "'.");
    if (alpha->numElements() != 1 || alpha->rank() != 0) return ctx.error("alpha is not a scalar: " + shapeToString(alpha->shape()) + ".");
    if (var.value.shape() != delta->shape())
        return ctx.error("var and delta do not have the same shape: " + shapeToString(var.value.shape()) + " " + shapeToString(delta->shape()) + ".");
    if (alpha->dtype() != var.value.dtype() || delta->dtype() != var.value.dtype())
        return ctx.error("Cannot update variable of dtype '" + dtypeEnumName(var.value.dtype()) + "' with '" + dtypeEnumName(delta->dtype()) + "'.");
    switch (var.value.dtype()) {
    case DType::Float: descend<float>(var.value, *alpha, *delta); break;
    case DType::Double: descend<double>(var.value, *alpha, *delta); break;
    default: return ctx.error("Gradient descent on variables of dtype '" + dtypeEnumName(var.value.dtype()) + "' is not supported.");
    }
    return Status::OK();
}

Status computeApplyGradientDescent(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto var, refArg(ctx));
    TFS_RETURN_IF_ERROR(applyGradientDescent(ctx, *var));
    return nodeContext(ctx).setRefOutput(0, var);
}

Status computeResourceApplyGradientDescent(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto var, handleArg(ctx));
    return applyGradientDescent(ctx, *var);
}

// ResourceGather(resource, indices), batch_dims 0: rows of the variable's value along axis 0.
Status computeResourceGather(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto var, handleArg(ctx));
    TFS_ASSIGN_OR_RETURN(const Tensor* indices, ctx.input(1));
    if (ctx.attrInt("batch_dims", 0) != 0) return ctx.error("ResourceGather with batch_dims != 0 is not supported.");
    if (indices->dtype() != DType::Int32 && indices->dtype() != DType::Int64)
        return ctx.error("Unsupported indices dtype '" + dtypeEnumName(indices->dtype()) + "'.");
    Tensor value;
    {
        std::lock_guard<std::mutex> lock(var->mutex);
        if (!var->initialized) return ctx.error("Reading uninitialized variable '" + var->name + "'.");
        value = var->value;
    }
    if (value.rank() < 1) return ctx.error("params must be at least 1 dimensional.");
    if (value.dtype() != DType::String && !isPod(value.dtype())) return ctx.error("Unsupported params dtype '" + dtypeEnumName(value.dtype()) + "'.");
    Shape outShape = indices->shape();
    outShape.insert(outShape.end(), value.shape().begin() + 1, value.shape().end());
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, value.dtype(), outShape));
    const int64_t rows = value.dim(0), inner = rows == 0 ? 0 : value.numElements() / rows;
    for (int64_t i = 0; i < indices->numElements(); ++i) {
        const int64_t r = indices->dtype() == DType::Int32 ? indices->data<int32_t>()[i] : indices->data<int64_t>()[i];
        if (r < 0 || r >= rows)
            return ctx.error("indices[" + std::to_string(i) + "] = " + std::to_string(r) + " is not in [0, " + std::to_string(rows) + ").");
        if (value.dtype() == DType::String) {
            std::copy_n(value.strings().begin() + r * inner, inner, out->mutableStrings().begin() + i * inner);
        } else {
            const size_t bytes = size_t(inner) * dtypeSize(value.dtype());
            std::memcpy(out->mutableRawData() + size_t(i) * bytes, value.rawData() + size_t(r) * bytes, bytes);
        }
    }
    return Status::OK();
}

Status computeNothing(KernelContext&) { return Status::OK(); }

const KernelDef kVariableV2{"VariableV2", computeVariableV2, true};
const KernelDef kVariable{"Variable", computeVariableV2, true};
const KernelDef kAssign{"Assign", computeAssign, true};
const KernelDef kAssignAdd{"AssignAdd", computeAssignAdd, true};
const KernelDef kAssignSub{"AssignSub", computeAssignSub, true};
const KernelDef kIsVariableInitialized{"IsVariableInitialized", computeIsVariableInitialized, true};
const KernelDef kVarHandleOp{"VarHandleOp", computeVarHandleOp, true};
const KernelDef kReadVariableOp{"ReadVariableOp", computeReadVariableOp, true};
const KernelDef kAssignVariableOp{"AssignVariableOp", computeAssignVariableOp, true};
const KernelDef kAssignAddVariableOp{"AssignAddVariableOp", computeAssignAddVariableOp, true};
const KernelDef kAssignSubVariableOp{"AssignSubVariableOp", computeAssignSubVariableOp, true};
const KernelDef kVarIsInitializedOp{"VarIsInitializedOp", computeVarIsInitializedOp, true};
const KernelDef kApplyGradientDescent{"ApplyGradientDescent", computeApplyGradientDescent, true};
const KernelDef kResourceApplyGradientDescent{"ResourceApplyGradientDescent", computeResourceApplyGradientDescent, true};
const KernelDef kResourceGather{"ResourceGather", computeResourceGather, true};
const KernelDef kDisableCopyOnRead{"DisableCopyOnRead", computeNothing, true};
const KernelDef kDestroyResourceOp{"DestroyResourceOp", computeNothing, true};

}  // namespace

void appendVariableKernels(std::vector<const KernelDef*>& out) {
    for (const KernelDef* k : {&kVariableV2, &kVariable, &kAssign, &kAssignAdd, &kAssignSub, &kIsVariableInitialized,
                               &kVarHandleOp, &kReadVariableOp, &kAssignVariableOp, &kAssignAddVariableOp,
                               &kAssignSubVariableOp, &kVarIsInitializedOp, &kDisableCopyOnRead, &kDestroyResourceOp,
                               &kApplyGradientDescent, &kResourceApplyGradientDescent, &kResourceGather})
        out.push_back(k);
}

}  // namespace tfscope::exec
