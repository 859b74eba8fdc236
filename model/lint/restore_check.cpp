#include "model/lint/restore_check.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/edit/edit_set.h"
#include "model/edit/optimizer_state.h"
#include "model/export/restore_op_rewrite.h"
#include "model/loader/model_protos.h"
#include "model/loader/model_summary.h"

namespace tfscope {
namespace {


std::string stripAttributes(const std::string& key) {
    size_t at = key.find("/.ATTRIBUTES/");
    return at == std::string::npos ? key : key.substr(0, at);
}

std::string lastComponent(const std::string& s) {
    size_t slash = s.rfind('/');
    return slash == std::string::npos ? s : s.substr(slash + 1);
}

// "w 10 3 0,5:0,3" (a partitioned variable's save_slice_info full name) -> {"w", [10, 3]}.
std::pair<std::string, std::optional<Shape>> splitSliceName(const std::string& key) {
    std::istringstream in(key);
    std::string name, token;
    in >> name;
    Shape shape;
    bool sliced = false;
    while (in >> token) {
        if (token.find_first_of(",:-") != std::string::npos) {
            sliced = true;
            break;
        }
        shape.push_back(std::stoll(token));
    }
    if (!sliced) return {key, std::nullopt};
    return {name, shape};
}

// The keys the SaverDef's restore op reads: the tensor_names consts of the RestoreV2 nodes in its
// name scope ("save_1/restore_all" -> "save_1/RestoreV2*/tensor_names"); a graph can hold several
// savers. Without a SaverDef: every RestoreV2 of the graph.
std::set<std::string> saverKeys(const tensorflow::MetaGraphDef& mg) {
    std::set<std::string> out;
    const std::string& restoreOp = mg.saver_def().restore_op_name();
    const size_t slash = restoreOp.rfind('/');
    if (!mg.has_saver_def() || slash == std::string::npos) {
        tensorflow::SavedModel one;
        *one.add_meta_graphs() = mg;
        return restoredKeys(one);
    }
    const std::string scope = restoreOp.substr(0, slash + 1) + "RestoreV2";
    for (const auto& n : mg.graph_def().node()) {
        if (!n.name().starts_with(scope) || !n.name().ends_with("/tensor_names") || n.op() != "Const") continue;
        auto v = n.attr().find("value");
        if (v == n.attr().end()) continue;
        for (const std::string& key : v->second.tensor().string_val()) out.insert(key);
    }
    return out;
}

std::vector<ExpectedVariable> expectedVariables(const Model& model, RestoreCheck::Path& path) {
    const ModelSummary& s = model.summary();
    bool objectGraph = false;
    for (const MetaGraphSummary& mg : s.metaGraphs) objectGraph = objectGraph || mg.objectGraph.present;
    objectGraph = objectGraph || (model.checkpoint() && model.checkpoint()->find(kObjectGraphKey));
    path = objectGraph ? RestoreCheck::Path::ObjectGraph : RestoreCheck::Path::SaverDef;
    std::map<std::string, ExpectedVariable> byKey;
    for (const VariableSummary& v : s.variables) {
        if (v.checkpointKey.empty()) continue;
        auto [key, fullShape] = splitSliceName(v.checkpointKey);
        ExpectedVariable& e = byKey[key];
        e.key = key;
        e.name = v.name;
        e.dtype = DType(v.dtype >= 100 ? v.dtype - 100 : v.dtype);
        e.slot = v.isOptimizerSlot;
        if (fullShape) {
            e.shape = *fullShape;
            e.shapeKnown = true;
            e.name = key;
        } else if (v.shape && std::none_of(v.shape->begin(), v.shape->end(), [](int64_t d) { return d < 0; })) {
            e.shape = *v.shape;
            e.shapeKnown = true;
        }
    }
    std::vector<ExpectedVariable> out;
    if (path == RestoreCheck::Path::SaverDef && model.metaGraphCount() > 0) {
        // What the SaverDef's RestoreV2 ops list: a Saver subset restores only those.
        const std::set<std::string> listed = saverKeys(model.metaGraph(0));
        if (!listed.empty()) {
            for (const std::string& key : listed) {
                auto it = byKey.find(key);
                if (it != byKey.end()) {
                    out.push_back(it->second);
                } else {
                    ExpectedVariable e;
                    e.key = e.name = key;
                    out.push_back(e);
                }
            }
            return out;
        }
    }
    for (auto& [key, e] : byKey) out.push_back(e);
    return out;
}

}  // namespace

std::vector<EditOp> RestoreCheck::fixEdits() const {
    std::vector<EditOp> ops;
    for (const Rename& r : renames) ops.push_back(EditOp::rename(r.from, r.to));
    return ops;
}

bool RestoreCheck::fixComplete() const { return renames.size() == missing.size() && mismatches.empty(); }

Result<RestoreCheck> checkRestore(const Model& model, const CheckpointReader& ckpt, const Model* checkpointModel) {
    RestoreCheck r;
    r.expected = expectedVariables(model, r.path);
    if (r.expected.empty()) return Status::failedPrecondition("The model has no variables to restore.");
    // An object-based checkpoint's full names (what tf.compat.v1 Saver.restore falls back to).
    std::map<std::string, std::string> keyByFullName;
    // Only Python's Saver.restore falls back; a SavedModel's loader runs the restore op itself.
    if (checkpointModel && r.path == RestoreCheck::Path::SaverDef && model.openedFormat() != ModelFormat::SavedModelDir) {
        auto collect = [&](const ObjectGraphSummary& g) {
            for (const ObjectGraphNode& n : g.nodes)
                for (const ObjectGraphNode::Attribute& a : n.attributes)
                    if (!a.fullName.empty() && !a.checkpointKey.empty() && ckpt.find(a.checkpointKey))
                        keyByFullName.emplace(a.fullName, a.checkpointKey);
        };
        collect(checkpointModel->summary().checkpointObjectGraph);
        for (const MetaGraphSummary& mg : checkpointModel->summary().metaGraphs) collect(mg.objectGraph);
    }
    std::set<std::string> expectedKeys;
    for (const ExpectedVariable& e : r.expected) {
        expectedKeys.insert(e.key);
        r.slotsExpected += e.slot;
        const CheckpointEntry* entry = ckpt.find(e.key);
        if (!entry) {
            auto it = keyByFullName.find(e.key);
            if (it != keyByFullName.end()) {
                entry = ckpt.find(it->second);
                r.byFullName.emplace_back(e.key, it->second);
                expectedKeys.insert(it->second);
            }
        }
        if (!entry) {
            r.missing.push_back(e.key);
            continue;
        }
        const bool dtypeBad = e.dtype != DType::Invalid && entry->dtype != e.dtype;
        const bool shapeBad = e.shapeKnown && entry->shape != e.shape;
        if (dtypeBad || shapeBad) r.mismatches.push_back({e.key, e.dtype, entry->dtype, e.shape, entry->shape});
    }
    std::set<std::string> stateKeys;  // TF2: optimizer state from the object graph (optimizer_state.h)
    bool haveGraph = false;
    if (ckpt.find(kObjectGraphKey)) {
        auto g = ckpt.read(kObjectGraphKey);
        if (g.ok() && g->dtype() == DType::String && g->numElements() == 1) {
            auto st = findOptimizerState(g->strings()[0]);
            if (st.ok()) {
                stateKeys = st->stateKeys;
                haveGraph = true;
            }
        }
    }
    for (const CheckpointEntry& entry : ckpt.entries()) {
        if (entry.key == kObjectGraphKey) continue;
        if (haveGraph ? stateKeys.count(entry.key) > 0 : looksLikeOptimizerSlot(entry.key)) ++r.slotsInCheckpoint;
        if (!expectedKeys.count(entry.key)) r.unexpected.push_back(entry.key);
    }
    // Suggested renames: missing expected keys <- unexpected checkpoint keys of the same dtype and shape.
    std::set<std::string> used;
    auto candidates = [&](const ExpectedVariable& e) {
        std::vector<const CheckpointEntry*> out;
        for (const std::string& key : r.unexpected) {
            if (used.count(key)) continue;
            const CheckpointEntry* c = ckpt.find(key);
            if (e.dtype != DType::Invalid && c->dtype != e.dtype) continue;
            if (e.shapeKnown && c->shape != e.shape) continue;
            out.push_back(c);
        }
        return out;
    };
    std::map<std::string, std::string> fullNames;  // checkpoint key -> its display name (TF2 full name)
    if (checkpointModel)
        for (const VariableSummary& v : checkpointModel->summary().variables)
            if (!v.checkpointKey.empty()) fullNames[v.checkpointKey] = v.name;
    auto full = [&](const std::string& key) {
        auto it = fullNames.find(key);
        return it == fullNames.end() ? stripAttributes(key) : it->second;
    };
    for (int pass = 0; pass < 3; ++pass) {
        for (const std::string& key : r.missing) {
            bool done = false;
            for (const RestoreCheck::Rename& rn : r.renames) done = done || rn.to == key;
            if (done) continue;
            const ExpectedVariable& e = *std::find_if(r.expected.begin(), r.expected.end(), [&](const auto& x) { return x.key == key; });
            std::vector<const CheckpointEntry*> cs = candidates(e);
            std::vector<const CheckpointEntry*> hits;
            const char* reason = "";
            for (const CheckpointEntry* c : cs) {
                const std::string stripped = stripAttributes(c->key);
                if (pass == 0 && (stripped == e.name || stripped == stripAttributes(e.key) || full(c->key) == e.name)) hits.push_back(c);
                if (pass == 1 && lastComponent(stripped) == lastComponent(stripAttributes(e.name))) hits.push_back(c);
            }
            if (pass == 0) reason = "same name";
            if (pass == 1) reason = "same last name component";
            if (pass == 2) {
                hits = cs;
                reason = "only checkpoint tensor of this dtype and shape";
            }
            if (hits.size() == 1) {
                used.insert(hits[0]->key);
                r.renames.push_back({hits[0]->key, key, reason});
            }
        }
    }
    return r;
}

}  // namespace tfscope
