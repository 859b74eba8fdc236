// tfscope scan: like `saved_model_cli scan`, reports denylisted file/print ops (default ReadFile,
// WriteFile, PrintV2; --op_denylist overrides), and also lists every op of the graph and its
// function library, flagging the ones tfscope cannot run (no kernel), with where they are used. A
// missing kernel blocks only if loading (restore, init op) or some signature reaches it; ops that sit
// only in unreachable functions (Keras' GPU-only or backward functions) are listed as not needed.
//   tfscope scan PATH [--tag_set serve] [--op_denylist A,B] [--json]
//   tfscope scan PATH --fetches 'a:0,b;c:0' [--feeds 'x:0'] [--json]: per fetch set, what a run of
//   it needs (app/cli_scan_fetches.cpp)
#include <CLI/CLI.hpp>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "app/cli.h"
#include "app/cli_scan_fetches.h"
#include "model/exec/exec_graph.h"
#include "model/exec/executor.h"
#include "model/exec/function_library.h"
#include "model/exec/saved_model_session.h"
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
    std::string fetches, feeds;
};

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
    std::set<std::string> needed;  // ops of `unsupported` that loading or some signature runs into
};

// Missing kernels on the paths tfscope runs: the restore op, the init op, and each signature's
// outputs from its inputs (through the functions they call, with the CPU implementation chosen).
std::set<std::string> neededMissing(const tensorflow::MetaGraphDef& mg, const exec::FunctionLibrary& lib) {
    std::set<std::string> out;
    auto graph = exec::ExecGraph::fromGraphDef(mg.graph_def(), &lib);
    if (!graph.ok()) return out;
    const exec::ExecGraph& g = *graph.value();
    auto collect = [&](const std::vector<exec::Feed>& feeds, const std::vector<exec::Endpoint>& fetches, const std::vector<int>& targets) {
        auto order = exec::Executor::plan(g, feeds, fetches, targets);
        if (!order.ok()) return;
        std::map<std::string, std::vector<std::string>> missing;
        exec::collectMissingKernels(g, order.value(), &lib, &missing);
        for (const auto& entry : missing) out.insert(entry.first);
    };
    std::vector<int> loadTargets;
    std::string restore = mg.saver_def().restore_op_name();
    if (!restore.empty() && restore[0] == '^') restore.erase(0, 1);
    if (int r = g.find(restore.substr(0, restore.find(':'))); !restore.empty() && r >= 0) loadTargets.push_back(r);
    if (auto init = exec::initOpName(mg); init.ok() && !init.value().empty())
        if (int i = g.find(init.value()); i >= 0) loadTargets.push_back(i);
    if (!loadTargets.empty()) collect({}, {}, loadTargets);
    for (const auto& [key, sig] : mg.signature_def()) {
        std::vector<exec::Feed> feeds;
        std::vector<exec::Endpoint> fetches;
        for (const auto& [name, info] : sig.inputs())
            if (auto e = g.endpoint(info.name()); e.ok()) feeds.push_back({e.value(), Tensor()});
        for (const auto& [name, info] : sig.outputs())
            if (auto e = g.endpoint(info.name()); e.ok()) fetches.push_back(e.value());
        std::vector<int> targets;
        if (fetches.empty())  // e.g. __saved_model_init_op: its output names the op to run
            for (const auto& [name, info] : sig.outputs())
                if (int t = g.find(info.name().substr(0, info.name().find(':'))); t >= 0) targets.push_back(t);
        collect(feeds, fetches, targets);
    }
    return out;
}

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
    if (!out.unsupported.empty()) out.needed = neededMissing(mg, lib);
    return out;
}

int runScan(const ScanOptions& o) {
    auto model = ModelLoader::load(o.path);
    if (!model.ok()) return fail(model.status().message());
    const Model& m = *model.value();
    std::vector<int> metas;
    if (!o.tagSet.empty()) {
        int i = m.findMetaGraph(splitCommaList(o.tagSet));
        if (i < 0) return fail("No meta graph with tag set '" + o.tagSet + "'.");
        metas.push_back(i);
    } else {
        for (int i = 0; i < m.metaGraphCount(); ++i) metas.push_back(i);
    }
    std::vector<std::string> deny = splitCommaList(o.denylist);
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
            for (const auto& [op, users] : s.unsupported)
                j["unsupported_ops"].push_back({{"op", op}, {"nodes", users}, {"needed", s.needed.count(op) > 0}});
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
        auto list = [&](bool needed, const char* title) {
            size_t count = 0;
            for (const auto& entry : s.unsupported) count += s.needed.count(entry.first) == size_t(needed);
            if (count == 0) return;
            std::cout << title << count << ":\n";
            for (const auto& [op, users] : s.unsupported) {
                if (s.needed.count(op) != size_t(needed)) continue;
                std::cout << "  " << op << ": ";
                for (size_t k = 0; k < users.size() && k < 3; ++k) std::cout << (k ? ", " : "") << users[k];
                if (users.size() > 3) std::cout << " and " << users.size() - 3 << " more";
                std::cout << "\n";
            }
        };
        list(true, "Ops without a kernel in tfscope (*), needed to load or run a signature, ");
        list(false, "Ops without a kernel in tfscope (*), not needed by any signature, ");
        if (s.needed.empty()) std::cout << "Every signature can run in tfscope.\n";
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
    sub->add_option("--fetches", opts->fetches, "'a:0,b;c:0': report what each fetch set (';'-separated) needs to run");
    sub->add_option("--feeds", opts->feeds, "With --fetches: 'x:0,y:0' tensors that are fed (they cut the graph)");
    out.push_back({sub, [opts, d] {
                       if (!opts->fetches.empty()) return scanFetches({opts->path, opts->tagSet, opts->fetches, opts->feeds, opts->json});
                       opts->denylistGiven = d->count() > 0;
                       return runScan(*opts);
                   }});
}

}  // namespace tfscope::cli
