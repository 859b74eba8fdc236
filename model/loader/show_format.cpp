#include "model/loader/show_format.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "model/dtype.h"
#include "model/loader/model.h"
#include "model/loader/model_protos.h"
#include "model/loader/summary_builder.h"
#include "saved_object_graph.pb.h"
#include "struct.pb.h"

namespace tfscope {

namespace {

// Python's repr() of a str (ASCII subset).
std::string pyRepr(const std::string& s) {
    const bool dq = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
    const char q = dq ? '"' : '\'';
    std::string out(1, q);
    for (unsigned char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == static_cast<unsigned char>(q)) { out += '\\'; out += q; }
        else if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c == '\r') out += "\\r";
        else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else out += static_cast<char>(c);
    }
    out += q;
    return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
    return out;
}

std::string pyList(const std::vector<std::string>& v) {
    std::vector<std::string> r;
    for (const auto& s : v) r.push_back(pyRepr(s));
    return "[" + join(r, ", ") + "]";
}

std::string pySet(const std::vector<std::string>& v) {
    if (v.empty()) return "set()";
    std::vector<std::string> r;
    for (const auto& s : v) r.push_back(pyRepr(s));
    return "{" + join(r, ", ") + "}";
}

std::vector<std::string> splitTags(const std::string& tagSet) {
    std::vector<std::string> out;
    std::stringstream ss(tagSet);
    std::string t;
    while (std::getline(ss, t, ',')) out.push_back(t);
    if (!tagSet.empty() && tagSet.back() == ',') out.push_back("");
    return out;
}

std::string shapeCli(const TensorInfoSummary& t) {
    if (!t.hasShape) return "()";
    return formatShapeCli(t.shape);
}

void printTensorInfo(std::ostream& os, const TensorInfoSummary& t, int indent) {
    const std::string in(static_cast<size_t>(indent) * 2, ' ');
    os << in << "    dtype: " << t.dtypeName << "\n";
    os << in << "    shape: " << shapeCli(t) << "\n";
    os << in << "    name: " << t.name << "\n";
}

void printSignature(std::ostream& os, const SignatureSummary& s, int indent) {
    const std::string in(static_cast<size_t>(indent) * 2, ' ');
    os << in << "The given SavedModel SignatureDef contains the following input(s):\n";
    for (const auto& t : s.inputs) {
        os << in << "  inputs['" << t.key << "'] tensor_info:\n";
        printTensorInfo(os, t, indent + 1);
    }
    os << in << "The given SavedModel SignatureDef contains the following output(s):\n";
    for (const auto& t : s.outputs) {
        os << in << "  outputs['" << t.key << "'] tensor_info:\n";
        printTensorInfo(os, t, indent + 1);
    }
    os << in << "Method name is: " << s.methodName << "\n";
}

void printOps(std::ostream& os, const MetaGraphSummary& mg) {
    os << "The MetaGraph with tag set " << pyList(mg.tags) << " contains the following ops: " << pySet(mg.ops) << "\n";
}

// str(TensorShape): "(1,)", "(None, 28)", "()", "<unknown>".
std::string pyShape(const tensorflow::TensorShapeProto& s) {
    if (s.unknown_rank()) return "<unknown>";
    std::vector<std::string> dims;
    for (const auto& d : s.dim()) dims.push_back(d.size() < 0 ? "None" : std::to_string(d.size()));
    if (dims.size() == 1) return "(" + dims[0] + ",)";
    return "(" + join(dims, ", ") + ")";
}

std::string pyDtype(int dtype) { return "tf." + std::string(dtypeShortName(baseType(dtype))); }

std::string pyDouble(double v) {
    std::ostringstream os;
    os.precision(17);
    os << v;
    std::string s = os.str();
    if (s.find_first_of(".eni") == std::string::npos) s += ".0";
    return s;
}

