#define EIGEN_USE_THREADS
#include "model/exec/session.h"

#include <malloc.h>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <unsupported/Eigen/CXX11/Tensor>

#include "meta_graph.pb.h"
#include "model/buffer.h"
#include "model/exec/exec_graph.h"
#include "model/exec/executor.h"
#include "model/exec/executor_node.h"
#include "model/exec/function_library.h"
#include "model/exec/function_runner.h"
#include "model/exec/resource_manager.h"
#include "model/exec/run_state.h"
#include "model/exec/sparse_feed.h"
#include "model/exec/tensor_keeper.h"
#include "model/exec/tensor_proto.h"
#include "node_def.pb.h"

namespace tfscope::exec {

namespace {

// Tensors of a run are freed and allocated again by the next run. glibc serves blocks above its
// mmap threshold (128 KiB, adapting up to 32 MiB) with fresh mmap calls, so every run pays page
// faults and kernel page clearing for its activations again. Keeping blocks up to 64 MiB in the
// heap (and not trimming it below 256 MiB) lets runs reuse them. Process-wide, set once.
void keepTensorMemoryInHeap() {
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 64 << 20);
        mallopt(M_TRIM_THRESHOLD, 256 << 20);
    });
}

}  // namespace

struct Session::Pool {
    // n - 1 workers: the thread that runs the graph works in every parallel loop too (parallelFor).
    explicit Pool(int n) : pool(std::max(1, n - 1)), device(&pool, n) {}
    Eigen::ThreadPool pool;
    Eigen::ThreadPoolDevice device;
};

namespace {
std::atomic<int> g_liveSessions{0};
}  // namespace

Session::LiveCount::LiveCount() { g_liveSessions.fetch_add(1); }
Session::LiveCount::~LiveCount() {
    if (g_liveSessions.fetch_sub(1) == 1) HeapBuffer::releaseCachedBuffers();
}

struct Session::KeptRun {
    std::vector<uint64_t> key;
    std::unique_ptr<RepeatedRun> run;
};

namespace {
constexpr size_t kKeptRuns = 4;
}  // namespace

Session::~Session() { cancel(); }

Result<std::unique_ptr<Session>> Session::create(std::shared_ptr<const tensorflow::MetaGraphDef> metaGraph, const SessionOptions& options) {
    if (!metaGraph) return Status::invalidArgument("No meta graph to run.");
    keepTensorMemoryInHeap();
    std::unique_ptr<Session> s(new Session());
    s->m_metaGraph = std::move(metaGraph);
    s->m_library = std::make_unique<FunctionLibrary>(s->m_metaGraph->graph_def().library());
    TFS_ASSIGN_OR_RETURN(s->m_graph, ExecGraph::fromGraphDef(s->m_metaGraph->graph_def(), s->m_library.get()));
    s->m_resources = std::make_unique<ResourceManager>();
    // Packed weights count against no run's limit: keep them to a quarter of it.
    if (options.memoryLimitBytes > 0)
        s->m_resources->derived().setMaxBytes(size_t(std::min<uint64_t>(options.memoryLimitBytes / 4, uint64_t(1) << 30)));
    s->m_memory = std::make_unique<MemoryTracker>(options.memoryLimitBytes);
    int threads = options.numThreads > 0 ? options.numThreads : int(std::max(1u, std::thread::hardware_concurrency()));
    s->m_pool = std::make_unique<Pool>(threads);
    s->m_state = std::make_unique<RunState>();
    s->m_functions = std::make_unique<FunctionRunner>(*s->m_state);
    RunState& st = *s->m_state;
    st.resources = s->m_resources.get();
    st.device = &s->m_pool->device;
    st.library = s->m_library.get();
    st.functions = s->m_functions.get();
    st.cancelled = &s->m_cancelled;
    st.memory = s->m_memory.get();
    st.profile = options.profile;
    return s;
}

void Session::cancel() {
    m_cancelEpoch.fetch_add(1);
    m_cancelled.store(true);
}

