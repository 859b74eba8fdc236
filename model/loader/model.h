#pragma once
// Model: everything tfscope opened from one user path (SavedModel, TF Serving base folder,
// checkpoint, bare MetaGraphDef or GraphDef). Immutable once built; shared across threads as
// std::shared_ptr<const Model>. Build it with ModelLoader::load() (model_loader.h).
//
//   TFS_ASSIGN_OR_RETURN(std::shared_ptr<const Model> m, ModelLoader::load(path, &progress));
//   for (const SignatureSummary& s : m->summary().metaGraphs[0].signatures) ...
//   if (m->checkpoint()) m->checkpoint()->read("a");
//
// This header includes no generated protobuf header (docs/architecture.md#layers): the raw protos are reachable
// through the forward-declared accessors below; include "model/loader/model_protos.h" to use them.
// Every format is normalised to a tensorflow::SavedModel holding >= 1 MetaGraphDef: a bare .meta
// becomes one meta graph, a frozen GraphDef becomes a MetaGraphDef with only graph_def set.
// Thread safety: all methods are const and may be called from any thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/loader/format_detect.h"
#include "model/loader/model_summary.h"

namespace tensorflow {
class SavedModel;
class MetaGraphDef;
class TrackableObjectGraph;
}  // namespace tensorflow

namespace tfscope {

class CheckpointReader;
class GraphIndex;

// One version folder of a TF Serving base path.
struct ServingVersion {
    int64_t version = 0;
    std::string path;      // absolute folder
    bool served = false;   // the highest number (what TF Serving's default policy serves)
};

// One checkpoint listed in a `checkpoint` state file.
struct CheckpointListing {
    std::string prefix;    // absolute prefix
    double timestamp = 0;  // all_model_checkpoint_timestamps, 0 if absent
    bool exists = false;   // PREFIX.index (or the V1 file) exists
    bool latest = false;   // model_checkpoint_path
};

struct FileEntry {
    std::string path;          // relative to Model::openedPath() for folders, else absolute
    uint64_t size = 0;
};

struct FingerprintInfo {
    uint64_t savedModelChecksum = 0;
    uint64_t graphDefProgramHash = 0;
    uint64_t signatureDefHash = 0;
    uint64_t savedObjectGraphHash = 0;
    uint64_t checkpointHash = 0;
    int producer = 0;
    std::string uuid;
};

class Model {
public:
    Model();
    ~Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    // What the user pointed at (ServingBaseDir/CheckpointDir stay as such; what was opened inside
    // them is openedFormat()).
    ModelFormat format() const { return m_format; }
    ModelFormat openedFormat() const { return m_openedFormat; }
    const std::string& rootPath() const { return m_rootPath; }      // absolute path given
    const std::string& openedPath() const { return m_openedPath; }  // SavedModel dir / prefix / file

    // TF Serving view (format() == ServingBaseDir), sorted by version; empty otherwise.
    const std::vector<ServingVersion>& versions() const { return m_versions; }
    const std::vector<std::string>& ignoredEntries() const { return m_ignored; }  // non-numeric
    // `checkpoint` state file listing (format() == CheckpointDir or a prefix next to one).
    const std::vector<CheckpointListing>& checkpoints() const { return m_checkpoints; }

    // Raw protos (see model_protos.h). Always >= 1 meta graph unless only a checkpoint was opened.
    const tensorflow::SavedModel& savedModel() const { return *m_savedModel; }
    std::shared_ptr<const tensorflow::SavedModel> savedModelPtr() const { return m_savedModel; }
    int metaGraphCount() const;
    const tensorflow::MetaGraphDef& metaGraph(int i) const;
    // Index of the first meta graph whose tag set equals `tags` exactly (TF's rule), or -1.
    int findMetaGraph(const std::vector<std::string>& tags) const;

    // The checkpoint's `_CHECKPOINTABLE_OBJECT_GRAPH`, parsed; null if the checkpoint has none.
    std::shared_ptr<const tensorflow::TrackableObjectGraph> trackableObjectGraph() const { return m_trackable; }

    // Graph index of meta graph i (built at load time).
    std::shared_ptr<const GraphIndex> graphIndex(int metaGraph) const;

    // May be null (no variables/, frozen graph, missing files).
    std::shared_ptr<const CheckpointReader> checkpoint() const { return m_checkpoint; }

    // Proto-free description (signatures, variables, assets, collections, object graph, ...).
    const ModelSummary& summary() const { return m_summary; }

    const std::vector<std::string>& assets() const { return m_assets; }       // under assets/
    const std::vector<std::string>& assetsExtra() const { return m_assetsExtra; }
    const std::optional<FingerprintInfo>& fingerprint() const { return m_fingerprint; }
    const std::string& tensorflowVersion() const { return m_tfVersion; }     // meta_info_def
    const std::string& tensorflowGitVersion() const { return m_tfGitVersion; }
    int graphProducer() const { return m_producer; }                          // GraphDef.versions
    int64_t savedModelSchemaVersion() const { return m_schemaVersion; }
    const std::vector<FileEntry>& files() const { return m_files; }
    uint64_t totalBytes() const;
    // Degradations that did not stop loading ("No 'variables' folder; the model has no weights.").
    const std::vector<std::string>& warnings() const { return m_warnings; }

private:
    friend class ModelLoader;
    friend class ModelBuilder;
    ModelFormat m_format = ModelFormat::Unknown;
    ModelFormat m_openedFormat = ModelFormat::Unknown;
    std::string m_rootPath;
    std::string m_openedPath;
    std::vector<ServingVersion> m_versions;
    std::vector<std::string> m_ignored;
    std::vector<CheckpointListing> m_checkpoints;
    std::shared_ptr<const tensorflow::SavedModel> m_savedModel;
    std::vector<std::shared_ptr<const GraphIndex>> m_graphIndexes;
    std::shared_ptr<const CheckpointReader> m_checkpoint;
    std::shared_ptr<const tensorflow::TrackableObjectGraph> m_trackable;
    ModelSummary m_summary;
    std::vector<std::string> m_assets;
    std::vector<std::string> m_assetsExtra;
    std::optional<FingerprintInfo> m_fingerprint;
    std::string m_tfVersion;
    std::string m_tfGitVersion;
    int m_producer = 0;
    int64_t m_schemaVersion = 0;
    std::vector<FileEntry> m_files;
    std::vector<std::string> m_warnings;
};

}  // namespace tfscope
