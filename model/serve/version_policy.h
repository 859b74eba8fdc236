#pragma once
// Which version folders of a TF Serving model base path are served, as tensorflow_model_server
// decides: numeric subfolder names are versions; a version is complete once it holds
// saved_model.pb (or .pbtxt) and, if it has a variables/ folder, variables.index; the policy
// (latest N by default, all, or specific versions) picks among the complete ones.
//
//   auto dirs = serve::scanVersions("/models/half_plus_two");
//   auto wanted = serve::selectVersions(completeVersionsOf(dirs), policy);

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/status.h"

namespace tfscope::serve {

struct VersionPolicy {
    enum class Kind { Latest, All, Specific } kind = Kind::Latest;
    uint32_t latest = 1;             // Latest: how many of the highest versions
    std::set<int64_t> specific;      // Specific: these versions
};

// One model of a ModelServerConfig (or of --model_name/--model_base_path).
struct ServedModelConfig {
    std::string name;
    std::string basePath;
    VersionPolicy policy;
    std::map<std::string, int64_t> labels;  // version_labels
};

struct VersionDir {
    int64_t version = 0;
    std::string path;
    bool complete = false;
    // Sizes and modification times of every file below the folder, folded together: a version is
    // loaded only once this stays the same between two polls (a copy still being written changes it).
    uint64_t fingerprint = 0;
};

// Numeric subfolders of `basePath`, sorted by version. NotFound if the base path does not exist.
Result<std::vector<VersionDir>> scanVersions(const std::string& basePath);

// The versions `policy` serves among `available` (sorted ascending; result sorted ascending).
std::vector<int64_t> selectVersions(const std::vector<int64_t>& available, const VersionPolicy& policy);

// "latest 1", "all", "specific 1,2": for status lines.
std::string describePolicy(const VersionPolicy& policy);

// Checks names are unique and non-empty, base paths set, labels unique per model.
Status validateConfigs(const std::vector<ServedModelConfig>& configs);

}  // namespace tfscope::serve