Result<std::vector<int>> Session::targetNodes(const std::vector<std::string>& targets) const {
    std::vector<int> out;
    for (std::string t : targets) {
        if (!t.empty() && t[0] == '^') t.erase(0, 1);
        if (auto colon = t.find(':'); colon != std::string::npos) t.resize(colon);
        int n = m_graph->find(t);
        if (n < 0) return Status::notFound("The graph has no node '" + t + "'.");
        out.push_back(n);
    }
    return out;
}

Status Session::checkRunnable(const std::vector<std::string>& fetches, const std::vector<std::string>& targets) const {
    std::vector<Endpoint> ends;
    for (const auto& f : fetches) {
        TFS_ASSIGN_OR_RETURN(Endpoint e, m_graph->endpoint(f));
        ends.push_back(e);
    }
    TFS_ASSIGN_OR_RETURN(std::vector<int> t, targetNodes(targets));
    TFS_ASSIGN_OR_RETURN(std::vector<int> order, Executor::plan(*m_graph, {}, ends, t));
    return checkKernels(*m_graph, order, m_library.get());
}

Status Session::run(const std::vector<std::pair<std::string, Tensor>>& feeds, const std::vector<std::string>& fetches,
                    const std::vector<std::string>& targets, std::vector<Tensor>* outputs, const RunTicket* ticket, TensorKeeper* keep) {
    const uint64_t requested = ticket ? ticket->epoch : m_cancelEpoch.load();
    std::lock_guard<std::mutex> lock(m_runMutex);
    // Cancelled if cancel() came after the request; a cancel during the run sets the flag itself.
    m_cancelled.store(m_cancelEpoch.load() != requested);
    std::vector<Feed> fs;
    bool feedsAbsorbed = false;
    for (const auto& [name, value] : feeds) {
        TFS_ASSIGN_OR_RETURN(Endpoint e, m_graph->endpoint(name));
        fs.push_back({e, value});
        feedsAbsorbed = feedsAbsorbed || m_graph->isAbsorbed(e.node);
    }
    // The unfused graph has the same node indices, so the endpoints above stay valid. Keeping values
    // needs it too: a fused kernel computes its absorbed nodes' outputs without storing them.
    const bool unfused = feedsAbsorbed || keep;
    if (unfused && !m_unfusedGraph) {
        TFS_ASSIGN_OR_RETURN(m_unfusedGraph, ExecGraph::fromGraphDef(m_metaGraph->graph_def(), m_library.get(), false));
    }
    const ExecGraph& graph = unfused ? *m_unfusedGraph : *m_graph;
    std::vector<Endpoint> ends;
    for (const auto& f : fetches) {
        TFS_ASSIGN_OR_RETURN(Endpoint e, m_graph->endpoint(f));
        ends.push_back(e);
    }
    TFS_ASSIGN_OR_RETURN(std::vector<int> t, targetNodes(targets));
    m_state->callDepth = 0;
    m_memory->resetPeak();
    if (keep)
        for (const Feed& f : fs) keep->offer(graph.node(f.at.node).name + ":" + std::to_string(f.at.output), f.value);
    m_state->keeper = keep;
    std::vector<Tensor> out;
    Status st;
    if (!unfused) {
        st = runKept(fs, ends, t, &out);
    } else {
        Executor executor(graph, *m_state);
        st = executor.run(fs, ends, t, &out);
    }
    m_state->keeper = nullptr;
    TFS_RETURN_IF_ERROR(st);
    if (outputs) *outputs = std::move(out);
    return Status::OK();
}

