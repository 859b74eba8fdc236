#include "model/exec/run_state.h"

namespace tfscope::exec {

Status MemoryTracker::reserve(uint64_t bytes, const std::string& what) {
    if (m_limit == 0) return Status::OK();
    uint64_t live = m_live.load();
    if (live + bytes > m_limit)
        return Status::resourceExhausted("Allocating " + std::to_string(bytes) + " bytes for " + what + " would pass the memory limit of " +
                                         std::to_string(m_limit) + " bytes (" + std::to_string(live) + " in use).");
    return Status::OK();
}

void MemoryTracker::add(uint64_t bytes) {
    uint64_t now = m_live.fetch_add(bytes) + bytes;
    uint64_t peak = m_peak.load();
    while (now > peak && !m_peak.compare_exchange_weak(peak, now)) {
    }
}

}  // namespace tfscope::exec
