#pragma once
// Progress: how long core calls report progress and learn they were cancelled.
// The GUI adapts it to QPromise (views/util/job.h); the CLI passes nullptr or a printing one.
// Thread safety: cancel() may be called from any thread; report() from the worker.

#include <atomic>
#include <cstdint>

namespace tfscope {

class Progress {
public:
    virtual ~Progress() = default;
    virtual void report(int64_t done, int64_t total) { (void)done; (void)total; }
    virtual bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }

private:
    std::atomic<bool> m_cancelled{false};
};

}  // namespace tfscope
