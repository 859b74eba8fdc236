#pragma once
// DerivedCache: what kernels derive from an input tensor and keep between runs of a Session, such
// as a convolution filter packed for the GEMM, so a model's weights are packed once, not per run.
//
//   auto packed = std::static_pointer_cast<const PackedSgemmB>(cache.find(filter, "conv2d.filter"));
//   if (!packed) { packed = std::make_shared<PackedSgemmB>(...); cache.insert(filter, "conv2d.filter", packed, bytes); }
//
// An entry is found again only for the same storage (Tensor::storageId: the same buffer and
// offset; dtype and shape checked), looked up without reading it (a folded filter's bytes are
// computed only when read, Buffer::computedOnRead, so its packing can stand in for it). It keeps the
// source tensor, and a tensor whose storage is shared is never changed in place (writers copy
// first), so a hit always matches the source's current values. Entries whose source nothing else
// holds any more (an intermediate of an earlier run) are dropped at the next insert; the total is
// capped, past which nothing more is kept. Thread-safe.

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "model/tensor.h"

namespace tfscope::exec {

class DerivedCache {
public:
    explicit DerivedCache(size_t maxBytes = size_t(1) << 30) : m_maxBytes(maxBytes) {}

    // A new cap for later inserts (a Session with a memory limit keeps a quarter of it at most).
    void setMaxBytes(size_t maxBytes);
    // The value inserted for `source` under `kind`, or nullptr.
    std::shared_ptr<const void> find(const Tensor& source, std::string_view kind) const;
    // Keeps `value` (of about `bytes`) for `source` under `kind` if the cap allows.
    void insert(const Tensor& source, std::string_view kind, std::shared_ptr<const void> value, size_t bytes);
    // True when the cap leaves room for `bytes` more now: for a value only worth making if it is
    // kept (insert may find more room, by dropping entries nothing else holds).
    bool hasRoomFor(size_t bytes) const;
    // Drops every entry of `kind`, whatever its source: for a kind one node keeps one entry of,
    // whose value may hold its source (a folded filter computed on read holds W), so that the
    // entry for an earlier source (a variable assigned since) is not kept alive by itself.
    void eraseKind(std::string_view kind);
    void clear();
    size_t bytes() const;
    size_t size() const;

private:
    struct Entry {
        Tensor source;
        std::shared_ptr<const void> value;
        size_t bytes = 0;
    };
    using Key = std::tuple<const void*, size_t, std::string>;

    mutable std::mutex m_mutex;
    size_t m_maxBytes;
    std::map<Key, Entry, std::less<>> m_entries;
    size_t m_bytes = 0;
};

}  // namespace tfscope::exec
