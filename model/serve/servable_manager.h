#pragma once
// ServableManager: the models and versions `tfscope serve` serves, kept in step with their base
// paths as tensorflow_model_server does. pollOnce() scans every base path: a complete version the
// policy wants is loaded (one Session per version, shared by every request) once its files stop
// changing between two polls (at start-up: at once); a version that fails to load is reported
// (state END with its error) and never replaces one that works (the policy then picks among the
// versions that load); a version that is no longer wanted (removed from disk, or an older one
// once a newer one is AVAILABLE) is unloaded: requests that hold it finish first, since each
// request holds a shared_ptr to its LoadedVersion.
//
//   serve::ServableManager mgr(serve::defaultLoader({}));
//   TFS_RETURN_IF_ERROR(mgr.setConfig(configs));   // polls once
//   TFS_ASSIGN_OR_RETURN(auto v, mgr.acquire("half_plus_two", std::nullopt, ""));
//   v->session->runSignature(...);
//
// Thread safety: every method may be called from any thread; pollOnce()/setConfig() run one at a
// time (loads happen outside the lock that acquire() takes).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/exec/session.h"
#include "model/serve/version_policy.h"
#include "model/status.h"

namespace tfscope {
class Model;
}

namespace tfscope::serve {

struct LoadedVersion {
    std::string modelName;
    int64_t version = 0;
    std::string path;
    std::shared_ptr<const Model> model;      // may be null for a test loader
    std::unique_ptr<exec::Session> session;  // run() is serialized by the Session itself
    ~LoadedVersion();
};

// TF Serving's ModelVersionStatus.State values.
enum class VersionState { Start = 10, Loading = 20, Available = 30, Unloading = 40, End = 50 };
const char* versionStateName(VersionState s);  // "AVAILABLE", ...

struct VersionStatus {
    int64_t version = 0;
    VersionState state = VersionState::Start;
    Status error;  // the load error of a version that failed (state End)
};

using Loader = std::function<Result<std::shared_ptr<LoadedVersion>>(const std::string& modelName, int64_t version,
                                                                     const std::string& path)>;

// Loads the SavedModel in `path` (ModelLoader) and its "serve" meta graph into a Session.
Loader defaultLoader(const exec::SessionOptions& options);

class ServableManager {
public:
    explicit ServableManager(Loader loader);
    ~ServableManager();

    // Replaces the served models (a removed model's versions are unloaded) and polls once.
    Status setConfig(std::vector<ServedModelConfig> configs);
    // One scan of every base path. `initial`: complete versions load without waiting for a second
    // poll to see their files unchanged.
    void pollOnce(bool initial = false);

    // The version to run a request on: `version`, else the version `label` names, else the highest
    // AVAILABLE one. NotFound (TF Serving's texts) for an unknown model, version or label.
    Result<std::shared_ptr<LoadedVersion>> acquire(const std::string& name, std::optional<int64_t> version,
                                                   const std::string& label) const;
    // Every version ever seen of `name` (or just `version`), ascending. NotFound for an unknown model.
    Result<std::vector<VersionStatus>> status(const std::string& name, std::optional<int64_t> version) const;
    std::vector<std::string> modelNames() const;
    // "half_plus_two: 123 (AVAILABLE)" lines, one per model.
    std::string describe() const;

    // Receives one line per load / unload / failure (stderr in `tfscope serve`).
    void setLogger(std::function<void(const std::string&)> log);

private:
    struct Record {
        VersionState state = VersionState::Start;
        Status error;
        uint64_t failedFingerprint = 0;  // files of the failed attempt: retried only once they change
        std::shared_ptr<LoadedVersion> loaded;
    };
    struct ServedModel {
        ServedModelConfig config;
        std::map<int64_t, Record> versions;
        std::map<int64_t, uint64_t> lastSeen;  // fingerprints of the previous poll
    };
    void pollModel(const std::string& name, bool initial);
    void log(const std::string& line) const;

    Loader m_loader;
    mutable std::mutex m_mutex;  // guards m_models
    std::mutex m_pollMutex;      // one poll / reconfiguration at a time
    std::map<std::string, ServedModel> m_models;
    std::function<void(const std::string&)> m_log;
};

}  // namespace tfscope::serve
