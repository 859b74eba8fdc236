#include "model/serve/servable_manager.h"

#include <algorithm>
#include <set>

#include "model/exec/model_session.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

namespace tfscope::serve {

LoadedVersion::~LoadedVersion() = default;

const char* versionStateName(VersionState s) {
    switch (s) {
    case VersionState::Start: return "START";
    case VersionState::Loading: return "LOADING";
    case VersionState::Available: return "AVAILABLE";
    case VersionState::Unloading: return "UNLOADING";
    case VersionState::End: return "END";
    }
    return "UNKNOWN";
}

Loader defaultLoader(const exec::SessionOptions& options) {
    return [options](const std::string& name, int64_t version, const std::string& path) -> Result<std::shared_ptr<LoadedVersion>> {
        auto model = ModelLoader::load(path);
        if (!model.ok()) return model.status();
        auto session = exec::openModelSession(model.value(), {"serve"}, options);
        if (!session.ok()) return session.status().withContext(path);
        auto v = std::make_shared<LoadedVersion>();
        v->modelName = name;
        v->version = version;
        v->path = path;
        v->model = std::move(model).value();
        v->session = std::move(session).value();
        return v;
    };
}

ServableManager::ServableManager(Loader loader) : m_loader(std::move(loader)) {}
ServableManager::~ServableManager() = default;

void ServableManager::setLogger(std::function<void(const std::string&)> log) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_log = std::move(log);
}

void ServableManager::log(const std::string& line) const {
    if (m_log) m_log(line);
}

Status ServableManager::setConfig(std::vector<ServedModelConfig> configs) {
    TFS_RETURN_IF_ERROR(validateConfigs(configs));
    {
        std::lock_guard<std::mutex> poll(m_pollMutex);
        std::lock_guard<std::mutex> lock(m_mutex);
        std::set<std::string> keep;
        for (auto& c : configs) {
            keep.insert(c.name);
            auto it = m_models.find(c.name);
            if (it == m_models.end()) {
                ServedModel m;
                m.config = c;
                m_models.emplace(c.name, std::move(m));
            } else {
                it->second.config = c;
            }
        }
        for (auto it = m_models.begin(); it != m_models.end();) {
            if (keep.count(it->first)) {
                ++it;
                continue;
            }
            log("Unloading model '" + it->first + "' (no longer in the config).");
            it = m_models.erase(it);  // in-flight requests keep their LoadedVersion alive
        }
    }
    pollOnce(true);
    return Status::OK();
}

void ServableManager::pollOnce(bool initial) {
    std::lock_guard<std::mutex> poll(m_pollMutex);
    std::vector<std::string> names = modelNames();
    for (const auto& n : names) pollModel(n, initial);
}

