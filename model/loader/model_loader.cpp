#include "model/loader/model_loader.h"

#include "model/checkpoint/checkpoint_path.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <regex>

#include "checkpoint_state.pb.h"
#include "fingerprint.pb.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/graph/graph_index.h"
#include "model/loader/model.h"
#include "model/loader/proto_io.h"
#include "model/loader/summary_builder.h"
#include "model/progress.h"
#include "model/util/file_kind.h"
#include "saved_model.pb.h"
#include "trackable_object_graph.pb.h"

namespace fs = std::filesystem;

namespace tfscope {

namespace {

constexpr size_t kMaxListedFiles = 20000;

std::string absolutePath(const std::string& path) {
    std::error_code ec;
    fs::path a = fs::absolute(path, ec);
    return ec ? path : a.lexically_normal().string();
}

// Files below `dir`, relative, sorted; follows no symlinked folders.
std::vector<std::string> listFilesRecursive(const fs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!isDir(dir)) return out;
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) out.push_back(fs::relative(it->path(), dir, ec).generic_string());
        if (out.size() >= kMaxListedFiles) break;
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool parseVersion(const std::string& s, int64_t& v) {
    if (s.empty() || s.size() > 18) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc();
}

Status checkCancelled(Progress* p) {
    if (p && p->isCancelled()) return Status::cancelled();
    return Status::OK();
}

}  // namespace

// Does the work for ModelLoader::load(); one instance per load.
class ModelBuilder {
public:
    ModelBuilder(Model& m, Progress* p) : m_model(m), m_progress(p) {}

    Status run(const DetectedFormat& det);

private:
    Status loadSavedModel(const std::string& path);
    Status loadDetected(const DetectedFormat& det);
    Status loadServingBase(const std::string& dir);
    Status loadCheckpointDir(const std::string& dir);
    Status loadCheckpointPrefix(const std::string& prefix, bool listSiblings);
    Status loadMetaGraphFile(const std::string& path, bool required);
    Status loadGraphDef(const std::string& path, bool text);
    void openCheckpoint(const std::string& prefix, bool warnIfMissing);
    Status finish();

    tensorflow::SavedModel& savedModel() {
        return const_cast<tensorflow::SavedModel&>(*m_model.m_savedModel);  // only during the build
    }
    void warn(std::string w) { m_model.m_warnings.push_back(std::move(w)); }
    void addFile(const fs::path& p) {
        m_model.m_files.push_back({p.string(), fileSizeOr0(p)});
    }

    Model& m_model;
    Progress* m_progress;
};

Status ModelBuilder::run(const DetectedFormat& det) {
    m_model.m_format = det.format;
    m_model.m_openedFormat = det.format;
    TFS_RETURN_IF_ERROR(loadDetected(det));
    TFS_RETURN_IF_ERROR(checkCancelled(m_progress));
    return finish();
}

Status ModelBuilder::loadDetected(const DetectedFormat& det) {
    switch (det.format) {
    case ModelFormat::SavedModelDir: TFS_RETURN_IF_ERROR(loadSavedModel(det.path)); break;
    case ModelFormat::ServingBaseDir: TFS_RETURN_IF_ERROR(loadServingBase(det.path)); break;
    case ModelFormat::CheckpointDir: TFS_RETURN_IF_ERROR(loadCheckpointDir(det.path)); break;
    case ModelFormat::CheckpointPrefix: TFS_RETURN_IF_ERROR(loadCheckpointPrefix(det.path, true)); break;
    case ModelFormat::MetaGraph: {
        m_model.m_openedPath = absolutePath(det.path);
        TFS_RETURN_IF_ERROR(loadMetaGraphFile(det.path, true));
        addFile(det.path);
        // A .meta next to its checkpoint (tf.train.Saver output): PREFIX.meta + PREFIX.index.
        fs::path prefix = det.path;
        if (prefix.extension() == ".meta") {
            prefix.replace_extension();
            if (checkpointExistsAt(prefix.string())) openCheckpoint(prefix.string(), false);
        }
        break;
    }
    case ModelFormat::GraphDefBinary: TFS_RETURN_IF_ERROR(loadGraphDef(det.path, false)); break;
    case ModelFormat::GraphDefText: TFS_RETURN_IF_ERROR(loadGraphDef(det.path, true)); break;
    case ModelFormat::Unknown: return Status::invalidArgument("Unknown model format.");
    }
    return Status::OK();
}

