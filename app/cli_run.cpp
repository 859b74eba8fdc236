// tfscope run: runs a SignatureDef natively, like `saved_model_cli run`:
//   tfscope run PATH --tag_set serve --signature_def K [--inputs 'x=in.npy;y=in.npz[arr]']
//               [--input_exprs 'x=[[1,2]]'] [--input_examples 'inputs=[{"x":[1.0]}]']
//               [--outdir D [--overwrite]] [--json] [--memory_limit BYTES] [--threads N]
//               [--script EDITS.json] [--set|--scale|--add|--from-npy 'name=…']
// A SparseTensor input takes --input_exprs 'k=sparse(indices=[[0,0]], values=[1.0], dense_shape=[1,3])',
// a dense literal (every element an entry), or its components as 'k.indices', 'k.values',
// 'k.dense_shape' in --inputs / --input_exprs.
// Prints "Result for output key K:" and the value numpy-style for each output (sorted by key);
// with --outdir also writes K.npy. --json prints one document (docs/cli-json.md).
// --script and the value-edit flags of `tfscope export` edit variables for this run only: the
// edited values are written into the session's variables (model/exec/session_variables.h).
// With --fetches 'name:0,other' the run is by tensor name, for graphs without signatures too
// (app/cli_run_fetches.cpp).
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli.h"
#include "app/cli_edit_flags.h"
#include "app/cli_run_fetches.h"
#include "model/edit/edit_set.h"
#include "model/exec/session.h"
#include "model/exec/session_variables.h"
#include "model/format/numpy_format.h"
#include "model/format/tensor_json.h"
#include "model/io/input_args.h"
#include "model/io/npy.h"
#include "model/loader/model.h"

