#include "model/graph/op_meta.h"

#include <array>
#include <unordered_map>

namespace tfscope {

namespace {

using C = OpCategory;

struct CategoryInfo {
    C category;
    std::string_view id;
    std::string_view label;
    Rgb color;
    bool plumbing;
};

// One row per category, in enum order. The colours of the computation categories are the canvas's
// long-standing ones; Math, Reduction, Shape, Identity, ControlFlow (Switch, Merge, NoOp) and Other
// share its neutral blue-grey.
constexpr std::array<CategoryInfo, kOpCategoryCount> kCategories = {{
    {C::Other, "other", "Other", {0xdf, 0xe9, 0xf2}, false},
    {C::Input, "input", "Input", {0xc8, 0xe6, 0xc9}, false},
    {C::Constant, "constant", "Constant", {0xe8, 0xe8, 0xe8}, false},
    {C::Variable, "variable", "Variable", {0xf6, 0xd8, 0xa8}, false},
    {C::Identity, "identity", "Identity", {0xdf, 0xe9, 0xf2}, false},
    {C::Convolution, "conv", "Convolution", {0xbb, 0xd6, 0xf5}, false},
    {C::MatMul, "matmul", "MatMul / dense", {0xbb, 0xd6, 0xf5}, false},
    {C::Activation, "activation", "Activation", {0xf8, 0xc4, 0xc4}, false},
    {C::Normalization, "normalization", "Normalization", {0xd6, 0xc8, 0xf0}, false},
    {C::Pooling, "pooling", "Pooling", {0xbb, 0xd6, 0xf5}, false},
    {C::Math, "math", "Elementwise math", {0xdf, 0xe9, 0xf2}, false},
    {C::Reduction, "reduction", "Reduction", {0xdf, 0xe9, 0xf2}, false},
    {C::Shape, "shape", "Shape / reshape", {0xdf, 0xe9, 0xf2}, false},
    {C::ControlFlow, "control_flow", "Control flow", {0xdf, 0xe9, 0xf2}, false},
    {C::Call, "call", "Function call", {0xff, 0xe0, 0x82}, false},
    {C::SaveRestore, "save_restore", "Save / restore", {0xd0, 0xd0, 0xd0}, true},
    {C::Initialization, "initialization", "Initialization", {0xf3, 0xe5, 0xcf}, true},
    {C::Training, "training", "Training / optimizer", {0xf5, 0xd5, 0xe0}, true},
    {C::Summary, "summary", "Summary", {0xe0, 0xd6, 0xcc}, true},
    {C::InputPipeline, "input_pipeline", "Input pipeline", {0xcf, 0xe3, 0xdc}, true},
    {C::String, "string", "String", {0xf0, 0xe4, 0xf7}, false},
    {C::Lookup, "lookup", "Lookup table", {0xe6, 0xec, 0xd2}, false},
    {C::Collection, "collection", "TensorArray / list / stack", {0xe9, 0xe1, 0xcc}, false},
    {C::Random, "random", "Random", {0xe6, 0xe2, 0xf2}, false},
    {C::Debug, "debug", "Assert / print", {0xf0, 0xe0, 0xe0}, true},
}};

constexpr bool categoriesInEnumOrder() {
    for (size_t i = 0; i < kCategories.size(); ++i)
        if (size_t(kCategories[i].category) != i) return false;
    return true;
}
static_assert(categoriesInEnumOrder(), "kCategories must list the categories in enum order");

constexpr uint32_t in(int i) { return 1u << i; }
constexpr uint32_t inputs(int first, int last) {
    uint32_t m = 0;
    for (int i = first; i <= last; ++i) m |= in(i);
    return m;
}

// plumbing: -1 = as the category, 0 / 1 = this op's own answer.
struct Row {
    std::string_view op;
    C category;
    uint32_t weights = 0;
    int plumbing = -1;
};

constexpr int kYes = 1;

// The table. Weights: the inputs that hold a layer's parameters when fed from a variable or a
// constant (the filter of a convolution, the kernel of a dense MatMul, a bias, batch-norm scale,
// offset, mean and variance, an embedding table); Upstream argument order: the ops' REGISTER_OP.
// clang-format off
const Row kRows[] = {
    // Inputs.
    {"Placeholder", C::Input}, {"PlaceholderV2", C::Input}, {"PlaceholderWithDefault", C::Input}, {"_Arg", C::Input},
    {"_Retval", C::Input}, {"ParseExample", C::Input}, {"ParseExampleV2", C::Input}, {"ParseSingleExample", C::Input},
    {"ParseSequenceExample", C::Input}, {"DecodeRaw", C::Input}, {"DecodeCSV", C::Input},
    // Constants.
    {"Const", C::Constant}, {"HostConst", C::Constant},
    // Variables: storage and reads; writes are plumbing (initializers, updates).
    {"VariableV2", C::Variable}, {"Variable", C::Variable}, {"VarHandleOp", C::Variable}, {"ReadVariableOp", C::Variable},
    {"AutoReloadVariable", C::Variable}, {"TemporaryVariable", C::Variable},
    {"Assign", C::Variable, 0, kYes}, {"AssignAdd", C::Variable, 0, kYes}, {"AssignSub", C::Variable, 0, kYes},
    {"AssignVariableOp", C::Variable, 0, kYes}, {"AssignAddVariableOp", C::Variable, 0, kYes},
    {"AssignSubVariableOp", C::Variable, 0, kYes}, {"ScatterAdd", C::Variable, 0, kYes}, {"ScatterSub", C::Variable, 0, kYes},
    {"ScatterMul", C::Variable, 0, kYes}, {"ScatterDiv", C::Variable, 0, kYes}, {"ScatterMin", C::Variable, 0, kYes},
    {"ScatterMax", C::Variable, 0, kYes}, {"ScatterUpdate", C::Variable, 0, kYes}, {"ScatterNdAdd", C::Variable, 0, kYes},
    {"ScatterNdUpdate", C::Variable, 0, kYes}, {"ResourceScatterAdd", C::Variable, 0, kYes},
    {"ResourceScatterUpdate", C::Variable, 0, kYes}, {"CountUpTo", C::Variable, 0, kYes},
    {"DestroyTemporaryVariable", C::Variable, 0, kYes}, {"DisableCopyOnRead", C::Variable, 0, kYes},
    {"DestroyResourceOp", C::Variable, 0, kYes},
    // Values passed through.
    {"Identity", C::Identity}, {"IdentityN", C::Identity}, {"RefIdentity", C::Identity}, {"StopGradient", C::Identity},
    {"PreventGradient", C::Identity}, {"Snapshot", C::Identity}, {"EnsureShape", C::Identity},
    {"EnsureShapeIdentity", C::Identity},
    // Convolution.
    {"Conv2D", C::Convolution, in(1)}, {"Conv3D", C::Convolution, in(1)}, {"DepthwiseConv2dNative", C::Convolution, in(1)},
    {"Conv2DBackpropInput", C::Convolution, in(1)},  // also a transposed convolution's forward pass
    {"_FusedConv2D", C::Convolution, in(1) | in(2)},
    {"_TfsFoldFilter", C::Convolution, in(0)}, {"_TfsFoldBias", C::Convolution, in(0)},  // model/exec/optimize
    // MatMul / dense.
    {"MatMul", C::MatMul, in(1)}, {"_FusedMatMul", C::MatMul, in(1) | in(2)}, {"BatchMatMul", C::MatMul},
    {"BatchMatMulV2", C::MatMul}, {"BatchMatMulV3", C::MatMul}, {"Einsum", C::MatMul}, {"SparseMatMul", C::MatMul, in(1)},
    {"SparseTensorDenseMatMul", C::MatMul, in(3)}, {"BiasAdd", C::MatMul, in(1)}, {"BiasAddV1", C::MatMul, in(1)},
    // Activations.
    {"Relu", C::Activation}, {"Relu6", C::Activation}, {"Elu", C::Activation}, {"Selu", C::Activation},
    {"Softplus", C::Activation}, {"Softsign", C::Activation}, {"LeakyRelu", C::Activation}, {"Sigmoid", C::Activation},
    {"_TfsLstmCell", C::Activation},  // an LSTM cell's gates, fused at load (model/exec/fusion_lstm.cpp)
    {"Tanh", C::Activation}, {"Softmax", C::Activation}, {"LogSoftmax", C::Activation},
    // Normalization.
    {"FusedBatchNorm", C::Normalization, inputs(1, 4)}, {"FusedBatchNormV2", C::Normalization, inputs(1, 4)},
    {"FusedBatchNormV3", C::Normalization, inputs(1, 4)},
    {"BatchNormWithGlobalNormalization", C::Normalization, inputs(1, 4)}, {"LRN", C::Normalization},
    // Pooling.
    {"MaxPool", C::Pooling}, {"MaxPoolV2", C::Pooling}, {"AvgPool", C::Pooling}, {"MaxPool3D", C::Pooling},
    {"_TfsZeroPaddedMaxPool", C::Pooling},  // a zero Pad folded into the MaxPool after it, at load (model/exec/optimize)
    {"AvgPool3D", C::Pooling}, {"MaxPoolWithArgmax", C::Pooling},
    // Elementwise math, comparison, logic, casts.
    {"Add", C::Math}, {"AddV2", C::Math}, {"AddN", C::Math}, {"Sub", C::Math}, {"Mul", C::Math}, {"Div", C::Math},
    {"RealDiv", C::Math}, {"DivNoNan", C::Math}, {"FloorDiv", C::Math}, {"FloorMod", C::Math}, {"TruncateDiv", C::Math},
    {"TruncateMod", C::Math}, {"Pow", C::Math}, {"Maximum", C::Math}, {"Minimum", C::Math},
    {"SquaredDifference", C::Math}, {"Neg", C::Math}, {"Abs", C::Math}, {"Square", C::Math}, {"Sqrt", C::Math},
    {"Rsqrt", C::Math}, {"Exp", C::Math}, {"Expm1", C::Math}, {"Log", C::Math}, {"Log1p", C::Math},
    {"Reciprocal", C::Math}, {"Inv", C::Math}, {"Sign", C::Math}, {"Floor", C::Math}, {"Ceil", C::Math},
    {"Round", C::Math}, {"Rint", C::Math}, {"Sin", C::Math}, {"Cos", C::Math}, {"Tan", C::Math}, {"Asin", C::Math},
    {"Acos", C::Math}, {"Atan", C::Math}, {"Atan2", C::Math}, {"Sinh", C::Math}, {"Cosh", C::Math}, {"Erf", C::Math},
    {"Erfc", C::Math}, {"IsNan", C::Math}, {"IsInf", C::Math}, {"IsFinite", C::Math}, {"Equal", C::Math},
    {"_FusedElementwise", C::Math},  // model/exec/optimize/fuse_elementwise.h
    {"NotEqual", C::Math}, {"Less", C::Math}, {"LessEqual", C::Math}, {"Greater", C::Math}, {"GreaterEqual", C::Math},
    {"LogicalAnd", C::Math}, {"LogicalOr", C::Math}, {"LogicalNot", C::Math}, {"Select", C::Math},
    {"SelectV2", C::Math}, {"RefSelect", C::Math}, {"Cast", C::Math}, {"Cumsum", C::Math}, {"Cumprod", C::Math},
    {"ClipByValue", C::Math}, {"LeftShift", C::Math}, {"RightShift", C::Math}, {"BitwiseAnd", C::Math},
    {"BitwiseOr", C::Math}, {"BitwiseXor", C::Math}, {"L2Loss", C::Math}, {"SoftmaxCrossEntropyWithLogits", C::Math},
    {"SparseSoftmaxCrossEntropyWithLogits", C::Math}, {"UnsortedSegmentSum", C::Math},
    {"UnsortedSegmentProd", C::Math}, {"UnsortedSegmentMax", C::Math}, {"UnsortedSegmentMin", C::Math},
    {"SparseSegmentSum", C::Math}, {"SparseSegmentMean", C::Math}, {"SparseSegmentSqrtN", C::Math},
    // Reductions.
    {"Sum", C::Reduction}, {"Mean", C::Reduction}, {"Prod", C::Reduction}, {"Max", C::Reduction}, {"Min", C::Reduction},
    {"All", C::Reduction}, {"Any", C::Reduction}, {"EuclideanNorm", C::Reduction}, {"ArgMax", C::Reduction},
    {"ArgMin", C::Reduction}, {"TopKV2", C::Reduction}, {"TopK", C::Reduction},
    // Shape, layout, indexing.
    {"Reshape", C::Shape}, {"Squeeze", C::Shape}, {"ExpandDims", C::Shape}, {"Shape", C::Shape}, {"ShapeN", C::Shape},
    {"_TfsTransposedShape", C::Shape},  // the shape of a Transpose, rewritten at load (model/exec/optimize)
    {"Size", C::Shape}, {"Rank", C::Shape}, {"Transpose", C::Shape}, {"ConjugateTranspose", C::Shape},
    {"ConcatV2", C::Shape}, {"Concat", C::Shape}, {"Pack", C::Shape}, {"Unpack", C::Shape}, {"Split", C::Shape},
    {"SplitV", C::Shape}, {"Slice", C::Shape}, {"StridedSlice", C::Shape}, {"GatherV2", C::Shape, in(0)},
    {"Gather", C::Shape, in(0)}, {"ResourceGather", C::Shape, in(0)}, {"GatherNd", C::Shape}, {"Fill", C::Shape},
    {"ZerosLike", C::Shape}, {"OnesLike", C::Shape}, {"Range", C::Shape}, {"Tile", C::Shape}, {"BroadcastTo", C::Shape},
    {"BroadcastArgs", C::Shape}, {"Pad", C::Shape}, {"PadV2", C::Shape}, {"MirrorPad", C::Shape}, {"Where", C::Shape},
    {"OneHot", C::Shape}, {"ReverseV2", C::Shape}, {"ReverseSequence", C::Shape}, {"InvertPermutation", C::Shape},
    {"DynamicStitch", C::Shape}, {"ParallelDynamicStitch", C::Shape}, {"DynamicPartition", C::Shape},
    {"ScatterNd", C::Shape}, {"SparseToDense", C::Shape}, {"SparseReshape", C::Shape}, {"SparseFillEmptyRows", C::Shape},
    {"UpperBound", C::Shape}, {"LowerBound", C::Shape}, {"Unique", C::Shape}, {"UniqueV2", C::Shape},
    {"DenseToDenseSetOperation", C::Shape},
    // Control flow.
    {"Switch", C::ControlFlow}, {"RefSwitch", C::ControlFlow}, {"Merge", C::ControlFlow}, {"RefMerge", C::ControlFlow},
    {"Enter", C::ControlFlow}, {"RefEnter", C::ControlFlow}, {"Exit", C::ControlFlow}, {"RefExit", C::ControlFlow},
    {"NextIteration", C::ControlFlow}, {"RefNextIteration", C::ControlFlow}, {"LoopCond", C::ControlFlow},
    {"NoOp", C::ControlFlow, 0, kYes}, {"ControlTrigger", C::ControlFlow, 0, kYes},
    // Function calls, and the functional control flow that calls its branches and bodies.
    {"If", C::Call}, {"StatelessIf", C::Call}, {"While", C::Call}, {"StatelessWhile", C::Call}, {"Case", C::Call},
    {"StatelessCase", C::Call}, {"PartitionedCall", C::Call}, {"StatefulPartitionedCall", C::Call}, {"_CallFunctionByOpName", C::Call},
    {"RemoteCall", C::Call},
    // Save / restore.
    {"SaveV2", C::SaveRestore}, {"Save", C::SaveRestore}, {"SaveSlices", C::SaveRestore}, {"RestoreV2", C::SaveRestore},
    {"Restore", C::SaveRestore}, {"RestoreSlice", C::SaveRestore}, {"MergeV2Checkpoints", C::SaveRestore},
    {"ShardedFilename", C::SaveRestore}, {"ShardedFilespec", C::SaveRestore}, {"WriteFile", C::SaveRestore},
    // Initialization.
    {"VarIsInitializedOp", C::Initialization}, {"IsVariableInitialized", C::Initialization},
    {"InitializeTableV2", C::Initialization}, {"InitializeTableFromTextFileV2", C::Initialization},
    {"InitializeTable", C::Initialization}, {"InitializeTableFromTextFile", C::Initialization},
    // Training: optimizer updates and gradient helpers (more by the name rules).
    {"ApplyGradientDescent", C::Training}, {"ApplyAdam", C::Training}, {"ApplyAdagrad", C::Training},
    {"ApplyMomentum", C::Training}, {"ApplyFtrl", C::Training}, {"ApplyFtrlV2", C::Training},
    {"ApplyRMSProp", C::Training}, {"ResourceApplyGradientDescent", C::Training}, {"ResourceApplyAdam", C::Training},
    {"ResourceApplyAdagrad", C::Training}, {"ResourceApplyAdagradV2", C::Training}, {"ResourceApplyFtrl", C::Training},
    {"ResourceSparseApplyFtrl", C::Training}, {"ResourceApplyMomentum", C::Training},
    {"ResourceApplyRMSProp", C::Training}, {"BroadcastGradientArgs", C::Training}, {"ConcatOffset", C::Training},
    {"SymbolicGradient", C::Training},
    // Summaries.
    {"ScalarSummary", C::Summary}, {"HistogramSummary", C::Summary}, {"ImageSummary", C::Summary},
    {"AudioSummary", C::Summary}, {"MergeSummary", C::Summary}, {"TensorSummary", C::Summary},
    {"TensorSummaryV2", C::Summary},
    // Input pipelines.
    {"IteratorV2", C::InputPipeline}, {"Iterator", C::InputPipeline}, {"MakeIterator", C::InputPipeline},
    {"IteratorGetNext", C::InputPipeline}, {"OneShotIterator", C::InputPipeline},
    {"IteratorToStringHandle", C::InputPipeline}, {"MatchingFiles", C::InputPipeline},
    // Strings.
    {"AsString", C::String}, {"ReduceJoin", C::String}, {"StringJoin", C::String}, {"StringLength", C::String},
    {"RegexReplace", C::String}, {"StaticRegexReplace", C::String}, {"RegexFullMatch", C::String},
    {"StaticRegexFullMatch", C::String}, {"StringToHashBucketFast", C::String}, {"StringToHashBucket", C::String},
    {"StringToHashBucketStrong", C::String}, {"StringSplit", C::String}, {"StringSplitV2", C::String},
    {"Substr", C::String}, {"StringToNumber", C::String},
    {"StringUpper", C::String}, {"StringLower", C::String}, {"StringNGrams", C::String},
    {"Bincount", C::Math}, {"DenseBincount", C::Math}, {"BoostedTreesBucketize", C::Math}, {"Dequantize", C::Math},
    // Lookup tables.
    {"HashTableV2", C::Lookup}, {"HashTable", C::Lookup}, {"MutableHashTableV2", C::Lookup},
    {"LookupTableFindV2", C::Lookup}, {"LookupTableImportV2", C::Lookup}, {"LookupTableSizeV2", C::Lookup},
    {"LookupTableInsertV2", C::Lookup}, {"LookupTableExportV2", C::Lookup}, {"LookupTableRemoveV2", C::Lookup},
    // TensorArray, TensorList, Stack.
    {"TensorArrayV3", C::Collection}, {"TensorArrayReadV3", C::Collection}, {"TensorArrayWriteV3", C::Collection},
    {"TensorArrayGatherV3", C::Collection}, {"TensorArrayScatterV3", C::Collection},
    {"TensorArraySplitV3", C::Collection}, {"TensorArrayConcatV3", C::Collection}, {"TensorArraySizeV3", C::Collection},
    {"TensorArrayCloseV3", C::Collection}, {"EmptyTensorList", C::Collection}, {"TensorListReserve", C::Collection},
    {"TensorListFromTensor", C::Collection}, {"TensorListGetItem", C::Collection}, {"TensorListSetItem", C::Collection},
    {"TensorListStack", C::Collection}, {"TensorListGather", C::Collection}, {"TensorListLength", C::Collection},
    {"TensorListElementShape", C::Collection}, {"TensorListPushBack", C::Collection},
    {"TensorListPopBack", C::Collection}, {"TensorListResize", C::Collection},
    {"TensorListScatterIntoExistingList", C::Collection}, {"StackV2", C::Collection}, {"StackPushV2", C::Collection},
    {"StackPopV2", C::Collection}, {"StackCloseV2", C::Collection},
    // Random.
    {"RandomUniform", C::Random}, {"RandomUniformInt", C::Random}, {"RandomStandardNormal", C::Random},
    {"TruncatedNormal", C::Random}, {"RandomShuffle", C::Random}, {"Multinomial", C::Random},
    // Assert, print.
    {"Assert", C::Debug}, {"Print", C::Debug}, {"PrintV2", C::Debug}, {"CheckNumerics", C::Debug},
    {"CheckNumericsV2", C::Debug},
};
// clang-format on

const CategoryInfo& info(C c) { return kCategories[size_t(c)]; }

OpMeta metaOf(C category, uint32_t weights, int plumbing, bool listed) {
    OpMeta m;
    m.category = category;
    m.color = info(category).color;
    m.weightInputs = weights;
    m.plumbing = plumbing < 0 ? info(category).plumbing : plumbing != 0;
    m.listed = listed;
    return m;
}

const std::unordered_map<std::string_view, const Row*>& table() {
    static const std::unordered_map<std::string_view, const Row*> t = [] {
        std::unordered_map<std::string_view, const Row*> m;
        for (const Row& r : kRows) m.emplace(r.op, &r);
        return m;
    }();
    return t;
}

const Row* find(std::string_view op) {
    auto it = table().find(op);
    return it == table().end() ? nullptr : it->second;
}

bool has(std::string_view op, std::string_view part) { return op.find(part) != std::string_view::npos; }

// The name rules of op_meta.h, for ops the table does not name.
C categoryByName(std::string_view op) {
    if (op.starts_with("Apply") || op.starts_with("ResourceApply") || op.starts_with("SparseApply") ||
        op.starts_with("ResourceSparseApply") || has(op, "Grad") || has(op, "Backprop"))
        return C::Training;
    if (has(op, "Summary")) return C::Summary;
    if (has(op, "Dataset") || op.starts_with("Iterator") || op.starts_with("AnonymousIterator") ||
        op.starts_with("MultiDeviceIterator") || op.starts_with("Optional"))
        return C::InputPipeline;
    if (op.starts_with("Save") || op.starts_with("Restore")) return C::SaveRestore;
    if (op.starts_with("TensorArray") || op.starts_with("TensorList") || op.starts_with("Stack")) return C::Collection;
    if (has(op, "Random") || has(op, "TruncatedNormal")) return C::Random;
    if (op.starts_with("LookupTable") || has(op, "HashTable")) return C::Lookup;
    if (op.starts_with("String") || op.starts_with("Regex") || op.starts_with("StaticRegex") || op.starts_with("Unicode"))
        return C::String;
    if (op.starts_with("Conv") || op.starts_with("DepthwiseConv")) return C::Convolution;
    if (has(op, "Pool")) return C::Pooling;
    if (has(op, "BatchNorm")) return C::Normalization;
    return C::Other;
}

}  // namespace

OpMeta opMeta(std::string_view op) {
    if (const Row* r = find(op)) return metaOf(r->category, r->weights, r->plumbing, true);
    for (std::string_view prefix : {std::string_view("Ref"), std::string_view("Quantized")})
        if (op.starts_with(prefix))
            if (const Row* r = find(op.substr(prefix.size()))) return metaOf(r->category, r->weights, r->plumbing, false);
    return metaOf(categoryByName(op), 0, -1, false);
}

std::string_view opCategoryId(OpCategory c) { return info(c).id; }
std::string_view opCategoryLabel(OpCategory c) { return info(c).label; }
Rgb opCategoryColor(OpCategory c) { return info(c).color; }
bool isPlumbingCategory(OpCategory c) { return info(c).plumbing; }

std::vector<std::string_view> listedOps() {
    std::vector<std::string_view> out;
    for (const Row& r : kRows) out.push_back(r.op);
    return out;
}

}  // namespace tfscope
