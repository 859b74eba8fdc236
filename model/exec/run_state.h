#pragma once
// RunState: what every node of one Session sees while running (shared by nested function calls):
// resources, the Eigen device, the function library, cancellation and the memory budget.
// Owned by the Session; executors and contexts only borrow it.

#include <atomic>
#include <cstdint>
#include <string>

#include "model/status.h"

namespace Eigen { class ThreadPoolDevice; }

namespace tfscope::exec {

class ResourceManager;
class FunctionLibrary;
class FunctionRunner;
class OpProfile;
class TensorKeeper;

// Bytes of tensors held by running executors (intermediates and outputs), against a cap.
class MemoryTracker {
public:
    explicit MemoryTracker(uint64_t limit = 0) : m_limit(limit) {}
    void setLimit(uint64_t limit) { m_limit = limit; }
    uint64_t limit() const { return m_limit; }
    uint64_t live() const { return m_live.load(); }
    uint64_t peak() const { return m_peak.load(); }
    // ResourceExhausted if adding `bytes` would pass the limit (0 = no limit).
    Status reserve(uint64_t bytes, const std::string& what);
    // False when reserve(bytes, ...) would fail: callers build the message only then.
    bool fits(uint64_t bytes) const { return m_limit == 0 || m_live.load() + bytes <= m_limit; }
    void add(uint64_t bytes);
    void release(uint64_t bytes) { m_live.fetch_sub(bytes); }
    void resetPeak() { m_peak.store(m_live.load()); }

private:
    uint64_t m_limit = 0;
    std::atomic<uint64_t> m_live{0};
    std::atomic<uint64_t> m_peak{0};
};

struct RunState {
    ResourceManager* resources = nullptr;
    Eigen::ThreadPoolDevice* device = nullptr;
    const FunctionLibrary* library = nullptr;
    FunctionRunner* functions = nullptr;
    std::atomic<bool>* cancelled = nullptr;
    MemoryTracker* memory = nullptr;
    int callDepth = 0;
    // Offered every value the top-level graph (callDepth 0, outside loop frames) produces; null: none.
    TensorKeeper* keeper = nullptr;
    // Times every kernel call when set (SessionOptions::profile); null: no timing.
    OpProfile* profile = nullptr;
};

}  // namespace tfscope::exec
