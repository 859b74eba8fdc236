#include "model/exec/resource_manager.h"

#include <atomic>

#include "model/checkpoint/checkpoint_reader.h"

namespace tfscope::exec {

namespace {
std::atomic<uint64_t> g_resourceEpoch{0};
}  // namespace

uint64_t resourceEpoch() { return g_resourceEpoch.load(std::memory_order_acquire); }
void noteResourcesChanged() { g_resourceEpoch.fetch_add(1, std::memory_order_acq_rel); }

std::shared_ptr<Resource> ResourceManager::lookupOrCreateBase(const std::string& container, const std::string& name,
                                                              const Factory& create) {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto& slot = m_resources[{container, name}];
    if (!slot) {
        slot = create();
        slot->name = name;
        noteResourcesChanged();
    }
    return slot;
}

std::shared_ptr<Resource> ResourceManager::lookup(const std::string& container, const std::string& name) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_resources.find({container, name});
    return it == m_resources.end() ? nullptr : it->second;
}

void ResourceManager::clear() {
    std::lock_guard<std::mutex> lock(m_mutex);
    noteResourcesChanged();
    m_resources.clear();
    m_checkpoints.clear();
    m_handles.clear();
    m_constants.clear();
    m_derived.clear();
}

Result<std::shared_ptr<const CheckpointReader>> ResourceManager::checkpoint(const std::string& prefix) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = m_checkpoints.find(prefix);
        if (it != m_checkpoints.end()) return it->second;
    }
    TFS_ASSIGN_OR_RETURN(std::unique_ptr<CheckpointReader> reader, CheckpointReader::open(prefix));
    std::shared_ptr<const CheckpointReader> shared(std::move(reader));
    std::lock_guard<std::mutex> lock(m_mutex);
    m_checkpoints[prefix] = shared;
    return shared;
}

bool ResourceManager::cachedConstant(const void* node, Tensor* out) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_constants.find(node);
    if (it == m_constants.end()) return false;
    *out = it->second;
    return true;
}

bool ResourceManager::cachedHandle(const void* node, Tensor* out) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_handles.find(node);
    if (it == m_handles.end()) return false;
    *out = it->second;
    return true;
}

void ResourceManager::cacheHandle(const void* node, Tensor t) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_handles[node] = std::move(t);
}

void ResourceManager::cacheConstant(const void* node, Tensor t) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_constants[node] = std::move(t);
}

Tensor makeResourceHandle(std::shared_ptr<Resource> resource) {
    Tensor t(DType::Resource, {});
    t.mutableObjects()[0] = std::static_pointer_cast<void>(std::move(resource));
    return t;
}

Result<std::shared_ptr<Resource>> resourceFromHandleBase(const Tensor& handle) {
    if (handle.dtype() != DType::Resource || handle.numElements() != 1)
        return Status::invalidArgument("Expected a scalar resource handle, got '" + dtypeEnumName(handle.dtype()) + "' " +
                                       shapeToString(handle.shape()) + ".");
    const auto& obj = handle.objects()[0];
    if (!obj) return Status::invalidArgument("Resource handle is empty.");
    return std::static_pointer_cast<Resource>(obj);
}

}  // namespace tfscope::exec