// One element of a concrete function's structured input signature (saved_model_cli _print_args).
void printArg(std::ostream& os, const tensorflow::StructuredValue& v, const std::string& type, int index,
              int indent) {
    const std::string in(static_cast<size_t>(indent) * 2, ' ');
    if (indent == 4) os << in << type << " #" << index << "\n";
    using K = tensorflow::StructuredValue;
    switch (v.kind_case()) {
    case K::kStringValue: os << in << "  " << v.string_value() << "\n"; return;
    case K::kTensorSpecValue: {
        const auto& t = v.tensor_spec_value();
        std::string name = t.name().empty() ? "None" : t.name();
        std::string nameRepr = t.name().empty() ? "None" : pyRepr(t.name());
        os << std::string(static_cast<size_t>(indent + 1) * 2, ' ') << name << ": TensorSpec(shape="
           << pyShape(t.shape()) << ", dtype=" << pyDtype(t.dtype()) << ", name=" << nameRepr << ")\n";
        return;
    }
    case K::kBoolValue: os << in << "  DType: bool\n" << in << "  Value: " << (v.bool_value() ? "True" : "False") << "\n"; return;
    case K::kInt64Value: os << in << "  DType: int\n" << in << "  Value: " << v.int64_value() << "\n"; return;
    case K::kFloat64Value: os << in << "  DType: float\n" << in << "  Value: " << pyDouble(v.float64_value()) << "\n"; return;
    case K::kNoneValue: os << in << "  DType: NoneType\n" << in << "  Value: None\n"; return;
    case K::kListValue:
    case K::kTupleValue: {
        const auto& vals = v.has_list_value() ? v.list_value().values() : v.tuple_value().values();
        os << in << "  DType: " << (v.has_list_value() ? "list" : "tuple") << "\n" << in << "  Value: [";
        for (const auto& e : vals) {
            if (e.has_string_value()) os << "'" << e.string_value() << "'";
            else if (e.has_int64_value()) os << e.int64_value();
            else if (e.has_bool_value()) os << (e.bool_value() ? "True" : "False");
            else os << "...";
            os << ", ";
        }
        os << "\b\b]\n";
        return;
    }
    default: os << in << "  DType: object\n" << in << "  Value: ...\n"; return;
    }
}

void printConcreteFunctions(std::ostream& os, const tensorflow::SavedObjectGraph& g) {
    if (g.nodes_size() == 0) return;
    os << "\nConcrete Functions:";
    std::vector<const tensorflow::TrackableObjectGraph::TrackableObject::ObjectReference*> children;
    for (const auto& c : g.nodes(0).children()) children.push_back(&c);
    std::stable_sort(children.begin(), children.end(),
                     [](const auto* a, const auto* b) { return a->local_name() < b->local_name(); });
    for (const auto* c : children) {
        if (c->node_id() < 0 || c->node_id() >= g.nodes_size()) continue;
        const auto& obj = g.nodes(c->node_id());
        std::vector<std::string> fns;
        if (obj.has_function()) fns.assign(obj.function().concrete_functions().begin(), obj.function().concrete_functions().end());
        else if (obj.has_bare_concrete_function()) fns.push_back(obj.bare_concrete_function().concrete_function_name());
        else continue;
        os << "\n  Function Name: '" << c->local_name() << "'\n";
        std::sort(fns.begin(), fns.end());
        int option = 0;
        for (const std::string& name : fns) {
            ++option;
            auto it = g.concrete_functions().find(name);
            const tensorflow::StructuredValue* args = nullptr;
            const tensorflow::StructuredValue* kwargs = nullptr;
            if (it != g.concrete_functions().end() && it->second.has_canonicalized_input_signature()) {
                const auto& sig = it->second.canonicalized_input_signature();
                if (sig.has_tuple_value() && sig.tuple_value().values_size() == 2) {
                    args = &sig.tuple_value().values(0);
                    kwargs = &sig.tuple_value().values(1);
                }
            }
            std::vector<tensorflow::StructuredValue> argList;
            if (args && (args->has_tuple_value() || args->has_list_value())) {
                const auto& vals = args->has_tuple_value() ? args->tuple_value().values() : args->list_value().values();
                argList.assign(vals.begin(), vals.end());
            } else if (!args && obj.has_bare_concrete_function()) {
                for (const auto& k : obj.bare_concrete_function().argument_keywords()) {
                    tensorflow::StructuredValue sv;
                    sv.set_string_value(k);
                    argList.push_back(sv);
                }
            }
            if (!argList.empty()) {
                os << "    Option #" << option << "\n      Callable with:\n";
                for (size_t i = 0; i < argList.size(); ++i) printArg(os, argList[i], "Argument", static_cast<int>(i + 1), 4);
            }
            if (kwargs && kwargs->has_dict_value() && kwargs->dict_value().fields_size() > 0) {
                std::vector<std::string> keys;
                for (const auto& [k, v] : kwargs->dict_value().fields()) keys.push_back(k);
                std::sort(keys.begin(), keys.end());
                for (size_t i = 0; i < keys.size(); ++i) {
                    tensorflow::StructuredValue sv;
                    sv.set_string_value(keys[i]);
                    printArg(os, sv, "Named Argument", static_cast<int>(i + 1), 4);
                }
            }
        }
    }
}

