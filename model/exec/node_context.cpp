#include "model/exec/node_context.h"

#include "model/exec/resource_manager.h"
#include "node_def.pb.h"

namespace tfscope::exec {

uint64_t tensorBytes(const Tensor& t) {
    if (t.dtype() == DType::String) {
        uint64_t n = 0;
        for (const auto& s : t.strings()) n += s.size() + sizeof(std::string);
        return n;
    }
    return t.byteSize();
}

NodeContext::NodeContext(const tensorflow::NodeDef& def, std::string scope, RunState& state, int numOutputs,
                         bool knownOutputs)
    : m_def(&def), m_scope(std::move(scope)), m_scopeRef(&m_scope), m_state(state), m_knownOutputs(knownOutputs), m_outputs(size_t(numOutputs)) {}

void NodeContext::reset(const tensorflow::NodeDef& def, const std::string& scope, int numOutputs, bool knownOutputs) {
    m_def = &def;
    m_scopeRef = &scope;
    m_key.clear();
    m_knownOutputs = knownOutputs;
    m_inputs.clear();
    m_refInputs.clear();
    m_outputs.clear();
    m_outputs.resize(size_t(numOutputs));
}

const std::string& NodeContext::nodeKey() const {
    if (m_key.empty()) m_key = m_scopeRef->empty() ? m_def->name() : *m_scopeRef + "/" + m_def->name();
    return m_key;
}

Result<const Tensor*> NodeContext::input(int i) const {
    if (i < 0 || i >= int(m_inputs.size()))
        return error("Input " + std::to_string(i) + " requested; the node has " + std::to_string(m_inputs.size()) + " inputs.");
    if (!m_inputs[size_t(i)].valid() && m_refInputs.size() > size_t(i) && m_refInputs[size_t(i)])
        return error("Input " + std::to_string(i) + " is a reference; the kernel must read it as one.");
    return &m_inputs[size_t(i)];
}

Tensor NodeContext::takeInput(int i) {
    if (i < 0 || i >= int(m_inputs.size())) return Tensor();
    return std::move(m_inputs[size_t(i)]);
}

Status NodeContext::checkIndex(int i) {
    if (i < 0) return error("Output index " + std::to_string(i) + " is invalid.");
    if (i >= int(m_outputs.size())) {
        if (m_knownOutputs || i >= 1024)
            return error("Output " + std::to_string(i) + " requested; the node has " + std::to_string(m_outputs.size()) + " outputs.");
        m_outputs.resize(size_t(i) + 1);
    }
    return Status::OK();
}

Result<Tensor*> NodeContext::allocateOutput(int i, DType dtype, Shape shape) { return allocate(i, dtype, std::move(shape), true); }

Result<Tensor*> NodeContext::allocateOutputUninitialized(int i, DType dtype, Shape shape) {
    return allocate(i, dtype, std::move(shape), false);
}

DerivedCache* NodeContext::derivedCache() { return m_state.resources ? &m_state.resources->derived() : nullptr; }

Status NodeContext::checkMemory(uint64_t bytes) const {
    if (!m_state.memory || m_state.memory->fits(bytes)) return Status::OK();
    return m_state.memory->reserve(bytes, "node '" + m_def->name() + "' (" + m_def->op() + ")");
}

Result<Tensor*> NodeContext::allocate(int i, DType dtype, Shape shape, bool zeroFill) {
    TFS_RETURN_IF_ERROR(checkIndex(i));
    int64_t n = shapeNumElements(shape);
    if (n < 0) return error("Invalid output shape '" + shapeToString(shape) + "'.");
    uint64_t bytes = uint64_t(n) * (isPod(dtype) ? dtypeSize(dtype) : 8);
    if (m_state.memory && !m_state.memory->fits(bytes)) {
        Status st = m_state.memory->reserve(bytes, "node '" + m_def->name() + "' (" + m_def->op() + ")");
        if (!st.ok()) return st;
    }
    auto t = zeroFill ? Tensor::allocate(dtype, std::move(shape)) : Tensor::allocateUninitialized(dtype, std::move(shape));
    if (!t.ok()) return error(t.status().message());
    Value& v = m_outputs[size_t(i)];
    v = Value{};
    v.tensor = std::move(t).value();
    v.set = true;
    return &v.tensor;
}

Status NodeContext::setOutput(int i, Tensor t) {
    TFS_RETURN_IF_ERROR(checkIndex(i));
    Value& v = m_outputs[size_t(i)];
    v = Value{};
    v.tensor = std::move(t);
    v.set = true;
    return Status::OK();
}

const tensorflow::AttrValue* NodeContext::attr(std::string_view name) const {
    auto it = m_def->attr().find(std::string(name));
    return it == m_def->attr().end() ? nullptr : &it->second;
}

std::shared_ptr<VariableResource> NodeContext::refInput(int i) const {
    if (i < 0 || size_t(i) >= m_refInputs.size()) return nullptr;
    return m_refInputs[size_t(i)];
}

Status NodeContext::setRefOutput(int i, std::shared_ptr<VariableResource> var) {
    TFS_RETURN_IF_ERROR(checkIndex(i));
    Value& v = m_outputs[size_t(i)];
    v = Value{};
    v.ref = std::move(var);
    v.set = true;
    return Status::OK();
}

Status NodeContext::markDead(int i) {
    TFS_RETURN_IF_ERROR(checkIndex(i));
    Value& v = m_outputs[size_t(i)];
    v = Value{};
    v.dead = true;
    v.set = true;
    return Status::OK();
}

}  // namespace tfscope::exec
