#include "model/loader/summary_builder.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>

#include "model/dtype.h"
#include "model/graph/attr_format.h"
#include "model/loader/model.h"
#include "saved_model.pb.h"
#include "variable.pb.h"

namespace fs = std::filesystem;

namespace tfscope {

namespace {

const std::set<std::string>& variableCollectionKeys() {
    static const std::set<std::string> k = {
        "variables", "trainable_variables", "local_variables", "model_variables",
        "moving_average_variables", "metric_variables", "concatenated_variables",
        "trainable_resource_variables", "global_step"};
    return k;
}

bool isPrintable(const std::string& s) {
    for (unsigned char c : s)
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
    return true;
}

VariableDefSummary summarizeVariableDef(const tensorflow::VariableDef& v) {
    VariableDefSummary s;
    s.variableName = v.variable_name();
    s.initializerName = v.initializer_name();
    s.snapshotName = v.snapshot_name();
    s.initialValueName = v.initial_value_name();
    s.isResource = v.is_resource();
    s.trainable = v.trainable();
    if (v.has_save_slice_info_def()) s.saveSliceFullName = v.save_slice_info_def().full_name();
    return s;
}

AssetFileSummary summarizeAsset(const tensorflow::AssetFileDef& a, const std::string& assetsDir) {
    AssetFileSummary s;
    s.filename = a.filename();
    s.tensorName = a.tensor_info().name();
    if (!assetsDir.empty() && !a.filename().empty()) {
        std::error_code ec;
        fs::path p = fs::path(assetsDir) / a.filename();
        s.exists = fs::is_regular_file(p, ec);
        if (s.exists) s.size = fs::file_size(p, ec);
    }
    return s;
}

CollectionSummary summarizeCollection(const std::string& key, const tensorflow::CollectionDef& c,
                                      const std::string& assetsDir) {
    CollectionSummary s;
    s.key = key;
    using C = tensorflow::CollectionDef;
    switch (c.kind_case()) {
    case C::kNodeList:
        s.kind = CollectionSummary::Kind::NodeList;
        s.values.assign(c.node_list().value().begin(), c.node_list().value().end());
        break;
    case C::kBytesList: {
        s.kind = CollectionSummary::Kind::BytesList;
        const bool vars = variableCollectionKeys().count(key) > 0;
        for (const std::string& b : c.bytes_list().value()) {
            tensorflow::VariableDef v;
            if (vars && v.ParseFromString(b) && !v.variable_name().empty()) {
                s.variableDefs.push_back(summarizeVariableDef(v));
                s.values.push_back(v.variable_name());
            } else if (isPrintable(b) && b.size() <= 256) {
                s.values.push_back(b);
            } else {
                s.values.push_back("<" + std::to_string(b.size()) + " bytes>");
            }
        }
        break;
    }
    case C::kInt64List:
        s.kind = CollectionSummary::Kind::Int64List;
        for (auto v : c.int64_list().value()) s.values.push_back(std::to_string(v));
        break;
    case C::kFloatList:
        s.kind = CollectionSummary::Kind::FloatList;
        for (auto v : c.float_list().value()) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
            s.values.push_back(buf);
        }
        break;
    case C::kAnyList:
        s.kind = CollectionSummary::Kind::AnyList;
        for (const auto& any : c.any_list().value()) {
            s.values.push_back(any.type_url());
            tensorflow::AssetFileDef a;
            if (any.type_url().ends_with("tensorflow.AssetFileDef") && any.UnpackTo(&a))
                s.assetFiles.push_back(summarizeAsset(a, assetsDir));
        }
        break;
    case C::KIND_NOT_SET: break;
    }
    s.count = static_cast<int>(s.values.size());
    return s;
}

std::string argType(const tensorflow::OpDef::ArgDef& a) {
    std::string t;
    if (a.type() != 0) t = dtypeEnumName(a.type());
    else if (!a.type_attr().empty()) t = a.type_attr();
    else if (!a.type_list_attr().empty()) t = a.type_list_attr();
    if (!a.number_attr().empty()) t = a.number_attr() + "*" + t;
    return t;
}

FunctionSummary summarizeFunction(const tensorflow::FunctionDef& f, const std::set<std::string>& withGradient) {
    FunctionSummary s;
    const auto& sig = f.signature();
    s.name = sig.name();
    for (const auto& a : sig.input_arg()) s.inputs.push_back({a.name(), argType(a)});
    for (const auto& a : sig.output_arg()) s.outputs.push_back({a.name(), argType(a)});
    s.nodeCount = f.node_def_size();
    s.isStateful = sig.is_stateful();
    s.hasGradient = withGradient.count(s.name) > 0;
    return s;
}

}  // namespace

