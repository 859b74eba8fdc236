// tfscope export: select, rename and edit variables of any model tfscope opens, and write a new
// checkpoint or SavedModel (core: model/edit/edit_set.h, model/export/exporter.h).
// Edits apply in this order: --script, value edits (--set, --scale, --add, --from-npy, by source
// name), selection (--select/--exclude/--trainable-only/--no-optimizer-slots), then --rename.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/cli_edit_flags.h"
#include "model/edit/edit_set.h"
#include "model/export/exporter.h"
#include "model/io/npy.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

namespace tfscope::cli {

namespace {

struct ExportArgs {
    std::string path;
    std::vector<std::string> select;
    std::vector<std::string> exclude;
    bool trainableOnly = false;
    bool noOptimizerSlots = false;
    std::vector<std::string> rename;
    ValueEditFlags values;
    std::string script;
    std::string saveScript;
    std::string out;
    std::string format;
    bool stateFile = false;
    bool json = false;
};

struct UsageError {
    std::string message;
};

std::vector<EditOp> commandLineEdits(const ExportArgs& a, const EditSet& set) {
    auto values = valueEditOps(a.values);
    if (!values.ok()) throw UsageError{values.status().message()};
    std::vector<EditOp> ops = std::move(values).value();
    if (!a.select.empty()) {
        ops.push_back(EditOp::deselect({Selector::Kind::All, {}}));
        for (const std::string& r : a.select) ops.push_back(EditOp::select({Selector::Kind::Regex, r}));
    }
    for (const std::string& r : a.exclude) ops.push_back(EditOp::deselect({Selector::Kind::Regex, r}));
    if (a.trainableOnly) ops.push_back(EditOp::deselect({Selector::Kind::NonTrainable, {}}));
    if (a.noOptimizerSlots) ops.push_back(EditOp::deselect({Selector::Kind::OptimizerSlots, {}}));
    for (const std::string& r : a.rename) {
        size_t arrow = r.find("=>");
        if (arrow == std::string::npos) throw UsageError{"--rename expects 'OLD=>NEW', got '" + r + "'."};
        std::string from = r.substr(0, arrow), to = r.substr(arrow + 2);
        // An existing name renames that variable; "scope/" moves a scope; anything else is a regex.
        // A name that resolves to no variable is a scope or regex; an ambiguous one fails in rename.
        auto named = set.resolve(from);
        if (named.ok() || named.status().code() != Status::Code::NotFound) ops.push_back(EditOp::rename(from, to));
        else if (!from.empty() && from.back() == '/') ops.push_back(EditOp::renameScope(from, to));
        else ops.push_back(EditOp::renameRegex(from, to));
    }
    return ops;
}

int runExport(const ExportArgs& a) {
    if (a.out.empty()) {
        std::cerr << "tfscope: export needs --out PREFIX_OR_DIR.\n";
        return kExitUsage;
    }
    if (!a.format.empty() && a.format != "checkpoint" && a.format != "savedmodel") {
        std::cerr << "tfscope: --format must be 'checkpoint' or 'savedmodel', got '" << a.format << "'.\n";
        return kExitUsage;
    }
    auto model = ModelLoader::load(a.path);
    if (!model.ok()) return fail(model.status().message());
    auto created = EditSet::fromModel(*model);
    if (!created.ok()) return fail(created.status().withContext(a.path).message());
    EditSet set = std::move(created).value();
    if (!a.script.empty()) {
        auto text = io::readFileBytes(a.script);
        if (!text.ok()) return fail(text.status().message());
        std::string base = std::filesystem::path(a.script).parent_path().string();
        auto ops = parseEditScript(*text, base);
        if (!ops.ok()) return fail(ops.status().withContext(a.script).message());
        Status s = set.applyAll(*ops);
        if (!s.ok()) return fail(s.withContext(a.script).message());
    }
    std::vector<EditOp> ops;
    try {
        ops = commandLineEdits(a, set);
    } catch (const UsageError& e) {
        std::cerr << "tfscope: " << e.message << "\n";
        return kExitUsage;
    }
    for (EditOp& op : ops) {
        Status s = set.apply(op);
        if (!s.ok()) return fail(s.message());
    }
    if (set.selectedCount() == 0) return fail("No variable is selected for export.");
    if (!a.saveScript.empty()) {
        Status s = io::writeFileBytes(a.saveScript, set.editScript());
        if (!s.ok()) return fail(s.message());
    }
    ExportOptions o;
    bool sourceIsSavedModel = (*model)->openedFormat() == ModelFormat::SavedModelDir;
    o.format = a.format.empty() ? (sourceIsSavedModel ? ExportFormat::SavedModel : ExportFormat::Checkpoint)
                                : (a.format == "savedmodel" ? ExportFormat::SavedModel : ExportFormat::Checkpoint);
    o.out = a.out;
    o.writeStateFile = a.stateFile;
    auto report = exportEdits(set, o);
    if (!report.ok()) return fail(report.status().message());
    if (a.json) {
        nlohmann::ordered_json j;
        j["source"] = (*model)->openedPath();
        j["out"] = report->out;
        j["format"] = o.format == ExportFormat::SavedModel ? "savedmodel" : "checkpoint";
        j["tensors"] = report->tensors;
        j["data_bytes"] = report->dataBytes;
        j["files"] = report->files;
        j["variables"] = nlohmann::ordered_json::array();
        for (const EditItem* i : set.exportItems()) {
            nlohmann::ordered_json v;
            auto rekey = i->added() ? report->rekeyed.end() : report->rekeyed.find(i->sourceKey);
            v["name"] = rekey == report->rekeyed.end() ? i->name : rekey->second;
            v["source"] = i->sourceKey.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(i->sourceKey);
            v["dtype"] = dtypeEnumName(i->dtype);
            v["shape"] = i->shape;
            v["modified"] = i->modified();
            j["variables"].push_back(v);
        }
        std::cout << j.dump(2) << "\n";
    } else {
        std::cout << "Exported " << set.selectedCount() << " variable(s) to '" << report->out << "' ("
                  << report->dataBytes << " data bytes).\n";
        if (!report->rekeyed.empty())
            std::cout << report->rekeyed.size() << " value(s) re-keyed under their path without the optimizer, e.g. '"
                      << report->rekeyed.begin()->first << "' => '" << report->rekeyed.begin()->second << "'.\n";
    }
    return kExitOk;
}

}  // namespace

void registerExport(CLI::App& app, std::vector<Command>& out) {
    auto args = std::make_shared<ExportArgs>();
    auto* sub = app.add_subcommand("export", "Select, rename and edit variables; write a new checkpoint or SavedModel.");
    sub->add_option("src", args->path, "SavedModel folder, TF Serving base, checkpoint prefix or folder")->required();
    sub->add_option("--select", args->select, "Export only variables matching this regex (repeatable)")->allow_extra_args(false);
    sub->add_option("--exclude", args->exclude, "Leave out variables matching this regex (repeatable)")->allow_extra_args(false);
    sub->add_flag("--trainable-only", args->trainableOnly, "Leave out non-trainable variables");
    sub->add_flag("--no-optimizer-slots", args->noOptimizerSlots, "Leave out optimizer slots and optimizer/ state");
    sub->add_option("--rename", args->rename, "'OLD=>NEW': a name, a scope ending in '/', or a regex (repeatable)")->allow_extra_args(false);
    addValueEditFlags(*sub, args->values);
    sub->add_option("--script", args->script, "JSON edit script to replay first (docs/edit-script.md)");
    sub->add_option("--save-script", args->saveScript, "Write all applied edits as a JSON edit script");
    sub->add_option("--out", args->out, "Output checkpoint prefix or SavedModel folder");
    sub->add_option("--format", args->format, "checkpoint or savedmodel (default: the source's kind)");
    sub->add_flag("--state-file", args->stateFile, "Also write a 'checkpoint' state file next to the prefix");
    sub->add_flag("--json", args->json, "Print one JSON document (docs/edit-script.md)");
    out.push_back({sub, [args] { return runExport(*args); }});
}

}  // namespace tfscope::cli
