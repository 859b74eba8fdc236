// tfscope lint MODEL [--checkpoint CKPT] [--write-script FIX.json]: would CKPT (default: the
// model's own variables) restore into MODEL's graph, as TensorFlow restores it (SaverDef for TF1
// graphs, object graph for TF2)? Reports missing and unexpected keys, dtype/shape mismatches,
// optimizer slots, and suggests renames, written as an edit script for `tfscope export CKPT
// --script FIX.json --out NEW` (core: model/lint/restore_check.h).
// Exit codes: 0 it restores, 1 it does not (or bad input), 2 usage.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/io/npy.h"
#include "model/lint/restore_check.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

namespace tfscope::cli {

namespace {

struct LintArgs {
    std::string model;
    std::string checkpoint;
    std::string writeScript;
    bool json = false;
};

std::string shapeText(const Shape& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
    return out + "]";
}

int runLint(const LintArgs& a) {
    auto model = ModelLoader::load(a.model);
    if (!model.ok()) return fail(model.status().message());
    std::shared_ptr<const CheckpointReader> ckpt;
    std::shared_ptr<const Model> ckptModel = *model;
    std::string ckptPath;
    if (a.checkpoint.empty()) {
        ckpt = (*model)->checkpoint();
        if (!ckpt) return fail(a.model + ": the model has no variables of its own; give --checkpoint CKPT.");
        ckptPath = ckpt->prefix();
    } else {
        auto other = ModelLoader::load(a.checkpoint);
        if (!other.ok()) return fail(other.status().message());
        ckptModel = *other;
        ckpt = ckptModel->checkpoint();
        if (!ckpt) return fail(a.checkpoint + ": not a checkpoint (no variables).");
        ckptPath = ckpt->prefix();
    }
    auto r = checkRestore(**model, *ckpt, ckptModel.get());
    if (!r.ok()) return fail(r.status().withContext(a.model).message());
    const char* path = r->path == RestoreCheck::Path::SaverDef ? "saver_def" : "object_graph";
    if (!a.writeScript.empty()) {
        Status s = io::writeFileBytes(a.writeScript, editScriptToJson(r->fixEdits()));
        if (!s.ok()) return fail(s.message());
    }
    if (a.json) {
        nlohmann::ordered_json j;
        j["model"] = (*model)->openedPath();
        j["checkpoint"] = ckptPath;
        j["restore_path"] = path;
        j["restores"] = r->restores();
        j["expected"] = r->expected.size();
        j["missing"] = r->missing;
        j["unexpected"] = r->unexpected;
        j["restored_by_full_name"] = nlohmann::ordered_json::array();
        for (const auto& [key, from] : r->byFullName) j["restored_by_full_name"].push_back({{"key", key}, {"checkpoint_key", from}});
        j["mismatches"] = nlohmann::ordered_json::array();
        for (const auto& m : r->mismatches)
            j["mismatches"].push_back({{"key", m.key}, {"dtype_expected", dtypeEnumName(m.wantDtype)}, {"dtype_checkpoint", dtypeEnumName(m.gotDtype)},
                                       {"shape_expected", m.wantShape}, {"shape_checkpoint", m.gotShape}});
        j["optimizer_slots"] = {{"expected", r->slotsExpected}, {"in_checkpoint", r->slotsInCheckpoint}};
        j["renames"] = nlohmann::ordered_json::array();
        for (const auto& rn : r->renames) j["renames"].push_back({{"from", rn.from}, {"to", rn.to}, {"reason", rn.reason}});
        j["fix_complete"] = r->fixComplete();
        std::cout << j.dump(2) << "\n";
    } else {
        std::cout << "Model: " << (*model)->openedPath() << " (restores through its "
                  << (r->path == RestoreCheck::Path::SaverDef ? "SaverDef" : "object graph") << ", " << r->expected.size()
                  << " variables)\nCheckpoint: " << ckptPath << "\n";
        for (const std::string& k : r->missing)
            std::cout << "missing     " << k
                      << (r->path == RestoreCheck::Path::SaverDef ? " (NotFoundError: Key " + k + " not found in checkpoint)"
                                                                  : " (would keep its initial value)")
                      << "\n";
        for (const auto& [key, from] : r->byFullName)
            std::cout << "full name   " << key << " <= " << from << " (Saver.restore falls back to the object graph's full names)\n";
        for (const auto& m : r->mismatches)
            std::cout << "mismatch    " << m.key << ": the model has " << dtypeEnumName(m.wantDtype) << " " << shapeText(m.wantShape)
                      << ", the checkpoint " << dtypeEnumName(m.gotDtype) << " " << shapeText(m.gotShape) << "\n";
        for (const std::string& k : r->unexpected)
            std::cout << "unexpected  " << k
                      << (r->path == RestoreCheck::Path::SaverDef ? " (ignored)" : " (unused: TensorFlow warns unless expect_partial())")
                      << "\n";
        std::cout << "Optimizer slots: " << r->slotsExpected << " in the model, " << r->slotsInCheckpoint << " in the checkpoint\n";
        for (const auto& rn : r->renames) std::cout << "suggest     " << rn.from << " => " << rn.to << " (" << rn.reason << ")\n";
        if (!r->renames.empty() && !a.writeScript.empty())
            std::cout << "Wrote the renames to '" << a.writeScript << "': tfscope export " << ckptPath << " --script " << a.writeScript
                      << " --out NEW\n";
        std::cout << (r->restores() ? "The checkpoint restores.\n" : "The checkpoint does not restore.\n");
    }
    return r->restores() ? kExitOk : kExitBadInput;
}

}  // namespace

void registerLint(CLI::App& app, std::vector<Command>& out) {
    auto args = std::make_shared<LintArgs>();
    auto* sub = app.add_subcommand("lint", "Check that a checkpoint restores into a model's graph; suggest renames that fix it.");
    sub->add_option("model", args->model, "SavedModel, .meta or checkpoint whose graph restores")->required();
    sub->add_option("--checkpoint", args->checkpoint, "Checkpoint to restore (default: the model's own variables)");
    sub->add_option("--write-script", args->writeScript, "Write the suggested renames as an edit script (docs/edit-script.md)");
    sub->add_flag("--json", args->json, "Print one JSON document (docs/cli-json.md)");
    out.push_back({sub, [args] { return runLint(*args); }});
}

}  // namespace tfscope::cli
