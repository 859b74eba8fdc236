#pragma once
// TensorKeeper: keeps the values a run computes beside its fetches ("Keep intermediate tensors" in
// the window's Run panel), so that any node's value can be shown after the run without running
// again. Session::run offers it every fed tensor and every output of the graph's own nodes as it is
// produced (not the nodes inside called functions, nor values inside TF1 while-loop frames: only the
// top level's); dead values are not offered, a TF1 variable reference is read first.
//
//   exec::TensorKeeper keep(64 << 20);                       // at most 64 MiB of kept values
//   TFS_RETURN_IF_ERROR(session->run(feeds, fetches, {}, &out, nullptr, &keep));
//   if (const Tensor* t = keep.find("dense/BiasAdd:0")) ...
//   if (keep.droppedCount()) ...                              // some did not fit under the cap
//
// The cap counts tensorBytes() of each kept value (string and object payloads included). A value
// that does not fit is dropped and counted; smaller ones after it are still kept while they fit.
// Kept values share storage with the run's tensors (no copy); a kernel that would have reused a
// kept input's buffer in place copies it instead. Not thread-safe: one run at a time.

#include <cstdint>
#include <map>
#include <string>

#include "model/tensor.h"

namespace tfscope::exec {

class TensorKeeper {
public:
    explicit TensorKeeper(uint64_t capBytes) : m_cap(capBytes) {}

    // Keeps `value` as tensor `name` ("node:k") if it fits; a name offered again replaces the value.
    void offer(const std::string& name, const Tensor& value);

    // "node:k" -> value.
    const std::map<std::string, Tensor>& tensors() const { return m_kept; }
    const Tensor* find(const std::string& name) const;
    uint64_t capBytes() const { return m_cap; }
    uint64_t keptBytes() const { return m_bytes; }
    // Values that did not fit under the cap, and their bytes.
    int64_t droppedCount() const { return m_dropped; }
    uint64_t droppedBytes() const { return m_droppedBytes; }

private:
    uint64_t m_cap;
    uint64_t m_bytes = 0;
    int64_t m_dropped = 0;
    uint64_t m_droppedBytes = 0;
    std::map<std::string, Tensor> m_kept;
};

}  // namespace tfscope::exec
