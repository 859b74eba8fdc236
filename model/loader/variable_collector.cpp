// Variables of a model: TF2 from the checkpoint's object graph (linked to the SavedObjectGraph and
// the graph's VarHandleOps), TF1 from the variable collections and variable nodes matched to
// checkpoint keys by name, and plain checkpoint entries when there is no graph.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/dtype.h"
#include "model/graph/attr_format.h"
#include "model/graph/graph_index.h"
#include "model/loader/model.h"
#include "model/loader/summary_builder.h"
#include "saved_model.pb.h"

namespace tfscope {

namespace {

bool isVariableOp(std::string_view op) {
    return op == "VariableV2" || op == "Variable" || op == "VarHandleOp" || op == "AutoReloadVariable";
}

std::string stripOutput(const std::string& tensor) {
    auto [name, idx] = GraphIndex::parseTensorName(tensor);
    (void)idx;
    return std::string(name);
}

int64_t elements(const OptionalShape& s) {
    if (!s) return 0;
    int64_t n = 1;
    for (int64_t d : *s) {
        if (d < 0) return 0;
        n *= d;
    }
    return n;
}

void fillFromCheckpoint(VariableSummary& v, const CheckpointReader* ckpt) {
    if (!ckpt || v.checkpointKey.empty()) return;
    const CheckpointEntry* e = ckpt->find(v.checkpointKey);
    if (!e) return;
    v.inCheckpoint = true;
    v.dtype = static_cast<int>(e->dtype);
    v.dtypeName = dtypeEnumName(e->dtype);
    v.shape = std::vector<int64_t>(e->shape.begin(), e->shape.end());
    v.bytes = e->size;
}

void finishSizes(VariableSummary& v) {
    v.paramCount = elements(v.shape);
    if (v.bytes == 0) v.bytes = static_cast<uint64_t>(v.paramCount) * dtypeSize(baseType(v.dtype));
    if (v.dtypeName.empty()) v.dtypeName = dtypeEnumName(v.dtype);
}

// TF1 optimizer slots are named after their variable: "w/Adam" (tf.train optimizers) or
// "training/Adagrad/w/accumulator" (Keras optimizers in TF1 graphs). Returns {owner, slot name}.
std::optional<std::pair<std::string, std::string>> slotOwner(const std::string& name, const std::set<std::string>& owners) {
    for (size_t pos = name.rfind('/'); pos != std::string::npos && pos > 0; pos = name.rfind('/', pos - 1)) {
        if (owners.count(name.substr(0, pos))) return std::make_pair(name.substr(0, pos), name.substr(pos + 1));
    }
    const size_t last = name.rfind('/');
    if (last == std::string::npos) return std::nullopt;
    const std::string rest = name.substr(0, last);
    for (size_t pos = rest.find('/'); pos != std::string::npos; pos = rest.find('/', pos + 1)) {
        std::string candidate = rest.substr(pos + 1);
        if (owners.count(candidate)) return std::make_pair(candidate, name.substr(last + 1));
    }
    return std::nullopt;
}

int primaryMetaGraph(const Model& model) {
    int serve = model.findMetaGraph({"serve"});
    if (serve >= 0) return serve;
    return model.metaGraphCount() > 0 ? 0 : -1;
}

// VarHandleOp/VariableV2 nodes by node name and by shared_name.
std::unordered_map<std::string, const tensorflow::NodeDef*> variableNodes(const GraphIndex* index) {
    std::unordered_map<std::string, const tensorflow::NodeDef*> out;
    if (!index) return out;
    for (NodeId id = 0; id < index->nodeCount(); ++id) {
        if (!isVariableOp(index->op(id)) || !index->nodeDef(id)) continue;
        const tensorflow::NodeDef* def = index->nodeDef(id);
        out.emplace(def->name(), def);
    }
    return out;
}

void fillFromNode(VariableSummary& v, const tensorflow::NodeDef& def) {
    v.graphNode = def.name();
    if (v.dtype == 0) {
        auto it = def.attr().find("dtype");
        if (it != def.attr().end()) {
            v.dtype = it->second.type();
            v.dtypeName = dtypeEnumName(v.dtype);
        }
    }
    if (!v.shape) {
        auto it = def.attr().find("shape");
        if (it != def.attr().end()) v.shape = shapeProtoToOptional(it->second.shape());
    }
}

std::vector<VariableSummary> collectTf2(const Model& model, const tensorflow::TrackableObjectGraph& tg,
                                        const ObjectGraphSummary* savedSummary, const GraphIndex* index) {
    std::vector<VariableSummary> out;
    const std::vector<std::string> paths = trackablePaths(tg);
    std::unordered_map<int, const ObjectGraphNode*> savedByTrackable;
    if (savedSummary)
        for (const auto& n : savedSummary->nodes)
            if (n.trackableId >= 0) savedByTrackable[n.trackableId] = &n;
    struct SlotOf { int var; std::string name; };
    std::unordered_map<int, SlotOf> slots;
    for (const auto& node : tg.nodes())
        for (const auto& s : node.slot_variables()) slots[s.slot_variable_node_id()] = {s.original_variable_node_id(), s.slot_name()};
    auto nodes = variableNodes(index);
    std::unordered_map<int, std::string> nameOfTrackable;
    for (int t = 0; t < tg.nodes_size(); ++t) {
        for (const auto& a : tg.nodes(t).attributes()) {
            if (a.name() != "VARIABLE_VALUE") continue;
            VariableSummary v;
            v.objectPath = paths[t];
            v.checkpointKey = a.checkpoint_key();
            v.name = !a.full_name().empty() ? a.full_name() : paths[t];
            fillFromCheckpoint(v, model.checkpoint().get());
            auto saved = savedByTrackable.find(t);
            if (saved != savedByTrackable.end()) {
                const ObjectGraphNode& sn = *saved->second;
                v.objectNodeId = sn.id;
                v.trainable = sn.trainable;
                if (v.dtype == 0) { v.dtype = sn.dtype; v.dtypeName = sn.dtypeName; }
                if (!v.shape) v.shape = sn.shape;
                auto it = nodes.find(sn.variableName);
                if (!sn.variableName.empty() && it != nodes.end()) fillFromNode(v, *it->second);
            }
            auto slot = slots.find(t);
            if (slot != slots.end()) {
                v.isOptimizerSlot = true;
                v.slotName = slot->second.name;
                v.trainable = false;
            }
            nameOfTrackable[t] = v.name;
            finishSizes(v);
            out.push_back(std::move(v));
        }
    }
    // Slot owners by name, now that every variable is named.
    for (auto& v : out) {
        if (!v.isOptimizerSlot) continue;
        for (const auto& [slotId, s] : slots) {
            if (paths[slotId] != v.objectPath) continue;
            auto it = nameOfTrackable.find(s.var);
            if (it != nameOfTrackable.end()) v.slotOf = it->second;
        }
    }
    return out;
}

std::vector<VariableSummary> collectTf1(const Model& model, const MetaGraphSummary& mg, const GraphIndex* index) {
    std::vector<VariableSummary> out;
    std::set<std::string> trainable;
    std::map<std::string, VariableDefSummary> defs;  // by node name
    for (const auto& c : mg.collections) {
        for (const auto& d : c.variableDefs) {
            std::string name = stripOutput(d.variableName);
            defs.emplace(name, d);
            if (c.key == "trainable_variables" || d.trainable) trainable.insert(name);
        }
    }
    auto nodes = variableNodes(index);
    std::set<std::string> names;
    for (const auto& [n, d] : defs) names.insert(n);
    for (const auto& [n, d] : nodes) names.insert(n);
    for (const std::string& name : names) {
        VariableSummary v;
        v.name = name;
        auto d = defs.find(name);
        v.checkpointKey = (d != defs.end() && !d->second.saveSliceFullName.empty()) ? d->second.saveSliceFullName : name;
        v.trainable = trainable.count(name) > 0;
        fillFromCheckpoint(v, model.checkpoint().get());
        if (!v.inCheckpoint && model.checkpoint()) v.checkpointKey.clear();  // not saved (e.g. a collections=[] variable)
        auto nd = nodes.find(name);
        if (nd != nodes.end()) fillFromNode(v, *nd->second);
        finishSizes(v);
        out.push_back(std::move(v));
    }
    // TF1 optimizer slots: non-trainable variables named after a trainable one ("w/Adam", "w/Adagrad").
    for (auto& v : out) {
        if (v.trainable) continue;
        if (auto owner = slotOwner(v.name, trainable)) {
            v.isOptimizerSlot = true;
            v.slotOf = owner->first;
            v.slotName = owner->second;
        }
    }
    return out;
}

std::vector<VariableSummary> collectCheckpointOnly(const CheckpointReader& ckpt) {
    std::vector<VariableSummary> out;
    std::set<std::string> keys;
    for (const auto& e : ckpt.entries()) keys.insert(e.key);
    for (const auto& e : ckpt.entries()) {
        if (e.key == kObjectGraphKey) continue;
        VariableSummary v;
        v.name = e.key;
        v.checkpointKey = e.key;
        fillFromCheckpoint(v, &ckpt);
        if (auto owner = slotOwner(e.key, keys)) {  // only strictly shorter names can match
            v.isOptimizerSlot = true;
            v.slotOf = owner->first;
            v.slotName = owner->second;
        }
        finishSizes(v);
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace

std::vector<VariableSummary> collectVariables(const Model& model, const ModelSummary& summary,
                                              std::vector<std::string>* unmatchedKeys) {
    std::vector<VariableSummary> out;
    const int mgIndex = primaryMetaGraph(model);
    const GraphIndex* index = mgIndex >= 0 ? model.graphIndex(mgIndex).get() : nullptr;
    auto trackable = model.trackableObjectGraph();
    if (trackable) {
        const ObjectGraphSummary* saved = nullptr;
        if (mgIndex >= 0 && summary.metaGraphs[mgIndex].objectGraph.fromSavedModel)
            saved = &summary.metaGraphs[mgIndex].objectGraph;
        out = collectTf2(model, *trackable, saved, index);
    } else if (mgIndex >= 0) {
        out = collectTf1(model, summary.metaGraphs[mgIndex], index);
    } else if (model.checkpoint()) {
        out = collectCheckpointOnly(*model.checkpoint());
    }
    // Order: by owner name, the variable first, then its slots.
    std::stable_sort(out.begin(), out.end(), [](const VariableSummary& a, const VariableSummary& b) {
        const std::string& ka = a.isOptimizerSlot && !a.slotOf.empty() ? a.slotOf : a.name;
        const std::string& kb = b.isOptimizerSlot && !b.slotOf.empty() ? b.slotOf : b.name;
        if (ka != kb) return ka < kb;
        if (a.isOptimizerSlot != b.isOptimizerSlot) return !a.isOptimizerSlot;
        return a.name < b.name;
    });
    if (unmatchedKeys && model.checkpoint()) {
        std::set<std::string> used;
        for (const auto& v : out)
            if (v.inCheckpoint) used.insert(v.checkpointKey);
        for (const auto& e : model.checkpoint()->entries())
            if (e.key != kObjectGraphKey && !used.count(e.key)) unmatchedKeys->push_back(e.key);
    }
    return out;
}

}  // namespace tfscope
