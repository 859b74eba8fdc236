#include "model/loader/format_detect.h"

#include "model/checkpoint/checkpoint_path.h"
#include "model/util/file_kind.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace tfscope {

const char* modelFormatJsonName(ModelFormat f) {
    switch (f) {
    case ModelFormat::SavedModelDir: return "saved_model";
    case ModelFormat::ServingBaseDir: return "serving_base";
    case ModelFormat::CheckpointDir:
    case ModelFormat::CheckpointPrefix: return "checkpoint";
    case ModelFormat::MetaGraph: return "meta_graph";
    case ModelFormat::GraphDefBinary:
    case ModelFormat::GraphDefText: return "graph_def";
    case ModelFormat::Unknown: break;
    }
    return "unknown";
}

const char* modelFormatDisplayName(ModelFormat f) {
    switch (f) {
    case ModelFormat::SavedModelDir: return "SavedModel";
    case ModelFormat::ServingBaseDir: return "TF Serving base folder";
    case ModelFormat::CheckpointDir: return "checkpoint folder";
    case ModelFormat::CheckpointPrefix: return "checkpoint";
    case ModelFormat::MetaGraph: return "MetaGraphDef";
    case ModelFormat::GraphDefBinary: return "GraphDef";
    case ModelFormat::GraphDefText: return "GraphDef (text)";
    case ModelFormat::Unknown: break;
    }
    return "unknown";
}

