#pragma once
// A concrete KernelContext for kernel unit tests: a NodeDef built in the test, input tensors,
// owned outputs and a small thread pool. No resources or functions (library kernels need none).
//
//   tensorflow::NodeDef n = NodeBuilder("MatMul").type("T", DType::Float).attr("transpose_a", true).build();
//   auto r = runKernel(n, {a, b});          // Result<std::vector<Tensor>>
//   QVERIFY(r.ok()); QCOMPARE(r->at(0).shape(), (Shape{2, 2}));

#define EIGEN_USE_THREADS
#include <unsupported/Eigen/CXX11/Tensor>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "attr_value.pb.h"
#include "node_def.pb.h"
#include "model/exec/derived_cache.h"
#include "model/exec/kernel.h"
#include "model/tensor.h"

namespace tfscope::testing {

// n floats drawn uniformly from [-1, 1) by a generator seeded with `seed`: the same values on every
// run and machine.
inline std::vector<float> randomFloats(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
}

class NodeBuilder {
public:
    explicit NodeBuilder(const std::string& op, const std::string& name = "n") {
        m_node.set_op(op);
        m_node.set_name(name);
    }
    NodeBuilder& type(const std::string& k, DType d) {
        (*m_node.mutable_attr())[k].set_type(tensorflow::DataType(int(d)));
        return *this;
    }
    NodeBuilder& attr(const std::string& k, int64_t v) { (*m_node.mutable_attr())[k].set_i(v); return *this; }
    NodeBuilder& attr(const std::string& k, int v) { return attr(k, int64_t(v)); }
    NodeBuilder& attr(const std::string& k, float v) { (*m_node.mutable_attr())[k].set_f(v); return *this; }
    NodeBuilder& attr(const std::string& k, bool v) { (*m_node.mutable_attr())[k].set_b(v); return *this; }
    NodeBuilder& attr(const std::string& k, const char* v) { (*m_node.mutable_attr())[k].set_s(v); return *this; }
    NodeBuilder& attr(const std::string& k, std::vector<int64_t> v) {
        auto* list = (*m_node.mutable_attr())[k].mutable_list();
        for (int64_t x : v) list->add_i(x);
        return *this;
    }
    NodeBuilder& attr(const std::string& k, const std::vector<std::string>& v) {
        auto* list = (*m_node.mutable_attr())[k].mutable_list();
        for (const auto& x : v) list->add_s(x);
        return *this;
    }
    tensorflow::NodeDef build() const { return m_node; }

private:
    tensorflow::NodeDef m_node;
};

inline Eigen::ThreadPoolDevice& testDevice() {
    static Eigen::ThreadPool pool(2);
    static Eigen::ThreadPoolDevice device(&pool, 2);
    return device;
}

class TestKernelContext final : public exec::KernelContext {
public:
    TestKernelContext(tensorflow::NodeDef node, std::vector<Tensor> inputs, int numOutputs = 1)
        : m_node(std::move(node)), m_inputs(std::move(inputs)), m_outputs(size_t(numOutputs)) {}

    const tensorflow::NodeDef& node() const override { return m_node; }
    int numInputs() const override { return int(m_inputs.size()); }
    Result<const Tensor*> input(int i) const override {
        if (i < 0 || i >= numInputs()) return Status::invalidArgument("Input index out of range.");
        return &m_inputs[size_t(i)];
    }
    // As the executor does for an input whose last consumer this is: moved out, so a kernel holds
    // the only handle to a tensor that the test moved in.
    Tensor takeInput(int i) override { return i >= 0 && i < numInputs() ? std::move(m_inputs[size_t(i)]) : Tensor(); }
    int numOutputs() const override { return int(m_outputs.size()); }
    Result<Tensor*> allocateOutput(int i, DType dtype, Shape shape) override {
        if (i < 0) return Status::invalidArgument("Output index out of range.");
        if (size_t(i) >= m_outputs.size()) m_outputs.resize(size_t(i) + 1);
        auto t = Tensor::allocate(dtype, std::move(shape), size_t(1) << 30);
        if (!t.ok()) return t.status();
        m_outputs[size_t(i)] = std::move(t).value();
        return &m_outputs[size_t(i)];
    }
    // Filled with 0xFF bytes (NaN for floats, -1 for integers), so a kernel that asks for an
    // uninitialised output and leaves an element unwritten fails its test.
    Result<Tensor*> allocateOutputUninitialized(int i, DType dtype, Shape shape) override {
        TFS_ASSIGN_OR_RETURN(Tensor * t, allocateOutput(i, dtype, std::move(shape)));
        if (isPod(dtype) && t->byteSize()) std::memset(t->mutableRawData(), 0xFF, t->byteSize());
        return t;
    }
    Status setOutput(int i, Tensor t) override {
        if (i < 0) return Status::invalidArgument("Output index out of range.");
        if (size_t(i) >= m_outputs.size()) m_outputs.resize(size_t(i) + 1);
        m_outputs[size_t(i)] = std::move(t);
        return Status::OK();
    }
    const tensorflow::AttrValue* attr(std::string_view name) const override {
        auto it = m_node.attr().find(std::string(name));
        return it == m_node.attr().end() ? nullptr : &it->second;
    }
    Eigen::ThreadPoolDevice& device() override { return testDevice(); }
    exec::ResourceManager& resources() override { std::abort(); }
    exec::FunctionRunner& functions() override { std::abort(); }
    bool isCancelled() const override { return false; }
    exec::DerivedCache* derivedCache() override { return m_derived; }
    void setDerivedCache(exec::DerivedCache* cache) { m_derived = cache; }

