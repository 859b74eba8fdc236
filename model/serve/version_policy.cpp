#include "model/serve/version_policy.h"

#include <algorithm>
#include <charconv>
#include <filesystem>

namespace fs = std::filesystem;

namespace tfscope::serve {

namespace {

bool parseVersionName(const std::string& s, int64_t& v) {
    if (s.empty() || s.size() > 18) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size();
}

uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

uint64_t folderFingerprint(const fs::path& dir) {
    uint64_t h = 1469598103934665603ull;
    std::error_code ec;
    std::vector<std::pair<std::string, uint64_t>> entries;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code e2;
        if (!it->is_regular_file(e2)) continue;
        uint64_t size = it->file_size(e2);
        auto mtime = fs::last_write_time(it->path(), e2);
        entries.emplace_back(it->path().string(), mix(size, uint64_t(mtime.time_since_epoch().count())));
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& [name, v] : entries) {
        h = mix(h, std::hash<std::string>{}(name));
        h = mix(h, v);
    }
    return h;
}

bool isComplete(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_regular_file(dir / "saved_model.pb", ec) && !fs::is_regular_file(dir / "saved_model.pbtxt", ec)) return false;
    if (fs::is_directory(dir / "variables", ec) && !fs::is_regular_file(dir / "variables" / "variables.index", ec)) return false;
    return true;
}

}  // namespace

Result<std::vector<VersionDir>> scanVersions(const std::string& basePath) {
    std::error_code ec;
    if (!fs::is_directory(basePath, ec)) return Status::notFound("Could not find base path " + basePath + ".");
    std::vector<VersionDir> out;
    for (fs::directory_iterator it(basePath, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code e2;
        int64_t v = 0;
        if (!it->is_directory(e2) || !parseVersionName(it->path().filename().string(), v)) continue;
        VersionDir d;
        d.version = v;
        d.path = fs::absolute(it->path(), e2).string();
        d.complete = isComplete(it->path());
        d.fingerprint = folderFingerprint(it->path());
        out.push_back(std::move(d));
    }
    if (ec) return Status::ioError("Cannot list the base path: " + ec.message() + ".").withContext(basePath);
    std::sort(out.begin(), out.end(), [](const VersionDir& a, const VersionDir& b) { return a.version < b.version; });
    // Two folders with the same number ("1" and "001"): keep the first, as a version is one servable.
    out.erase(std::unique(out.begin(), out.end(), [](const VersionDir& a, const VersionDir& b) { return a.version == b.version; }),
              out.end());
    return out;
}

std::vector<int64_t> selectVersions(const std::vector<int64_t>& available, const VersionPolicy& policy) {
    std::vector<int64_t> out;
    switch (policy.kind) {
    case VersionPolicy::Kind::All: out = available; break;
    case VersionPolicy::Kind::Specific:
        for (int64_t v : available)
            if (policy.specific.count(v)) out.push_back(v);
        break;
    case VersionPolicy::Kind::Latest: {
        size_t n = std::max<uint32_t>(policy.latest, 1);
        size_t start = available.size() > n ? available.size() - n : 0;
        out.assign(available.begin() + long(start), available.end());
        break;
    }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string describePolicy(const VersionPolicy& policy) {
    switch (policy.kind) {
    case VersionPolicy::Kind::All: return "all";
    case VersionPolicy::Kind::Latest: return "latest " + std::to_string(std::max<uint32_t>(policy.latest, 1));
    case VersionPolicy::Kind::Specific: {
        std::string s = "specific ";
        bool first = true;
        for (int64_t v : policy.specific) {
            s += (first ? "" : ",") + std::to_string(v);
            first = false;
        }
        return s;
    }
    }
    return "?";
}

Status validateConfigs(const std::vector<ServedModelConfig>& configs) {
    if (configs.empty()) return Status::invalidArgument("No model to serve: give --model_base_path or --model_config_file.");
    std::set<std::string> names;
    for (const auto& c : configs) {
        if (c.name.empty()) return Status::invalidArgument("A model config has an empty name.");
        if (c.basePath.empty()) return Status::invalidArgument("Model '" + c.name + "' has no base_path.");
        if (!names.insert(c.name).second) return Status::invalidArgument("Model name '" + c.name + "' is given twice.");
        if (c.policy.kind == VersionPolicy::Kind::Specific && c.policy.specific.empty())
            return Status::invalidArgument("Model '" + c.name + "': the specific version policy lists no version.");
        for (const auto& [label, v] : c.labels)
            if (label.empty()) return Status::invalidArgument("Model '" + c.name + "' has an empty version label (for version " + std::to_string(v) + ").");
    }
    return Status::OK();
}

}  // namespace tfscope::serve