Status Session::runKept(const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches, const std::vector<int>& targets,
                        std::vector<Tensor>* out) {
    // After a variable changed (an assignment, a restore, an edit), the kept passes go: their kept
    // values are stale, and holding them would keep the old weights (and what the derived cache
    // made from them) alive.
    if (const uint64_t epoch = resourceEpoch(); epoch != m_keptEpoch) {
        m_keptRuns.clear();
        m_keptEpoch = epoch;
    }
    std::vector<size_t> byKey(feeds.size());
    for (size_t i = 0; i < byKey.size(); ++i) byKey[i] = i;
    // Stable: an endpoint fed twice keeps its order, so the last value wins as in a one-off pass.
    std::stable_sort(byKey.begin(), byKey.end(), [&](size_t a, size_t b) { return endpointKey(feeds[a].at) < endpointKey(feeds[b].at); });
    std::vector<uint64_t> key;
    key.reserve(feeds.size() + fetches.size() + targets.size() + 2);
    for (size_t i : byKey) key.push_back(endpointKey(feeds[i].at));
    key.push_back(~uint64_t(0));  // separators: an endpoint key never has all bits set
    for (Endpoint e : fetches) key.push_back(endpointKey(e));
    key.push_back(~uint64_t(0));
    for (int t : targets) key.push_back(uint64_t(uint32_t(t)));
    auto it = std::find_if(m_keptRuns.begin(), m_keptRuns.end(), [&](const auto& k) { return k->key == key; });
    if (it == m_keptRuns.end()) {
        if (m_keptRuns.size() >= kKeptRuns) m_keptRuns.pop_back();
        std::vector<Endpoint> fed;
        for (size_t i : byKey) fed.push_back(feeds[i].at);
        auto made = std::make_unique<KeptRun>();
        made->key = std::move(key);
        made->run = std::make_unique<RepeatedRun>(*m_graph, *m_state, std::move(fed), fetches, targets);
        m_keptRuns.insert(m_keptRuns.begin(), std::move(made));
    } else {
        std::rotate(m_keptRuns.begin(), it, it + 1);  // most recently used first
    }
    std::vector<Tensor> values;
    values.reserve(feeds.size());
    for (size_t i : byKey) values.push_back(feeds[i].value);
    const Status st = m_keptRuns.front()->run->run(values, out);
    if (!st.ok()) m_keptRuns.erase(m_keptRuns.begin());  // a failed pass starts afresh next time
    return st;
}

std::vector<std::string> Session::signatureKeys() const {
    std::vector<std::string> keys;
    for (const auto& [k, v] : m_metaGraph->signature_def()) keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    return keys;
}

namespace {

std::string joinQuoted(const std::vector<std::string>& xs) {
    std::string s;
    for (size_t i = 0; i < xs.size(); ++i) s += (i ? ", '" : "'") + xs[i] + "'";
    return s.empty() ? "none" : s;
}

// The graph's dtype for a Placeholder (the truth when the signature's is missing or wrong, as in
// half_plus_three); whether the tensor is computed by the graph rather than fed.
void refineFromGraph(const ExecGraph& graph, const std::string& name, TensorSpec* spec, bool* computed) {
    auto e = graph.endpoint(name);
    const ExecNode* node = e.ok() ? &graph.node(e.value().node) : nullptr;
    if (!node || !node->def) {
        *computed = false;
        return;
    }
    const std::string& op = node->def->op();
    if (op == "Placeholder" || op == "PlaceholderWithDefault") {
        auto it = node->def->attr().find("dtype");
        if (it != node->def->attr().end() && spec) spec->dtype = baseType(int(it->second.type()));
        if (op == "Placeholder") *computed = false;
    }
}

Result<std::map<std::string, TensorSpec>> specsOf(const google::protobuf::Map<std::string, tensorflow::TensorInfo>& infos,
                                                  const ExecGraph& graph) {
    std::map<std::string, TensorSpec> out;
    for (const auto& [key, info] : infos) {
        TensorSpec spec;
        spec.dtype = baseType(int(info.dtype()));
        if (info.has_tensor_shape()) {
            bool unknown = false;
            spec.shape = shapeFromProto(info.tensor_shape(), &unknown);
            spec.unknownRank = unknown;
        }
        bool computed = true;
        if (info.encoding_case() == tensorflow::TensorInfo::kCooSparse) {
            const auto& coo = info.coo_sparse();
            spec.sparse = true;
            spec.sparseNames = {coo.indices_tensor_name(), coo.values_tensor_name(), coo.dense_shape_tensor_name()};
            spec.tensorName = coo.values_tensor_name();
            refineFromGraph(graph, coo.values_tensor_name(), &spec, &computed);
            refineFromGraph(graph, coo.indices_tensor_name(), nullptr, &computed);
            refineFromGraph(graph, coo.dense_shape_tensor_name(), nullptr, &computed);
        } else if (info.encoding_case() == tensorflow::TensorInfo::kName) {
            spec.tensorName = info.name();
            refineFromGraph(graph, info.name(), &spec, &computed);
        } else {
            return Status::unimplemented("Signature tensor '" + key + "' is a composite tensor; only dense and sparse tensors are supported.");
        }
        spec.optional = computed;
        out[key] = spec;
    }
    return out;
}

}  // namespace

