#pragma once
// The executor's own kernels (graph plumbing, state, checkpoints, functions, control flow, tables,
// Example parsing), listed by builtinKernels() in builtin_kernels.cpp. One group per file:
//   builtin_basic.cpp       Placeholder, PlaceholderWithDefault, Const, Identity, IdentityN, NoOp,
//                           StopGradient, Snapshot, Assert, ControlTrigger, Switch, Merge
//   builtin_variables.cpp   VariableV2/Variable, Assign*, VarHandleOp, ReadVariableOp, AssignVariableOp, ...
//   builtin_checkpoint.cpp  RestoreV2, RestoreSlice, SaveV2, MergeV2Checkpoints, ShardedFilename, ...
//   builtin_strings.cpp     StringJoin, StaticRegexFullMatch
//   builtin_functions.cpp   PartitionedCall, StatefulPartitionedCall, If, StatelessIf, While, StatelessWhile
//   builtin_tables.cpp      HashTableV2, LookupTableImportV2, LookupTableFindV2, LookupTableSizeV2, ...
//   builtin_parse_example.cpp  ParseExample, ParseExampleV2
//   builtin_tensor_array.cpp   TensorArrayV3 family, StackV2/StackPushV2/StackPopV2

#include <vector>

#include "model/exec/kernel.h"

namespace tfscope::exec {

void appendBasicKernels(std::vector<const KernelDef*>& out);
void appendVariableKernels(std::vector<const KernelDef*>& out);
void appendCheckpointKernels(std::vector<const KernelDef*>& out);
void appendStringKernels(std::vector<const KernelDef*>& out);
void appendFunctionKernels(std::vector<const KernelDef*>& out);
void appendTableKernels(std::vector<const KernelDef*>& out);
void appendParseExampleKernels(std::vector<const KernelDef*>& out);
void appendTensorArrayKernels(std::vector<const KernelDef*>& out);

// Runs a node whose op is the name of a library function.
const KernelDef* callByOpNameKernel();

}  // namespace tfscope::exec
