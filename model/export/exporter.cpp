#include "model/export/exporter.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/export/bundle_export.h"
#include "model/export/export_files.h"
#include "model/export/restore_op_rewrite.h"
#include "model/loader/model_protos.h"
#include "model/progress.h"

namespace tfscope {
namespace {

namespace fs = std::filesystem;

// The SavedModel folder the set was opened from, "" for checkpoints.
std::string savedModelDir(const EditSet& set) {
    const Model* m = set.model().get();
    if (!m) return {};
    if (m->openedFormat() != ModelFormat::SavedModelDir) return {};
    std::error_code ec;
    fs::path p = m->openedPath();
    if (fs::is_regular_file(p, ec)) p = p.parent_path();
    if (!fs::exists(p / "saved_model.pb", ec) && !fs::exists(p / "saved_model.pbtxt", ec)) return {};
    return canonicalPath(p.string());
}

// Refuses an output that is the source or lies inside it (or, for folders, contains it).
Status checkNotSource(const EditSet& set, const std::string& out, bool folderOutput) {
    std::string prefix = canonicalPath(set.reader()->prefix());
    std::string sm = savedModelDir(set);
    std::string root = sm.empty() ? prefix : sm;
    if (out == prefix || isInside(out, root) || (!sm.empty() && out == sm))
        return Status::invalidArgument("The output '" + out + "' is the opened model or lies inside it; choose another path.");
    if (folderOutput && isInside(root, out))
        return Status::invalidArgument("The output '" + out + "' would contain the opened model '" + root + "'.");
    return Status::OK();
}

std::string stateFileText(const std::string& base) {
    return "model_checkpoint_path: \"" + base + "\"\nall_model_checkpoint_paths: \"" + base + "\"\n";
}

Status writeText(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) return ioErrorFor("write", path, errno);
    f << text;
    f.flush();
    if (!f) return ioErrorFor("write", path, errno);
    return Status::OK();
}

// Runs `body` in a fresh temp folder; removes the folder on any failure.
template <typename Body>
Status inTempDir(const std::string& parent, const std::string& base, Body body) {
    TFS_ASSIGN_OR_RETURN(std::string tmp, makeTempDir(parent, base));
    Status s = body(tmp);
    removeTree(tmp);  // after a successful folder rename there is nothing left to remove
    return s;
}

// Creates the missing folders up to `parent` (as Saver.save and Checkpoint.write do) and returns
// the topmost one it created ("" when `parent` existed), for removal if the export fails.
Result<std::string> createParents(const std::string& parent) {
    std::vector<fs::path> missing;
    fs::path p = parent;
    std::error_code ec;
    for (; !p.empty(); p = p.parent_path()) {
        fs::file_status st = fs::status(p, ec);
        if (ec && ec.value() != ENOENT) return ioErrorFor("write into", p.string(), ec.value());
        if (fs::exists(st)) {
            if (!fs::is_directory(st)) return ioErrorFor("write into", p.string(), ENOTDIR);
            break;
        }
        missing.push_back(p);
        if (p == p.parent_path()) break;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (!fs::create_directory(*it, ec) && ec) {
            if (!missing.empty()) removeTree(missing.back().string());
            return ioErrorFor("create", it->string(), ec.value());
        }
    }
    return missing.empty() ? std::string() : missing.back().string();
}

// TF1 renames are written into the graph's saver consts; that needs a binary saved_model.pb
// whose RestoreV2 lists the key.
bool canRewriteSaver(const EditSet& set, const std::string& key) {
    std::error_code ec;
    if (!fs::exists(savedModelDir(set) + "/saved_model.pb", ec)) return false;
    return restoredKeys(set.model()->savedModel()).count(key) > 0;
}

std::map<std::string, std::string> tf1Renames(const EditSet& set) {
    std::map<std::string, std::string> out;
    if (set.hasObjectGraph()) return out;
    for (const EditItem& i : set.items())
        if (i.renamed()) out[i.sourceKey] = i.name;
    return out;
}

}  // namespace

Result<ExportReport> exportEdits(const EditSet& set, const ExportOptions& options) {
    return options.format == ExportFormat::SavedModel ? exportSavedModel(set, options) : exportCheckpoint(set, options);
}

Result<ExportReport> exportCheckpoint(const EditSet& set, const ExportOptions& options) {
    if (options.out.empty()) return Status::invalidArgument("No output prefix given.");
    const std::string out = canonicalPath(options.out);
    const std::string parent = fs::path(out).parent_path().string();
    const std::string base = fs::path(out).filename().string();
    if (base.empty() || base == "." || base == "..")
        return Status::invalidArgument("The output prefix '" + options.out + "' needs a file name.");
    TFS_RETURN_IF_ERROR(checkNotSource(set, out, false));
    std::error_code ec;
    if (fs::is_directory(out, ec))
        return Status::invalidArgument("The output prefix '" + out + "' is a folder; give a prefix such as '" + out + "/model.ckpt'.");
    if (options.writeStateFile) {
        std::string sourceDir = fs::path(canonicalPath(set.reader()->prefix())).parent_path().string();
        if (sourceDir == parent && fs::exists(parent + "/checkpoint", ec))
            return Status::invalidArgument("Writing a 'checkpoint' state file into '" + parent +
                                           "' would replace the opened model's one.");
    }
    TFS_ASSIGN_OR_RETURN(const std::string created, createParents(parent));
    ExportReport report;
    report.out = out;
    Status s = inTempDir(parent, base, [&](const std::string& tmp) -> Status {
        TFS_ASSIGN_OR_RETURN(BundleExportResult r, writeEditSetBundle(set, tmp + "/" + base, options.progress));
        if (options.writeStateFile) TFS_RETURN_IF_ERROR(writeText(tmp + "/checkpoint", stateFileText(base)));
        if (options.progress && options.progress->isCancelled()) return Status::cancelled();
        // Data first, the index last: the checkpoint exists once its index does.
        TFS_RETURN_IF_ERROR(renamePath(r.dataPath, out + ".data-00000-of-00001"));
        TFS_RETURN_IF_ERROR(renamePath(r.indexPath, out + ".index"));
        report.files = {out + ".index", out + ".data-00000-of-00001"};
        if (options.writeStateFile) {
            TFS_RETURN_IF_ERROR(renamePath(tmp + "/checkpoint", parent + "/checkpoint"));
            report.files.push_back(parent + "/checkpoint");
        }
        syncDir(parent);
        report.tensors = r.tensors;
        report.dataBytes = r.dataBytes;
        report.rekeyed = r.rekeyed;
        return Status::OK();
    });
    if (!s.ok()) {
        if (!created.empty()) removeTree(created);
        return s;
    }
    return report;
}

