#include "model/exec/op_info.h"

#include <unordered_map>

#include "node_def.pb.h"
#include "op_def.pb.h"

namespace tfscope::exec {
namespace {

// Output args: space-separated `name` (one tensor) or `name:attr` (list sized by an int attr or
// a type-list attr). Empty string: no outputs.
const std::unordered_map<std::string_view, std::string_view>& outputTable() {
    static const std::unordered_map<std::string_view, std::string_view> table = {
        // No outputs.
        {"NoOp", ""}, {"Assert", ""}, {"AssignVariableOp", ""}, {"AssignAddVariableOp", ""},
        {"AssignSubVariableOp", ""}, {"SaveV2", ""}, {"Save", ""}, {"SaveSlices", ""},
        {"MergeV2Checkpoints", ""}, {"LookupTableImportV2", ""}, {"LookupTableInsertV2", ""},
        {"LookupTableRemoveV2", ""}, {"InitializeTableFromTextFileV2", ""}, {"InitializeTableV2", ""},
        {"DisableCopyOnRead", ""}, {"ControlTrigger", ""}, {"PrintV2", ""}, {"DestroyResourceOp", ""},
        {"ResourceApplyGradientDescent", ""}, {"ResourceApplyAdam", ""}, {"ResourceApplyAdagradV2", ""},
        {"ResourceApplyFtrl", ""}, {"ResourceSparseApplyFtrl", ""}, {"ResourceApplyMomentum", ""},
        {"ResourceApplyRMSProp", ""}, {"ResourceApplyAdagrad", ""}, {"ResourceScatterAdd", ""},
        {"ResourceScatterUpdate", ""}, {"WriteFile", ""},
        // Several or list outputs.
        {"Switch", "output_false output_true"}, {"RefSwitch", "output_false output_true"},
        {"Merge", "output value_index"}, {"RefMerge", "output value_index"},
        {"Unique", "y idx"}, {"UniqueV2", "y idx"}, {"UniqueWithCounts", "y idx count"},
        {"Split", "output:num_split"}, {"SplitV", "output:num_split"}, {"Unpack", "output:num"},
        {"ShapeN", "output:N"}, {"IdentityN", "output:T"}, {"RestoreV2", "tensors:dtypes"},
        {"PartitionedCall", "output:Tout"}, {"StatefulPartitionedCall", "output:Tout"},
        {"If", "output:Tout"}, {"StatelessIf", "output:Tout"}, {"Case", "output:Tout"},
        {"StatelessCase", "output:Tout"}, {"While", "output:T"}, {"StatelessWhile", "output:T"},
        {"SymbolicGradient", "output:Tout"},
        {"ParseExample", "sparse_indices:Nsparse sparse_values:sparse_types sparse_shapes:Nsparse dense_values:Tdense"},
        {"ParseExampleV2", "sparse_indices:num_sparse sparse_values:sparse_types sparse_shapes:num_sparse "
                           "dense_values:Tdense ragged_values:ragged_value_types ragged_row_splits:ragged_split_types"},
        {"ParseSingleExample", "sparse_indices:num_sparse sparse_values:sparse_types sparse_shapes:num_sparse dense_values:Tdense"},
        {"FusedBatchNorm", "y batch_mean batch_variance reserve_space_1 reserve_space_2"},
        {"FusedBatchNormV2", "y batch_mean batch_variance reserve_space_1 reserve_space_2"},
        {"FusedBatchNormV3", "y batch_mean batch_variance reserve_space_1 reserve_space_2 reserve_space_3"},
        {"TopKV2", "values indices"}, {"TopK", "values indices"}, {"BroadcastGradientArgs", "r0 r1"},
        {"SparseFillEmptyRows", "output_indices output_values empty_row_indicator reverse_index_map"},
        {"SparseReshape", "output_indices output_shape"},
        {"SparseConcat", "output_indices output_values output_shape"},
        {"SparseSlice", "output_indices output_values output_shape"},
        {"CudnnRNN", "output output_h output_c reserve_space"},
        {"CudnnRNNV3", "output output_h output_c reserve_space host_reserved"},
        {"TensorArrayV3", "handle flow"}, {"TensorArrayGradV3", "grad_handle flow_out"},
        {"TensorArrayConcatV3", "value lengths"}, {"TensorArrayCloseV3", ""}, {"StackCloseV2", ""},
        {"LookupTableExportV2", "keys values"}, {"MaxPoolWithArgmax", "output argmax"},
        {"UnicodeDecodeWithOffsets", "row_splits char_values char_to_byte_starts"},
        {"StringSplit", "indices values shape"}, {"StringSplitV2", "indices values shape"},
        {"StringNGrams", "ngrams ngrams_splits"},
        {"NonMaxSuppressionV4", "selected_indices valid_outputs"},
        {"NonMaxSuppressionV5", "selected_indices selected_scores valid_outputs"},
        {"DenseToDenseSetOperation", "result_indices result_values result_shape"},
        {"DynamicPartition", "outputs:num_partitions"}, {"BoostedTreesBucketize", "buckets:num_features"},
        {"RaggedGather", "output_nested_splits:OUTPUT_RAGGED_RANK output_dense_values"},
        {"RaggedRange", "rt_nested_splits rt_dense_values"}, {"Qr", "q r"}, {"Svd", "s u v"},
        {"SelfAdjointEigV2", "e v"}, {"Lu", "lu p"}, {"QuantizeV2", "output output_min output_max"},
        {"LSTMBlockCell", "i cs f o ci co h"}, {"ConcatOffset", "offset:N"},
        {"SparseSegmentSumGrad", "output"}, {"Unbatch", "unbatched_tensor"},
        {"TensorListPopBack", "output_handle tensor"},
    };
    return table;
}

int attrCount(const tensorflow::NodeDef& node, std::string_view attr) {
    auto it = node.attr().find(std::string(attr));
    if (it == node.attr().end()) return 0;
    const auto& v = it->second;
    if (v.has_list()) return v.list().type_size() > 0 ? v.list().type_size() : v.list().i_size();
    if (v.value_case() == tensorflow::AttrValue::kI) return int(v.i());
    return 0;
}

}  // namespace

bool hasKnownOutputs(std::string_view op) { return outputTable().count(op) != 0; }

std::vector<OutputArg> outputArgs(const tensorflow::NodeDef& node) {
    auto it = outputTable().find(node.op());
    if (it == outputTable().end()) return {OutputArg{"output", 1}};
    std::vector<OutputArg> out;
    std::string_view spec = it->second;
    while (!spec.empty()) {
        size_t sp = spec.find(' ');
        std::string_view item = spec.substr(0, sp);
        spec = sp == std::string_view::npos ? std::string_view() : spec.substr(sp + 1);
        if (item.empty()) continue;
        size_t colon = item.find(':');
        if (colon == std::string_view::npos) {
            out.push_back({std::string(item), 1});
        } else {
            out.push_back({std::string(item.substr(0, colon)), attrCount(node, item.substr(colon + 1))});
        }
    }
    return out;
}

std::vector<OutputArg> outputArgs(const tensorflow::OpDef& signature, const tensorflow::NodeDef& node) {
    std::vector<OutputArg> out;
    for (const auto& arg : signature.output_arg()) {
        int count = 1;
        if (!arg.number_attr().empty()) count = attrCount(node, arg.number_attr());
        else if (!arg.type_list_attr().empty()) count = attrCount(node, arg.type_list_attr());
        out.push_back({arg.name(), count});
    }
    return out;
}

int totalOutputs(const std::vector<OutputArg>& args) {
    int n = 0;
    for (const auto& a : args) n += a.count;
    return n;
}

std::optional<int> flatOutputIndex(const std::vector<OutputArg>& args, bool known, std::string_view argName, int index) {
    if (index < 0) return std::nullopt;
    if (!known) return index;
    int base = 0;
    for (const auto& a : args) {
        if (a.name == argName) {
            if (index >= a.count) return std::nullopt;
            return base + index;
        }
        base += a.count;
    }
    return std::nullopt;
}

bool takesRefInput(std::string_view op, int index) {
    static const std::unordered_map<std::string_view, int> firstN = {
        {"Assign", 1}, {"AssignAdd", 1}, {"AssignSub", 1}, {"ScatterAdd", 1}, {"ScatterSub", 1},
        {"ScatterUpdate", 1}, {"ScatterMul", 1}, {"ScatterDiv", 1}, {"ScatterMin", 1}, {"ScatterMax", 1},
        {"ScatterNdAdd", 1}, {"ScatterNdUpdate", 1}, {"IsVariableInitialized", 1}, {"CountUpTo", 1},
        {"ApplyGradientDescent", 1}, {"ApplyAdam", 3}, {"ApplyAdagrad", 2}, {"ApplyMomentum", 2},
        {"ApplyFtrl", 3}, {"ApplyFtrlV2", 3}, {"ApplyRMSProp", 3}, {"RefSwitch", 1}, {"RefIdentity", 1},
        {"RefEnter", 1}, {"RefExit", 1}, {"RefNextIteration", 1}, {"RefMerge", 1000}, {"RefSelect", 1000},
        {"DestroyTemporaryVariable", 1},
    };
    auto it = firstN.find(op);
    return it != firstN.end() && index < it->second;
}

bool forwardsRef(std::string_view op) {
    return op == "RefSwitch" || op == "RefIdentity" || op == "RefEnter" || op == "RefExit" ||
           op == "RefNextIteration" || op == "RefMerge" || op == "Assign" || op == "AssignAdd" ||
           op == "AssignSub" || op == "ScatterAdd" || op == "ScatterSub" || op == "ScatterUpdate" ||
           op == "ApplyGradientDescent";
}

}  // namespace tfscope::exec