Status ModelBuilder::loadSavedModel(const std::string& path) {
    fs::path dir = path;
    fs::path file;
    if (isFile(path)) {
        file = path;
        dir = file.parent_path();
    } else if (isFile(dir / "saved_model.pb")) {
        file = dir / "saved_model.pb";
    } else if (isFile(dir / "saved_model.pbtxt")) {
        file = dir / "saved_model.pbtxt";
    } else {
        return Status::notFound("No 'saved_model.pb' or 'saved_model.pbtxt'.").withContext(dir.string());
    }
    m_model.m_openedPath = absolutePath(dir.string());
    if (m_progress) m_progress->report(0, 3);
    TFS_ASSIGN_OR_RETURN(std::string bytes, [&] {
        auto r = readWholeFile(file.string());
        return r.ok() ? r : Result<std::string>(r.status().withContext(file.string()));
    }());
    Status st;
    const bool text = file.extension() == ".pbtxt" || (file.extension() != ".pb" && looksLikeTextProto(bytes));
    if (text) {
        st = parseTextProto(bytes, savedModel());
        if (!st.ok()) return Status(st.code(), file.string() + ":" + st.message());
    } else {
        st = parseBinaryProto(bytes, savedModel());
        if (!st.ok()) return st.withContext(file.string());
    }
    bytes.clear();
    bytes.shrink_to_fit();
    m_model.m_schemaVersion = savedModel().saved_model_schema_version();
    if (savedModel().meta_graphs_size() == 0) warn("The SavedModel holds no MetaGraphDef.");
    TFS_RETURN_IF_ERROR(checkCancelled(m_progress));
    if (m_progress) m_progress->report(1, 3);

    // variables/ (optional: degrade with a warning, as TF's loader skips the restore).
    fs::path varDir = dir / "variables";
    if (!isDir(varDir)) {
        warn("No 'variables' folder; the model has no saved weights.");
    } else if (isFile(varDir / "variables.index")) {
        openCheckpoint((varDir / "variables").string(), true);
    } else if (isFile(varDir / "saved_model_variables.index")) {
        openCheckpoint((varDir / "saved_model_variables").string(), true);
    } else {
        warn("The 'variables' folder holds no 'variables.index'; the model has no saved weights.");
    }
    m_model.m_assets = listFilesRecursive(dir / "assets");
    m_model.m_assetsExtra = listFilesRecursive(dir / "assets.extra");
    if (isFile(dir / "fingerprint.pb")) {
        tensorflow::FingerprintDef fp;
        Status fs = readBinaryProto((dir / "fingerprint.pb").string(), fp);
        if (!fs.ok()) {
            warn(fs.withContext((dir / "fingerprint.pb").string()).message());
        } else {
            FingerprintInfo f;
            f.savedModelChecksum = fp.saved_model_checksum();
            f.graphDefProgramHash = fp.graph_def_program_hash();
            f.signatureDefHash = fp.signature_def_hash();
            f.savedObjectGraphHash = fp.saved_object_graph_hash();
            f.checkpointHash = fp.checkpoint_hash();
            f.producer = fp.version().producer();
            f.uuid = fp.uuid();
            m_model.m_fingerprint = f;
        }
    }
    for (const std::string& rel : listFilesRecursive(dir)) {
        m_model.m_files.push_back({rel, fileSizeOr0(dir / rel)});
    }
    if (m_progress) m_progress->report(2, 3);
    return Status::OK();
}

Status ModelBuilder::loadServingBase(const std::string& dir) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        int64_t v = 0;
        if (it->is_directory(ec) && parseVersion(name, v)) {
            m_model.m_versions.push_back({v, absolutePath(it->path().string()), false});
        } else {
            m_model.m_ignored.push_back(name);
        }
    }
    if (ec) return Status::ioError("Cannot list the folder: " + ec.message() + ".").withContext(dir);
    std::sort(m_model.m_versions.begin(), m_model.m_versions.end(),
              [](const ServingVersion& a, const ServingVersion& b) { return a.version < b.version; });
    std::sort(m_model.m_ignored.begin(), m_model.m_ignored.end());
    if (m_model.m_versions.empty()) return Status::notFound("No numeric version folder.").withContext(dir);
    ServingVersion& served = m_model.m_versions.back();
    served.served = true;
    for (const std::string& name : m_model.m_ignored)
        warn("Ignored '" + name + "': not a numeric version folder.");
    // TF Serving loads SavedModels; older versions may hold a TF1 session bundle (export.meta +
    // export-00000-of-00001), which opens as what it is.
    auto det = detectFormat(served.path);
    if (!det.ok()) return det.status();
    if (det->format == ModelFormat::ServingBaseDir)
        return Status::invalidArgument("Version folder is itself a TF Serving base folder.").withContext(served.path);
    m_model.m_openedFormat = det->format == ModelFormat::CheckpointDir ? ModelFormat::CheckpointPrefix : det->format;
    return loadDetected(*det);
}

