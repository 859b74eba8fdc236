#pragma once
// The kernel interface: what one op implementation sees when the executor runs a node.
// One op (or one family) per file under model/kernels/, registered by name in
// model/kernels/registry.cpp (docs/architecture.md#kernels):
//
//   // model/kernels/add_n.cpp
//   namespace tfscope::kernels {
//   namespace {
//   Status evalAddN(KernelContext& ctx) {
//       TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
//       TFS_ASSIGN_OR_RETURN(Tensor* y, ctx.allocateOutput(0, x->dtype(), x->shape()));
//       ...
//   }
//   }  // namespace
//   void registerAddN(KernelList& list) {   // declared in registry.h, called by libraryKernels()
//       static const KernelDef def{"AddN", evalAddN};
//       list.push_back(&def);
//   }
//   }  // namespace tfscope::kernels
//
// Attrs are read through the node's AttrValue map with defaults supplied by the caller
// (the OpDef default), because SavedModels strip attrs equal to their defaults.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "model/tensor.h"

namespace Eigen { class ThreadPoolDevice; }
namespace tensorflow { class NodeDef; class AttrValue; class TensorShapeProto; class NameAttrList; }

namespace tfscope::exec {

class ResourceManager;
class FunctionRunner;
class DerivedCache;

class KernelContext {
public:
    virtual ~KernelContext() = default;

    virtual const tensorflow::NodeDef& node() const = 0;
    const std::string& nodeName() const;
    const std::string& op() const;

    virtual int numInputs() const = 0;
    // Data input i (control inputs are not counted). Error if i is out of range.
    virtual Result<const Tensor*> input(int i) const = 0;
    // Input i handed over to the kernel: moved out of the context where the executor can (then
    // input(i) must not be read again), else a copy. With the only handle to a value (e.g. a
    // tensor list no one else holds), a kernel may change it in place and output it.
    virtual Tensor takeInput(int i) {
        auto t = input(i);
        return t.ok() ? *t.value() : Tensor();
    }
    // Number of outputs this node must produce (from its OpDef / attrs).
    virtual int numOutputs() const = 0;
    // Allocates output i honouring the run's memory cap; the returned pointer stays valid until
    // the kernel returns.
    virtual Result<Tensor*> allocateOutput(int i, DType dtype, Shape shape) = 0;
    // allocateOutput() without zero-filling the elements: for kernels that write every one.
    virtual Result<Tensor*> allocateOutputUninitialized(int i, DType dtype, Shape shape) {
        return allocateOutput(i, dtype, std::move(shape));
    }
    // ResourceExhausted when `bytes` more would pass the run's memory cap: for a kernel that
    // allocates its outputs' storage itself (one buffer viewed as several outputs).
    virtual Status checkMemory(uint64_t bytes) const {
        (void)bytes;
        return Status::OK();
    }
    // Forwards an existing tensor (no copy) as output i.
    virtual Status setOutput(int i, Tensor t) = 0;

    // Attr lookup; nullptr if absent (then use the OpDef default).
    virtual const tensorflow::AttrValue* attr(std::string_view name) const = 0;
    Result<DType> attrType(std::string_view name) const;                       // required
    DType attrType(std::string_view name, DType dflt) const;
    int64_t attrInt(std::string_view name, int64_t dflt) const;
    float attrFloat(std::string_view name, float dflt) const;
    bool attrBool(std::string_view name, bool dflt) const;
    std::string attrString(std::string_view name, std::string dflt) const;
    std::vector<int64_t> attrIntList(std::string_view name, std::vector<int64_t> dflt = {}) const;
    std::vector<DType> attrTypeList(std::string_view name) const;
    std::vector<std::string> attrStringList(std::string_view name) const;

    virtual Eigen::ThreadPoolDevice& device() = 0;
    virtual ResourceManager& resources() = 0;
    // Calls a function of the library (PartitionedCall, If, While...).
    virtual FunctionRunner& functions() = 0;
    virtual bool isCancelled() const = 0;
    // Data kernels derive from their inputs and keep between runs (a packed filter); nullptr
    // where nothing is kept.
    virtual DerivedCache* derivedCache() { return nullptr; }

    // "Node 'n' (Op): message" — shape/dtype errors must name the node, op and shapes.
    Status error(const std::string& message) const;
};

using ComputeFn = Status (*)(KernelContext& ctx);

struct KernelDef {
    const char* op;
    ComputeFn compute;
    bool stateful = false;  // never pruned as a constant / cached
};

// Kernel tables. Math/NN/shape/string kernels live in model/kernels/ and are listed by
// model/kernels/registry.cpp; the executor's own kernels (Placeholder, Const, variables, restore,
// function calls, control flow, tables) by model/exec/builtin_kernels.cpp. findKernel() looks in both.
const std::vector<const KernelDef*>& libraryKernels();   // model/kernels/registry.cpp
const std::vector<const KernelDef*>& builtinKernels();   // model/exec/builtin_kernels.cpp
const KernelDef* findKernel(std::string_view op);        // model/exec/kernel_registry.cpp

}  // namespace tfscope::exec
