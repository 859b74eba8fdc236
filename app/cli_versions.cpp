// tfscope versions: the TF Serving view of a model base folder (numeric version subfolders; the
// highest is what the default policy serves; other entries are ignored, docs/formats.md#tf-serving-base-folders).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "model/loader/format_detect.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

namespace tfscope::cli {

namespace {

struct VersionsArgs {
    std::string path;
    bool json = false;
};

int runVersions(const VersionsArgs& a) {
    auto det = detectFormat(a.path);
    if (!det.ok()) return fail(det.status().message());
    if (det->format != ModelFormat::ServingBaseDir)
        return fail(a.path + ": Not a TF Serving base folder (no numeric version folder holding a SavedModel).");
    auto model = ModelLoader::load(a.path, *det);
    if (!model.ok()) return fail(model.status().message());
    const Model& m = **model;
    if (a.json) {
        nlohmann::ordered_json j;
        j["path"] = m.rootPath();
        auto versions = nlohmann::ordered_json::array();
        for (const auto& v : m.versions())
            versions.push_back({{"version", v.version}, {"path", v.path}, {"served", v.served}});
        j["versions"] = versions;
        j["ignored"] = m.ignoredEntries();
        std::cout << j.dump(2) << "\n";
        return kExitOk;
    }
    std::cout << "Model base path: " << m.rootPath() << "\n";
    std::cout << "Versions (" << m.versions().size() << "):\n";
    for (auto it = m.versions().rbegin(); it != m.versions().rend(); ++it)
        std::cout << "  " << it->version << "  " << it->path << (it->served ? "  (served)" : "") << "\n";
    if (!m.ignoredEntries().empty()) {
        std::cout << "Ignored (not a numeric version folder):\n";
        for (const auto& e : m.ignoredEntries()) std::cout << "  " << e << "\n";
    }
    return kExitOk;
}

}  // namespace

void registerVersions(CLI::App& app, std::vector<Command>& out) {
    auto args = std::make_shared<VersionsArgs>();
    auto* sub = app.add_subcommand("versions", "List the versions of a TF Serving model base folder.");
    sub->add_option("path", args->path, "Model base folder")->required();
    sub->add_flag("--json", args->json, "Print one JSON document (docs/cli-json.md)");
    out.push_back({sub, [args] { return runVersions(*args); }});
}

}  // namespace tfscope::cli
