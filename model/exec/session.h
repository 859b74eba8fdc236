#pragma once
// Session: runs a MetaGraphDef natively, like a TF Session: feeds (any tensor, Const outputs
// included), fetches and targets; state (variables, tables) lives as long as the Session.
// loadSavedModel() (saved_model_session.h) creates one and runs restore + init as TF's C++ loader.
//
//   TFS_ASSIGN_OR_RETURN(auto session, Session::create(metaGraphPtr));
//   std::vector<Tensor> out;
//   TFS_RETURN_IF_ERROR(session->run({{"x:0", x}}, {"y:0"}, {}, &out));
//   TFS_ASSIGN_OR_RETURN(auto outputs, session->runSignature("serving_default", {{"x", x}}));
//
// Thread safety: run()/runSignature() are serialized by a mutex; cancel() may be called from any
// thread and makes the current run fail with Cancelled (checked between nodes), and also every run
// requested before it: a run waiting for the mutex, or one whose RunTicket was taken earlier (take
// the ticket where the run is requested, e.g. before a background job starts, so that a cancel
// arriving before the job reaches run() still cancels it). A cancel never reaches later runs.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "model/status.h"
#include "model/tensor.h"

namespace tensorflow { class MetaGraphDef; }
namespace Eigen { class ThreadPoolDevice; }

namespace tfscope::exec {

class ExecGraph;
struct Endpoint;
struct Feed;
class FunctionLibrary;
class FunctionRunner;
class ResourceManager;
class MemoryTracker;
class OpProfile;
class TensorKeeper;
struct RunState;

// When a run was requested, for cancel() (see the class comment).
struct RunTicket {
    uint64_t epoch = 0;
};

struct SessionOptions {
    uint64_t memoryLimitBytes = 0;  // live tensor bytes per run; 0 = unlimited (packed weights kept
                                    // between runs: at most a quarter of it, else 1 GiB)
    int numThreads = 0;             // Eigen intra-op threads; 0 = all cores
    OpProfile* profile = nullptr;   // when set, every kernel call is timed into it (op_profile.h);
                                    // it must outlive the session
};

// The component tensor names of a SparseTensor signature input (TensorInfo.coo_sparse).
struct SparseTensorNames {
    std::string indices, values, denseShape;
};

// What a signature input or output expects (from the SignatureDef, corrected by the graph).
struct TensorSpec {
    std::string tensorName;        // for a sparse tensor, its values tensor
    DType dtype = DType::Invalid;  // Invalid when neither the signature nor the graph says
    Shape shape;                   // -1 for free dims; for a sparse tensor, its dense shape
    bool unknownRank = true;
    bool sparse = false;           // a COO SparseTensor: see `sparseNames` and sparse_feed.h
    SparseTensorNames sparseNames;
    bool optional = false;         // an input computed inside the graph (not a Placeholder): may be left out
};

class Session {
public:
    // `metaGraph` is kept alive by the Session.
    static Result<std::unique_ptr<Session>> create(std::shared_ptr<const tensorflow::MetaGraphDef> metaGraph,
                                                   const SessionOptions& options = {});
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    const tensorflow::MetaGraphDef& metaGraph() const { return *m_metaGraph; }

    // Tensor names are "node:k" or "node"; targets are node names (a leading '^' is ignored).
    // Without a ticket, the run counts as requested when run() is entered. With `keep`, the feeds and
    // every value the graph's top level computes are offered to it (tensor_keeper.h); such a run
    // uses the graph without fused kernels, so that every node's own output exists.
    Status run(const std::vector<std::pair<std::string, Tensor>>& feeds, const std::vector<std::string>& fetches,
               const std::vector<std::string>& targets, std::vector<Tensor>* outputs, const RunTicket* ticket = nullptr,
               TensorKeeper* keep = nullptr);

