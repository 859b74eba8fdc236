#pragma once
// Per-op facts the executor needs that are not in a NodeDef: the output args (names and arity, to
// map FunctionDef references `node:out_arg:idx` to flat indices and to size a node's outputs) and
// which inputs take TF1 references (mutable variable storage) instead of values.
//
//   auto outs = exec::outputArgs(node);          // ["y" x1, "idx" x1] for Unique
//   int flat = exec::flatOutputIndex(node, "idx", 0);   // 1
//
// The table (op_info.cpp) lists ops with zero or several outputs, or list outputs; any other op has a
// single output. Upstream: each op's REGISTER_OP(...).Output(...) in tensorflow/core/ops/*.cc.
// What an op is for display (category, colour, weight inputs, plumbing): model/graph/op_meta.h.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tensorflow { class NodeDef; class OpDef; }

namespace tfscope::exec {

struct OutputArg {
    std::string name;
    int count = 1;  // tensors in this arg (list args: from the number/type-list attr)
};

// True if the op is in the table (its outputs are known exactly).
bool hasKnownOutputs(std::string_view op);
// Output args of a node. Ops not in the table: one arg "output" of 1 tensor.
std::vector<OutputArg> outputArgs(const tensorflow::NodeDef& node);
// Output args from a function signature (for nodes whose op is a library function).
std::vector<OutputArg> outputArgs(const tensorflow::OpDef& signature, const tensorflow::NodeDef& node);
int totalOutputs(const std::vector<OutputArg>& args);
// Flat index of `argName`[index]; nullopt if the arg is unknown or index out of range. For ops not in
// the table any arg name maps to `index`.
std::optional<int> flatOutputIndex(const std::vector<OutputArg>& args, bool known, std::string_view argName, int index);

// True if input `index` of `op` takes a TF1 reference (it is not dereferenced before the kernel runs).
bool takesRefInput(std::string_view op, int index);
// True for ops whose outputs are references when their input is (RefSwitch, RefIdentity, ...).
bool forwardsRef(std::string_view op);

}  // namespace tfscope::exec