namespace tfscope::cli {
namespace {

struct RunOptions {
    std::string path;
    std::string tagSet = "serve";
    std::string signature = "serving_default";
    std::string inputs, exprs, examples, outdir;
    std::string fetches;  // tensor names: see app/cli_run_fetches.cpp
    bool signatureGiven = false;
    bool overwrite = false;
    bool json = false;
    uint64_t memoryLimit = 0;
    int threads = 0;
    std::string script;
    ValueEditFlags edits;
};

// Applies --script, then the value-edit flags' `flagOps`, to the session's variables; returns the
// checkpoint keys of the variables edited.
Result<std::vector<std::string>> applyRunEdits(const RunOptions& o, const std::vector<EditOp>& flagOps,
                                               const std::shared_ptr<const Model>& model, exec::Session& session) {
    std::vector<std::string> keys;
    if (o.script.empty() && flagOps.empty()) return keys;
    TFS_ASSIGN_OR_RETURN(EditSet set, EditSet::fromModel(model));
    if (!o.script.empty()) {
        auto text = io::readFileBytes(o.script);
        if (!text.ok()) return text.status();
        auto ops = parseEditScript(*text, std::filesystem::path(o.script).parent_path().string());
        if (!ops.ok()) return ops.status().withContext(o.script);
        Status s = set.applyAll(*ops);
        if (!s.ok()) return s.withContext(o.script);
    }
    TFS_RETURN_IF_ERROR(set.applyAll(flagOps));
    exec::RunEdits edits = exec::runEdits(set);
    if (!edits.skipped.empty()) return Status::invalidArgument("Cannot run with the edit of " + edits.skipped.front() + ".");
    TFS_RETURN_IF_ERROR(exec::setSessionVariables(session, *model, edits.values));
    for (const auto& [key, value] : edits.values) keys.push_back(key);
    return keys;
}

// {"dtype", "shape", "value"} of one output (docs/cli-json.md).
nlohmann::ordered_json jsonTensor(const Tensor& t) {
    nlohmann::ordered_json j;
    j["dtype"] = dtypeEnumName(t.dtype());
    j["shape"] = t.shape();
    j["value"] = tensorValueToJson(t);
    return j;
}

int runRun(const RunOptions& o) {
    auto flagOps = valueEditOps(o.edits);
    if (!flagOps.ok()) {
        std::cerr << "tfscope: " << flagOps.status().message() << "\n";
        return kExitUsage;
    }
    if (!o.fetches.empty() && (!o.script.empty() || !o.edits.empty())) {
        std::cerr << "tfscope: --script and the value-edit flags work with --signature_def runs, not with --fetches.\n";
        return kExitUsage;
    }
    if (!o.fetches.empty())
        return runWithFetches({o.path, o.tagSet, o.signatureGiven ? o.signature : std::string(), o.fetches, o.inputs, o.exprs,
                               o.examples, o.outdir, o.overwrite, o.json, o.memoryLimit, o.threads});
    auto opened = openRunSession(o.path, o.tagSet, o.memoryLimit, o.threads);
    if (!opened.ok()) return fail(opened.status().message());
    const std::shared_ptr<const Model>& model = opened.value().model;
    exec::Session& session = *opened.value().session;
    auto edited = applyRunEdits(o, *flagOps, model, session);
    if (!edited.ok()) return fail(edited.status().message());
    auto specs = session.signatureInputs(o.signature);
    if (!specs.ok()) return fail(specs.status().message());
    std::map<std::string, DType> want;
    for (const auto& [k, spec] : specs.value()) want[k] = spec.dtype;
    auto inputs = io::parseRunInputs(o.inputs, o.exprs, o.examples, want);
    if (!inputs.ok()) return fail(inputs.status().message());
    auto outputs = session.runSignature(o.signature, inputs.value());
    if (!outputs.ok()) return fail(outputs.status().message());

    nlohmann::ordered_json doc;
    if (o.json) {
        doc["path"] = model->rootPath();
        doc["tag_set"] = splitCommaList(o.tagSet);
        doc["signature_def"] = o.signature;
        if (!edited->empty()) doc["edited_variables"] = *edited;
        doc["outputs"] = nlohmann::ordered_json::object();
    }
    if (!o.json && !edited->empty()) {
        std::cerr << "Running with " << edited->size() << (edited->size() == 1 ? " edited variable:" : " edited variables:");
        for (const std::string& k : *edited) std::cerr << " " << k;
        std::cerr << "\n";
    }
    for (const auto& [key, t] : outputs.value()) {
        if (o.json) doc["outputs"][key] = jsonTensor(t);
        else std::cout << "Result for output key " << key << ":\n" << formatNumpy(t) << "\n";
        if (o.outdir.empty()) continue;
        std::error_code ec;
        std::filesystem::create_directories(o.outdir, ec);
        std::string file = (std::filesystem::path(o.outdir) / (key + ".npy")).string();
        if (!o.overwrite && std::filesystem::exists(file, ec))
            return fail("Output file '" + file + "' already exists. Add --overwrite to overwrite the existing output files.");
        Status st = io::writeNpy(file, t);
        if (!st.ok()) return fail(st.message());
        if (o.json) doc["outputs"][key]["file"] = file;
        else std::cout << "Output " << key << " is saved to " << file << "\n";
    }
    if (o.json) std::cout << doc.dump(2) << "\n";
    return kExitOk;
}

}  // namespace

void registerRun(CLI::App& app, std::vector<Command>& out) {
    auto opts = std::make_shared<RunOptions>();
    auto* sub = app.add_subcommand("run", "Run a SignatureDef natively (like saved_model_cli run).");
    sub->add_option("path", opts->path, "SavedModel folder, TF Serving base folder, GraphDef or MetaGraph")->required();
    sub->add_option("--tag_set", opts->tagSet, "Comma-separated tags of the MetaGraphDef")->capture_default_str();
    auto* sig = sub->add_option("--signature_def", opts->signature, "Signature key")->capture_default_str();
    sub->add_option("--fetches", opts->fetches,
                    "'node:0,other:1': tensors to fetch; without --signature_def the input keys are tensor names");
    sub->add_option("--inputs", opts->inputs, "'x=file.npy;y=file.npz[name]'");
    sub->add_option("--input_exprs", opts->exprs, "'x=[[1,2],[3,4]]' (literals, never evaluated); sparse inputs: 'x=sparse(indices=[[0,0]], values=[1.0], dense_shape=[1,3])'");
    sub->add_option("--input_examples", opts->examples, "'inputs=[{\"x\":[1.0]}]' (serialized tf.Example)");
    sub->add_option("--outdir", opts->outdir, "Write each output as <key>.npy here");
    sub->add_flag("--overwrite", opts->overwrite, "Overwrite existing .npy files in --outdir");
    sub->add_flag("--json", opts->json, "Print one JSON document");
    sub->add_option("--memory_limit", opts->memoryLimit, "Fail cleanly above this many bytes of live tensors (0 = none)");
    sub->add_option("--threads", opts->threads, "Intra-op threads (0 = all cores)");
    sub->add_option("--script", opts->script, "JSON edit script (docs/edit-script.md) applied to the variables for this run");
    addValueEditFlags(*sub, opts->edits);
    out.push_back({sub, [opts, sig] {
                       opts->signatureGiven = sig->count() > 0;
                       return runRun(*opts);
                   }});
}

}  // namespace tfscope::cli
