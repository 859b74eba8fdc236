// tfscope scan PATH --fetches 'a:0,b;c:0' [--feeds 'x:0'] [--tag_set T] [--json]: per fetch set
// (sets separated by ';'), the ops a run of those fetches needs (fed tensors cut the graph, as in
// `run --fetches`) and which of them have no kernel in tfscope, with the nodes that use them. A
// name of an operation without outputs (a training step) counts as a target.
#include "app/cli_scan_fetches.h"

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/cli.h"
#include "meta_graph.pb.h"
#include "model/exec/exec_graph.h"
#include "model/exec/executor.h"
#include "model/exec/fetch_run.h"
#include "model/exec/function_library.h"
#include "model/exec/model_session.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"
#include "node_def.pb.h"

namespace tfscope::cli {
namespace {

std::vector<std::string> splitSets(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find(';', start);
        if (end == std::string::npos) end = s.size();
        if (end > start) out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

Result<std::vector<exec::Endpoint>> endpoints(const exec::ExecGraph& g, const std::vector<std::string>& names) {
    std::vector<exec::Endpoint> out;
    for (const auto& n : names) {
        TFS_ASSIGN_OR_RETURN(std::string c, exec::canonicalTensorName(n));
        TFS_ASSIGN_OR_RETURN(exec::Endpoint e, g.endpoint(c));
        out.push_back(e);
    }
    return out;
}

}  // namespace

int scanFetches(const ScanFetchArgs& a) {
    auto model = ModelLoader::load(a.path);
    if (!model.ok()) return fail(model.status().message());
    auto index = exec::selectMetaGraph(*model.value(), splitCommaList(a.tagSet.empty() ? std::string("serve") : a.tagSet));
    if (!index.ok()) return fail(index.status().message());
    const tensorflow::MetaGraphDef& mg = model.value()->metaGraph(index.value());
    exec::FunctionLibrary lib(mg.graph_def().library());
    auto graph = exec::ExecGraph::fromGraphDef(mg.graph_def(), &lib);
    if (!graph.ok()) return fail(graph.status().message());
    const exec::ExecGraph& g = *graph.value();
    auto feedEnds = endpoints(g, splitCommaList(a.feeds));
    if (!feedEnds.ok()) return fail("--feeds: " + feedEnds.status().message());
    std::vector<exec::Feed> feeds;
    for (exec::Endpoint e : feedEnds.value()) feeds.push_back({e, Tensor()});

    nlohmann::ordered_json doc;
    doc["path"] = model.value()->rootPath();
    doc["feeds"] = splitCommaList(a.feeds);
    doc["fetch_sets"] = nlohmann::ordered_json::array();
    const std::vector<std::string> sets = splitSets(a.fetches);
    if (sets.empty()) return fail("--fetches names no tensor.");
    for (const std::string& set : sets) {
        const std::vector<std::string> names = splitCommaList(set);
        // An operation without outputs (a training step, an init op) is run as a target.
        std::vector<std::string> tensors;
        std::vector<int> targets;
        for (const auto& n : names) {
            const int node = n.find(':') == std::string::npos ? g.find(n) : -1;
            if (node >= 0 && g.node(node).knownOutputs && g.node(node).numOutputs == 0) targets.push_back(node);
            else tensors.push_back(n);
        }
        auto ends = endpoints(g, tensors);
        if (!ends.ok()) return fail("--fetches: " + ends.status().message());
        auto order = exec::Executor::plan(g, feeds, ends.value(), targets);
        if (!order.ok()) return fail(order.status().message());
        std::set<std::string> ops;
        for (int n : order.value())
            if (g.node(n).def) ops.insert(g.node(n).def->op());
        std::map<std::string, std::vector<std::string>> missing;
        exec::collectMissingKernels(g, order.value(), &lib, &missing);
        if (a.json) {
            nlohmann::ordered_json j;
            j["fetches"] = names;
            j["nodes"] = order.value().size();
            j["ops"] = ops;
            j["unsupported_ops"] = nlohmann::ordered_json::array();
            for (const auto& [op, users] : missing) j["unsupported_ops"].push_back({{"op", op}, {"nodes", users}});
            doc["fetch_sets"].push_back(j);
            continue;
        }
        std::cout << "Fetches " << set << " need " << order.value().size() << " nodes, ops (" << ops.size() << "):";
        for (const auto& op : ops) std::cout << ' ' << op << (missing.count(op) ? "*" : "");
        std::cout << "\n";
        if (missing.empty()) {
            std::cout << "Every op they need has a kernel in tfscope.\n";
            continue;
        }
        std::cout << "Ops without a kernel in tfscope (*), needed by these fetches, " << missing.size() << ":\n";
        for (const auto& [op, users] : missing) {
            std::cout << "  " << op << ": ";
            for (size_t k = 0; k < users.size() && k < 3; ++k) std::cout << (k ? ", " : "") << users[k];
            if (users.size() > 3) std::cout << " and " << users.size() - 3 << " more";
            std::cout << "\n";
        }
    }
    if (a.json) std::cout << doc.dump(2) << "\n";
    return kExitOk;
}

}  // namespace tfscope::cli
