#include "model/exec/tensor_keeper.h"

#include "model/exec/node_context.h"

namespace tfscope::exec {

void TensorKeeper::offer(const std::string& name, const Tensor& value) {
    if (!value.valid()) return;
    const uint64_t bytes = tensorBytes(value);
    auto it = m_kept.find(name);
    const uint64_t replaced = it == m_kept.end() ? 0 : tensorBytes(it->second);
    if (m_bytes - replaced + bytes > m_cap) {
        ++m_dropped;
        m_droppedBytes += bytes;
        return;
    }
    m_bytes = m_bytes - replaced + bytes;
    m_kept[name] = value;
}

const Tensor* TensorKeeper::find(const std::string& name) const {
    auto it = m_kept.find(name);
    return it == m_kept.end() ? nullptr : &it->second;
}

}  // namespace tfscope::exec
