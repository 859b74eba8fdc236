// tfscope diff A B: what changed between two models (core: model/diff/model_diff.h). Variables by
// checkpoint key and TF2 object path (and by dtype, shape and order with --match shape), values
// with max |Δ|, max relative, RMS, cosine and the fraction changed; signatures, op sets, assets.
// Exit codes (like diff(1)): 0 no difference (always 0 without --exit-code), 1 they differ with
// --exit-code, 2 an error (a model that does not open, a bad flag).
#include <CLI/CLI.hpp>

#include <cmath>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "model/diff/model_diff.h"
#include "model/loader/model.h"
#include "model/loader/model_loader.h"

namespace tfscope::cli {

namespace {

constexpr int kExitDiffers = 1;
constexpr int kExitTrouble = 2;

struct DiffArgs {
    std::string a, b;
    std::string version;   // "N" for both, "N,M" for A and B
    std::string match;     // "" or "shape"
    bool json = false;
    bool exitCode = false;
    bool all = false;
};

using Json = nlohmann::ordered_json;

// Opens `path`; a TF Serving base with `version` opens that version folder.
Result<std::shared_ptr<const Model>> open(const std::string& path, const std::string& version) {
    TFS_ASSIGN_OR_RETURN(auto model, ModelLoader::load(path));
    if (version.empty()) return model;
    if (model->versions().empty())
        return Status::invalidArgument(path + ": --version applies to a TF Serving base folder (numbered versions); this is not one.");
    for (const ServingVersion& v : model->versions())
        if (std::to_string(v.version) == version) return ModelLoader::load(v.path);
    std::string list;
    for (const ServingVersion& v : model->versions()) list += (list.empty() ? "" : ", ") + std::to_string(v.version);
    return Status::notFound(path + ": no version " + version + " (versions: " + list + ").");
}

std::string num(double v) {
    std::ostringstream s;
    s << std::setprecision(4) << v;
    return s.str();
}

std::string shapeText(const Shape& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
    return out + "]";
}

struct ScopeSummary {
    int changed = 0;
    double maxAbs = 0;
};

std::map<std::string, ScopeSummary> byScope(const ModelDiff& d) {
    std::map<std::string, ScopeSummary> scopes;
    for (const VariableDiff& v : d.variables) {
        if (v.kind != VariableDiff::Kind::ValuesChanged) continue;
        ScopeSummary& s = scopes[v.scope()];
        ++s.changed;
        s.maxAbs = std::max(s.maxAbs, v.values.maxAbs);
    }
    return scopes;
}

Json variableJson(const VariableDiff& v) {
    Json j;
    j["kind"] = variableDiffKindName(v.kind);
    j["name"] = v.name;
    j["key_a"] = v.keyA.empty() ? Json(nullptr) : Json(v.keyA);
    j["key_b"] = v.keyB.empty() ? Json(nullptr) : Json(v.keyB);
    j["paired_by"] = pairedByName(v.pairedBy);
    if (v.pairedBy == VariableDiff::PairedBy::Shape) j["confidence"] = v.confidence;
    j["dtype_a"] = v.keyA.empty() ? Json(nullptr) : Json(dtypeEnumName(v.dtypeA));
    j["dtype_b"] = v.keyB.empty() ? Json(nullptr) : Json(dtypeEnumName(v.dtypeB));
    j["shape_a"] = v.keyA.empty() ? Json(nullptr) : Json(v.shapeA);
    j["shape_b"] = v.keyB.empty() ? Json(nullptr) : Json(v.shapeB);
    if (v.kind == VariableDiff::Kind::Equal) j["equal_by_crc32c"] = v.equalByCrc;
    if (v.kind == VariableDiff::Kind::ValuesChanged) {
        j["elements"] = v.values.count;
        j["changed_elements"] = v.values.changed;
        j["fraction_changed"] = v.values.fractionChanged();
        if (v.values.numeric) {
            j["max_abs"] = v.values.maxAbs;
            j["max_rel"] = v.values.maxRel;
            j["rms"] = v.values.rms;
            j["cosine"] = std::isfinite(v.values.cosine) ? Json(v.values.cosine) : Json(nullptr);
        }
    }
    return j;
}

void printJson(const DiffArgs& a, const Model& ma, const Model& mb, const ModelDiff& d) {
    Json j;
    j["a"] = ma.openedPath();
    j["b"] = mb.openedPath();
    j["differs"] = d.differs();
    Json s;
    for (auto k : {VariableDiff::Kind::Equal, VariableDiff::Kind::ValuesChanged, VariableDiff::Kind::DtypeChanged,
                   VariableDiff::Kind::ShapeChanged, VariableDiff::Kind::OnlyInA, VariableDiff::Kind::OnlyInB})
        s[variableDiffKindName(k)] = d.count(k);
    s["equal_by_crc32c"] = d.equalByCrc;
    s["bytes_read"] = d.bytesRead;
    j["summary"] = s;
    j["scopes"] = Json::array();
    for (const auto& [scope, sc] : byScope(d)) j["scopes"].push_back({{"scope", scope}, {"changed", sc.changed}, {"max_abs", sc.maxAbs}});
    j["variables"] = Json::array();
    for (const VariableDiff& v : d.variables)
        if (a.all || v.kind != VariableDiff::Kind::Equal || v.pairedBy != VariableDiff::PairedBy::Key) j["variables"].push_back(variableJson(v));
    j["signatures"] = Json::array();
    for (const SignatureDiff& sd : d.signatures) {
        const char* kind = sd.kind == SignatureDiff::Kind::Added ? "added" : sd.kind == SignatureDiff::Kind::Removed ? "removed" : "changed";
        j["signatures"].push_back({{"key", sd.key}, {"kind", kind}, {"changes", sd.changes}});
    }
    j["ops_only_in_a"] = d.opsOnlyInA;
    j["ops_only_in_b"] = d.opsOnlyInB;
    j["assets"] = Json::array();
    for (const AssetDiff& ad : d.assets) {
        const char* kind = ad.kind == AssetDiff::Kind::Added ? "added" : ad.kind == AssetDiff::Kind::Removed ? "removed" : "changed";
        j["assets"].push_back({{"name", ad.name}, {"kind", kind}, {"size_a", ad.sizeA}, {"size_b", ad.sizeB},
                               {"crc32c_a", ad.crcA}, {"crc32c_b", ad.crcB}});
    }
    std::cout << j.dump(2) << "\n";
}

void printText(const Model& ma, const Model& mb, const ModelDiff& d) {
    using K = VariableDiff::Kind;
    std::cout << "A: " << ma.openedPath() << "\nB: " << mb.openedPath() << "\n";
    std::cout << "Variables: " << d.count(K::Equal) << " equal (" << d.equalByCrc << " by stored crc32c), "
              << d.count(K::ValuesChanged) << " changed, " << d.count(K::DtypeChanged) + d.count(K::ShapeChanged)
              << " dtype/shape changed, " << d.count(K::OnlyInA) << " only in A, " << d.count(K::OnlyInB) << " only in B\n";
    for (const auto& [scope, sc] : byScope(d))
        std::cout << "  " << (scope.empty() ? "(top level)" : scope) << ": " << sc.changed << " tensor" << (sc.changed == 1 ? "" : "s")
                  << " changed, max |Δ| " << num(sc.maxAbs) << "\n";
    for (const VariableDiff& v : d.variables) {
        const std::string pair = v.keyA == v.keyB ? v.keyA : v.keyA + " <=> " + v.keyB;
        switch (v.kind) {
        case K::ValuesChanged:
            std::cout << "changed  " << pair << ": ";
            if (v.values.numeric)
                std::cout << "max |Δ| " << num(v.values.maxAbs) << ", max rel " << num(v.values.maxRel) << ", rms " << num(v.values.rms)
                          << ", cosine " << num(v.values.cosine) << ", ";
            std::cout << num(100 * v.values.fractionChanged()) << "% of " << v.values.count << " changed\n";
            break;
        case K::DtypeChanged:
            std::cout << "dtype    " << pair << ": " << dtypeEnumName(v.dtypeA) << " -> " << dtypeEnumName(v.dtypeB) << "\n";
            break;
        case K::ShapeChanged:
            std::cout << "shape    " << pair << ": " << shapeText(v.shapeA) << " -> " << shapeText(v.shapeB) << "\n";
            break;
        case K::OnlyInA: std::cout << "only A   " << v.keyA << " " << dtypeEnumName(v.dtypeA) << " " << shapeText(v.shapeA) << "\n"; break;
        case K::OnlyInB: std::cout << "only B   " << v.keyB << " " << dtypeEnumName(v.dtypeB) << " " << shapeText(v.shapeB) << "\n"; break;
        case K::Equal: break;
        }
    }
    for (const VariableDiff& v : d.variables)
        if (v.pairedBy == VariableDiff::PairedBy::Shape)
            std::cout << "paired by dtype and shape: " << v.keyA << " <=> " << v.keyB << " (confidence " << num(v.confidence) << ")\n";
        else if (v.pairedBy == VariableDiff::PairedBy::ObjectPath || v.pairedBy == VariableDiff::PairedBy::Name)
            std::cout << "paired by " << (v.pairedBy == VariableDiff::PairedBy::Name ? "name" : "object path") << ": " << v.keyA
                      << " <=> " << v.keyB << "\n";
    for (const SignatureDiff& s : d.signatures) {
        if (s.kind == SignatureDiff::Kind::Added) std::cout << "signature '" << s.key << "' only in B\n";
        else if (s.kind == SignatureDiff::Kind::Removed) std::cout << "signature '" << s.key << "' only in A\n";
        else
            for (const std::string& c : s.changes) std::cout << "signature '" << s.key << "': " << c << "\n";
    }
    if (!d.opsOnlyInA.empty() || !d.opsOnlyInB.empty()) {
        std::cout << "ops only in A:";
        for (const std::string& o : d.opsOnlyInA) std::cout << " " << o;
        std::cout << "\nops only in B:";
        for (const std::string& o : d.opsOnlyInB) std::cout << " " << o;
        std::cout << "\n";
    }
    for (const AssetDiff& a : d.assets) {
        const char* what = a.kind == AssetDiff::Kind::Added ? "only in B" : a.kind == AssetDiff::Kind::Removed ? "only in A" : "content differs";
        std::cout << "asset '" << a.name << "': " << what << "\n";
    }
    std::cout << (d.differs() ? "The models differ.\n" : "No differences.\n");
}

int runDiff(const DiffArgs& a) {
    if (!a.match.empty() && a.match != "shape") {
        std::cerr << "tfscope: --match must be 'shape', got '" << a.match << "'.\n";
        return kExitTrouble;
    }
    std::string va = a.version, vb = a.version;
    if (size_t comma = a.version.find(','); comma != std::string::npos) {
        va = a.version.substr(0, comma);
        vb = a.version.substr(comma + 1);
    }
    auto ma = open(a.a, va);
    if (!ma.ok()) {
        fail(ma.status().message());
        return kExitTrouble;
    }
    auto mb = open(a.b, vb);
    if (!mb.ok()) {
        fail(mb.status().message());
        return kExitTrouble;
    }
    ModelDiffOptions o;
    o.matchShape = a.match == "shape";
    auto d = diffModels(**ma, **mb, o);
    if (!d.ok()) {
        fail(d.status().message());
        return kExitTrouble;
    }
    if (a.json) printJson(a, **ma, **mb, *d);
    else printText(**ma, **mb, *d);
    return a.exitCode && d->differs() ? kExitDiffers : kExitOk;
}

}  // namespace

void registerDiff(CLI::App& app, std::vector<Command>& out) {
    auto args = std::make_shared<DiffArgs>();
    auto* sub = app.add_subcommand("diff", "Compare two models: variables and their values, signatures, ops, assets.");
    sub->add_option("a", args->a, "First model (anything tfscope opens)")->required();
    sub->add_option("b", args->b, "Second model")->required();
    sub->add_option("--version", args->version, "TF Serving base folders: version N of both, or 'N,M' for A and B");
    sub->add_option("--match", args->match, "'shape': also pair tensors by dtype, shape and order when names differ");
    sub->add_flag("--json", args->json, "Print one JSON document (docs/cli-json.md)");
    sub->add_flag("--exit-code", args->exitCode, "Exit 1 when the models differ (errors exit 2)");
    sub->add_flag("--all", args->all, "--json: list equal variables too");
    out.push_back({sub, [args] { return runDiff(*args); }});
}

}  // namespace tfscope::cli
