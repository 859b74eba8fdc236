#pragma once
// ResourceManager: the state a Session keeps between runs, keyed by (container, shared_name) as in
// TF's ResourceMgr: resource variables, TF1 ref variables, hash tables, and opened checkpoints.
//
//   auto var = rm.lookupOrCreate<VariableResource>("", "dense/kernel", [] { return std::make_shared<VariableResource>(); });
//   Tensor handle = makeResourceHandle(*var);
//   TFS_ASSIGN_OR_RETURN(auto v, resourceFromHandle<VariableResource>(handle, "ReadVariableOp"));
//
// A DT_RESOURCE tensor holds the resource object itself (objects()[0]), so handles stay valid for the
// Session's life. Thread safety: the map is guarded by a mutex; each resource has its own mutex.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/exec/derived_cache.h"
#include "model/status.h"
#include "model/tensor.h"

namespace tfscope { class CheckpointReader; }

namespace tfscope::exec {

class Resource {
public:
    virtual ~Resource() = default;
    virtual const char* kind() const = 0;
    std::string name;  // shared_name, for messages
};

// A variable (resource or TF1 ref): its current value; `initialized` until first assigned.
class VariableResource final : public Resource {
public:
    const char* kind() const override { return "variable"; }
    std::mutex mutex;
    Tensor value;
    bool initialized = false;
    DType dtype = DType::Invalid;
};

// A HashTableV2: keys (string or integer, integers stored as their decimal text) to one value each.
class LookupTableResource final : public Resource {
public:
    const char* kind() const override { return "lookup table"; }
    std::mutex mutex;
    DType keyType = DType::Invalid;
    DType valueType = DType::Invalid;
    bool initialized = false;
    std::unordered_map<std::string, size_t> index;  // key -> slot in `values`
    std::vector<std::string> stringValues;
    std::vector<int64_t> intValues;
    std::vector<double> floatValues;
};

class ResourceManager {
public:
    using Factory = std::function<std::shared_ptr<Resource>()>;

    // The resource at (container, name), created by `create` if absent. InvalidArgument if it exists
    // with another kind.
    template <typename T>
    Result<std::shared_ptr<T>> lookupOrCreate(const std::string& container, const std::string& name, const Factory& create) {
        std::shared_ptr<Resource> r = lookupOrCreateBase(container, name, create);
        auto typed = std::dynamic_pointer_cast<T>(r);
        if (!typed) return Status::invalidArgument("Resource '" + name + "' is a " + r->kind() + ", not the expected kind.");
        return typed;
    }
    std::shared_ptr<Resource> lookup(const std::string& container, const std::string& name) const;
    // Drops every resource (a fresh session state).
    void clear();

    // Opened checkpoints, cached by prefix (RestoreV2 runs once per variable group).
    Result<std::shared_ptr<const CheckpointReader>> checkpoint(const std::string& prefix);

    // Decoded Const values by node (the graph outlives the Session's resources).
    bool cachedConstant(const void* node, Tensor* out) const;
    void cacheConstant(const void* node, Tensor t);

    // VarHandleOp's handle by node: the lookup by container and name (and the node's attributes)
    // once, not on every run. Dropped by clear().
    bool cachedHandle(const void* node, Tensor* out) const;
    void cacheHandle(const void* node, Tensor t);

    DerivedCache& derived() { return m_derived; }

private:
    std::shared_ptr<Resource> lookupOrCreateBase(const std::string& container, const std::string& name, const Factory& create);
    mutable std::mutex m_mutex;
    std::map<std::pair<std::string, std::string>, std::shared_ptr<Resource>> m_resources;
    std::map<std::string, std::shared_ptr<const CheckpointReader>> m_checkpoints;
    std::unordered_map<const void*, Tensor> m_constants;
    std::unordered_map<const void*, Tensor> m_handles;
    DerivedCache m_derived;
};

// A process-wide count of changes to resources: a variable written (assign and update ops, a
// restore, an edit), a resource created, or a manager cleared. Values a run computed from
// variables alone stay valid while it is unchanged (OrderedRun's run-invariant values, executor.cpp).
uint64_t resourceEpoch();
void noteResourcesChanged();

// A scalar DT_RESOURCE tensor holding `resource`.
Tensor makeResourceHandle(std::shared_ptr<Resource> resource);

// The resource behind a handle tensor, checked for kind; `op` names the consumer in errors.
Result<std::shared_ptr<Resource>> resourceFromHandleBase(const Tensor& handle);
template <typename T>
Result<std::shared_ptr<T>> resourceFromHandle(const Tensor& handle) {
    TFS_ASSIGN_OR_RETURN(std::shared_ptr<Resource> r, resourceFromHandleBase(handle));
    auto typed = std::dynamic_pointer_cast<T>(r);
    if (!typed) return Status::invalidArgument("Resource '" + r->name + "' is a " + r->kind() + ", not the expected kind.");
    return typed;
}

}  // namespace tfscope::exec
