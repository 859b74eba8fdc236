// tfscope show: what saved_model_cli show prints (tag sets, signatures, ops, concrete functions),
// for any model tfscope opens, plus variables and assets (--all). Layout: model/loader/show_format.h.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "app/cli.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "model/loader/show_format.h"

namespace tfscope::cli {

namespace {

struct ShowArgs {
    std::string path;
    bool all = false;
    std::string tagSet;
    std::string signatureDef;
    bool listOps = false;
    bool json = false;
};

int runShow(const ShowArgs& a) {
    if (!a.signatureDef.empty() && a.tagSet.empty()) {
        std::cerr << "tfscope: --signature_def needs --tag_set.\n";
        return kExitUsage;
    }
    auto model = ModelLoader::load(a.path);
    if (!model.ok()) return fail(model.status().message());
    ShowOptions o;
    o.all = a.all;
    if (!a.tagSet.empty()) o.tagSet = a.tagSet;
    if (!a.signatureDef.empty()) o.signatureDef = a.signatureDef;
    o.listOps = a.listOps;
    auto text = a.json ? formatShowJson(**model, o) : formatShow(**model, o);
    if (!text.ok()) return fail(text.status().withContext(a.path).message());
    std::cout << *text;
    std::cout.flush();
    if (!a.json)
        for (const std::string& w : (*model)->warnings()) std::cerr << "tfscope: warning: " << w << "\n";
    return kExitOk;
}

}  // namespace

void registerShow(CLI::App& app, std::vector<Command>& out) {
    auto args = std::make_shared<ShowArgs>();
    auto* sub = app.add_subcommand("show", "Show tag sets, signatures, ops, variables and assets (like saved_model_cli show).");
    sub->add_option("path", args->path, "SavedModel folder, TF Serving base, checkpoint, .meta or GraphDef")->required();
    sub->add_option("--dir", args->path, "Same as PATH (saved_model_cli spelling)");
    sub->add_flag("--all", args->all, "Show everything");
    sub->add_option("--tag_set", args->tagSet, "Comma-separated tags of one MetaGraphDef");
    sub->add_option("--signature_def", args->signatureDef, "Show the inputs and outputs of this SignatureDef");
    sub->add_flag("--list_ops", args->listOps, "List the ops of the MetaGraphDef");
    sub->add_flag("--json", args->json, "Print one JSON document (docs/cli-json.md)");
    out.push_back({sub, [args] { return runShow(*args); }});
}

}  // namespace tfscope::cli
