#include "model/exec/derived_cache.h"

namespace tfscope::exec {

std::shared_ptr<const void> DerivedCache::find(const Tensor& source, std::string_view kind) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    const auto [buffer, offset] = source.storageId();
    auto it = m_entries.find(Key{buffer, offset, std::string(kind)});
    if (it == m_entries.end()) return nullptr;
    const Tensor& kept = it->second.source;
    if (kept.dtype() != source.dtype() || kept.shape() != source.shape()) return nullptr;
    return it->second.value;
}

void DerivedCache::insert(const Tensor& source, std::string_view kind, std::shared_ptr<const void> value, size_t bytes) {
    const auto [buffer, offset] = source.storageId();
    if (!buffer) return;
    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (it->second.source.storageUseCount() == 1) {  // only this cache holds it: never found again
            m_bytes -= it->second.bytes;
            it = m_entries.erase(it);
        } else {
            ++it;
        }
    }
    Key key{buffer, offset, std::string(kind)};
    if (auto it = m_entries.find(key); it != m_entries.end()) {  // same storage, another shape
        m_bytes -= it->second.bytes;
        m_entries.erase(it);
    }
    if (m_bytes > m_maxBytes || bytes > m_maxBytes - m_bytes) return;
    m_entries.emplace(std::move(key), Entry{source, std::move(value), bytes});
    m_bytes += bytes;
}

bool DerivedCache::hasRoomFor(size_t bytes) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_bytes <= m_maxBytes && bytes <= m_maxBytes - m_bytes;
}

void DerivedCache::eraseKind(std::string_view kind) {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (std::get<2>(it->first) == kind) {
            m_bytes -= it->second.bytes;
            it = m_entries.erase(it);
        } else {
            ++it;
        }
    }
}

void DerivedCache::setMaxBytes(size_t maxBytes) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_maxBytes = maxBytes;
}

void DerivedCache::clear() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_entries.clear();
    m_bytes = 0;
}

size_t DerivedCache::bytes() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_bytes;
}

size_t DerivedCache::size() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_entries.size();
}

}  // namespace tfscope::exec