Status ModelBuilder::loadCheckpointDir(const std::string& dir) {
    fs::path stateFile = fs::path(dir) / "checkpoint";
    tensorflow::CheckpointState state;
    Status st = readTextProto(stateFile.string(), state);
    if (!st.ok()) return Status(st.code(), stateFile.string() + ":" + st.message());
    auto resolve = [&](const std::string& p) -> std::string {
        fs::path path = p;
        if (path.is_relative()) return absolutePath((fs::path(dir) / path).string());
        if (checkpointExistsAt(p)) return p;
        // Absolute paths from another machine: TF would fail; we look next to the state file.
        fs::path local = fs::path(dir) / path.filename();
        if (checkpointExistsAt(local.string())) {
            warn("Checkpoint '" + p + "' not found; using '" + local.string() + "' next to the state file.");
            return absolutePath(local.string());
        }
        return p;
    };
    std::string latest = resolve(state.model_checkpoint_path());
    std::vector<std::string> all;
    for (const auto& p : state.all_model_checkpoint_paths()) all.push_back(resolve(p));
    if (!latest.empty() && std::find(all.begin(), all.end(), latest) == all.end()) all.push_back(latest);
    for (size_t i = 0; i < all.size(); ++i) {
        CheckpointListing l;
        l.prefix = all[i];
        if (static_cast<int>(i) < state.all_model_checkpoint_timestamps_size())
            l.timestamp = state.all_model_checkpoint_timestamps(static_cast<int>(i));
        l.exists = checkpointExistsAt(all[i]);
        l.latest = all[i] == latest;
        m_model.m_checkpoints.push_back(l);
    }
    addFile(stateFile);
    if (latest.empty()) return Status::notFound("The state file names no checkpoint.").withContext(stateFile.string());
    m_model.m_openedFormat = ModelFormat::CheckpointPrefix;
    return loadCheckpointPrefix(latest, false);
}

Status ModelBuilder::loadCheckpointPrefix(const std::string& prefix, bool listSiblings) {
    m_model.m_openedPath = absolutePath(prefix);
    auto reader = CheckpointReader::open(prefix);
    if (!reader.ok()) return reader.status().withContext(prefix);
    m_model.m_checkpoint = std::shared_ptr<const CheckpointReader>(std::move(reader).value());
    for (const std::string& f : m_model.m_checkpoint->files()) addFile(f);
    // The Saver's graph: PREFIX.meta, also for V1 shards PREFIX-00000-of-00002 / PREFIX-?????-of-00002.
    static const std::regex kV1Shard(R"((.*)-(\d{5}|\?{5})-of-\d{5})");
    std::smatch m;
    std::string meta = (std::regex_match(prefix, m, kV1Shard) ? m[1].str() : prefix) + ".meta";
    if (isFile(meta)) {
        TFS_RETURN_IF_ERROR(loadMetaGraphFile(meta, false));
        addFile(meta);
    }
    fs::path state = fs::path(prefix).parent_path() / "checkpoint";
    if (listSiblings && isFile(state)) {
        // Show the other checkpoints of the folder, but keep the one the user chose.
        tensorflow::CheckpointState cs;
        if (readTextProto(state.string(), cs).ok()) {
            for (const auto& p : cs.all_model_checkpoint_paths()) {
                fs::path path = p;
                if (path.is_relative()) path = fs::path(prefix).parent_path() / path;
                CheckpointListing l;
                l.prefix = absolutePath(path.string());
                l.exists = checkpointExistsAt(l.prefix);
                l.latest = p == cs.model_checkpoint_path();
                m_model.m_checkpoints.push_back(l);
            }
        }
    }
    return Status::OK();
}

void ModelBuilder::openCheckpoint(const std::string& prefix, bool warnIfMissing) {
    auto reader = CheckpointReader::open(prefix);
    if (!reader.ok()) {
        if (warnIfMissing || isFile(prefix + ".index"))
            warn("Weights not loaded: " + reader.status().withContext(prefix).message());
        return;
    }
    m_model.m_checkpoint = std::shared_ptr<const CheckpointReader>(std::move(reader).value());
}

Status ModelBuilder::loadMetaGraphFile(const std::string& path, bool required) {
    TFS_ASSIGN_OR_RETURN(std::string bytes, [&] {
        auto r = readWholeFile(path);
        return r.ok() ? r : Result<std::string>(r.status().withContext(path));
    }());
    tensorflow::MetaGraphDef* mg = savedModel().add_meta_graphs();
    Status st;
    if (looksLikeTextProto(bytes)) {
        st = parseTextProto(bytes, *mg);
        if (!st.ok()) st = Status(st.code(), path + ":" + st.message());
    } else {
        st = parseBinaryProto(bytes, *mg).withContext(path);
    }
    if (!st.ok()) {
        savedModel().mutable_meta_graphs()->RemoveLast();
        if (required) return st;
        warn("MetaGraphDef not loaded: " + st.message());
    }
    return Status::OK();
}

