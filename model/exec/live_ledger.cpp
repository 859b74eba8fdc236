#include "model/exec/live_ledger.h"

namespace tfscope::exec {

LiveLedger::~LiveLedger() {
    if (m_memory) m_memory->release(m_held);
}

const void* LiveLedger::storageOf(const Value& v) {
    if (!v.set || v.dead || v.ref || !v.tensor.valid()) return nullptr;
    if (v.tensor.dtype() == DType::String) return &v.tensor.strings();
    if (!isPod(v.tensor.dtype())) return nullptr;
    return v.tensor.rawData();
}

void LiveLedger::hold(const Value& v) {
    const void* at = storageOf(v);
    if (!at) return;
    Entry& e = m_entries[at];
    if (e.holders++ > 0) return;
    e.bytes = tensorBytes(v.tensor);
    m_held += e.bytes;
    if (m_memory) m_memory->add(e.bytes);
}

void LiveLedger::drop(const Value& v) {
    const void* at = storageOf(v);
    if (!at) return;
    auto it = m_entries.find(at);
    if (it == m_entries.end()) return;
    if (--it->second.holders > 0) return;
    m_held -= it->second.bytes;
    if (m_memory) m_memory->release(it->second.bytes);
    m_entries.erase(it);
}

}  // namespace tfscope::exec