TensorInfoSummary summarizeTensorInfo(const std::string& key, const tensorflow::TensorInfo& info) {
    TensorInfoSummary s;
    s.key = key;
    using T = tensorflow::TensorInfo;
    switch (info.encoding_case()) {
    case T::kName: s.encoding = TensorInfoSummary::Encoding::Name; s.name = info.name(); break;
    case T::kCooSparse:
        s.encoding = TensorInfoSummary::Encoding::CooSparse;
        s.valuesTensor = info.coo_sparse().values_tensor_name();
        s.indicesTensor = info.coo_sparse().indices_tensor_name();
        s.denseShapeTensor = info.coo_sparse().dense_shape_tensor_name();
        break;
    case T::kCompositeTensor: {
        s.encoding = TensorInfoSummary::Encoding::Composite;
        const auto& spec = info.composite_tensor().type_spec();
        s.typeSpec = spec.type_spec_class_name();
        for (const auto& c : info.composite_tensor().components()) s.components.push_back(summarizeTensorInfo("", c));
        break;
    }
    case T::ENCODING_NOT_SET: break;
    }
    s.dtype = info.dtype();
    s.dtypeName = dtypeEnumName(info.dtype());
    s.hasShape = info.has_tensor_shape();
    if (s.hasShape) s.shape = shapeProtoToOptional(info.tensor_shape());
    return s;
}

std::vector<std::string> opsUsedByGraph(const tensorflow::GraphDef& graph) {
    std::unordered_map<std::string, const tensorflow::FunctionDef*> functions;
    for (const auto& f : graph.library().function()) functions.emplace(f.signature().name(), &f);
    std::set<std::string> used;
    std::vector<const tensorflow::FunctionDef*> pending;
    auto mark = [&](const std::string& op) {
        if (!used.insert(op).second) return;
        auto it = functions.find(op);
        if (it != functions.end()) pending.push_back(it->second);
    };
    auto visit = [&](const tensorflow::NodeDef& n) {
        mark(n.op());
        if (n.op() == "PartitionedCall" || n.op() == "StatefulPartitionedCall") {
            auto it = n.attr().find("f");
            if (it != n.attr().end()) mark(it->second.func().name());
        }
    };
    for (const auto& n : graph.node()) visit(n);
    while (!pending.empty()) {
        const tensorflow::FunctionDef* f = pending.back();
        pending.pop_back();
        for (const auto& n : f->node_def()) visit(n);
    }
    std::vector<std::string> out;
    for (const std::string& op : used)
        if (!functions.count(op) && !op.empty()) out.push_back(op);
    return out;
}

