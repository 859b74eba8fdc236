// tfscope scan: like `saved_model_cli scan`, reports denylisted file/print ops (default ReadFile,
// WriteFile, PrintV2; --op_denylist overrides), and also lists every op of the graph and its
// function library, flagging the ones tfscope cannot run (no kernel), with where they are used.
//   tfscope scan PATH [--tag_set serve] [--op_denylist A,B] [--json]
#include <CLI/CLI.hpp>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "app/cli.h"
#include "model/exec/executor.h"
#include "model/exec/function_library.h"
#include "model/loader/model_loader.h"
#include "model/loader/model_protos.h"

namespace tfscope::cli {
namespace {

struct ScanOptions {
    std::string path;
    std::string tagSet;
    std::string denylist = "WriteFile,ReadFile,PrintV2";
    bool denylistGiven = false;
    bool json = false;
};

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

std::string pySet(const std::set<std::string>& xs) {
    std::string s = "{";
    for (const auto& x : xs) s += (s.size() > 1 ? ", '" : "'") + x + "'";
    return s + "}";
}

std::string pyList(const google::protobuf::RepeatedPtrField<std::string>& xs) {
    std::string s = "[";
    for (const auto& x : xs) s += (s.size() > 1 ? ", '" : "'") + x + "'";
    return s + "]";
}

struct MetaScan {
    std::set<std::string> ops;
    std::map<std::string, std::vector<std::string>> unsupported;  // op -> "function/node" users
};

MetaScan scanMeta(const tensorflow::MetaGraphDef& mg) {
    MetaScan out;
    exec::FunctionLibrary lib(mg.graph_def().library());
    auto check = [&](const tensorflow::NodeDef& n, const std::string& where) {
        out.ops.insert(n.op());
        if (!exec::kernelForNode(n, &lib)) out.unsupported[n.op()].push_back(where);
    };
    for (const auto& n : mg.graph_def().node()) check(n, n.name());
    for (const auto& f : mg.graph_def().library().function())
        for (const auto& n : f.node_def()) check(n, f.signature().name() + "/" + n.name());
    return out;
}

int runScan(const ScanOptions& o) {
    auto model = ModelLoader::load(o.path);
    if (!model.ok()) return fail(model.status().message());
    const Model& m = *model.value();
    std::vector<int> metas;
    if (!o.tagSet.empty()) {
        int i = m.findMetaGraph(split(o.tagSet));
        if (i < 0) return fail("No meta graph with tag set '" + o.tagSet + "'.");
        metas.push_back(i);
    } else {
        for (int i = 0; i < m.metaGraphCount(); ++i) metas.push_back(i);
    }
    std::vector<std::string> deny = split(o.denylist);
    std::set<std::string> denySet(deny.begin(), deny.end());
    nlohmann::ordered_json doc;
    doc["path"] = m.rootPath();
    doc["meta_graphs"] = nlohmann::ordered_json::array();
    for (int i : metas) {
        const auto& mg = m.metaGraph(i);
        MetaScan s = scanMeta(mg);
        std::set<std::string> found;
        for (const auto& d : denySet)
            if (s.ops.count(d)) found.insert(d);
        if (o.json) {
            nlohmann::ordered_json j;
            j["tags"] = std::vector<std::string>(mg.meta_info_def().tags().begin(), mg.meta_info_def().tags().end());
            j["denylisted_ops"] = found;
            j["ops"] = s.ops;
            j["unsupported_ops"] = nlohmann::ordered_json::array();
            for (const auto& [op, users] : s.unsupported) j["unsupported_ops"].push_back({{"op", op}, {"nodes", users}});
            doc["meta_graphs"].push_back(j);
            continue;
        }
        if (!found.empty())
            std::cout << "MetaGraph with tag set " << pyList(mg.meta_info_def().tags()) << " contains the following denylisted ops: " << pySet(found) << "\n";
        else
            std::cout << "MetaGraph with tag set " << pyList(mg.meta_info_def().tags()) << " does not contain the "
                      << (o.denylistGiven ? "" : "default ") << "denylisted ops: " << pySet(denySet) << "\n";
        std::cout << "Ops (" << s.ops.size() << "):";
        for (const auto& op : s.ops) std::cout << ' ' << op << (s.unsupported.count(op) ? "*" : "");
        std::cout << "\n";
        if (s.unsupported.empty()) {
            std::cout << "Every op has a kernel in tfscope.\n";
            continue;
        }
        std::cout << "Ops without a kernel in tfscope (*), " << s.unsupported.size() << ":\n";
        for (const auto& [op, users] : s.unsupported) {
            std::cout << "  " << op << ": ";
            for (size_t k = 0; k < users.size() && k < 3; ++k) std::cout << (k ? ", " : "") << users[k];
            if (users.size() > 3) std::cout << " and " << users.size() - 3 << " more";
            std::cout << "\n";
        }
    }
    if (o.json) std::cout << doc.dump(2) << "\n";
    return kExitOk;
}

}  // namespace

void registerScan(CLI::App& app, std::vector<Command>& out) {
    auto opts = std::make_shared<ScanOptions>();
    auto* sub = app.add_subcommand("scan", "List ops, flag denylisted and unsupported ones (like saved_model_cli scan).");
    sub->add_option("path", opts->path, "SavedModel folder, GraphDef or MetaGraph")->required();
    sub->add_option("--tag_set", opts->tagSet, "Comma-separated tags of one MetaGraphDef (default: all)");
    auto* d = sub->add_option("--op_denylist", opts->denylist, "Comma-separated ops to report");
    sub->add_flag("--json", opts->json, "Print one JSON document");
    out.push_back({sub, [opts, d] {
                       opts->denylistGiven = d->count() > 0;
                       return runScan(*opts);
                   }});
}

}  // namespace tfscope::cli