std::string humanShape(const OptionalShape& s) { return formatShapeCli(s); }

void printExtras(std::ostream& os, const Model& model) {
    const ModelSummary& s = model.summary();
    os << "\nVariables:";
    if (s.variables.empty()) os << " none";
    os << "\n";
    for (const auto& v : s.variables) {
        os << "  " << v.name << ": " << v.dtypeName << " " << humanShape(v.shape);
        if (!v.checkpointKey.empty() && v.checkpointKey != v.name) os << " key '" << v.checkpointKey << "'";
        if (!v.inCheckpoint && model.checkpoint()) os << " (not in checkpoint)";
        if (v.trainable) os << " trainable";
        if (v.isOptimizerSlot) os << " slot '" << v.slotName << "' of '" << v.slotOf << "'";
        os << "\n";
    }
    if (!s.variables.empty())
        os << "  Total: " << s.variables.size() << " variables, " << s.totalParams << " parameters, "
           << s.totalVariableBytes << " bytes\n";
    os << "\nAssets:";
    if (model.assets().empty() && model.assetsExtra().empty()) os << " none";
    os << "\n";
    for (const auto& a : model.assets()) os << "  assets/" << a << "\n";
    for (const auto& a : model.assetsExtra()) os << "  assets.extra/" << a << "\n";
}

Result<int> selectMetaGraph(const Model& model, const std::string& tagSet) {
    int i = model.findMetaGraph(splitTags(tagSet));
    if (i < 0)
        return Status::invalidArgument("MetaGraphDef associated with tag-set " + pyRepr(tagSet) +
                                       " could not be found in SavedModel.");
    return i;
}

Result<const SignatureSummary*> selectSignature(const MetaGraphSummary& mg, const std::string& key) {
    for (const auto& s : mg.signatures)
        if (s.key == key) return &s;
    std::vector<std::string> keys;
    for (const auto& s : mg.signatures) keys.push_back(s.key);
    return Status::invalidArgument("Could not find signature \"" + key + "\". Please choose from: " + join(keys, ", ") + ".");
}

nlohmann::ordered_json shapeJson(const TensorInfoSummary& t) {
    if (!t.shape) return nullptr;
    return *t.shape;
}

nlohmann::ordered_json tensorInfoJson(const TensorInfoSummary& t) {
    nlohmann::ordered_json j;
    switch (t.encoding) {
    case TensorInfoSummary::Encoding::CooSparse:
        j["coo_sparse"] = {{"values", t.valuesTensor}, {"indices", t.indicesTensor}, {"dense_shape", t.denseShapeTensor}};
        break;
    case TensorInfoSummary::Encoding::Composite: {
        auto comps = nlohmann::ordered_json::array();
        for (const auto& c : t.components) comps.push_back(tensorInfoJson(c));
        j["composite"] = comps;
        break;
    }
    default: j["name"] = t.name; break;
    }
    j["dtype"] = t.dtypeName;
    j["shape"] = shapeJson(t);
    return j;
}

nlohmann::ordered_json signatureJson(const SignatureSummary& s) {
    nlohmann::ordered_json j;
    j["method_name"] = s.methodName;
    j["inputs"] = nlohmann::ordered_json::object();
    for (const auto& t : s.inputs) j["inputs"][t.key] = tensorInfoJson(t);
    j["outputs"] = nlohmann::ordered_json::object();
    for (const auto& t : s.outputs) j["outputs"][t.key] = tensorInfoJson(t);
    return j;
}

}  // namespace

std::string formatShapeCli(const OptionalShape& shape) {
    if (!shape) return "unknown_rank";
    std::vector<std::string> dims;
    for (int64_t d : *shape) dims.push_back(std::to_string(d));
    return "(" + join(dims, ", ") + ")";
}

