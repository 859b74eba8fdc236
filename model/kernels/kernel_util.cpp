// Shared helpers of the kernel library (see kernel_util.h).
#include "model/kernels/kernel_util.h"

#define EIGEN_USE_THREADS
#include <unsupported/Eigen/CXX11/Tensor>

#include <algorithm>
#include <atomic>
#include <memory>

namespace tfscope::kernels {
namespace {

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
}

}  // namespace

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
    const int threads = ctx.device().numThreads();
    if (threads <= 1 || double(n) * cost < 20000.0) {
        fn(0, n);
        return;
    }
    // The calling thread works too, beside threads - 1 pool workers (the Session's pool has that
    // many), so a run never has more busy threads than it was given. The range is cut into a few
    // chunks per thread, taken in turn by whoever is free: a worker that starts late (a busy
    // machine) finds less or nothing left to do instead of holding the caller up.
    const int64_t chunks = std::min<int64_t>(n, std::max<int64_t>(threads, std::min<int64_t>(4 * threads, int64_t(double(n) * cost / 10000.0))));
    if (chunks <= 1) {
        fn(0, n);
        return;
    }
    struct Shared {
        std::atomic<int64_t> next{0};
        std::atomic<int64_t> done{0};
        int64_t n = 0, chunks = 0;
        const std::function<void(int64_t, int64_t)>* fn = nullptr;
        // Runs chunks until none is left; fn is only touched for a chunk taken while the caller
        // still waits for it.
        void work() {
            for (;;) {
                const int64_t c = next.fetch_add(1, std::memory_order_relaxed);
                if (c >= chunks) return;
                (*fn)(c * n / chunks, (c + 1) * n / chunks);
                if (done.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks) done.notify_all();
            }
        }
    };
    auto shared = std::make_shared<Shared>();
    shared->n = n;
    shared->chunks = chunks;
    shared->fn = &fn;
    Eigen::ThreadPoolInterface* pool = ctx.device().getPool();
    const int helpers = int(std::min<int64_t>(threads - 1, chunks - 1));
    for (int i = 0; i < helpers; ++i) pool->Schedule([shared] { shared->work(); });
    shared->work();
    // The last chunks usually finish within microseconds: spin briefly before sleeping, since a
    // sleep and wake-up through the kernel costs more than that.
    for (int spin = 0; spin < 2000 && shared->done.load(std::memory_order_acquire) < chunks; ++spin) cpuRelax();
    for (int64_t d = shared->done.load(std::memory_order_acquire); d < chunks; d = shared->done.load(std::memory_order_acquire))
        shared->done.wait(d, std::memory_order_acquire);
}

int numThreads(KernelContext& ctx) { return ctx.device().numThreads(); }

Status forwardAs(KernelContext& ctx, int i, const Tensor& t, Shape shape) {
    return ctx.setOutput(i, t.reshaped(std::move(shape)));
}

}  // namespace tfscope::kernels
