// matchLstmLoop / runFusedLstmLoop (lstm_loop.h): the Keras LSTM While loop recognised on the
// condition's and body's ExecGraphs, and run with runLstmSequence (model/kernels/lstm_sequence.h).
#include "model/exec/lstm_loop.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <mutex>
#include <new>

#include "attr_value.pb.h"
#include "model/buffer.h"
#include "model/exec/exec_graph.h"
#include "model/exec/function_library.h"
#include "model/exec/function_runner.h"
#include "model/exec/graph_rewrite.h"
#include "model/exec/optimize/optimize.h"
#include "model/exec/resource_manager.h"
#include "model/exec/tensor_proto.h"
#include "model/kernels/lstm_sequence.h"
#include "model/kernels/sgemm.h"
#include "model/kernels/tensor_list.h"
#include "node_def.pb.h"

namespace tfscope::exec {
namespace {

constexpr int kDtFloat = 1, kDtInt32 = 3, kDtInt64 = 9;  // tensorflow::DataType

EnvSwitch g_lstmLoop("TFSCOPE_FUSE_LSTM_LOOP");
std::atomic<long long> g_fusedRuns{0};

using Role = LstmLoopMatch::Role;

bool opIs(const ExecNode& n, const char* op) { return n.def && n.def->op() == op; }

int typeAttr(const ExecNode& n, const char* name) {
    auto it = n.def->attr().find(name);
    return it != n.def->attr().end() && it->second.value_case() == tensorflow::AttrValue::kType ? int(it->second.type()) : -1;
}

bool attrFalseOrAbsent(const ExecNode& n, const char* name) {
    auto it = n.def->attr().find(name);
    return it == n.def->attr().end() || (it->second.value_case() == tensorflow::AttrValue::kB && !it->second.b());
}

bool isIntType(int t) { return t == kDtInt32 || t == kDtInt64; }

// Walks one function graph: follows Identity, reads constants and arguments, and remembers which
// nodes the match accounts for.
class Walk {
public:
    explicit Walk(const ExecGraph& g) : m_g(g), m_matched(g.nodes().size(), 0) {}

    const ExecNode& node(Endpoint e) const { return m_g.node(e.node); }
    Endpoint through(Endpoint e) const {
        while (e.node >= 0 && opIs(m_g.node(e.node), "Identity") && m_g.node(e.node).inputs.size() == 1) e = m_g.node(e.node).inputs[0];
        return e;
    }
    // The function argument `e` is (through Identity), or -1.
    int argOf(Endpoint e) const {
        e = through(e);
        return e.node >= 0 && e.output == 0 ? m_g.node(e.node).argIndex : -1;
    }
    // An int32/int64 scalar Const.
    bool constInt(Endpoint e, long long* value) const {
        e = through(e);
        const ExecNode& n = m_g.node(e.node);
        if (!opIs(n, "Const") || e.output != 0) return false;
        auto it = n.def->attr().find("value");
        if (it == n.def->attr().end() || !it->second.has_tensor()) return false;
        auto t = tensorFromProto(it->second.tensor());
        if (!t.ok() || t.value().rank() != 0 || (t.value().dtype() != DType::Int32 && t.value().dtype() != DType::Int64)) return false;
        *value = (long long)t.value().elementAsDouble(0);
        return true;
    }
    // The node at `e` (through Identity) if it is `op` with `inputs` inputs and `e` is its output 0.
    const ExecNode* opAt(Endpoint e, const char* op, size_t inputs) {
        e = through(e);
        if (e.node < 0 || e.output != 0 || !opIs(m_g.node(e.node), op) || m_g.node(e.node).inputs.size() != inputs) return nullptr;
        m_matched[size_t(e.node)] = 1;
        return &m_g.node(e.node);
    }
    void mark(int node) { m_matched[size_t(node)] = 1; }