Status ModelBuilder::loadGraphDef(const std::string& path, bool text) {
    m_model.m_openedPath = absolutePath(path);
    TFS_ASSIGN_OR_RETURN(std::string bytes, [&] {
        auto r = readWholeFile(path);
        return r.ok() ? r : Result<std::string>(r.status().withContext(path));
    }());
    tensorflow::MetaGraphDef* mg = savedModel().add_meta_graphs();
    tensorflow::GraphDef* g = mg->mutable_graph_def();
    Status st = text ? parseTextProto(bytes, *g) : parseBinaryProto(bytes, *g);
    if (!st.ok()) {
        if (text) return Status(st.code(), path + ":" + st.message());
        return st.withContext(path);
    }
    // A binary .pb may also be a MetaGraphDef: GraphDef nodes then come out without op names.
    bool plausible = true;
    for (const auto& n : g->node())
        if (n.op().empty()) { plausible = false; break; }
    if (!plausible && !text) {
        tensorflow::MetaGraphDef alt;
        if (parseBinaryProto(bytes, alt).ok() && alt.has_graph_def()) {
            *mg = std::move(alt);
            m_model.m_openedFormat = ModelFormat::MetaGraph;
        } else {
            warn("Some nodes have no op; the file may not be a GraphDef.");
        }
    }
    addFile(path);
    return Status::OK();
}

Status ModelBuilder::finish() {
    // TF2 object graph stored in the checkpoint.
    if (m_model.m_checkpoint) {
        const CheckpointEntry* e = m_model.m_checkpoint->find(kObjectGraphKey);
        if (e) {
            auto t = m_model.m_checkpoint->read(kObjectGraphKey);
            if (!t.ok()) {
                warn("Object graph not read: " + t.status().message());
            } else if (t->dtype() != DType::String || t->numElements() != 1 || !t->shape().empty()) {
                warn("Checkpoint key '" + std::string(kObjectGraphKey) + "' is not a string scalar.");
            } else {
                auto graph = std::make_shared<tensorflow::TrackableObjectGraph>();
                Status st = parseBinaryProto(std::string(t->strings()[0]), *graph);
                if (st.ok()) m_model.m_trackable = graph;
                else warn("Object graph not decoded: " + st.message());
            }
        }
    }
    if (m_model.m_savedModel->meta_graphs_size() > 0) {
        const auto& info = m_model.m_savedModel->meta_graphs(0).meta_info_def();
        m_model.m_tfVersion = info.tensorflow_version();
        m_model.m_tfGitVersion = info.tensorflow_git_version();
        m_model.m_producer = m_model.m_savedModel->meta_graphs(0).graph_def().versions().producer();
    }
    // Graph indexes share ownership of the SavedModel through aliasing pointers.
    const auto& sm = m_model.m_savedModel;
    for (int i = 0; i < sm->meta_graphs_size(); ++i) {
        std::shared_ptr<const tensorflow::GraphDef> g(sm, &sm->meta_graphs(i).graph_def());
        auto index = GraphIndex::build(g, m_progress);
        if (!index.ok()) return index.status();
        m_model.m_graphIndexes.push_back(std::move(index).value());
        for (const std::string& w : m_model.m_graphIndexes.back()->warnings()) warn(w);
    }
    TFS_RETURN_IF_ERROR(checkCancelled(m_progress));
    m_model.m_summary = buildSummary(m_model);
    if (m_progress) m_progress->report(3, 3);
    return Status::OK();
}

Result<std::shared_ptr<const Model>> ModelLoader::load(const std::string& path, Progress* progress) {
    TFS_ASSIGN_OR_RETURN(DetectedFormat det, detectFormat(path));
    return load(path, det, progress);
}

Result<std::shared_ptr<const Model>> ModelLoader::load(const std::string& path, const DetectedFormat& detected,
                                                       Progress* progress) {
    auto model = std::make_shared<Model>();
    model->m_rootPath = absolutePath(path);
    try {
        ModelBuilder builder(*model, progress);
        TFS_RETURN_IF_ERROR(builder.run(detected));
    } catch (const std::exception& e) {
        return Status::internal(std::string("Unexpected error: ") + e.what() + ".").withContext(path);
    }
    return std::shared_ptr<const Model>(std::move(model));
}

}  // namespace tfscope
