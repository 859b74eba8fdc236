// tfscope run --fetches: what TF's sess.run(fetches, feed_dict) does, for graphs with or without a
// signature (frozen GraphDefs, .meta + checkpoint, SavedModels):
//   tfscope run PATH --fetches 'Identity:0,dense/BiasAdd' [--inputs 'x:0=x.npy'] [--input_exprs 'x=[[1,2]]']
//               [--signature_def K] [--outdir D [--overwrite]] [--json]
// Without --signature_def the keys of the input flags are tensor names ("node" means "node:0"), fed
// as they are (any tensor, which cuts the graph there); with it, the signature's inputs feed the run
// and the fetched tensors come back beside the signature's outputs. Prints "Result for tensor NAME:"
// per fetch in the order given; --outdir writes NAME.npy with '/' -> "__" and ':' -> '_'.
#include "app/cli_run_fetches.h"

#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/cli.h"
#include "meta_graph.pb.h"
#include "model/exec/fetch_run.h"
#include "model/exec/model_session.h"
#include "model/exec/session.h"
#include "model/format/numpy_format.h"
#include "model/format/tensor_json.h"
#include "model/io/input_args.h"
#include "model/io/npy.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

namespace tfscope::cli {
namespace {

nlohmann::ordered_json jsonTensor(const Tensor& t) {
    nlohmann::ordered_json j;
    j["dtype"] = dtypeEnumName(t.dtype());
    j["shape"] = t.shape();
    j["value"] = tensorValueToJson(t);
    return j;
}

// The keys given in the three input flags (for the dtypes literals are cast to).
Result<std::vector<std::string>> inputKeys(const FetchRunArgs& a) {
    std::vector<std::string> keys;
    for (auto [text, option] : {std::pair{a.inputs, "--inputs"}, {a.exprs, "--input_exprs"}, {a.examples, "--input_examples"}}) {
        TFS_ASSIGN_OR_RETURN(auto items, io::splitAssignments(text, option));
        for (const auto& [k, v] : items) keys.push_back(k);
    }
    return keys;
}

struct Named {
    std::string label;  // "output key K" or "tensor NAME"
    std::string name;   // key or tensor name
    Tensor value;
};

Status writeOutputs(const FetchRunArgs& a, std::vector<Named>& outs, nlohmann::ordered_json* doc) {
    if (a.outdir.empty()) return Status::OK();
    std::map<std::string, std::string> files;  // file -> which output
    for (const auto& o : outs) {
        std::string file = (std::filesystem::path(a.outdir) / (exec::fileSafeTensorName(o.name) + ".npy")).string();
        auto [it, fresh] = files.emplace(file, o.name);
        if (!fresh && it->second != o.name)
            return Status::invalidArgument("Outputs '" + it->second + "' and '" + o.name + "' would both be written to '" + file + "'.");
        std::error_code ec;
        if (!a.overwrite && std::filesystem::exists(file, ec))
            return Status::invalidArgument("Output file '" + file + "' already exists. Add --overwrite to overwrite the existing output files.");
    }
    std::error_code ec;
    std::filesystem::create_directories(a.outdir, ec);
    for (size_t i = 0; i < outs.size(); ++i) {
        std::string file = (std::filesystem::path(a.outdir) / (exec::fileSafeTensorName(outs[i].name) + ".npy")).string();
        TFS_RETURN_IF_ERROR(io::writeNpy(file, outs[i].value));
        if (doc) (*doc)[i]["file"] = file;
        else std::cout << "Output " << outs[i].name << " is saved to " << file << "\n";
    }
    return Status::OK();
}

}  // namespace

Result<OpenedRun> openRunSession(const std::string& path, const std::string& tagSet, uint64_t memoryLimit, int threads) {
    OpenedRun out;
    TFS_ASSIGN_OR_RETURN(out.model, ModelLoader::load(path));
    exec::SessionOptions so;
    so.memoryLimitBytes = memoryLimit;
    so.numThreads = threads;
    TFS_ASSIGN_OR_RETURN(out.session, exec::openModelSession(out.model, splitCommaList(tagSet), so));
    return out;
}

int runWithFetches(const FetchRunArgs& a) {
    std::vector<std::string> fetches;
    for (const auto& f : splitCommaList(a.fetches)) {
        auto c = exec::canonicalTensorName(f);
        if (!c.ok()) return fail("--fetches: " + c.status().message());
        fetches.push_back(c.value());
    }
    if (fetches.empty()) return fail("--fetches names no tensor.");
    auto opened = openRunSession(a.path, a.tagSet, a.memoryLimit, a.threads);
    if (!opened.ok()) return fail(opened.status().message());
    exec::Session& session = *opened.value().session;
    const auto& graph = session.metaGraph().graph_def();
    for (const auto& f : fetches)
        if (auto spec = exec::graphTensorSpec(graph, f); !spec.ok()) return fail(spec.status().message());

    auto keys = inputKeys(a);
    if (!keys.ok()) return fail(keys.status().message());
    std::map<std::string, DType> want;
    if (!a.signature.empty()) {
        auto specs = session.signatureInputs(a.signature);
        if (!specs.ok()) return fail(specs.status().message());
        for (const auto& [k, spec] : specs.value()) want[k] = spec.dtype;
    } else {
        for (const auto& k : keys.value()) {
            auto spec = exec::graphTensorSpec(graph, k);
            if (!spec.ok()) return fail(spec.status().message());
            want[k] = spec.value().dtype;
        }
    }
    auto inputs = io::parseRunInputs(a.inputs, a.exprs, a.examples, want);
    if (!inputs.ok()) return fail(inputs.status().message());

    std::vector<Named> outs;
    if (!a.signature.empty()) {
        std::vector<Tensor> extra;
        auto result = session.runSignature(a.signature, inputs.value(), {}, fetches, &extra);
        if (!result.ok()) return fail(result.status().message());
        for (const auto& [k, t] : result.value()) outs.push_back({"output key " + k, k, t});
        for (size_t i = 0; i < fetches.size(); ++i) outs.push_back({"tensor " + fetches[i], fetches[i], extra[i]});
    } else {
        std::vector<std::pair<std::string, Tensor>> feeds;
        std::set<std::string> fed;
        for (const auto& [k, t] : inputs.value()) {
            auto c = exec::canonicalTensorName(k);
            if (!c.ok()) return fail(c.status().message());
            if (!fed.insert(c.value()).second) return fail("Tensor '" + c.value() + "' is fed twice.");
            feeds.push_back({c.value(), t});
        }
        auto result = exec::runFetches(session, feeds, fetches);
        if (!result.ok()) return fail(result.status().message());
        for (size_t i = 0; i < fetches.size(); ++i) outs.push_back({"tensor " + fetches[i], fetches[i], result.value()[i]});
    }

    if (a.json) {
        nlohmann::ordered_json doc;
        doc["path"] = opened.value().model->rootPath();
        doc["tag_set"] = splitCommaList(a.tagSet);
        if (!a.signature.empty()) doc["signature_def"] = a.signature;
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& o : outs) {
            nlohmann::ordered_json j;
            j[o.label.rfind("tensor ", 0) == 0 ? "tensor" : "output_key"] = o.name;
            j.update(jsonTensor(o.value));
            list.push_back(j);
        }
        Status st = writeOutputs(a, outs, &list);
        if (!st.ok()) return fail(st.message());
        doc["results"] = list;
        std::cout << doc.dump(2) << "\n";
        return kExitOk;
    }
    for (const auto& o : outs) std::cout << "Result for " << o.label << ":\n" << formatNumpy(o.value) << "\n";
    Status st = writeOutputs(a, outs, nullptr);
    if (!st.ok()) return fail(st.message());
    return kExitOk;
}

}  // namespace tfscope::cli
