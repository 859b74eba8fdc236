#include "model/graph/plumbing.h"

#include <array>

#include "model/graph/op_meta.h"

namespace tfscope {

namespace {

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool endsWith(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.substr(s.size() - p.size()) == p; }

}  // namespace

Plumbing plumbingForOp(std::string_view op) {
    // The op metadata table first; the rules below add what a model view also puts aside
    // (initial assignments, losses, queues).
    if (const OpMeta m = opMeta(op); m.plumbing) {
        switch (m.category) {
        case OpCategory::SaveRestore: return Plumbing::SaveRestore;
        case OpCategory::Initialization: return Plumbing::Initialization;
        case OpCategory::Training: return Plumbing::Training;
        case OpCategory::Summary: return Plumbing::Summaries;
        case OpCategory::InputPipeline: return Plumbing::InputPipeline;
        default: break;  // NoOp: decided by what it groups
        }
    }
    static constexpr std::array<std::string_view, 12> kSave = {
        "SaveV2", "RestoreV2", "MergeV2Checkpoints", "Save", "SaveSlices", "Restore", "RestoreSlice",
        "ShardedFilename", "ShardedFilespec", "RestoreV2", "SaveV3", "RestoreV3"};
    for (std::string_view s : kSave)
        if (op == s) return Plumbing::SaveRestore;
    if (op == "Assign" || op == "AssignVariableOp" || op == "IsVariableInitialized" || op == "VarIsInitializedOp" ||
        op == "NoOp" || startsWith(op, "InitializeTable") || startsWith(op, "LookupTableImport") ||
        op == "DestroyResourceOp")
        return Plumbing::Initialization;
    if (startsWith(op, "Apply") || startsWith(op, "ResourceApply") || startsWith(op, "SparseApply") ||
        startsWith(op, "ResourceSparseApply") || op == "AssignAdd" || op == "AssignSub" || op == "AssignAddVariableOp" ||
        op == "AssignSubVariableOp" || op == "BroadcastGradientArgs" || startsWith(op, "Conv2DBackprop") ||
        startsWith(op, "Conv3DBackprop") || (endsWith(op, "Grad") && op != "StopGradient") ||
        endsWith(op, "GradV2") || op == "SoftmaxCrossEntropyWithLogits" || op == "L2Loss" ||
        op == "SparseSoftmaxCrossEntropyWithLogits")
        return Plumbing::Training;
    if (endsWith(op, "Summary") || endsWith(op, "SummaryV2") || op == "SummaryWriter" ||
        op == "CreateSummaryFileWriter" || op == "FlushSummaryWriter" || op == "CloseSummaryWriter")
        return Plumbing::Summaries;
    if (endsWith(op, "Dataset") || endsWith(op, "DatasetV2") || endsWith(op, "DatasetV3") || startsWith(op, "Iterator") ||
        op == "MakeIterator" || op == "OneShotIterator" || startsWith(op, "AnonymousIterator") ||
        startsWith(op, "DeleteIterator") || startsWith(op, "QueueDequeue") || startsWith(op, "QueueEnqueue") ||
        endsWith(op, "QueueV2") || op == "FIFOQueue" || op == "RandomShuffleQueue" || startsWith(op, "ReaderRead") ||
        endsWith(op, "ReaderV2") || op == "MatchingFiles")
        return Plumbing::InputPipeline;
    return Plumbing::None;
}

std::string_view plumbingLabel(Plumbing p) {
    switch (p) {
    case Plumbing::None: return "";
    case Plumbing::Initialization: return "Initialization";
    case Plumbing::SaveRestore: return "Save & Restore";
    case Plumbing::Training: return "Training";
    case Plumbing::Summaries: return "Summaries";
    case Plumbing::InputPipeline: return "Input pipeline";
    }
    return "";
}

bool isWeightSourceOp(std::string_view op) {
    return op == "Const" || op == "HostConst" || op == "VarHandleOp" || op == "VariableV2" || op == "Variable" ||
           op == "VarHandleOpV2";
}

}  // namespace tfscope
