// Shared helpers of the kernel library (see kernel_util.h).
#include "model/kernels/kernel_util.h"

#define EIGEN_USE_THREADS
#include <unsupported/Eigen/CXX11/Tensor>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>

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

namespace {

// One parallelFor's shared state: chunks claimed one at a time, the caller from the first chunk
// up and the helpers from the last one down. With one chunk per thread the caller runs chunk 0 and
// the helper the last one on every run, so each thread finds its part of the operands (a layer's
// weights) in its own cache from the run before; a late helper still leaves no chunk undone.
struct Shared {
    static constexpr int64_t kWords = 4;  // claim bits: up to 256 chunks
    std::atomic<uint64_t> claimed[kWords] = {};
    std::atomic<int64_t> done{0};
    std::atomic<int> borrowed{0};  // helpers that hold this by raw pointer (handed over through a Handoff)
    int64_t n = 0, chunks = 0;
    const std::function<void(int64_t, int64_t)>* fn = nullptr;
    bool claim(int64_t c) {
        const uint64_t bit = uint64_t(1) << (c % 64);
        std::atomic<uint64_t>& word = claimed[c / 64];
        return !(word.load(std::memory_order_relaxed) & bit) && !(word.fetch_or(bit, std::memory_order_relaxed) & bit);
    }
    // Runs chunks until none is left; fn is only touched for a chunk taken while the caller
    // still waits for it.
    void work(bool caller) {
        for (int64_t i = 0; i < chunks; ++i) {
            const int64_t c = caller ? i : chunks - 1 - i;
            if (!claim(c)) continue;
            (*fn)(c * n / chunks, (c + 1) * n / chunks);
            if (done.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks) done.notify_all();
        }
    }
};

// A pool worker that has run its share of a parallelFor stays awake for a short while
// (kHandoffSpin) and takes the next parallelFor's work from `slot` directly. Woken through the
// thread pool instead, a helper started 5-10 us after the caller on average (a futex wake-up), about
// what a batch-1 layer takes: the caller did most of each layer alone or waited. One per pool.
struct Handoff {
    std::atomic<int> spinning{0};        // workers waiting in helperLoop
    std::atomic<Shared*> slot{nullptr};  // work for one of them, `borrowed` already counted
    std::atomic<uint64_t> releases{0};   // releasePoolHelpers() calls: waiting workers go back to the pool
};
constexpr std::chrono::microseconds kHandoffSpin{60};

Handoff& handoffFor(const void* pool) {
    // Entries are small and never erased (a pool's address may come back with a new pool, which
    // then shares its entry), so each thread can remember the last one it looked up.
    thread_local const void* lastPool = nullptr;
    thread_local Handoff* last = nullptr;
    if (pool == lastPool) return *last;
    // Never destroyed: a static pool's workers may still wait in helperLoop during static destruction.
    static std::mutex* mutex = new std::mutex;
    static auto* table = new std::unordered_map<const void*, std::unique_ptr<Handoff>>;
    std::lock_guard<std::mutex> lock(*mutex);
    auto& h = (*table)[pool];
    if (!h) h = std::make_unique<Handoff>();
    lastPool = pool;
    last = h.get();
    return *h;
}

// A helper: runs `first` (kept alive by the scheduled task's capture), then waits for work posted
// to `h` until kHandoffSpin passes without any. Posted work is kept alive by its parallelFor caller,
// which waits while `borrowed` > 0.
void helperLoop(Handoff& h, Shared* first) {
    first->work(false);
    Shared* s = nullptr;
    for (;;) {
        if (s) {
            s->work(false);
            s->borrowed.fetch_sub(1, std::memory_order_acq_rel);
            s = nullptr;
        }
        h.spinning.fetch_add(1, std::memory_order_acq_rel);
        const auto until = std::chrono::steady_clock::now() + kHandoffSpin;
        const uint64_t releases = h.releases.load(std::memory_order_acquire);
        for (int i = 0; !s; ++i) {
            Shared* p = h.slot.load(std::memory_order_acquire);
            if (p && h.slot.compare_exchange_strong(p, nullptr, std::memory_order_acq_rel)) s = p;
            else if (h.releases.load(std::memory_order_relaxed) != releases) break;
            else if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) break;
            else cpuRelax();
        }
        h.spinning.fetch_sub(1, std::memory_order_acq_rel);
        if (!s) return;
    }
}

}  // namespace

void parallelFor(KernelContext& ctx, int64_t n, double cost, const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    const int threads = ctx.device().numThreads();
    if (threads <= 1 || double(n) * cost < 20000.0) {
        fn(0, n);
        return;
    }
    // The calling thread works too, beside threads - 1 pool workers (the Session's pool has that
    // many), so a run never has more busy threads than it was given. The range is cut into a few
    // chunks per thread, claimed by whoever is free (the caller from the first, the workers from the
    // last): a worker that starts late (a busy machine) finds less or nothing left to do instead of
    // holding the caller up.
    const int64_t chunks = std::min<int64_t>({n, Shared::kWords * 64, std::max<int64_t>(threads, std::min<int64_t>(4 * threads, int64_t(double(n) * cost / 10000.0)))});
    if (chunks <= 1) {
        fn(0, n);
        return;
    }
    auto shared = std::make_shared<Shared>();
    shared->n = n;
    shared->chunks = chunks;
    shared->fn = &fn;
    Eigen::ThreadPoolInterface* pool = ctx.device().getPool();
    Handoff& handoff = handoffFor(pool);
    int helpers = int(std::min<int64_t>(threads - 1, chunks - 1));
    // One helper from a worker still awake after the last parallelFor, if there is one.
    bool posted = false;
    if (handoff.spinning.load(std::memory_order_acquire) > 0) {
        shared->borrowed.fetch_add(1, std::memory_order_acq_rel);
        Shared* empty = nullptr;
        posted = handoff.slot.compare_exchange_strong(empty, shared.get(), std::memory_order_acq_rel);
        if (posted) --helpers;
        else shared->borrowed.fetch_sub(1, std::memory_order_acq_rel);
    }
    for (int i = 0; i < helpers; ++i)
        pool->Schedule([shared, &handoff] { helperLoop(handoff, shared.get()); });
    shared->work(true);
    // Work nobody took back (the worker stopped waiting just before it was posted).
    if (posted) {
        Shared* mine = shared.get();
        if (handoff.slot.compare_exchange_strong(mine, nullptr, std::memory_order_acq_rel)) shared->borrowed.fetch_sub(1, std::memory_order_acq_rel);
    }
    // The last chunks usually finish within microseconds: spin briefly before sleeping, since a
    // sleep and wake-up through the kernel costs more than that.
    for (int spin = 0; spin < 2000 && shared->done.load(std::memory_order_acquire) < chunks; ++spin) cpuRelax();
    for (int64_t d = shared->done.load(std::memory_order_acquire); d < chunks; d = shared->done.load(std::memory_order_acquire))
        shared->done.wait(d, std::memory_order_acquire);
    // A helper handed this through the slot holds it by pointer until it has left work().
    while (posted && shared->borrowed.load(std::memory_order_acquire) > 0) cpuRelax();
}

void releasePoolHelpers(KernelContext& ctx) {
    if (ctx.device().numThreads() > 1) handoffFor(ctx.device().getPool()).releases.fetch_add(1, std::memory_order_acq_rel);
}

int numThreads(KernelContext& ctx) { return ctx.device().numThreads(); }

Status forwardAs(KernelContext& ctx, int i, const Tensor& t, Shape shape) {
    return ctx.setOutput(i, t.reshaped(std::move(shape)));
}

}  // namespace tfscope::kernels
