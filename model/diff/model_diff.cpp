#include "model/diff/model_diff.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include "model/checkpoint/checkpoint_reader.h"
#include "model/loader/model.h"
#include "model/loader/model_summary.h"
#include "model/progress.h"
#include "model/util/crc32c.h"

namespace tfscope {
namespace {

constexpr std::string_view kAttributes = "/.ATTRIBUTES/";

struct Var {
    std::string key, name, objectPath;
    const CheckpointEntry* entry = nullptr;
    bool paired = false;
};

std::string stripAttributes(const std::string& key) {
    size_t at = key.find(kAttributes);
    return at == std::string::npos ? key : key.substr(0, at);
}

std::vector<Var> variablesOf(const Model& m) {
    std::vector<Var> out;
    if (!m.checkpoint()) return out;
    std::unordered_map<std::string, const VariableSummary*> byKey;
    for (const VariableSummary& v : m.summary().variables)
        if (!v.checkpointKey.empty()) byKey.emplace(v.checkpointKey, &v);
    for (const CheckpointEntry& e : m.checkpoint()->entries()) {
        if (e.key == kObjectGraphKey) continue;
        Var v;
        v.key = e.key;
        v.entry = &e;
        auto it = byKey.find(e.key);
        if (it != byKey.end()) {
            v.name = it->second->name;
            v.objectPath = it->second->objectPath;
        }
        if (v.objectPath.empty() && e.key.find(kAttributes) != std::string::npos) v.objectPath = stripAttributes(e.key);
        if (v.name.empty()) v.name = v.objectPath.empty() ? e.key : v.objectPath;
        out.push_back(std::move(v));
    }
    return out;
}

std::string lastComponent(const std::string& name) {
    size_t slash = name.rfind('/');
    return slash == std::string::npos ? name : name.substr(slash + 1);
}

// Pairs unpaired vars of A and B whose `field` is non-empty and unique on both sides.
template <typename Field>
void pairUnique(std::vector<Var>& a, std::vector<Var>& b, Field field, VariableDiff::PairedBy how,
                std::vector<std::tuple<Var*, Var*, VariableDiff::PairedBy, double>>& pairs) {
    auto index = [&](std::vector<Var>& vs) {
        std::map<std::string, std::vector<Var*>> m;
        for (Var& v : vs)
            if (!v.paired && !field(v).empty()) m[field(v)].push_back(&v);
        return m;
    };
    auto ia = index(a), ib = index(b);
    for (auto& [k, va] : ia) {
        auto it = ib.find(k);
        if (va.size() != 1 || it == ib.end() || it->second.size() != 1) continue;
        va[0]->paired = it->second[0]->paired = true;
        pairs.emplace_back(va[0], it->second[0], how, 1.0);
    }
}

// Pairs by dtype and shape: a group with one tensor on each side pairs with confidence 1; in a
// larger group, equal last name components pair first (0.9), the rest in key order (1/k).
void pairByShape(std::vector<Var>& a, std::vector<Var>& b, std::vector<std::tuple<Var*, Var*, VariableDiff::PairedBy, double>>& pairs) {
    auto group = [](std::vector<Var>& vs) {
        std::map<std::pair<int, Shape>, std::vector<Var*>> g;
        for (Var& v : vs)
            if (!v.paired) g[{int(v.entry->dtype), v.entry->shape}].push_back(&v);
        return g;
    };
    auto ga = group(a), gb = group(b);
    for (auto& [sig, va] : ga) {
        auto it = gb.find(sig);
        if (it == gb.end()) continue;
        std::vector<Var*>& vb = it->second;
        if (va.size() == 1 && vb.size() == 1) {
            va[0]->paired = vb[0]->paired = true;
            pairs.emplace_back(va[0], vb[0], VariableDiff::PairedBy::Shape, 1.0);
            continue;
        }
        for (Var* x : va)
            for (Var* y : vb)
                if (!x->paired && !y->paired && lastComponent(stripAttributes(x->key)) == lastComponent(stripAttributes(y->key))) {
                    x->paired = y->paired = true;
                    pairs.emplace_back(x, y, VariableDiff::PairedBy::Shape, 0.9);
                }
        std::vector<Var*> restA, restB;
        for (Var* x : va)
            if (!x->paired) restA.push_back(x);
        for (Var* y : vb)
            if (!y->paired) restB.push_back(y);
        const size_t k = std::max(restA.size(), restB.size());
        for (size_t i = 0; i < std::min(restA.size(), restB.size()); ++i) {
            restA[i]->paired = restB[i]->paired = true;
            pairs.emplace_back(restA[i], restB[i], VariableDiff::PairedBy::Shape, 1.0 / double(k));
        }
    }
}

bool crcComparable(const CheckpointReader& r, const CheckpointEntry& e) {
    return r.format() == CheckpointFormat::V2Bundle && e.slices.empty();
}

Status compareValuesOf(const CheckpointReader& ra, const CheckpointReader& rb, VariableDiff& d, ModelDiff& out) {
    const CheckpointEntry* ea = ra.find(d.keyA);
    const CheckpointEntry* eb = rb.find(d.keyB);
    if (crcComparable(ra, *ea) && crcComparable(rb, *eb) && ea->size == eb->size && ea->maskedCrc32c == eb->maskedCrc32c) {
        d.kind = VariableDiff::Kind::Equal;
        d.equalByCrc = true;
        ++out.equalByCrc;
        return Status::OK();
    }
    TFS_ASSIGN_OR_RETURN(Tensor ta, ra.read(d.keyA));
    TFS_ASSIGN_OR_RETURN(Tensor tb, rb.read(d.keyB));
    out.bytesRead += int64_t(ea->size + eb->size);
    auto v = compareValues(ta, tb);
    if (!v.ok()) {
        // Not comparable element-wise (resource, variant): equal only if the bytes are.
        d.kind = ta.sameContent(tb) ? VariableDiff::Kind::Equal : VariableDiff::Kind::ValuesChanged;
        return Status::OK();
    }
    d.values = *v;
    d.kind = v->changed ? VariableDiff::Kind::ValuesChanged : VariableDiff::Kind::Equal;
    return Status::OK();
}

const MetaGraphSummary* mainMetaGraph(const Model& m) {
    const auto& mgs = m.summary().metaGraphs;
    for (const MetaGraphSummary& mg : mgs)
        if (std::find(mg.tags.begin(), mg.tags.end(), "serve") != mg.tags.end()) return &mg;
    return mgs.empty() ? nullptr : &mgs.front();
}

std::string tensorText(const TensorInfoSummary& t) { return t.dtypeName + " " + formatShapeCli(t.shape); }

void diffTensorLists(const char* what, const std::vector<TensorInfoSummary>& a, const std::vector<TensorInfoSummary>& b,
                     std::vector<std::string>& changes) {
    std::map<std::string, const TensorInfoSummary*> mb;
    for (const auto& t : b) mb[t.key] = &t;
    std::set<std::string> seen;
    for (const auto& t : a) {
        seen.insert(t.key);
        auto it = mb.find(t.key);
        if (it == mb.end()) {
            changes.push_back(std::string(what) + " '" + t.key + "' removed");
            continue;
        }
        if (tensorText(t) != tensorText(*it->second))
            changes.push_back(std::string(what) + " '" + t.key + "': " + tensorText(t) + " -> " + tensorText(*it->second));
    }
    for (const auto& t : b)
        if (!seen.count(t.key)) changes.push_back(std::string(what) + " '" + t.key + "' added");
}

void diffSignatures(const Model& a, const Model& b, ModelDiff& out) {
    const MetaGraphSummary* ma = mainMetaGraph(a);
    const MetaGraphSummary* mb = mainMetaGraph(b);
    std::map<std::string, const SignatureSummary*> sa, sb;
    if (ma)
        for (const auto& s : ma->signatures) sa[s.key] = &s;
    if (mb)
        for (const auto& s : mb->signatures) sb[s.key] = &s;
    for (const auto& [key, s] : sa) {
        auto it = sb.find(key);
        if (it == sb.end()) {
            out.signatures.push_back({SignatureDiff::Kind::Removed, key, {}});
            continue;
        }
        SignatureDiff d{SignatureDiff::Kind::Changed, key, {}};
        if (s->methodName != it->second->methodName) d.changes.push_back("method " + s->methodName + " -> " + it->second->methodName);
        diffTensorLists("input", s->inputs, it->second->inputs, d.changes);
        diffTensorLists("output", s->outputs, it->second->outputs, d.changes);
        if (!d.changes.empty()) out.signatures.push_back(std::move(d));
    }
    for (const auto& [key, s] : sb)
        if (!sa.count(key)) out.signatures.push_back({SignatureDiff::Kind::Added, key, {}});
    std::set<std::string> oa, ob;
    for (const auto& mg : a.summary().metaGraphs) oa.insert(mg.ops.begin(), mg.ops.end());
    for (const auto& mg : b.summary().metaGraphs) ob.insert(mg.ops.begin(), mg.ops.end());
    std::set_difference(oa.begin(), oa.end(), ob.begin(), ob.end(), std::back_inserter(out.opsOnlyInA));
    std::set_difference(ob.begin(), ob.end(), oa.begin(), oa.end(), std::back_inserter(out.opsOnlyInB));
}

// crc32c and size of a file, read in 1 MiB pieces.
std::pair<uint32_t, uint64_t> fileHash(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::vector<char> buf(size_t(1) << 20);
    uint32_t crc = 0;
    uint64_t size = 0;
    while (f) {
        f.read(buf.data(), std::streamsize(buf.size()));
        const std::streamsize n = f.gcount();
        if (n <= 0) break;
        crc = crc32c::extend(crc, buf.data(), size_t(n));
        size += uint64_t(n);
    }
    return {crc, size};
}

void diffAssets(const Model& a, const Model& b, ModelDiff& out) {
    auto hashes = [](const Model& m) {
        std::map<std::string, std::pair<uint32_t, uint64_t>> h;
        for (const std::string& name : m.assets()) h[name] = fileHash(m.openedPath() + "/assets/" + name);
        return h;
    };
    const auto ha = hashes(a), hb = hashes(b);
    for (const auto& [name, x] : ha) {
        auto it = hb.find(name);
        if (it == hb.end()) out.assets.push_back({AssetDiff::Kind::Removed, name, x.second, 0, x.first, 0});
        else if (it->second != x)
            out.assets.push_back({AssetDiff::Kind::Changed, name, x.second, it->second.second, x.first, it->second.first});
    }
    for (const auto& [name, y] : hb)
        if (!ha.count(name)) out.assets.push_back({AssetDiff::Kind::Added, name, 0, y.second, 0, y.first});
}

}  // namespace

std::string VariableDiff::scope() const {
    size_t slash = name.rfind('/');
    return slash == std::string::npos ? std::string() : name.substr(0, slash);
}

bool ModelDiff::differs() const {
    for (const VariableDiff& v : variables)
        if (v.kind != VariableDiff::Kind::Equal) return true;
    return !signatures.empty() || !opsOnlyInA.empty() || !opsOnlyInB.empty() || !assets.empty();
}

int ModelDiff::count(VariableDiff::Kind k) const {
    return int(std::count_if(variables.begin(), variables.end(), [k](const VariableDiff& v) { return v.kind == k; }));
}

const char* variableDiffKindName(VariableDiff::Kind k) {
    switch (k) {
    case VariableDiff::Kind::Equal: return "equal";
    case VariableDiff::Kind::ValuesChanged: return "values_changed";
    case VariableDiff::Kind::DtypeChanged: return "dtype_changed";
    case VariableDiff::Kind::ShapeChanged: return "shape_changed";
    case VariableDiff::Kind::OnlyInA: return "only_in_a";
    case VariableDiff::Kind::OnlyInB: return "only_in_b";
    }
    return "?";
}

const char* pairedByName(VariableDiff::PairedBy p) {
    switch (p) {
    case VariableDiff::PairedBy::Key: return "key";
    case VariableDiff::PairedBy::ObjectPath: return "object_path";
    case VariableDiff::PairedBy::Name: return "name";
    case VariableDiff::PairedBy::Shape: return "shape";
    case VariableDiff::PairedBy::None: return "none";
    }
    return "?";
}

Result<ModelDiff> diffModels(const Model& a, const Model& b, const ModelDiffOptions& options) {
    ModelDiff out;
    std::vector<Var> va = variablesOf(a), vb = variablesOf(b);
    std::vector<std::tuple<Var*, Var*, VariableDiff::PairedBy, double>> pairs;
    pairUnique(va, vb, [](const Var& v) -> const std::string& { return v.key; }, VariableDiff::PairedBy::Key, pairs);
    pairUnique(va, vb, [](const Var& v) -> const std::string& { return v.objectPath; }, VariableDiff::PairedBy::ObjectPath, pairs);
    pairUnique(va, vb, [](const Var& v) -> const std::string& { return v.name; }, VariableDiff::PairedBy::Name, pairs);
    if (options.matchShape) pairByShape(va, vb, pairs);
    std::unordered_map<const Var*, size_t> pairOfA;
    for (size_t i = 0; i < pairs.size(); ++i) pairOfA[std::get<0>(pairs[i])] = i;

    int64_t done = 0;
    const int64_t total = int64_t(va.size() + vb.size());
    for (Var& x : va) {
        if (options.progress && options.progress->isCancelled()) return Status::cancelled();
        VariableDiff d;
        d.keyA = x.key;
        d.name = x.name;
        d.dtypeA = x.entry->dtype;
        d.shapeA = x.entry->shape;
        auto it = pairOfA.find(&x);
        if (it == pairOfA.end()) {
            d.kind = VariableDiff::Kind::OnlyInA;
        } else {
            const auto& [pa, pb, how, confidence] = pairs[it->second];
            d.keyB = pb->key;
            d.pairedBy = how;
            d.confidence = confidence;
            d.dtypeB = pb->entry->dtype;
            d.shapeB = pb->entry->shape;
            if (d.dtypeA != d.dtypeB) d.kind = VariableDiff::Kind::DtypeChanged;
            else if (d.shapeA != d.shapeB) d.kind = VariableDiff::Kind::ShapeChanged;
            else TFS_RETURN_IF_ERROR(compareValuesOf(*a.checkpoint(), *b.checkpoint(), d, out));
        }
        out.variables.push_back(std::move(d));
        if (options.progress) options.progress->report(++done, total);
    }
    for (Var& y : vb) {
        if (y.paired) continue;
        VariableDiff d;
        d.kind = VariableDiff::Kind::OnlyInB;
        d.keyB = y.key;
        d.name = y.name;
        d.dtypeB = y.entry->dtype;
        d.shapeB = y.entry->shape;
        out.variables.push_back(std::move(d));
    }
    diffSignatures(a, b, out);
    diffAssets(a, b, out);
    return out;
}

}  // namespace tfscope
