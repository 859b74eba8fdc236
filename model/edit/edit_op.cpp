#include "model/edit/edit_op.h"

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

namespace tfscope {
namespace {

using Json = nlohmann::json;

// ---- The schema: one `name` and one `schema()` per kind, walked by the writer and the reader. ----
// A field walker F has: F::Value<T> (T& or const T&), operator()(key, value) for strings, numbers,
// integer lists and dtypes, path(key, string) for .npy paths, selector(selector) and init(key, init).

template <typename T> struct Schema;

#define TFS_EDIT_SCHEMA(Type, Name, ...)                                       \
    template <> struct Schema<edits::Type> {                                   \
        static constexpr const char* name = Name;                              \
        template <typename F, typename O> static void fields(F& f, O& o) { __VA_ARGS__; } \
    }

TFS_EDIT_SCHEMA(Select, "select", f.selector(o.selector));
TFS_EDIT_SCHEMA(Deselect, "deselect", f.selector(o.selector));
TFS_EDIT_SCHEMA(Rename, "rename", f("from", o.from); f("to", o.to));
TFS_EDIT_SCHEMA(RenameRegex, "rename_regex", f("pattern", o.pattern); f("replacement", o.replacement));
TFS_EDIT_SCHEMA(RenameScope, "rename_scope", f("from", o.from); f("to", o.to));
TFS_EDIT_SCHEMA(SetCell, "set_cell", f("name", o.name); f("index", o.index); f("value", o.value));
TFS_EDIT_SCHEMA(Fill, "fill", f("name", o.name); f("value", o.value));
TFS_EDIT_SCHEMA(Scale, "scale", f("name", o.name); f("factor", o.factor));
TFS_EDIT_SCHEMA(Add, "add", f("name", o.name); f("value", o.value));
TFS_EDIT_SCHEMA(FromNpy, "from_npy", f("name", o.name); f.path("path", o.path));
TFS_EDIT_SCHEMA(Cast, "cast", f("name", o.name); f("dtype", o.dtype));
TFS_EDIT_SCHEMA(Delete, "delete", f("name", o.name));
// add_variable: the fields that follow depend on `init`, read (or written) first.
TFS_EDIT_SCHEMA(AddVariable, "add_variable",
                f("name", o.name); f.init("init", o.init);
                if (o.init == edits::AddVariable::Init::Npy) f.path("path", o.path);
                else { f("dtype", o.dtype); f("shape", o.shape); }
                if (o.init == edits::AddVariable::Init::Constant) f("value", o.value));

#undef TFS_EDIT_SCHEMA

struct SelectorName {
    Selector::Kind kind;
    const char* name;
    bool hasPattern;
};
constexpr SelectorName kSelectorNames[] = {
    {Selector::Kind::All, "all", false},          {Selector::Kind::Name, "name", true},
    {Selector::Kind::Scope, "scope", true},       {Selector::Kind::Regex, "regex", true},
    {Selector::Kind::Trainable, "trainable", false}, {Selector::Kind::NonTrainable, "non_trainable", false},
    {Selector::Kind::OptimizerSlots, "optimizer_slots", false}, {Selector::Kind::VariableScope, "variable_scope", true},
};

constexpr std::pair<EditOp::Init, const char*> kInitNames[] = {
    {EditOp::Init::Zeros, "zeros"}, {EditOp::Init::Ones, "ones"}, {EditOp::Init::Constant, "constant"}, {EditOp::Init::Npy, "npy"},
};

// Writes fields into a JSON object.
struct Writer {
    Json& j;
    template <typename T> void operator()(const char* key, const T& v) { j[key] = v; }
    void operator()(const char* key, const DType& d) { j[key] = std::string(dtypeShortName(d)); }
    void path(const char* key, const std::string& p) { j[key] = p; }
    void selector(const Selector& s) {
        for (const SelectorName& sn : kSelectorNames)
            if (sn.kind == s.kind) j[sn.name] = sn.hasPattern ? Json(s.pattern) : Json(true);
    }
    void init(const char* key, const EditOp::Init& i) {
        for (const auto& [init, name] : kInitNames)
            if (init == i) j[key] = name;
    }
};

// Reads fields from a JSON object; the first problem is kept as "Edit N: ..." and stops the rest.
struct Reader {
    const Json& j;
    int n;
    const std::string& baseDir;
    Status status;