    // Everything the returns and control returns reach is an argument, an Identity, NoOp or Const, or matched.
    bool closed() const {
        std::vector<char> seen(m_g.nodes().size(), 0);
        std::vector<int> stack;
        for (const Endpoint& e : m_g.returns()) stack.push_back(e.node);
        for (int c : m_g.controlReturns()) stack.push_back(c);
        while (!stack.empty()) {
            const int x = stack.back();
            stack.pop_back();
            if (x < 0 || seen[size_t(x)]) continue;
            seen[size_t(x)] = 1;
            const ExecNode& n = m_g.node(x);
            if (n.argIndex < 0 && !m_matched[size_t(x)] && !opIs(n, "Identity") && !opIs(n, "NoOp") && !opIs(n, "Const")) return false;
            for (const Endpoint& e : n.inputs) stack.push_back(e.node);
            for (int c : n.controlInputs) stack.push_back(c);
        }
        return true;
    }

private:
    const ExecGraph& m_g;
    std::vector<char> m_matched;
};

// A float weight: the argument itself, or a ReadVariableOp of it.
bool weightSource(Walk& w, Endpoint e, int* var, bool* isVariable) {
    if ((*var = w.argOf(e)) >= 0) {
        *isVariable = false;
        return true;
    }
    const ExecNode* read = w.opAt(e, "ReadVariableOp", 1);
    if (!read || typeAttr(*read, "dtype") != kDtFloat) return false;
    *isVariable = true;
    return (*var = w.argOf(read->inputs[0])) >= 0;
}

bool matchBody(const ExecGraph& body, LstmLoopMatch* m) {
    Walk w(body);
    const auto& rets = body.returns();
    const size_t n = rets.size();
    if (body.argNodes().size() != n || n == 0) return false;
    m->roles.assign(n, Role::Invariant);
    int cell = -1, writtenCell = -1, writeArg = -1;
    for (size_t i = 0; i < n; ++i) {
        const Endpoint e = w.through(rets[i]);
        const ExecNode& x = w.node(e);
        if (x.argIndex >= 0) {
            if (x.argIndex != int(i)) return false;
        } else if (opIs(x, "_TfsLstmCell")) {
            if ((cell >= 0 && cell != e.node) || e.output > 1) return false;
            cell = e.node;
            int& slot = e.output == 0 ? m->h : m->c;
            if (slot >= 0) return false;
            slot = int(i);
            m->roles[i] = e.output == 0 ? Role::H : Role::C;
        } else if ((opIs(x, "AddV2") || opIs(x, "Add")) && x.inputs.size() == 2 && isIntType(typeAttr(x, "T"))) {
            long long one = 0;
            const bool counts = (w.argOf(x.inputs[0]) == int(i) && w.constInt(x.inputs[1], &one) && one == 1) ||
                                (w.argOf(x.inputs[1]) == int(i) && w.constInt(x.inputs[0], &one) && one == 1);
            if (!counts || e.output != 0) return false;
            w.mark(e.node);
            m->roles[i] = Role::Counter;
        } else if (const ExecNode* set = w.opAt(e, "TensorListSetItem", 3)) {
            if (m->output >= 0 || w.argOf(set->inputs[0]) != int(i) || typeAttr(*set, "element_dtype") != kDtFloat ||
                !attrFalseOrAbsent(*set, "resize_if_index_out_of_bounds"))
                return false;
            const Endpoint item = w.through(set->inputs[2]);
            if (item.output != 0 || !opIs(w.node(item), "_TfsLstmCell")) return false;
            writtenCell = item.node;
            long long index = 0;
            if ((writeArg = w.argOf(set->inputs[1])) < 0) {
                if (!w.constInt(set->inputs[1], &index) || index < 0) return false;
                m->writeIndex = index;
            }
            m->output = int(i);
            m->roles[i] = Role::Output;
        } else {
            return false;
        }
    }
    if (cell < 0 || m->h < 0 || m->c < 0 || m->output < 0 || writtenCell != cell) return false;
    const ExecNode& cn = body.node(cell);
    w.mark(cell);
    if (cn.inputs.size() != 2 || typeAttr(cn, "T") != kDtFloat || w.argOf(cn.inputs[1]) != m->c) return false;
    auto slots = cn.def->attr().find("gate_slots");
    if (slots == cn.def->attr().end() || slots->second.list().i_size() != 4) return false;
    int seen = 0;
    for (int k = 0; k < 4; ++k) {
        const long long s = slots->second.list().i(k);
        if (s < 0 || s > 3 || (seen & (1 << s))) return false;
        seen |= 1 << s;
        m->gateOffsetQuarters[k] = s;
    }
    auto dim = cn.def->attr().find("split_dim");
    if (dim == cn.def->attr().end() || (dim->second.i() != 1 && dim->second.i() != -1)) return false;
    // z = BiasAdd(AddV2(MatMul(x_t, W), MatMul(h, U)), b), the products in either order.
    const ExecNode* biasAdd = w.opAt(cn.inputs[0], "BiasAdd", 2);
    if (!biasAdd || typeAttr(*biasAdd, "T") != kDtFloat) return false;
    auto format = biasAdd->def->attr().find("data_format");
    if (format != biasAdd->def->attr().end() && format->second.s() != "NHWC") return false;
    if (!weightSource(w, biasAdd->inputs[1], &m->bias, &m->biasIsVariable)) return false;
    const ExecNode* add = w.opAt(biasAdd->inputs[0], "AddV2", 2);
    if (!add) add = w.opAt(biasAdd->inputs[0], "Add", 2);
    if (!add || typeAttr(*add, "T") != kDtFloat) return false;
    bool haveInput = false, haveRecurrent = false;
    for (const Endpoint& operand : add->inputs) {
        const ExecNode* mm = w.opAt(operand, "MatMul", 2);
        if (!mm || typeAttr(*mm, "T") != kDtFloat || !attrFalseOrAbsent(*mm, "transpose_a") || !attrFalseOrAbsent(*mm, "transpose_b"))
            return false;
        if (!haveRecurrent && w.argOf(mm->inputs[0]) == m->h) {
            haveRecurrent = weightSource(w, mm->inputs[1], &m->recurrent, &m->recurrentIsVariable);
            if (!haveRecurrent) return false;
            continue;
        }
        const ExecNode* get = w.opAt(mm->inputs[0], "TensorListGetItem", 3);
        if (haveInput || !get || typeAttr(*get, "element_dtype") != kDtFloat) return false;
        m->inputs = w.argOf(get->inputs[0]);
        m->time = w.argOf(get->inputs[1]);
        haveInput = weightSource(w, mm->inputs[1], &m->kernel, &m->kernelIsVariable);
        if (!haveInput) return false;
    }
    if (!haveInput || !haveRecurrent || m->inputs < 0 || m->time < 0) return false;
    if (m->roles[size_t(m->time)] != Role::Counter || (m->writeIndex < 0 && writeArg != m->time)) return false;
    for (int v : {m->inputs, m->kernel, m->recurrent, m->bias})
        if (m->roles[size_t(v)] != Role::Invariant) return false;
    return w.closed();
}

bool matchBounds(Walk& w, Endpoint e, LstmLoopMatch* m, int depth = 0) {
    if (depth > 8) return false;
    if (const ExecNode* both = w.opAt(e, "LogicalAnd", 2)) return matchBounds(w, both->inputs[0], m, depth + 1) && matchBounds(w, both->inputs[1], m, depth + 1);
    const ExecNode* less = w.opAt(e, "Less", 2);
    if (!less || !isIntType(typeAttr(*less, "T"))) return false;
    LstmLoopMatch::Bound b;
    b.counter = w.argOf(less->inputs[0]);
    if (b.counter < 0 || size_t(b.counter) >= m->roles.size() || m->roles[size_t(b.counter)] != Role::Counter) return false;
    b.variable = w.argOf(less->inputs[1]);
    if (b.variable >= 0 && (size_t(b.variable) >= m->roles.size() || m->roles[size_t(b.variable)] != Role::Invariant)) return false;
    if (b.variable < 0 && !w.constInt(less->inputs[1], &b.value)) return false;
    m->bounds.push_back(b);
    return true;
}

bool matchCond(const ExecGraph& cond, LstmLoopMatch* m) {
    Walk w(cond);
    if (cond.returns().size() != 1 || cond.argNodes().size() != m->roles.size()) return false;
    return matchBounds(w, cond.returns()[0], m) && w.closed();
}

struct CacheEntry {
    std::weak_ptr<const ExecGraph> cond, body;
    std::shared_ptr<const LstmLoopMatch> match;
};
std::mutex g_cacheMutex;
std::vector<CacheEntry> g_cache;

std::shared_ptr<const LstmLoopMatch> cachedMatch(const std::shared_ptr<const ExecGraph>& cond, const std::shared_ptr<const ExecGraph>& body) {
    {
        std::lock_guard<std::mutex> lock(g_cacheMutex);
        for (const CacheEntry& e : g_cache)
            if (e.cond.lock() == cond && e.body.lock() == body) return e.match;
    }
    auto match = matchLstmLoop(*cond, *body);
    std::lock_guard<std::mutex> lock(g_cacheMutex);
    g_cache.erase(std::remove_if(g_cache.begin(), g_cache.end(), [](const CacheEntry& e) { return e.cond.expired() || e.body.expired(); }),
                  g_cache.end());
    if (g_cache.size() >= 64) g_cache.erase(g_cache.begin());
    g_cache.push_back({cond, body, match});
    return match;
}

bool intScalar(const Tensor& t, long long* v) {
    if (t.rank() != 0 || (t.dtype() != DType::Int32 && t.dtype() != DType::Int64)) return false;
    *v = t.dtype() == DType::Int32 ? (long long)t.data<int32_t>()[0] : (long long)t.data<int64_t>()[0];
    return true;
}

// The value of a weight loop variable: the tensor, or the variable its handle names.
bool weightValue(const Tensor& v, bool isVariable, Tensor* out) {
    if (!isVariable) {
        *out = v;
    } else {
        auto var = resourceFromHandle<VariableResource>(v);
        if (!var.ok()) return false;
        std::lock_guard<std::mutex> lock(var.value()->mutex);
        if (!var.value()->initialized) return false;
        *out = var.value()->value;
    }
    return out->dtype() == DType::Float;
}

}  // namespace

std::shared_ptr<const LstmLoopMatch> matchLstmLoop(const ExecGraph& cond, const ExecGraph& body) {
    auto m = std::make_shared<LstmLoopMatch>();
    if (!matchBody(body, m.get()) || !matchCond(cond, m.get()) || m->bounds.empty()) return nullptr;
    return m;
}

Result<bool> runFusedLstmLoop(KernelContext& ctx, const std::string& condName, const std::string& bodyName) {
    if (!kernels::packedSgemmAvailable()) return false;
    const FunctionLibrary& lib = ctx.functions().library();
    auto cond = lib.graph(condName);
    auto body = lib.graph(bodyName);
    if (!cond.ok() || !body.ok()) return false;
    const std::shared_ptr<const LstmLoopMatch> match = cachedMatch(cond.value(), body.value());
    if (!match) return false;
    const LstmLoopMatch& m = *match;
    const size_t n = m.roles.size();
    if (size_t(ctx.numInputs()) != n) return false;
    std::vector<const Tensor*> v(n);
    for (size_t i = 0; i < n; ++i) {
        auto in = ctx.input(int(i));
        if (!in.ok()) return false;
        v[i] = in.value();
    }
    // Steps: the least bound minus its counter's start (every counter adds 1 per step).
    std::vector<long long> start(n, 0);
    for (size_t i = 0; i < n; ++i)
        if (m.roles[i] == Role::Counter && !intScalar(*v[i], &start[i])) return false;
    long long steps = LLONG_MAX;
    for (const auto& b : m.bounds) {
        long long bound = b.value;
        if (b.variable >= 0 && !intScalar(*v[size_t(b.variable)], &bound)) return false;
        long long left = 0;
        if (__builtin_sub_overflow(bound, start[size_t(b.counter)], &left)) return false;
        steps = std::min(steps, left);
    }
    if (steps <= 0 || steps > (long long)INT32_MAX) return false;  // more steps than any x list holds
    for (size_t i = 0; i < n; ++i)
        if (m.roles[i] == Role::Counter && v[i]->dtype() == DType::Int32 && start[i] + steps > INT32_MAX) return false;
    // The inputs x_t: set float [batch, input] items at the time counter's steps.
    auto xs = kernels::tensorListOf(ctx, *v[size_t(m.inputs)]);
    auto out = kernels::tensorListOf(ctx, *v[size_t(m.output)]);
    if (!xs.ok() || !out.ok() || xs.value()->elementDtype != DType::Float || out.value()->elementDtype != DType::Float) return false;
    const long long t0 = start[size_t(m.time)];
    if (t0 < 0 || t0 + steps > (long long)xs.value()->items.size()) return false;
    const Tensor& first = xs.value()->items[size_t(t0)];
    if (!first.valid() || first.rank() != 2) return false;
    const int64_t batch = first.dim(0), input = first.dim(1);
    for (long long t = t0; t < t0 + steps; ++t) {
        const Tensor& x = xs.value()->items[size_t(t)];
        if (!x.valid() || x.dtype() != DType::Float || x.shape() != first.shape()) return false;
    }
    Tensor w, u, b;
    if (!weightValue(*v[size_t(m.kernel)], m.kernelIsVariable, &w) || !weightValue(*v[size_t(m.recurrent)], m.recurrentIsVariable, &u) ||
        !weightValue(*v[size_t(m.bias)], m.biasIsVariable, &b))
        return false;
    if (w.rank() != 2 || u.rank() != 2 || b.rank() != 1 || w.dim(0) != input || w.dim(1) % 4 != 0) return false;
    const int64_t units = w.dim(1) / 4;
    const Shape state{batch, units};
    if (units == 0 || u.shape() != Shape{units, 4 * units} || b.dim(0) != 4 * units) return false;
    const Tensor& h0 = *v[size_t(m.h)];
    const Tensor& c0 = *v[size_t(m.c)];
    if (h0.dtype() != DType::Float || c0.dtype() != DType::Float || h0.shape() != state || c0.shape() != state) return false;
    const size_t listSize = out.value()->items.size();
    if (m.writeIndex >= 0 ? m.writeIndex >= (long long)listSize : t0 + steps > (long long)listSize) return false;
    if (!out.value()->elementShape.accepts(state)) return false;

    // h_t: a slot per step when every step is written to the list, else two in turn, all in one
    // buffer; the list items and the h output are read-only views of it (one allocation, not T).
    const int64_t slots = m.writeIndex < 0 ? steps : std::min<long long>(steps, 2);
    const size_t slotBytes = size_t(batch * units) * sizeof(float);
    if (slotBytes != 0 && size_t(slots) > (size_t(1) << 40) / slotBytes) return Status::resourceExhausted("The LSTM layer's outputs are too large.");
    TFS_RETURN_IF_ERROR(ctx.checkMemory(uint64_t(slots + 1) * slotBytes));  // the h slots and the last c
    std::shared_ptr<HeapBuffer> hBuffer;
    try {
        hBuffer = std::make_shared<HeapBuffer>(size_t(slots) * slotBytes, false);
    } catch (const std::bad_alloc&) {
        return Status::resourceExhausted("Out of memory for the LSTM layer's outputs (" + std::to_string(size_t(slots) * slotBytes) + " bytes).");
    }
    float* hData = reinterpret_cast<float*>(hBuffer->mutableData());
    auto hView = [&](int64_t slot) { return Tensor::view(DType::Float, state, hBuffer, size_t(slot) * slotBytes); };
    auto cLast = Tensor::allocateUninitialized(DType::Float, state);
    if (!cLast.ok()) return cLast.status();
    kernels::LstmSequenceArgs a;
    a.steps = steps;
    a.batch = batch;
    a.input = input;
    a.units = units;
    const auto& items = xs.value()->items;
    a.x = [&](int64_t t) { return items[size_t(t0 + t)].data<float>(); };
    a.kernel = &w;
    a.recurrent = &u;
    a.bias = b.data<float>();
    a.h0 = h0.data<float>();
    a.c0 = c0.data<float>();
    for (int k = 0; k < 4; ++k) a.gateOffset[k] = m.gateOffsetQuarters[k] * units;
    a.h = [&](int64_t t) { return hData + (t % slots) * batch * units; };
    a.cLast = cLast.value().mutableData<float>();
    TFS_RETURN_IF_ERROR(kernels::runLstmSequence(ctx, a));

    const Tensor hLast = hView((steps - 1) % slots);
    auto list = std::make_shared<kernels::TensorList>(*out.value());
    if (m.writeIndex >= 0) list->items[size_t(m.writeIndex)] = hLast;
    else
        for (long long t = 0; t < steps; ++t) list->items[size_t(t0 + t)] = hView(t);
    for (size_t i = 0; i < n; ++i) {
        Tensor result;
        switch (m.roles[i]) {
        case Role::Invariant: result = *v[i]; break;
        case Role::Counter:
            result = v[i]->dtype() == DType::Int32 ? Tensor::scalar<int32_t>(int32_t(start[i] + steps)) : Tensor::scalar<int64_t>(start[i] + steps);
            break;
        case Role::H: result = hLast; break;
        case Role::C: result = cLast.value(); break;
        case Role::Output: result = kernels::makeVariant(list); break;
        }
        TFS_RETURN_IF_ERROR(ctx.setOutput(int(i), std::move(result)));
    }
    g_fusedRuns.fetch_add(1, std::memory_order_relaxed);
    return true;
}

bool lstmLoopFusionEnabled() { return g_lstmLoop.enabled() && graphOptimizerEnabled(); }

void setLstmLoopFusionEnabled(bool enabled) { g_lstmLoop.set(enabled); }

long long fusedLstmLoopRuns() { return g_fusedRuns.load(std::memory_order_relaxed); }

}  // namespace tfscope::exec