Status checkSavedModelExport(const EditSet& set) {
    if (savedModelDir(set).empty())
        return Status::failedPrecondition("Exporting a SavedModel needs a SavedModel source; the opened model is a checkpoint.");
    for (const CheckpointEntry& e : set.reader()->entries()) {
        if (e.key == kObjectGraphKey) continue;
        const EditItem* item = nullptr;
        for (const EditItem& i : set.items())
            if (i.sourceKey == e.key) item = &i;
        const std::string what = "The SavedModel restores variable '" + e.key + "'; ";
        if (!item) return Status::failedPrecondition(what + "it cannot be deleted in a SavedModel export.");
        if (!item->selected) return Status::failedPrecondition(what + "it cannot be left out of a SavedModel export.");
        if (item->renamed() && !set.hasObjectGraph() && !canRewriteSaver(set, e.key))
            return Status::failedPrecondition(what + "its TF1 graph restores it by name, so it cannot be renamed to '" +
                                              item->name + "' in a SavedModel export.");
        if (item->dtype != e.dtype)
            return Status::failedPrecondition(what + "it is restored as '" + std::string(dtypeShortName(e.dtype)) +
                                              "', so it cannot be cast to '" + std::string(dtypeShortName(item->dtype)) +
                                              "' in a SavedModel export.");
    }
    return Status::OK();
}

Result<ExportReport> exportSavedModel(const EditSet& set, const ExportOptions& options) {
    if (options.out.empty()) return Status::invalidArgument("No output folder given.");
    TFS_RETURN_IF_ERROR(checkSavedModelExport(set));
    const std::string source = savedModelDir(set);
    const std::string out = canonicalPath(options.out);
    const std::string parent = fs::path(out).parent_path().string();
    const std::string base = fs::path(out).filename().string();
    TFS_RETURN_IF_ERROR(checkNotSource(set, out, true));
    std::error_code ec;
    if (fs::exists(out, ec) && !(fs::is_directory(out, ec) && fs::is_empty(out, ec)))
        return Status::invalidArgument("The output '" + out + "' already exists.");
    TFS_ASSIGN_OR_RETURN(const std::string created, createParents(parent));
    ExportReport report;
    report.out = out;
    const std::map<std::string, std::string> renames = tf1Renames(set);
    Status s = inTempDir(parent, base, [&](const std::string& tmp) -> Status {
        if (!renames.empty()) {
            tensorflow::SavedModel sm = set.model()->savedModel();
            TFS_RETURN_IF_ERROR(renameSaverKeys(sm, renames));
            std::string bytes;
            if (!sm.SerializeToString(&bytes)) return Status::internal("Could not serialize the SavedModel.");
            TFS_RETURN_IF_ERROR(writeText(tmp + "/saved_model.pb", bytes));
        }
        for (const fs::directory_entry& e : fs::directory_iterator(source, ec)) {
            const std::string name = e.path().filename().string();
            if (name == "variables" || name == "fingerprint.pb") continue;
            if (name == "saved_model.pb" && !renames.empty()) continue;
            if (e.is_directory(ec)) TFS_RETURN_IF_ERROR(copyTree(e.path().string(), tmp + "/" + name, options.progress));
            else TFS_RETURN_IF_ERROR(copyFile(e.path().string(), tmp + "/" + name, options.progress));
        }
        if (ec) return ioErrorFor("read", source, ec.value());
        fs::create_directory(tmp + "/variables", ec);
        if (ec) return ioErrorFor("create", tmp + "/variables", ec.value());
        TFS_ASSIGN_OR_RETURN(BundleExportResult r, writeEditSetBundle(set, tmp + "/variables/variables", options.progress));
        if (options.progress && options.progress->isCancelled()) return Status::cancelled();
        syncDir(tmp + "/variables");
        syncDir(tmp);
        TFS_RETURN_IF_ERROR(renamePath(tmp, out));
        syncDir(parent);
        report.tensors = r.tensors;
        report.dataBytes = r.dataBytes;
        report.rekeyed = r.rekeyed;
        report.files = {out + "/variables/variables.index", out + "/variables/variables.data-00000-of-00001"};
        return Status::OK();
    });
    if (!s.ok()) {
        if (!created.empty()) removeTree(created);
        return s;
    }
    return report;
}

}  // namespace tfscope
