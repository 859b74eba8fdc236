#pragma once
// LiveLedger: counts the bytes of tensors that the frame executor (FrameScheduler) holds
// between nodes: values waiting in pending input slots, loop constants and fetched values. Copies
// of one tensor share storage, so a buffer is counted once however many slots hold it, and
// released from the MemoryTracker when the last holder drops it.
//
//   LiveLedger ledger(state.memory);
//   ledger.hold(v);   // a slot now holds v
//   ledger.drop(v);   // that slot let go of v
//
// Not thread-safe: one executor's scheduling thread uses it. The destructor releases all it holds.

#include <cstdint>
#include <unordered_map>

#include "model/exec/node_context.h"
#include "model/exec/run_state.h"

namespace tfscope::exec {

class LiveLedger {
public:
    explicit LiveLedger(MemoryTracker* memory) : m_memory(memory) {}  // Not owned; may be null.
    ~LiveLedger();
    LiveLedger(const LiveLedger&) = delete;
    LiveLedger& operator=(const LiveLedger&) = delete;

    // Only live tensors with storage count (dead values, references and empty tensors do not).
    void hold(const Value& v);
    void drop(const Value& v);
    uint64_t held() const { return m_held; }

private:
    struct Entry {
        int holders = 0;
        uint64_t bytes = 0;
    };
    static const void* storageOf(const Value& v);
    MemoryTracker* m_memory;
    std::unordered_map<const void*, Entry> m_entries;
    uint64_t m_held = 0;
};

}  // namespace tfscope::exec