MetaGraphSummary summarizeMetaGraph(const tensorflow::MetaGraphDef& mg, const std::string& assetsDir) {
    MetaGraphSummary s;
    const auto& info = mg.meta_info_def();
    s.tags.assign(info.tags().begin(), info.tags().end());
    s.tensorflowVersion = info.tensorflow_version();
    s.tensorflowGitVersion = info.tensorflow_git_version();
    s.strippedDefaultAttrs = info.stripped_default_attrs();
    s.producer = mg.graph_def().versions().producer();
    s.minConsumer = mg.graph_def().versions().min_consumer();
    s.nodeCount = mg.graph_def().node_size();
    for (const auto& [key, sig] : mg.signature_def()) {
        SignatureSummary ss;
        ss.key = key;
        ss.methodName = sig.method_name();
        for (const auto& [k, ti] : sig.inputs()) ss.inputs.push_back(summarizeTensorInfo(k, ti));
        for (const auto& [k, ti] : sig.outputs()) ss.outputs.push_back(summarizeTensorInfo(k, ti));
        for (const auto& [k, t] : sig.defaults()) ss.defaults.push_back({k, tensorProtoSummary(t)});
        auto byKey = [](const auto& a, const auto& b) { return a.key < b.key; };
        std::sort(ss.inputs.begin(), ss.inputs.end(), byKey);
        std::sort(ss.outputs.begin(), ss.outputs.end(), byKey);
        std::sort(ss.defaults.begin(), ss.defaults.end(), byKey);
        s.signatures.push_back(std::move(ss));
    }
    std::sort(s.signatures.begin(), s.signatures.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    for (const auto& [key, c] : mg.collection_def()) s.collections.push_back(summarizeCollection(key, c, assetsDir));
    std::sort(s.collections.begin(), s.collections.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    for (const auto& a : mg.asset_file_def()) s.assetFiles.push_back(summarizeAsset(a, assetsDir));
    if (s.assetFiles.empty()) {
        for (const auto& c : s.collections)
            if (c.key == "saved_model_assets") s.assetFiles = c.assetFiles;
    }
    if (mg.has_saver_def()) {
        const auto& sd = mg.saver_def();
        s.saver.present = true;
        s.saver.filenameTensorName = sd.filename_tensor_name();
        s.saver.saveTensorName = sd.save_tensor_name();
        s.saver.restoreOpName = sd.restore_op_name();
        s.saver.maxToKeep = sd.max_to_keep();
        s.saver.sharded = sd.sharded();
        s.saver.keepCheckpointEveryNHours = sd.keep_checkpoint_every_n_hours();
        s.saver.version = sd.version();
        s.saver.versionName = tensorflow::SaverDef::CheckpointFormatVersion_Name(sd.version());
    }
    std::set<std::string> withGradient;
    for (const auto& g : mg.graph_def().library().gradient()) withGradient.insert(g.function_name());
    for (const auto& f : mg.graph_def().library().function()) s.functions.push_back(summarizeFunction(f, withGradient));
    std::sort(s.functions.begin(), s.functions.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    s.ops = opsUsedByGraph(mg.graph_def());
    for (const auto& op : info.stripped_op_list().op()) s.strippedOps.push_back(op.name());
    std::sort(s.strippedOps.begin(), s.strippedOps.end());
    return s;
}

ModelSummary buildSummary(const Model& model) {
    ModelSummary s;
    std::string assetsDir;
    if (model.openedFormat() == ModelFormat::SavedModelDir) assetsDir = (fs::path(model.openedPath()) / "assets").string();
    auto trackable = model.trackableObjectGraph();
    for (int i = 0; i < model.metaGraphCount(); ++i) {
        const auto& mg = model.metaGraph(i);
        MetaGraphSummary ms = summarizeMetaGraph(mg, assetsDir);
        if (mg.has_object_graph_def()) ms.objectGraph = summarizeObjectGraph(&mg.object_graph_def(), trackable.get());
        s.metaGraphs.push_back(std::move(ms));
    }
    if (trackable) s.checkpointObjectGraph = summarizeObjectGraph(nullptr, trackable.get());
    s.variables = collectVariables(model, s, &s.checkpointKeysWithoutVariable);
    for (const auto& v : s.variables) {
        s.totalParams += v.paramCount;
        s.totalVariableBytes += v.bytes;
    }
    return s;
}

}  // namespace tfscope
