#include "model/exec/saved_model_session.h"

#include <filesystem>

#include "meta_graph.pb.h"
#include "saver.pb.h"

namespace tfscope::exec {

std::vector<std::pair<std::string, Tensor>> assetFeeds(const tensorflow::MetaGraphDef& metaGraph, const std::string& exportDir) {
    std::vector<std::pair<std::string, Tensor>> feeds;
    if (exportDir.empty()) return feeds;
    auto add = [&](const tensorflow::AssetFileDef& a) {
        if (a.tensor_info().name().empty()) return;
        std::string path = (std::filesystem::path(exportDir) / "assets" / a.filename()).string();
        feeds.push_back({a.tensor_info().name(), Tensor::stringScalar(path)});
    };
    if (metaGraph.asset_file_def_size() > 0) {
        for (const auto& a : metaGraph.asset_file_def()) add(a);
        return feeds;
    }
    auto it = metaGraph.collection_def().find("saved_model_assets");
    if (it != metaGraph.collection_def().end() && it->second.has_any_list()) {
        for (const auto& any : it->second.any_list().value()) {
            tensorflow::AssetFileDef a;
            if (a.ParseFromString(any.value())) add(a);
        }
    }
    return feeds;
}

Result<std::string> initOpName(const tensorflow::MetaGraphDef& metaGraph) {
    auto sig = metaGraph.signature_def().find("__saved_model_init_op");
    if (sig != metaGraph.signature_def().end()) {
        auto out = sig->second.outputs().find("__saved_model_init_op");
        if (out != sig->second.outputs().end() && !out->second.name().empty()) return out->second.name();
    }
    for (const char* key : {"saved_model_main_op", "legacy_init_op"}) {
        auto it = metaGraph.collection_def().find(key);
        if (it == metaGraph.collection_def().end() || !it->second.has_node_list()) continue;
        const auto& nodes = it->second.node_list().value();
        if (nodes.size() > 1) return Status::invalidArgument(std::string("Collection '") + key + "' lists " + std::to_string(nodes.size()) + " init ops; expected one.");
        if (nodes.size() == 1) return nodes[0];
    }
    return std::string();
}

std::vector<std::string> tableInitializers(const tensorflow::MetaGraphDef& metaGraph) {
    std::vector<std::string> out;
    auto it = metaGraph.collection_def().find("table_initializer");
    if (it == metaGraph.collection_def().end() || !it->second.has_node_list()) return out;
    for (const auto& n : it->second.node_list().value()) out.push_back(n);
    return out;
}

Status restoreCheckpoint(Session& session, const std::string& prefix, const std::vector<std::pair<std::string, Tensor>>& extraFeeds) {
    const auto& saver = session.metaGraph().saver_def();
    if (saver.restore_op_name().empty() || saver.filename_tensor_name().empty())
        return Status::failedPrecondition("The meta graph has no saver to restore variables with.");
    std::vector<std::pair<std::string, Tensor>> feeds = extraFeeds;
    feeds.push_back({saver.filename_tensor_name(), Tensor::stringScalar(prefix)});
    Status st = session.run(feeds, {}, {saver.restore_op_name()}, nullptr);
    if (!st.ok()) return Status(st.code(), "Restoring variables from '" + prefix + "' failed: " + st.message());
    return Status::OK();
}

Result<std::unique_ptr<Session>> loadSavedModel(std::shared_ptr<const tensorflow::MetaGraphDef> metaGraph, const std::string& exportDir,
                                                const SessionOptions& options) {
    TFS_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::create(std::move(metaGraph), options));
    const tensorflow::MetaGraphDef& mg = session->metaGraph();
    auto assets = assetFeeds(mg, exportDir);
    if (!exportDir.empty()) {
        std::filesystem::path prefix = std::filesystem::path(exportDir) / "variables" / "variables";
        std::error_code ec;
        if (std::filesystem::exists(prefix.string() + ".index", ec) && !mg.saver_def().restore_op_name().empty())
            TFS_RETURN_IF_ERROR(restoreCheckpoint(*session, prefix.string(), assets));
    }
    TFS_ASSIGN_OR_RETURN(std::string init, initOpName(mg));
    if (!init.empty()) {
        Status st = session->run(assets, {}, {init}, nullptr);
        if (!st.ok()) return Status(st.code(), "Running the init op '" + init + "' failed: " + st.message());
    } else if (auto tables = tableInitializers(mg); !tables.empty()) {
        // No init op: the graph's own table initializers, as its producer runs them after loading
        // (tf.Transform's transform_fn; a Scaffold's default local init op).
        Status st = session->run(assets, {}, tables, nullptr);
        if (!st.ok()) return Status(st.code(), "Running the table initializers failed: " + st.message());
    }
    return session;
}

}  // namespace tfscope::exec