// Whether the graph can compute `tensorName` from the signature's other inputs alone: no Placeholder
// that is not a signature input lies upstream of it (TFMA's features come from its examples;
// half_plus_two's `x` needs a placeholder outside the signature, so it must be fed).
static bool computableFromInputs(const ExecGraph& graph, const std::string& tensorName, const std::set<int>& inputNodes) {
    auto e = graph.endpoint(tensorName);
    if (!e.ok()) return false;
    std::vector<int> stack{e.value().node};
    std::set<int> seen;
    while (!stack.empty()) {
        const int x = stack.back();
        stack.pop_back();
        if (!seen.insert(x).second) continue;
        const ExecNode& node = graph.node(x);
        if (!node.def) return false;
        if (node.def->op() == "Placeholder" && !inputNodes.count(x)) return false;
        for (Endpoint in : node.inputs)
            if (!inputNodes.count(in.node)) stack.push_back(in.node);
        for (int c : node.controlInputs) stack.push_back(c);
    }
    return true;
}

Result<std::map<std::string, TensorSpec>> Session::signatureInputs(const std::string& key) const {
    std::lock_guard<std::mutex> lock(m_specMutex);
    if (auto known = m_inputSpecs.find(key); known != m_inputSpecs.end()) return known->second;
    auto it = m_metaGraph->signature_def().find(key);
    if (it == m_metaGraph->signature_def().end())
        return Status::notFound("No signature '" + key + "'; the meta graph has " + joinQuoted(signatureKeys()) + ".");
    TFS_ASSIGN_OR_RETURN(auto specs, specsOf(it->second.inputs(), *m_graph));
    std::set<int> inputNodes;
    for (const auto& [k, spec] : specs) {
        const std::vector<std::string> names = spec.sparse ? std::vector<std::string>{spec.sparseNames.indices, spec.sparseNames.values,
                                                                                      spec.sparseNames.denseShape}
                                                           : std::vector<std::string>{spec.tensorName};
        for (const auto& n : names)
            if (auto e = m_graph->endpoint(n); e.ok()) inputNodes.insert(e.value().node);
    }
    for (auto& [k, spec] : specs)
        if (spec.optional) spec.optional = computableFromInputs(*m_graph, spec.tensorName, inputNodes);
    m_inputSpecs[key] = specs;
    return specs;
}

Result<std::map<std::string, TensorSpec>> Session::signatureOutputs(const std::string& key) const {
    std::lock_guard<std::mutex> lock(m_specMutex);
    if (auto known = m_outputSpecs.find(key); known != m_outputSpecs.end()) return known->second;
    auto it = m_metaGraph->signature_def().find(key);
    if (it == m_metaGraph->signature_def().end())
        return Status::notFound("No signature '" + key + "'; the meta graph has " + joinQuoted(signatureKeys()) + ".");
    TFS_ASSIGN_OR_RETURN(auto specs, specsOf(it->second.outputs(), *m_graph));
    m_outputSpecs[key] = specs;
    return specs;
}

