#include "model/edit/edit_op.h"

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

namespace tfscope {
namespace {

using Json = nlohmann::json;

struct KindName {
    EditKind kind;
    const char* name;
};
constexpr KindName kKindNames[] = {
    {EditKind::Select, "select"},       {EditKind::Deselect, "deselect"},   {EditKind::Rename, "rename"},
    {EditKind::RenameRegex, "rename_regex"}, {EditKind::RenameScope, "rename_scope"},
    {EditKind::SetCell, "set_cell"},    {EditKind::Fill, "fill"},           {EditKind::Scale, "scale"},
    {EditKind::Add, "add"},             {EditKind::FromNpy, "from_npy"},    {EditKind::Cast, "cast"},
    {EditKind::AddVariable, "add_variable"}, {EditKind::Delete, "delete"},
};

const char* kindName(EditKind k) {
    for (const KindName& kn : kKindNames)
        if (kn.kind == k) return kn.name;
    return "?";
}

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

const char* initName(EditOp::Init i) {
    switch (i) {
    case EditOp::Init::Zeros: return "zeros";
    case EditOp::Init::Ones: return "ones";
    case EditOp::Init::Constant: return "constant";
    case EditOp::Init::Npy: return "npy";
    }
    return "zeros";
}

std::string num(double v) {
    std::ostringstream s;
    s.precision(17);
    s << v;
    return s.str();
}

Json toJson(const EditOp& op) {
    Json j;
    j["op"] = kindName(op.kind);
    switch (op.kind) {
    case EditKind::Select:
    case EditKind::Deselect:
        for (const SelectorName& sn : kSelectorNames)
            if (sn.kind == op.selector.kind) j[sn.name] = sn.hasPattern ? Json(op.selector.pattern) : Json(true);
        break;
    case EditKind::Rename: j["from"] = op.name; j["to"] = op.to; break;
    case EditKind::RenameRegex: j["pattern"] = op.pattern; j["replacement"] = op.to; break;
    case EditKind::RenameScope: j["from"] = op.pattern; j["to"] = op.to; break;
    case EditKind::SetCell: j["name"] = op.name; j["index"] = op.index; j["value"] = op.value; break;
    case EditKind::Fill: case EditKind::Add: j["name"] = op.name; j["value"] = op.value; break;
    case EditKind::Scale: j["name"] = op.name; j["factor"] = op.value; break;
    case EditKind::FromNpy: j["name"] = op.name; j["path"] = op.path; break;
    case EditKind::Cast: j["name"] = op.name; j["dtype"] = std::string(dtypeShortName(op.dtype)); break;
    case EditKind::AddVariable:
        j["name"] = op.name;
        j["dtype"] = std::string(dtypeShortName(op.dtype));
        j["shape"] = op.shape;
        j["init"] = initName(op.init);
        if (op.init == EditOp::Init::Constant) j["value"] = op.value;
        if (op.init == EditOp::Init::Npy) j["path"] = op.path;
        break;
    case EditKind::Delete: j["name"] = op.name; break;
    }
    return j;
}

// Field readers that fail with "Edit N: ..." messages.
class Fields {
public:
    Fields(const Json& j, int n) : m_j(j), m_n(n) {}
    Status error(const std::string& what) const {
        return Status::invalidArgument("Edit " + std::to_string(m_n) + ": " + what);
    }
    Result<std::string> str(const char* key) const {
        auto it = m_j.find(key);
        if (it == m_j.end() || !it->is_string()) return error("missing string field '" + std::string(key) + "'.");
        return it->get<std::string>();
    }
    Result<double> number(const char* key) const {
        auto it = m_j.find(key);
        if (it == m_j.end() || !it->is_number()) return error("missing number field '" + std::string(key) + "'.");
        return it->get<double>();
    }
    Result<std::vector<int64_t>> ints(const char* key) const {
        auto it = m_j.find(key);
        if (it == m_j.end() || !it->is_array()) return error("missing integer list field '" + std::string(key) + "'.");
        std::vector<int64_t> out;
        for (const Json& e : *it) {
            if (!e.is_number_integer()) return error("field '" + std::string(key) + "' must hold integers.");
            out.push_back(e.get<int64_t>());
        }
        return out;
    }
    Result<DType> dtype() const {
        TFS_ASSIGN_OR_RETURN(std::string s, str("dtype"));
        auto d = dtypeFromName(s);
        if (!d) return error("unknown dtype '" + s + "'.");
        return *d;
    }

private:
    const Json& m_j;
    int m_n;
};

std::string resolve(const std::string& path, const std::string& baseDir) {
    if (path.empty() || baseDir.empty() || std::filesystem::path(path).is_absolute()) return path;
    return (std::filesystem::path(baseDir) / path).lexically_normal().string();
}

Result<EditOp> fromJson(const Json& j, int n, const std::string& baseDir) {
    Fields f(j, n);
    if (!j.is_object()) return f.error("expected an object.");
    TFS_ASSIGN_OR_RETURN(std::string opName, f.str("op"));
    EditOp op;
    bool known = false;
    for (const KindName& kn : kKindNames)
        if (opName == kn.name) { op.kind = kn.kind; known = true; }
    if (!known) return f.error("unknown op '" + opName + "'.");
    switch (op.kind) {
    case EditKind::Select:
    case EditKind::Deselect: {
        bool found = false;
        for (const SelectorName& sn : kSelectorNames) {
            if (!j.contains(sn.name)) continue;
            op.selector.kind = sn.kind;
            if (sn.hasPattern) { TFS_ASSIGN_OR_RETURN(op.selector.pattern, f.str(sn.name)); }
            found = true;
        }
        if (!found) {
            return f.error("'" + opName +
                           "' needs one of all, name, scope, variable_scope, regex, trainable, non_trainable, optimizer_slots.");
        }
        break;
    }
    case EditKind::Rename: {
        TFS_ASSIGN_OR_RETURN(op.name, f.str("from"));
        TFS_ASSIGN_OR_RETURN(op.to, f.str("to"));
        break;
    }
    case EditKind::RenameRegex: {
        TFS_ASSIGN_OR_RETURN(op.pattern, f.str("pattern"));
        TFS_ASSIGN_OR_RETURN(op.to, f.str("replacement"));
        break;
    }
    case EditKind::RenameScope: {
        TFS_ASSIGN_OR_RETURN(op.pattern, f.str("from"));
        TFS_ASSIGN_OR_RETURN(op.to, f.str("to"));
        break;
    }
    case EditKind::SetCell: {
        TFS_ASSIGN_OR_RETURN(op.name, f.str("name"));
        TFS_ASSIGN_OR_RETURN(op.index, f.ints("index"));
        TFS_ASSIGN_OR_RETURN(op.value, f.number("value"));
        break;
    }
    case EditKind::Fill:
    case EditKind::Add: {
        TFS_ASSIGN_OR_RETURN(op.name, f.str("name"));
        TFS_ASSIGN_OR_RETURN(op.value, f.number("value"));
        break;
    }
    case EditKind::Scale: {
        TFS_ASSIGN_OR_RETURN(op.name, f.str("name"));
        TFS_ASSIGN_OR_RETURN(op.value, f.number("factor"));
        break;
    }
    case EditKind::FromNpy: {
        TFS_ASSIGN_OR_RETURN(op.name, f.str("name"));
        TFS_ASSIGN_OR_RETURN(op.path, f.str("path"));
        op.path = resolve(op.path, baseDir);
        break;
    }
    case EditKind::Cast: {
        TFS_ASSIGN_OR_RETURN(op.name, f.str("name"));
        TFS_ASSIGN_OR_RETURN(op.dtype, f.dtype());
        break;
    }
    case EditKind::AddVariable: {
        TFS_ASSIGN_OR_RETURN(op.name, f.str("name"));
        TFS_ASSIGN_OR_RETURN(std::string init, f.str("init"));
        if (init == "zeros") op.init = EditOp::Init::Zeros;
        else if (init == "ones") op.init = EditOp::Init::Ones;
        else if (init == "constant") op.init = EditOp::Init::Constant;
        else if (init == "npy") op.init = EditOp::Init::Npy;
        else return f.error("unknown init '" + init + "'.");
        if (op.init == EditOp::Init::Npy) {
            TFS_ASSIGN_OR_RETURN(op.path, f.str("path"));
            op.path = resolve(op.path, baseDir);
        } else {
            TFS_ASSIGN_OR_RETURN(op.dtype, f.dtype());
            TFS_ASSIGN_OR_RETURN(op.shape, f.ints("shape"));
        }
        if (op.init == EditOp::Init::Constant) { TFS_ASSIGN_OR_RETURN(op.value, f.number("value")); }
        break;
    }
    case EditKind::Delete: {
        TFS_ASSIGN_OR_RETURN(op.name, f.str("name"));
        break;
    }
    }
    return op;
}

}  // namespace

std::string EditOp::describe() const {
    switch (kind) {
    case EditKind::Select:
    case EditKind::Deselect: {
        std::string verb = kind == EditKind::Select ? "Select" : "Deselect";
        switch (selector.kind) {
        case Selector::Kind::All: return verb + " all";
        case Selector::Kind::Name: return verb + " '" + selector.pattern + "'";
        case Selector::Kind::Scope: return verb + " scope '" + selector.pattern + "'";
        case Selector::Kind::Regex: return verb + " /" + selector.pattern + "/";
        case Selector::Kind::Trainable: return verb + " trainable";
        case Selector::Kind::NonTrainable: return verb + " non-trainable";
        case Selector::Kind::OptimizerSlots: return verb + " optimizer slots";
        case Selector::Kind::VariableScope: return verb + " variable scope '" + selector.pattern + "'";
        }
        return verb;
    }
    case EditKind::Rename: return "Rename '" + name + "' to '" + to + "'";
    case EditKind::RenameRegex: return "Rename /" + pattern + "/ to '" + to + "'";
    case EditKind::RenameScope: return "Rename scope '" + pattern + "' to '" + to + "'";
    case EditKind::SetCell: return "Set a cell of '" + name + "' to " + num(value);
    case EditKind::Fill: return "Set '" + name + "' to " + num(value);
    case EditKind::Scale: return "Scale '" + name + "' by " + num(value);
    case EditKind::Add: return "Add " + num(value) + " to '" + name + "'";
    case EditKind::FromNpy: return "Replace '" + name + "' from '" + path + "'";
    case EditKind::Cast: return "Cast '" + name + "' to " + std::string(dtypeShortName(dtype));
    case EditKind::AddVariable: return "Add variable '" + name + "'";
    case EditKind::Delete: return "Delete '" + name + "'";
    }
    return "Edit";
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
