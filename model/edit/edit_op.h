#pragma once
// EditOp: one recorded change to an EditSet (select, rename, value edit, add, delete) and the JSON
// edit script that holds a list of them (format: docs/edit-script.md).
//
//   TFS_ASSIGN_OR_RETURN(std::vector<EditOp> ops, parseEditScript(text, "/work/edits"));
//   std::string json = editScriptToJson(ops);
//
// Variables are named by their current name (after earlier renames in the same list).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope {

// Which variables a select/deselect edit touches.
struct Selector {
    enum class Kind { All, Name, Scope, Regex, Trainable, NonTrainable, OptimizerSlots, VariableScope };
    Kind kind = Kind::All;
    // Name: exact name; Scope: prefix of the current name ("dnn/" or "dnn"); Regex: ECMAScript,
    // searched in the name; VariableScope: scope of the source variable's tree path
    // (EditItem::treePath, unchanged by renames), what a scope's checkbox in the GUI selects.
    std::string pattern;
};

enum class EditKind {
    Select, Deselect,                   // selector
    Rename,                             // name -> to
    RenameRegex,                        // pattern -> to (replacement with $1..)
    RenameScope,                        // pattern (scope) -> to (scope)
    SetCell,                            // name, index, value
    Fill, Scale, Add,                   // name, value (Scale: factor)
    FromNpy,                            // name, path
    Cast,                               // name, dtype
    AddVariable,                        // name, dtype, shape, init (+ value / path)
    Delete,                             // name
};

struct EditOp {
    enum class Init { Zeros, Ones, Constant, Npy };

    EditKind kind = EditKind::Select;
    Selector selector;
    std::string name;
    std::string to;
    std::string pattern;
    std::vector<int64_t> index;
    double value = 0;
    std::string path;          // .npy file (absolute, or relative to the script's folder)
    DType dtype = DType::Invalid;
    Shape shape;
    Init init = Init::Zeros;

    // Short human description: "Rename 'a' to 'b'", "Scale 'w' by 0.5" (undo-stack text).
    std::string describe() const;

    static EditOp select(Selector s) { EditOp o; o.kind = EditKind::Select; o.selector = std::move(s); return o; }
    static EditOp deselect(Selector s) { EditOp o; o.kind = EditKind::Deselect; o.selector = std::move(s); return o; }
    static EditOp rename(std::string from, std::string to) { EditOp o; o.kind = EditKind::Rename; o.name = std::move(from); o.to = std::move(to); return o; }
    static EditOp renameRegex(std::string pattern, std::string replacement) { EditOp o; o.kind = EditKind::RenameRegex; o.pattern = std::move(pattern); o.to = std::move(replacement); return o; }
    static EditOp renameScope(std::string from, std::string to) { EditOp o; o.kind = EditKind::RenameScope; o.pattern = std::move(from); o.to = std::move(to); return o; }
    static EditOp setCell(std::string name, std::vector<int64_t> index, double v) { EditOp o; o.kind = EditKind::SetCell; o.name = std::move(name); o.index = std::move(index); o.value = v; return o; }
    static EditOp fill(std::string name, double v) { EditOp o; o.kind = EditKind::Fill; o.name = std::move(name); o.value = v; return o; }
    static EditOp scale(std::string name, double f) { EditOp o; o.kind = EditKind::Scale; o.name = std::move(name); o.value = f; return o; }
    static EditOp add(std::string name, double v) { EditOp o; o.kind = EditKind::Add; o.name = std::move(name); o.value = v; return o; }
    static EditOp fromNpy(std::string name, std::string path) { EditOp o; o.kind = EditKind::FromNpy; o.name = std::move(name); o.path = std::move(path); return o; }
    static EditOp cast(std::string name, DType d) { EditOp o; o.kind = EditKind::Cast; o.name = std::move(name); o.dtype = d; return o; }
    static EditOp addVariable(std::string name, DType d, Shape shape, Init init, double v = 0, std::string path = {}) {
        EditOp o; o.kind = EditKind::AddVariable; o.name = std::move(name); o.dtype = d; o.shape = std::move(shape);
        o.init = init; o.value = v; o.path = std::move(path); return o;
    }
    static EditOp remove(std::string name) { EditOp o; o.kind = EditKind::Delete; o.name = std::move(name); return o; }
};

// Parses an edit script. Relative .npy paths are resolved against `baseDir` (may be empty).
// Errors: InvalidArgument "Edit 3: unknown op 'frobnicate'."
Result<std::vector<EditOp>> parseEditScript(std::string_view json, const std::string& baseDir);
std::string editScriptToJson(const std::vector<EditOp>& ops);

}  // namespace tfscope
