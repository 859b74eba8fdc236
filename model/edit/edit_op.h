#pragma once
// EditOp: one recorded change to an EditSet (select, rename, value edit, add, delete) and the JSON
// edit script that holds a list of them (format: docs/edit-script.md).
//
//   TFS_ASSIGN_OR_RETURN(std::vector<EditOp> ops, parseEditScript(text, "/work/edits"));
//   std::string json = editScriptToJson(ops);
//   if (const auto* r = ops[0].get<edits::Rename>()) use(r->from, r->to);
//
// Each kind of edit is its own struct (namespace edits) and an EditOp holds one of them in a
// std::variant; EditKind names the alternatives in the same order. The JSON schema of every kind
// is written once (edit_op.cpp, `schema()`), and both the reader and the writer walk it.
// Variables are named by their current name (after earlier renames in the same list), or any
// other name EditSet::resolve() accepts.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope {

// Which variables a select/deselect edit touches.
struct Selector {
    enum class Kind { All, Name, Scope, Regex, Trainable, NonTrainable, OptimizerSlots, VariableScope };
    Kind kind = Kind::All;
    // Name: a variable's name; Scope: prefix of the current name ("dnn/" or "dnn"); Regex:
    // ECMAScript, searched in the name; VariableScope: scope of the source variable's tree path
    // (EditItem::treePath, unchanged by renames), what a scope's checkbox in the GUI selects.
    std::string pattern;
};

namespace edits {

struct Select { Selector selector; };
struct Deselect { Selector selector; };
struct Rename { std::string from, to; };                        // one variable
struct RenameRegex { std::string pattern, replacement; };       // first match replaced, $1 groups
struct RenameScope { std::string from, to; };                   // "dnn/" -> "model/dnn/"
struct SetCell { std::string name; std::vector<int64_t> index; double value = 0; };
struct Fill { std::string name; double value = 0; };
struct Scale { std::string name; double factor = 1; };
struct Add { std::string name; double value = 0; };
struct FromNpy { std::string name, path; };                     // path: absolute, or relative to the script
struct Cast { std::string name; DType dtype = DType::Invalid; };
struct AddVariable {
    enum class Init { Zeros, Ones, Constant, Npy };
    std::string name;
    DType dtype = DType::Invalid;  // unless Npy
    Shape shape;                   // unless Npy
    Init init = Init::Zeros;
    double value = 0;              // Constant
    std::string path;              // Npy
};
struct Delete { std::string name; };

}  // namespace edits

// The alternatives of EditOp::Variant, in order.
enum class EditKind {
    Select, Deselect, Rename, RenameRegex, RenameScope, SetCell, Fill, Scale, Add, FromNpy, Cast, AddVariable, Delete,
};

class EditOp {
public:
    using Variant = std::variant<edits::Select, edits::Deselect, edits::Rename, edits::RenameRegex, edits::RenameScope,
                                 edits::SetCell, edits::Fill, edits::Scale, edits::Add, edits::FromNpy, edits::Cast,
                                 edits::AddVariable, edits::Delete>;
    using Init = edits::AddVariable::Init;

    EditOp() = default;  // select all
    template <typename T, typename = std::enable_if_t<std::is_constructible_v<Variant, T&&>>>
    EditOp(T&& op) : m_op(std::forward<T>(op)) {}  // NOLINT: implicit from any kind

    const Variant& op() const { return m_op; }
    EditKind kind() const { return EditKind(m_op.index()); }
    template <typename T> const T* get() const { return std::get_if<T>(&m_op); }

    // Short human description: "Rename 'a' to 'b'", "Scale 'w' by 0.5" (undo-stack text).
    std::string describe() const;

    static EditOp select(Selector s) { return edits::Select{std::move(s)}; }
    static EditOp deselect(Selector s) { return edits::Deselect{std::move(s)}; }
    static EditOp rename(std::string from, std::string to) { return edits::Rename{std::move(from), std::move(to)}; }
    static EditOp renameRegex(std::string pattern, std::string replacement) {
        return edits::RenameRegex{std::move(pattern), std::move(replacement)};
    }
    static EditOp renameScope(std::string from, std::string to) { return edits::RenameScope{std::move(from), std::move(to)}; }
    static EditOp setCell(std::string name, std::vector<int64_t> index, double v) {
        return edits::SetCell{std::move(name), std::move(index), v};
    }
    static EditOp fill(std::string name, double v) { return edits::Fill{std::move(name), v}; }
    static EditOp scale(std::string name, double f) { return edits::Scale{std::move(name), f}; }
    static EditOp add(std::string name, double v) { return edits::Add{std::move(name), v}; }
    static EditOp fromNpy(std::string name, std::string path) { return edits::FromNpy{std::move(name), std::move(path)}; }
    static EditOp cast(std::string name, DType d) { return edits::Cast{std::move(name), d}; }
    static EditOp addVariable(std::string name, DType d, Shape shape, Init init, double v = 0, std::string path = {}) {
        return edits::AddVariable{std::move(name), d, std::move(shape), init, v, std::move(path)};
    }
    static EditOp remove(std::string name) { return edits::Delete{std::move(name)}; }

private:
    Variant m_op;
};

// Parses an edit script. Relative .npy paths are resolved against `baseDir` (may be empty).
// Errors: InvalidArgument "Edit 3: unknown op 'frobnicate'."
Result<std::vector<EditOp>> parseEditScript(std::string_view json, const std::string& baseDir);
std::string editScriptToJson(const std::vector<EditOp>& ops);

}  // namespace tfscope