    // Signature keys, and the inputs/outputs of one signature. NotFound names the available keys.
    std::vector<std::string> signatureKeys() const;
    Result<std::map<std::string, TensorSpec>> signatureInputs(const std::string& key) const;
    Result<std::map<std::string, TensorSpec>> signatureOutputs(const std::string& key) const;
    // Checks inputs against the signature (names, dtype, shape with -1 free) and runs it. Returns
    // every output of the signature (or only `outputKeys`), by key. A sparse input `k` is given as
    // a dense tensor under "k" or as components "k.indices", "k.values", "k.dense_shape"
    // (sparse_feed.h). Inputs that the graph computes itself (TFMA's features) may be left out.
    // `extraFetches` (tensor names) run in the same step; their values go to `extraOutputs`.
    Result<std::map<std::string, Tensor>> runSignature(const std::string& key, const std::map<std::string, Tensor>& inputs,
                                                       const std::vector<std::string>& outputKeys = {},
                                                       const std::vector<std::string>& extraFetches = {},
                                                       std::vector<Tensor>* extraOutputs = nullptr, const RunTicket* ticket = nullptr,
                                                       TensorKeeper* keep = nullptr);
    // The checked feeds (tensor name, value) that runSignature would run with.
    Result<std::vector<std::pair<std::string, Tensor>>> signatureFeeds(const std::string& key,
                                                                       const std::map<std::string, Tensor>& inputs) const;

    // Up-front check of what a run would need (ops without kernel, listed with their nodes).
    Status checkRunnable(const std::vector<std::string>& fetches, const std::vector<std::string>& targets) const;

    void cancel();
    RunTicket runTicket() const { return {m_cancelEpoch.load()}; }
    ResourceManager& resources() { return *m_resources; }
    MemoryTracker& memory() { return *m_memory; }

private:
    Session() = default;
    Result<std::vector<int>> targetNodes(const std::vector<std::string>& targets) const;
    // A run of the fused graph through m_keptRuns (see there).
    Status runKept(const std::vector<Feed>& feeds, const std::vector<Endpoint>& fetches, const std::vector<int>& targets,
                   std::vector<Tensor>* out);

    // Counts open sessions; when the last one has closed (this member goes last, after every tensor
    // the session held), the storage kept for reusing freed tensor buffers is given back.
    struct LiveCount {
        LiveCount();
        ~LiveCount();
        LiveCount(const LiveCount&) = delete;
        LiveCount& operator=(const LiveCount&) = delete;
    } m_liveCount;
    std::shared_ptr<const tensorflow::MetaGraphDef> m_metaGraph;
    std::unique_ptr<FunctionLibrary> m_library;
    std::shared_ptr<const ExecGraph> m_graph;
    std::shared_ptr<const ExecGraph> m_unfusedGraph;  // built on first need: a run that feeds a node a fused kernel absorbed
    std::unique_ptr<ResourceManager> m_resources;
    std::unique_ptr<MemoryTracker> m_memory;
    struct Pool;
    std::unique_ptr<Pool> m_pool;
    std::unique_ptr<RunState> m_state;
    std::unique_ptr<FunctionRunner> m_functions;  // after m_state: its prepared calls refer to it
    // The last few top-level passes (by fed endpoints, fetches and targets), kept between runs like a
    // function body's: their run-invariant values (a TF2 signature's variable handles, a frozen
    // graph's constant arithmetic) are not computed again. After m_state and the graphs: they refer to them.
    struct KeptRun;
    std::vector<std::unique_ptr<KeptRun>> m_keptRuns;  // most recently used first
    uint64_t m_keptEpoch = 0;                          // resourceEpoch() when they were checked last
    std::atomic<bool> m_cancelled{false};     // the current run's flag, read by the executor
    std::atomic<uint64_t> m_cancelEpoch{0};   // cancel() calls so far
    std::mutex m_runMutex;
    // signatureInputs/Outputs by key, worked out once (the graph does not change): a run looks them up.
    mutable std::mutex m_specMutex;
    mutable std::map<std::string, std::map<std::string, TensorSpec>> m_inputSpecs, m_outputSpecs;
};

}  // namespace tfscope::exec