void ServableManager::pollModel(const std::string& name, bool initial) {
    ServedModelConfig config;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = m_models.find(name);
        if (it == m_models.end()) return;
        config = it->second.config;
    }
    auto scanned = scanVersions(config.basePath);
    if (!scanned.ok()) {
        log("Model '" + name + "': " + scanned.status().message());
        return;
    }
    // Candidates: complete versions whose files did not change since the previous poll (or that
    // are loaded already), minus those that failed with these very files.
    std::vector<int64_t> candidates;
    std::map<int64_t, const VersionDir*> dirs;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        ServedModel& m = m_models.at(name);
        for (const VersionDir& d : scanned.value()) {
            dirs[d.version] = &d;
            auto rec = m.versions.find(d.version);
            bool loaded = rec != m.versions.end() && rec->second.loaded;
            bool failed = rec != m.versions.end() && rec->second.state == VersionState::End && !rec->second.error.ok() &&
                          rec->second.failedFingerprint == d.fingerprint;
            auto seen = m.lastSeen.find(d.version);
            bool stable = initial || (seen != m.lastSeen.end() && seen->second == d.fingerprint);
            if (loaded || (d.complete && stable && !failed)) candidates.push_back(d.version);
        }
        m.lastSeen.clear();
        for (const VersionDir& d : scanned.value()) m.lastSeen[d.version] = d.fingerprint;
    }
    // Load what the policy wants; a failure drops that version from the candidates and the policy
    // is asked again (so a broken newest version leaves the previous one serving).
    for (;;) {
        std::vector<int64_t> wanted = selectVersions(candidates, config.policy);
        int64_t toLoad = -1;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            ServedModel& m = m_models.at(name);
            for (int64_t v : wanted) {
                auto rec = m.versions.find(v);
                if (rec == m.versions.end() || !rec->second.loaded) {
                    toLoad = v;
                    Record& r = m.versions[v];
                    r.state = VersionState::Loading;
                    r.error = Status::OK();
                    break;
                }
            }
        }
        if (toLoad < 0) break;
        const VersionDir& d = *dirs.at(toLoad);
        log("Loading version " + std::to_string(toLoad) + " of model '" + name + "' from " + d.path);
        auto loaded = m_loader(name, toLoad, d.path);
        std::lock_guard<std::mutex> lock(m_mutex);
        auto mit = m_models.find(name);
        if (mit == m_models.end()) return;  // removed by a reconfiguration meanwhile
        Record& r = mit->second.versions[toLoad];
        if (loaded.ok()) {
            r.state = VersionState::Available;
            r.loaded = std::move(loaded).value();
            log("Serving version " + std::to_string(toLoad) + " of model '" + name + "'.");
        } else {
            r.state = VersionState::End;
            r.error = loaded.status();
            r.failedFingerprint = d.fingerprint;
            log("Version " + std::to_string(toLoad) + " of model '" + name + "' failed to load: " + loaded.status().message());
            candidates.erase(std::remove(candidates.begin(), candidates.end(), toLoad), candidates.end());
        }
    }
    // Unload what is no longer wanted.
    std::vector<int64_t> wanted = selectVersions(candidates, config.policy);
    std::lock_guard<std::mutex> lock(m_mutex);
    auto mit = m_models.find(name);
    if (mit == m_models.end()) return;
    for (auto& [v, r] : mit->second.versions) {
        if (!r.loaded || std::find(wanted.begin(), wanted.end(), v) != wanted.end()) continue;
        log("Unloading version " + std::to_string(v) + " of model '" + name + "'" +
            (dirs.count(v) ? " (the version policy no longer serves it)." : " (removed from the base path)."));
        r.loaded.reset();  // the Session goes when the last request holding it finishes
        r.state = VersionState::End;
    }
}

Result<std::shared_ptr<LoadedVersion>> ServableManager::acquire(const std::string& name, std::optional<int64_t> version,
                                                               const std::string& label) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_models.find(name);
    if (it == m_models.end()) {
        if (version) return Status::notFound("Servable not found for request: Specific(" + name + ", " + std::to_string(*version) + ")");
        return Status::notFound("Servable not found for request: Latest(" + name + ")");
    }
    const ServedModel& m = it->second;
    if (!version && !label.empty()) {
        auto l = m.config.labels.find(label);
        if (l == m.config.labels.end()) return Status::invalidArgument("Unrecognized servable version label: " + label);
        version = l->second;
    }
    if (version) {
        auto r = m.versions.find(*version);
        if (r == m.versions.end() || !r->second.loaded)
            return Status::notFound("Servable not found for request: Specific(" + name + ", " + std::to_string(*version) + ")");
        return r->second.loaded;
    }
    for (auto r = m.versions.rbegin(); r != m.versions.rend(); ++r)
        if (r->second.loaded) return r->second.loaded;
    return Status::notFound("Servable not found for request: Latest(" + name + ")");
}

Result<std::vector<VersionStatus>> ServableManager::status(const std::string& name, std::optional<int64_t> version) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_models.find(name);
    if (it == m_models.end()) return Status::notFound("Could not find any versions of model " + name);
    std::vector<VersionStatus> out;
    for (const auto& [v, r] : it->second.versions) {
        if (version && v != *version) continue;
        out.push_back({v, r.state, r.error});
    }
    if (version && out.empty())
        return Status::notFound("Could not find version " + std::to_string(*version) + " of model " + name);
    if (out.empty()) return Status::notFound("Could not find any versions of model " + name);
    return out;
}

std::vector<std::string> ServableManager::modelNames() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<std::string> out;
    for (const auto& [n, m] : m_models) out.push_back(n);
    return out;
}

std::string ServableManager::describe() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::string out;
    for (const auto& [n, m] : m_models) {
        out += "  " + n + " (" + m.config.basePath + ", " + describePolicy(m.config.policy) + "):";
        bool any = false;
        for (const auto& [v, r] : m.versions) {
            if (r.state != VersionState::Available && r.error.ok()) continue;
            out += std::string(any ? "," : "") + " " + std::to_string(v) + " " + versionStateName(r.state);
            any = true;
        }
        if (!any) out += " no version";
        out += "\n";
    }
    return out;
}

}  // namespace tfscope::serve