Result<std::string> formatShow(const Model& model, const ShowOptions& o) {
    std::ostringstream os;
    const ModelSummary& s = model.summary();
    if (o.all) {
        std::vector<int> order(s.metaGraphs.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
        std::stable_sort(order.begin(), order.end(),
                         [&](int a, int b) { return s.metaGraphs[a].tags < s.metaGraphs[b].tags; });
        for (int i : order) {
            const auto& mg = s.metaGraphs[i];
            os << "\nMetaGraphDef with tag-set: '" << join(mg.tags, ", ") << "' contains the following SignatureDefs:\n";
            for (const auto& sig : mg.signatures) {
                os << "\nsignature_def['" << sig.key << "']:\n";
                printSignature(os, sig, 1);
            }
            printOps(os, mg);
        }
        for (int i = 0; i < model.metaGraphCount(); ++i) {
            if (model.metaGraph(i).has_object_graph_def()) {
                printConcreteFunctions(os, model.metaGraph(i).object_graph_def());
                break;
            }
        }
        printExtras(os, model);
        return os.str();
    }
    if (!o.tagSet) {
        if (o.listOps) os << "--list_ops must be paired with a tag-set or with --all.\n";
        os << "The given SavedModel contains the following tag-sets:\n";
        std::vector<std::vector<std::string>> sorted;
        for (const auto& mg : s.metaGraphs) sorted.push_back(mg.tags);
        std::sort(sorted.begin(), sorted.end());
        for (auto& t : sorted) {
            std::sort(t.begin(), t.end());
            os << pyRepr(join(t, ", ")) << "\n";
        }
        return os.str();
    }
    TFS_ASSIGN_OR_RETURN(int index, selectMetaGraph(model, *o.tagSet));
    const auto& mg = s.metaGraphs[index];
    if (o.listOps) printOps(os, mg);
    if (!o.signatureDef) {
        os << "The given SavedModel MetaGraphDef contains SignatureDefs with the following keys:\n";
        for (const auto& sig : mg.signatures) os << "SignatureDef key: \"" << sig.key << "\"\n";
        return os.str();
    }
    TFS_ASSIGN_OR_RETURN(const SignatureSummary* sig, selectSignature(mg, *o.signatureDef));
    printSignature(os, *sig, 0);
    return os.str();
}

Result<std::string> formatShowJson(const Model& model, const ShowOptions& o) {
    const ModelSummary& s = model.summary();
    nlohmann::ordered_json j;
    j["path"] = model.rootPath();
    j["format"] = modelFormatJsonName(model.format());
    j["opened_path"] = model.openedPath();
    int only = -1;
    if (o.tagSet) {
        TFS_ASSIGN_OR_RETURN(only, selectMetaGraph(model, *o.tagSet));
    }
    auto mgs = nlohmann::ordered_json::array();
    for (int i = 0; i < static_cast<int>(s.metaGraphs.size()); ++i) {
        if (only >= 0 && i != only) continue;
        const auto& mg = s.metaGraphs[i];
        nlohmann::ordered_json m;
        m["tags"] = mg.tags;
        m["signatures"] = nlohmann::ordered_json::object();
        if (o.signatureDef) {
            TFS_ASSIGN_OR_RETURN(const SignatureSummary* sig, selectSignature(mg, *o.signatureDef));
            m["signatures"][sig->key] = signatureJson(*sig);
        } else {
            for (const auto& sig : mg.signatures) m["signatures"][sig.key] = signatureJson(sig);
        }
        m["ops"] = mg.ops;
        mgs.push_back(std::move(m));
    }
    j["meta_graphs"] = mgs;
    auto vars = nlohmann::ordered_json::array();
    for (const auto& v : s.variables) {
        nlohmann::ordered_json jv;
        jv["name"] = v.name;
        jv["dtype"] = v.dtypeName;
        jv["shape"] = v.shape ? nlohmann::ordered_json(*v.shape) : nlohmann::ordered_json(nullptr);
        if (!v.checkpointKey.empty()) jv["checkpoint_key"] = v.checkpointKey;  // absent: not saved
        jv["trainable"] = v.trainable;
        if (!v.objectPath.empty()) jv["object_path"] = v.objectPath;
        if (v.isOptimizerSlot) {
            jv["slot_of"] = v.slotOf;
            jv["slot_name"] = v.slotName;
        }
        vars.push_back(std::move(jv));
    }
    j["variables"] = vars;
    j["assets"] = model.assets();
    j["assets_extra"] = model.assetsExtra();
    j["warnings"] = model.warnings();
    return j.dump(2) + "\n";
}

}  // namespace tfscope
