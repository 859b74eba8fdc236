#pragma once
// NodeContext: the executor's KernelContext for one node run. Besides the interface it gives the
// executor's own kernels (builtin_*.cpp) TF1 references, dead outputs and per-node identity.

#include <memory>
#include <string>
#include <vector>

#include "model/exec/kernel.h"
#include "model/exec/run_state.h"

namespace tfscope::exec {

class VariableResource;

// A value on an edge: a tensor, a TF1 reference to variable storage, or dead (untaken branch).
struct Value {
    Tensor tensor;
    std::shared_ptr<VariableResource> ref;
    bool dead = false;
    bool set = false;
};

class NodeContext final : public KernelContext {
public:
    // `def` and `state` are not owned; they must outlive this.
    NodeContext(const tensorflow::NodeDef& def, std::string scope, RunState& state, int numOutputs, bool knownOutputs);
    // A context to be reset() for each node it runs (the executor's ordered pass keeps one, so the
    // input and output vectors keep their capacity between nodes). `scope` must outlive the use.
    NodeContext(RunState& state) : m_state(state) {}
    void reset(const tensorflow::NodeDef& def, const std::string& scope, int numOutputs, bool knownOutputs);

    const tensorflow::NodeDef& node() const override { return *m_def; }
    int numInputs() const override { return int(m_inputs.size()); }
    Result<const Tensor*> input(int i) const override;
    Tensor takeInput(int i) override;
    int numOutputs() const override { return int(m_outputs.size()); }
    Result<Tensor*> allocateOutput(int i, DType dtype, Shape shape) override;
    Result<Tensor*> allocateOutputUninitialized(int i, DType dtype, Shape shape) override;
    Status setOutput(int i, Tensor t) override;
    Status checkMemory(uint64_t bytes) const override;
    const tensorflow::AttrValue* attr(std::string_view name) const override;
    Eigen::ThreadPoolDevice& device() override { return *m_state.device; }
    ResourceManager& resources() override { return *m_state.resources; }
    FunctionRunner& functions() override { return *m_state.functions; }
    bool isCancelled() const override { return m_state.cancelled && m_state.cancelled->load(); }
    DerivedCache* derivedCache() override;

    // Executor side.
    std::vector<Tensor>& inputs() { return m_inputs; }
    std::vector<std::shared_ptr<VariableResource>>& refInputs() { return m_refInputs; }
    std::vector<Value>& outputs() { return m_outputs; }

    // Builtin-kernel side.
    std::shared_ptr<VariableResource> refInput(int i) const;
    Status setRefOutput(int i, std::shared_ptr<VariableResource> var);
    Status markDead(int i);
    // Identifies this node across runs: "<function>/<node>" or "<node>".
    const std::string& nodeKey() const;
    RunState& state() { return m_state; }

private:
    Result<Tensor*> allocate(int i, DType dtype, Shape shape, bool zeroFill);
    Status checkIndex(int i);
    const tensorflow::NodeDef* m_def = nullptr;
    std::string m_scope;  // the owning constructor's copy
    const std::string* m_scopeRef = nullptr;
    mutable std::string m_key;  // built on first use
    RunState& m_state;
    bool m_knownOutputs = false;
    std::vector<Tensor> m_inputs;
    std::vector<std::shared_ptr<VariableResource>> m_refInputs;  // non-null where the op takes a ref
    std::vector<Value> m_outputs;
};

// Bytes a tensor holds (POD bytes or string lengths).
uint64_t tensorBytes(const Tensor& t);

}  // namespace tfscope::exec