    std::vector<Tensor>& outputs() { return m_outputs; }

private:
    tensorflow::NodeDef m_node;
    std::vector<Tensor> m_inputs;
    std::vector<Tensor> m_outputs;
    exec::DerivedCache* m_derived = nullptr;
};

inline const exec::KernelDef* findLibraryKernel(const std::string& op) {
    for (const exec::KernelDef* d : exec::libraryKernels())
        if (op == d->op) return d;
    return nullptr;
}

// Runs the library kernel for node.op() on inputs; the outputs or the kernel's error.
inline Result<std::vector<Tensor>> runKernel(const tensorflow::NodeDef& node, std::vector<Tensor> inputs,
                                             int numOutputs = 1, exec::DerivedCache* cache = nullptr) {
    const exec::KernelDef* def = findLibraryKernel(node.op());
    if (!def) return Status::notFound("No kernel for '" + node.op() + "'.");
    TestKernelContext ctx(node, std::move(inputs), numOutputs);
    ctx.setDerivedCache(cache);
    Status s = def->compute(ctx);
    if (!s.ok()) return s;
    return std::move(ctx.outputs());
}

// Elementwise closeness for float-like tensors (as doubles), exact for everything else.
inline bool tensorsClose(const Tensor& a, const Tensor& b, double rtol, double atol, std::string* why = nullptr) {
    auto fail = [why](std::string m) { if (why) *why = std::move(m); return false; };
    if (a.dtype() != b.dtype()) return fail("dtype " + dtypeEnumName(a.dtype()) + " vs " + dtypeEnumName(b.dtype()));
    if (a.shape() != b.shape()) return fail("shape " + shapeToString(a.shape()) + " vs " + shapeToString(b.shape()));
    if (a.dtype() == DType::String) return a.strings() == b.strings() ? true : fail("strings differ");
    if (!isFloating(a.dtype()) && !isComplex(a.dtype())) return a.sameContent(b) ? true : fail("values differ");
    const int64_t n = a.numElements();
    const bool cplx = isComplex(a.dtype());
    for (int64_t i = 0; i < n; ++i) {
        double x = a.elementAsDouble(i), y = b.elementAsDouble(i);
        if (cplx) {  // compare imaginary parts too
            const size_t half = dtypeSize(a.dtype()) / 2;
            double xi, yi;
            if (half == 4) { float f; std::memcpy(&f, a.rawData() + i * 8 + 4, 4); xi = f; std::memcpy(&f, b.rawData() + i * 8 + 4, 4); yi = f; }
            else { std::memcpy(&xi, a.rawData() + i * 16 + 8, 8); std::memcpy(&yi, b.rawData() + i * 16 + 8, 8); }
            if (std::abs(xi - yi) > atol + rtol * std::abs(yi)) return fail("imag element " + std::to_string(i));
        }
        if (std::isnan(x) && std::isnan(y)) continue;
        if (std::isinf(x) || std::isinf(y)) {
            if (x != y) return fail("element " + std::to_string(i) + ": " + std::to_string(x) + " vs " + std::to_string(y));
            continue;
        }
        if (!(std::abs(x - y) <= atol + rtol * std::abs(y)))
            return fail("element " + std::to_string(i) + ": " + std::to_string(x) + " vs " + std::to_string(y));
    }
    return true;
}

}  // namespace tfscope::testing
