#pragma once
// Literal values for `tfscope run --input_exprs` and `--input_examples`: nested lists, numbers,
// strings, booleans and dicts in Python/JSON spelling, parsed as data and never evaluated as code.
//
//   TFS_ASSIGN_OR_RETURN(io::Literal v, io::parseLiteral("[[1, 2], [3, 4]]"));
//   TFS_ASSIGN_OR_RETURN(Tensor t, io::literalToTensor(v, DType::Float));   // float32 [2,2]
//
// Grammar: value := list | dict | number | string | true/false/True/False | inf/nan (optionally
// signed); list := '[' values ']' or '(' values ')'; dict := '{' key ':' value, ... '}' with string
// keys; strings in '...' or "..." with backslash escapes.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope::io {

struct LiteralField;

struct Literal {
    enum class Kind { List, Dict, Int, Float, String, Bool };
    Kind kind = Kind::Int;
    int64_t i = 0;
    double f = 0;
    bool b = false;
    std::string s;
    std::vector<Literal> items;                          // List
    std::vector<LiteralField> fields;                    // Dict, in order
};

// One `key: value` of a Dict. (A std::pair<std::string, Literal> member would need Literal complete
// inside its own definition, which clang rejects.)
struct LiteralField {
    std::string key;
    Literal value;
};

Result<Literal> parseLiteral(std::string_view text);

// A rectangular nest of scalars -> tensor. `dtype` Invalid infers numpy's way (bool, int64, float64,
// string). Numbers are cast to `dtype` (as saved_model_cli does); InvalidArgument for ragged nests,
// dicts, or values that do not fit (strings for a numeric dtype).
Result<Tensor> literalToTensor(const Literal& value, DType dtype);

}  // namespace tfscope::io