Result<std::vector<std::pair<std::string, Tensor>>> Session::signatureFeeds(const std::string& key,
                                                                            const std::map<std::string, Tensor>& inputs) const {
    TFS_ASSIGN_OR_RETURN(auto inSpecs, signatureInputs(key));
    std::vector<std::string> inKeys;
    for (const auto& [k, s] : inSpecs) inKeys.push_back(k);
    std::vector<std::pair<std::string, Tensor>> feeds;
    for (const auto& [k, t] : inputs) {
        auto it = inSpecs.find(k);
        if (it != inSpecs.end() && it->second.sparse) continue;
        if (it == inSpecs.end()) {
            bool component = false;
            for (const auto& [sk, s] : inSpecs) component = component || (s.sparse && isSparseComponentKey(k, sk));
            if (component) continue;
            return Status::invalidArgument("Signature '" + key + "' has no input '" + k + "'; its inputs are " + joinQuoted(inKeys) + ".");
        }
        const TensorSpec& spec = it->second;
        if (spec.dtype != DType::Invalid && t.dtype() != spec.dtype)
            return Status::invalidArgument("Input '" + k + "' of signature '" + key + "' must be " + dtypeEnumName(spec.dtype) +
                                           "; got " + dtypeEnumName(t.dtype()) + ".");
        if (!spec.unknownRank) {
            bool ok = int(spec.shape.size()) == t.rank();
            for (size_t d = 0; ok && d < spec.shape.size(); ++d) ok = spec.shape[d] < 0 || spec.shape[d] == t.dim(int(d));
            if (!ok)
                return Status::invalidArgument("Input '" + k + "' of signature '" + key + "' must have shape " + shapeToString(spec.shape) +
                                               "; got " + shapeToString(t.shape()) + ".");
        }
        feeds.push_back({spec.tensorName, t});
    }
    for (const auto& [k, spec] : inSpecs) {
        if (spec.sparse) {
            auto f = sparseFeed(key, k, spec, inputs);
            if (!f.ok() && f.status().code() == Status::Code::NotFound && spec.optional) continue;
            if (!f.ok()) return f.status().code() == Status::Code::NotFound ? Status::invalidArgument(f.status().message()) : f.status();
            feeds.push_back({spec.sparseNames.indices, f.value().indices});
            feeds.push_back({spec.sparseNames.values, f.value().values});
            feeds.push_back({spec.sparseNames.denseShape, f.value().denseShape});
        } else if (!inputs.count(k) && !spec.optional) {
            return Status::invalidArgument("Missing input '" + k + "' for signature '" + key + "'.");
        }
    }
    return feeds;
}

Result<std::map<std::string, Tensor>> Session::runSignature(const std::string& key, const std::map<std::string, Tensor>& inputs,
                                                            const std::vector<std::string>& outputKeys,
                                                            const std::vector<std::string>& extraFetches, std::vector<Tensor>* extraOutputs,
                                                            const RunTicket* ticket, TensorKeeper* keep) {
    TFS_ASSIGN_OR_RETURN(auto feeds, signatureFeeds(key, inputs));
    TFS_ASSIGN_OR_RETURN(auto outSpecs, signatureOutputs(key));
    std::vector<std::string> keys = outputKeys;
    if (keys.empty())
        for (const auto& [k, s] : outSpecs) keys.push_back(k);
    std::vector<std::string> fetches;
    for (const auto& k : keys) {
        auto it = outSpecs.find(k);
        if (it == outSpecs.end()) return Status::invalidArgument("Signature '" + key + "' has no output '" + k + "'.");
        fetches.push_back(it->second.tensorName);
    }
    fetches.insert(fetches.end(), extraFetches.begin(), extraFetches.end());
    std::vector<Tensor> outs;
    TFS_RETURN_IF_ERROR(run(feeds, fetches, {}, &outs, ticket, keep));
    std::map<std::string, Tensor> result;
    for (size_t i = 0; i < keys.size(); ++i) result[keys[i]] = outs[i];
    if (extraOutputs) extraOutputs->assign(outs.begin() + std::ptrdiff_t(keys.size()), outs.end());
    return result;
}

}  // namespace tfscope::exec
