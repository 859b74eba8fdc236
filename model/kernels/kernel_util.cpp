// Shared helpers of the kernel library (see kernel_util.h).
#include "model/kernels/kernel_util.h"

#define EIGEN_USE_THREADS
#include <unsupported/Eigen/CXX11/Tensor>

namespace tfscope::kernels {

Status unsupportedType(const KernelContext& ctx, DType d) {
    return Status::unimplemented("Node '" + ctx.nodeName() + "' (" + ctx.op() + "): dtype '" +
                                 std::string(dtypeShortName(d)) + "' is not supported.");
}

Result<const Tensor*> inputOf(KernelContext& ctx, int i) {
    if (i >= ctx.numInputs())
        return ctx.error("Expected at least " + std::to_string(i + 1) + " inputs, got " +
                         std::to_string(ctx.numInputs()) + ".");
    TFS_ASSIGN_OR_RETURN(const Tensor* t, ctx.input(i));
    if (!t || !t->valid()) return ctx.error("Input " + std::to_string(i) + " is not a valid tensor.");
    return t;
}

Status checkInputCount(KernelContext& ctx, int expected) {
    if (ctx.numInputs() != expected)
        return ctx.error("Expected " + std::to_string(expected) + " inputs, got " +
                         std::to_string(ctx.numInputs()) + ".");
    return Status::OK();
}

Status checkSameDType(KernelContext& ctx, const Tensor& a, const Tensor& b) {
    if (a.dtype() != b.dtype())
        return ctx.error("Inputs have different dtypes '" + std::string(dtypeShortName(a.dtype())) + "' and '" +
                         std::string(dtypeShortName(b.dtype())) + "'.");
    return Status::OK();
}

Result<std::vector<int64_t>> indexValues(KernelContext& ctx, const Tensor& t, const char* what) {
    std::vector<int64_t> out;
    if (t.dtype() == DType::Int32) {
        const int32_t* p = dataOf<int32_t>(t);
        out.assign(p, p + t.numElements());
    } else if (t.dtype() == DType::Int64) {
        const int64_t* p = dataOf<int64_t>(t);
        out.assign(p, p + t.numElements());
    } else {
        return ctx.error(std::string(what) + " must be int32 or int64, got '" +
                         std::string(dtypeShortName(t.dtype())) + "'.");
    }
    return out;
}

Result<int64_t> indexScalar(KernelContext& ctx, const Tensor& t, const char* what) {
    if (t.numElements() != 1)
        return ctx.error(std::string(what) + " must be a scalar, got shape '" + shapeToString(t.shape()) + "'.");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> v, indexValues(ctx, t, what));
    return v[0];
}

Result<int> normalizeAxis(KernelContext& ctx, int64_t axis, int rank) {
    if (axis < -rank || axis >= rank)
        return ctx.error("Axis '" + std::to_string(axis) + "' is out of range for rank " + std::to_string(rank) + ".");
    return int(axis < 0 ? axis + rank : axis);
}

bool isVector(const Tensor& t) { return t.rank() == 1; }
bool isScalar(const Tensor& t) { return t.rank() == 0; }

void parallelFor(KernelContext& ctx, int64_t n, double cost, const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    if (double(n) * cost < 20000.0) {
        fn(0, n);
        return;
    }
    ctx.device().parallelFor(n, Eigen::TensorOpCost(8, 8, cost),
                             [&fn](Eigen::Index b, Eigen::Index e) { fn(int64_t(b), int64_t(e)); });
}

int numThreads(KernelContext& ctx) { return ctx.device().numThreads(); }

Status forwardAs(KernelContext& ctx, int i, const Tensor& t, Shape shape) {
    return ctx.setOutput(i, t.reshaped(std::move(shape)));
}

}  // namespace tfscope::kernels