    Status error(const std::string& what) const { return Status::invalidArgument("Edit " + std::to_string(n) + ": " + what); }
    const Json* field(const char* key, bool (Json::*is)() const noexcept, const char* what) {
        if (!status.ok()) return nullptr;
        auto it = j.find(key);
        if (it == j.end() || !((*it).*is)()) {
            status = error("missing " + std::string(what) + " field '" + key + "'.");
            return nullptr;
        }
        return &*it;
    }
    void operator()(const char* key, std::string& v) {
        if (const Json* f = field(key, &Json::is_string, "string")) v = f->get<std::string>();
    }
    void operator()(const char* key, double& v) {
        if (const Json* f = field(key, &Json::is_number, "number")) v = f->get<double>();
    }
    void operator()(const char* key, std::vector<int64_t>& v) {
        const Json* f = field(key, &Json::is_array, "integer list");
        if (!f) return;
        v.clear();
        for (const Json& e : *f) {
            if (!e.is_number_integer()) {
                status = error("field '" + std::string(key) + "' must hold integers.");
                return;
            }
            v.push_back(e.get<int64_t>());
        }
    }
    void operator()(const char* key, DType& d) {
        std::string s;
        (*this)(key, s);
        if (!status.ok()) return;
        auto parsed = dtypeFromName(s);
        if (!parsed) status = error("unknown dtype '" + s + "'.");
        else d = *parsed;
    }
    void path(const char* key, std::string& p) {
        (*this)(key, p);
        if (!p.empty() && !baseDir.empty() && !std::filesystem::path(p).is_absolute())
            p = (std::filesystem::path(baseDir) / p).lexically_normal().string();
    }
    void selector(Selector& s) {
        if (!status.ok()) return;
        bool found = false;
        for (const SelectorName& sn : kSelectorNames) {
            if (!j.contains(sn.name)) continue;
            s.kind = sn.kind;
            if (sn.hasPattern) (*this)(sn.name, s.pattern);
            found = true;
        }
        if (!found)
            status = error("'" + j.value("op", std::string()) +
                           "' needs one of all, name, scope, variable_scope, regex, trainable, non_trainable, optimizer_slots.");
    }
    void init(const char* key, EditOp::Init& i) {
        std::string s;
        (*this)(key, s);
        if (!status.ok()) return;
        for (const auto& [init, name] : kInitNames)
            if (s == name) {
                i = init;
                return;
            }
        status = error("unknown init '" + s + "'.");
    }
};

Json toJson(const EditOp& op) {
    return std::visit(
        [](const auto& o) {
            using T = std::decay_t<decltype(o)>;
            Json j;
            j["op"] = Schema<T>::name;
            Writer w{j};
            Schema<T>::fields(w, o);
            return j;
        },
        op.op());
}

// Tries each alternative's name; reads the fields of the one that matches.
template <size_t I = 0>
Result<EditOp> readKind(const std::string& opName, Reader& r) {
    if constexpr (I == std::variant_size_v<EditOp::Variant>) {
        return r.error("unknown op '" + opName + "'.");
    } else {
        using T = std::variant_alternative_t<I, EditOp::Variant>;
        if (opName != Schema<T>::name) return readKind<I + 1>(opName, r);
        T o;
        Schema<T>::fields(r, o);
        if (!r.status.ok()) return r.status;
        return EditOp(std::move(o));
    }
}

Result<EditOp> fromJson(const Json& j, int n, const std::string& baseDir) {
    Reader r{j, n, baseDir, Status::OK()};
    if (!j.is_object()) return r.error("expected an object.");
    std::string opName;
    r("op", opName);
    if (!r.status.ok()) return r.status;
    return readKind(opName, r);
}

std::string num(double v) {
    std::ostringstream s;
    s.precision(17);
    s << v;
    return s.str();
}

std::string describeSelection(const char* verb, const Selector& s) {
    const std::string v = verb;
    switch (s.kind) {
    case Selector::Kind::All: return v + " all";
    case Selector::Kind::Name: return v + " '" + s.pattern + "'";
    case Selector::Kind::Scope: return v + " scope '" + s.pattern + "'";
    case Selector::Kind::Regex: return v + " /" + s.pattern + "/";
    case Selector::Kind::Trainable: return v + " trainable";
    case Selector::Kind::NonTrainable: return v + " non-trainable";
    case Selector::Kind::OptimizerSlots: return v + " optimizer slots";
    case Selector::Kind::VariableScope: return v + " variable scope '" + s.pattern + "'";
    }
    return v;
}

template <typename... F> struct Overloaded : F... { using F::operator()...; };
template <typename... F> Overloaded(F...) -> Overloaded<F...>;

}  // namespace

std::string EditOp::describe() const {
    return std::visit(
        Overloaded{
            [](const edits::Select& o) { return describeSelection("Select", o.selector); },
            [](const edits::Deselect& o) { return describeSelection("Deselect", o.selector); },
            [](const edits::Rename& o) { return "Rename '" + o.from + "' to '" + o.to + "'"; },
            [](const edits::RenameRegex& o) { return "Rename /" + o.pattern + "/ to '" + o.replacement + "'"; },
            [](const edits::RenameScope& o) { return "Rename scope '" + o.from + "' to '" + o.to + "'"; },
            [](const edits::SetCell& o) { return "Set a cell of '" + o.name + "' to " + num(o.value); },
            [](const edits::Fill& o) { return "Set '" + o.name + "' to " + num(o.value); },
            [](const edits::Scale& o) { return "Scale '" + o.name + "' by " + num(o.factor); },
            [](const edits::Add& o) { return "Add " + num(o.value) + " to '" + o.name + "'"; },
            [](const edits::FromNpy& o) { return "Replace '" + o.name + "' from '" + o.path + "'"; },
            [](const edits::Cast& o) { return "Cast '" + o.name + "' to " + std::string(dtypeShortName(o.dtype)); },
            [](const edits::AddVariable& o) { return "Add variable '" + o.name + "'"; },
            [](const edits::Delete& o) { return "Delete '" + o.name + "'"; },
        },
        m_op);
}

Result<std::vector<EditOp>> parseEditScript(std::string_view text, const std::string& baseDir) {
    Json root = Json::parse(text, nullptr, false);
    if (root.is_discarded()) return Status::invalidArgument("Not a valid JSON edit script.");
    const Json* list = &root;
    if (root.is_object()) {
        auto v = root.find("version");
        if (v != root.end() && (!v->is_number_integer() || v->get<int>() != 1))
            return Status::invalidArgument("Unsupported edit script version '" + v->dump() + "'.");
        auto e = root.find("edits");
        if (e == root.end()) return Status::invalidArgument("Edit script has no 'edits' list.");
        list = &*e;
    }
    if (!list->is_array()) return Status::invalidArgument("Edit script 'edits' must be a list.");
    std::vector<EditOp> ops;
    int n = 0;
    for (const Json& j : *list) {
        TFS_ASSIGN_OR_RETURN(EditOp op, fromJson(j, ++n, baseDir));
        ops.push_back(std::move(op));
    }
    return ops;
}

std::string editScriptToJson(const std::vector<EditOp>& ops) {
    Json root;
    root["format"] = "tfscope-edit-script";
    root["version"] = 1;
    root["edits"] = Json::array();
    for (const EditOp& op : ops) root["edits"].push_back(toJson(op));
    return root.dump(2) + "\n";
}

}  // namespace tfscope