namespace {

constexpr uint64_t kTableMagic = 0xdb4775248b80fb57ull;

bool hasSavedModelFile(const fs::path& dir) {
    return isFile(dir / "saved_model.pb") || isFile(dir / "saved_model.pbtxt");
}

// A TF1 session bundle (TF Serving's format before SavedModel): export.meta beside its checkpoint.
bool isSessionBundle(const fs::path& dir) {
    return isFile(dir / "export.meta") && (isFile(dir / "checkpoint") || checkpointExistsAt((dir / "export").string()));
}

std::string readHead(const fs::path& p, size_t n) {
    std::ifstream in(p, std::ios::binary);
    std::string s(n, '\0');
    in.read(s.data(), static_cast<std::streamsize>(n));
    s.resize(static_cast<size_t>(in.gcount()));
    return s;
}

bool hasTableMagic(const fs::path& p) {
    std::error_code ec;
    auto size = fs::file_size(p, ec);
    if (ec || size < 48) return false;
    std::ifstream in(p, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(size - 8));
    unsigned char b[8];
    if (!in.read(reinterpret_cast<char*>(b), 8)) return false;
    uint64_t magic = 0;
    for (int i = 7; i >= 0; --i) magic = (magic << 8) | b[i];
    return magic == kTableMagic;
}

// First identifier of a protobuf text file, skipping comments and blanks ("" if not text-like).
std::string firstTextField(const std::string& head) {
    size_t i = 0;
    while (i < head.size()) {
        unsigned char c = static_cast<unsigned char>(head[i]);
        if (c == '#') {
            while (i < head.size() && head[i] != '\n') ++i;
        } else if (std::isspace(c)) {
            ++i;
        } else {
            break;
        }
    }
    size_t j = i;
    while (j < head.size() && (std::isalnum(static_cast<unsigned char>(head[j])) || head[j] == '_')) ++j;
    if (j == i) return {};
    for (unsigned char c : head)
        if (c == 0) return {};
    return head.substr(i, j - i);
}

bool isNumericName(const std::string& s) {
    if (s.empty() || s.size() > 18) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

Result<DetectedFormat> detectDirectory(const fs::path& dir) {
    if (hasSavedModelFile(dir)) return DetectedFormat{ModelFormat::SavedModelDir, dir.string()};
    if (isFile(dir / "saved_model.cpb"))
        return Status::unimplemented("Chunked SavedModels ('saved_model.cpb') are not supported.");
    if (isFile(dir / "checkpoint")) return DetectedFormat{ModelFormat::CheckpointDir, dir.string()};

    std::error_code ec;
    bool empty = true;
    bool anyVersion = false;
    std::vector<fs::path> indexFiles;
    std::vector<fs::path> metaFiles;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        empty = false;
        const fs::path& p = it->path();
        std::string name = p.filename().string();
        if (isNumericName(name) && isDir(p) && (hasSavedModelFile(p) || isSessionBundle(p))) anyVersion = true;
        if (p.extension() == ".index" && isFile(p)) indexFiles.push_back(p);
        if (p.extension() == ".meta" && isFile(p)) metaFiles.push_back(p);
    }
    if (ec) return Status::ioError("Cannot list folder: " + ec.message() + ".");
    if (anyVersion) return DetectedFormat{ModelFormat::ServingBaseDir, dir.string()};
    if (indexFiles.size() == 1) {
        fs::path prefix = indexFiles[0];
        prefix.replace_extension();
        return DetectedFormat{ModelFormat::CheckpointPrefix, prefix.string()};
    }
    if (indexFiles.empty() && metaFiles.size() == 1)  // the loader attaches its checkpoint, V1 shards too
        return DetectedFormat{ModelFormat::MetaGraph, metaFiles[0].string()};
    if (empty) return Status::invalidArgument("The folder is empty.");
    if (indexFiles.size() > 1)
        return Status::invalidArgument("The folder holds " + std::to_string(indexFiles.size()) +
                                       " checkpoints but no 'checkpoint' state file; open one of them.");
    return Status::invalidArgument(
        "Not a SavedModel, TF Serving base, checkpoint or GraphDef folder (no 'saved_model.pb', "
        "numeric version folder, 'checkpoint' file or '.index' file).");
}

Result<DetectedFormat> detectFile(const fs::path& file) {
    const std::string name = file.filename().string();
    const std::string ext = file.extension().string();
    static const std::regex kDataShard(R"(^(.*)\.data-\d{5}-of-\d{5}$)");
    std::smatch m;
    if (name == "saved_model.pb" || name == "saved_model.pbtxt")
        return DetectedFormat{ModelFormat::SavedModelDir, file.parent_path().string()};
    if (ext == ".index") {
        fs::path prefix = file;
        prefix.replace_extension();
        return DetectedFormat{ModelFormat::CheckpointPrefix, prefix.string()};
    }
    if (std::regex_match(name, m, kDataShard))
        return DetectedFormat{ModelFormat::CheckpointPrefix, (file.parent_path() / m[1].str()).string()};
    if (name == "checkpoint") {
        std::string field = firstTextField(readHead(file, 256));
        if (field == "model_checkpoint_path" || field == "all_model_checkpoint_paths")
            return DetectedFormat{ModelFormat::CheckpointDir, file.parent_path().string()};
    }
    if (hasTableMagic(file)) return DetectedFormat{ModelFormat::CheckpointPrefix, file.string()};

    std::string head = readHead(file, 4096);
    if (head.empty()) return Status::invalidArgument("The file is empty.");
    std::string field = firstTextField(head);
    if (!field.empty()) {
        if (field == "saved_model_schema_version" || field == "meta_graphs")
            return DetectedFormat{ModelFormat::SavedModelDir, file.string()};
        if (field == "meta_info_def" || field == "graph_def" || field == "saver_def" ||
            field == "collection_def" || field == "signature_def")
            return DetectedFormat{ModelFormat::MetaGraph, file.string()};
        if (field == "node" || field == "library" || field == "versions")
            return DetectedFormat{ModelFormat::GraphDefText, file.string()};
        return Status::invalidArgument("Text file whose first field is '" + field +
                                       "' is not a SavedModel, MetaGraphDef or GraphDef.");
    }
    const unsigned char first = static_cast<unsigned char>(head[0]);
    if (ext == ".meta") return DetectedFormat{ModelFormat::MetaGraph, file.string()};
    if (first == 0x08) return DetectedFormat{ModelFormat::SavedModelDir, file.string()};  // schema version
    // GraphDef starts with node (0x0a), library (0x12), version (0x18) or versions (0x22).
    if (first == 0x0a || first == 0x12 || first == 0x18 || first == 0x22)
        return DetectedFormat{ModelFormat::GraphDefBinary, file.string()};
    return Status::invalidArgument("Not a SavedModel, checkpoint, MetaGraphDef or GraphDef file.");
}

}  // namespace

Result<DetectedFormat> detectFormat(const std::string& path) {
    if (path.empty()) return Status::invalidArgument("Empty path.");
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ELOOP) return Status::invalidArgument("Symbolic link loop at '" + path + "'.");
        if (err == ENOENT || err == ENOTDIR) {
            // A checkpoint prefix is not a file itself.
            if (isFile(path + ".index")) return DetectedFormat{ModelFormat::CheckpointPrefix, path};
            struct stat lst;
            if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode))
                return Status::notFound("Dangling symbolic link '" + path + "'.");
            return Status::notFound("No such file or folder '" + path + "'.");
        }
        return Status::ioError("Cannot access '" + path + "': " + std::strerror(err) + ".");
    }
    fs::path p(path);
    Result<DetectedFormat> r = S_ISDIR(st.st_mode) ? detectDirectory(p)
                               : S_ISREG(st.st_mode)
                                   ? detectFile(p)
                                   : Result<DetectedFormat>(Status::invalidArgument("Not a regular file or folder."));
    if (!r.ok()) return r.status().withContext(path);
    return r;
}

}  // namespace tfscope
