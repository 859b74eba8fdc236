#include "model/checkpoint/checkpoint_path.h"

#include "model/checkpoint/v1_reader.h"
#include "model/util/file_kind.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace tfscope {

namespace fs = std::filesystem;

namespace {

std::string unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 == s.size()) {
            out += s[i];
            continue;
        }
        char c = s[++i];
        switch (c) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        default:
            if (c >= '0' && c <= '7') {
                int v = 0, k = 0;
                for (; k < 3 && i < s.size() && s[i] >= '0' && s[i] <= '7'; ++k, ++i) v = v * 8 + (s[i] - '0');
                --i;
                out += char(v);
            } else {
                out += c;  // \" \\ \'
            }
        }
    }
    return out;
}

}  // namespace

std::string parseCheckpointStateModelPath(std::string_view text) {
    constexpr std::string_view kField = "model_checkpoint_path";
    size_t pos = 0;
    while ((pos = text.find(kField, pos)) != std::string_view::npos) {
        bool lineStart = pos == 0 || text[pos - 1] == '\n' || text[pos - 1] == ' ';
        size_t p = pos + kField.size();
        pos = p;
        if (!lineStart) continue;
        while (p < text.size() && text[p] == ' ') ++p;
        if (p >= text.size() || text[p] != ':') continue;
        ++p;
        while (p < text.size() && text[p] == ' ') ++p;
        if (p >= text.size() || (text[p] != '"' && text[p] != '\'')) continue;
        char quote = text[p++];
        size_t end = p;
        while (end < text.size() && text[end] != quote) end += text[end] == '\\' ? 2 : 1;
        if (end > text.size()) continue;
        return unescape(text.substr(p, end - p));
    }
    return {};
}

std::string bundlePrefixOf(std::string_view path) {
    static const std::regex kData(R"((.*)\.data-\d{5}-of-\d{5})");
    std::string p(path);
    std::smatch m;
    if (std::regex_match(p, m, kData)) return m[1].str();
    if (p.ends_with(".index")) return p.substr(0, p.size() - 6);
    return {};
}

bool checkpointExistsAt(const std::string& p) {
    if (isFile(p + ".index") || isFile(p)) return true;
    auto shards = v1ShardFiles(p);
    return shards.ok() && !shards->empty();
}

namespace {

// The one checkpoint a folder without state file holds: a single `.index`, else a single V1 shard
// set or `.meta` sibling (a TF1 session bundle: export.meta + export-00000-of-00001). "" if none or
// ambiguous.
std::string soleCheckpointIn(const fs::path& dir) {
    std::set<std::string> prefixes;
    static const std::regex kV1Shard(R"((.*)-\d{5}-of-\d{5})");
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        std::smatch m;
        if (name.ends_with(".index")) prefixes.insert((dir / name.substr(0, name.size() - 6)).string());
        else if (std::regex_match(name, m, kV1Shard)) prefixes.insert((dir / m[1].str()).string());
        else if (name.ends_with(".meta") && checkpointExistsAt((dir / name.substr(0, name.size() - 5)).string()))
            prefixes.insert((dir / name.substr(0, name.size() - 5)).string());
    }
    return prefixes.size() == 1 ? *prefixes.begin() : std::string();
}

}  // namespace

Result<ResolvedCheckpoint> resolveCheckpointPath(const std::string& path) {
    if (isDir(path)) {
        fs::path dir(path);
        std::string saved = (dir / "variables" / "variables").string();
        if (isFile(saved + ".index")) return ResolvedCheckpoint{saved, CheckpointFormat::V2Bundle};
        fs::path state = dir / "checkpoint";
        if (isFile(state.string())) {
            std::ifstream in(state);
            std::stringstream ss;
            ss << in.rdbuf();
            std::string model = parseCheckpointStateModelPath(ss.str());
            if (model.empty())
                return Status::corruption(state.string() + ": No 'model_checkpoint_path' in the checkpoint state file.");
            fs::path m(model);
            if (m.is_relative()) m = dir / m;
            // An absolute path written on another machine or before a move: look next to the state file.
            else if (!checkpointExistsAt(m.string()) && checkpointExistsAt((dir / m.filename()).string())) m = dir / m.filename();
            return resolveCheckpointPath(m.string());
        }
        std::string sole = soleCheckpointIn(dir);
        if (!sole.empty()) return resolveCheckpointPath(sole);
        return Status::notFound(path + ": No checkpoint in folder (neither 'variables/variables.index', a "
                                       "'checkpoint' state file nor a single checkpoint).");
    }
    if (isFile(path + ".index")) return ResolvedCheckpoint{path, CheckpointFormat::V2Bundle};
    std::string prefix = bundlePrefixOf(path);
    if (!prefix.empty() && isFile(prefix + ".index")) return ResolvedCheckpoint{prefix, CheckpointFormat::V2Bundle};
    if (path.ends_with(".meta") && checkpointExistsAt(path.substr(0, path.size() - 5)))
        return resolveCheckpointPath(path.substr(0, path.size() - 5));  // the Saver's graph: its checkpoint
    if (isFile(path)) return ResolvedCheckpoint{path, CheckpointFormat::V1TensorSlices};
    auto shards = v1ShardFiles(path);
    if (!shards.ok()) return shards.status().withContext(path);
    if (!shards->empty()) return ResolvedCheckpoint{path, CheckpointFormat::V1TensorSlices};
    return Status::notFound(path + ": No checkpoint found (neither '" + path + ".index', '" + path +
                            "-NNNNN-of-MMMMM' nor a checkpoint file exists).");
}

}  // namespace tfscope
