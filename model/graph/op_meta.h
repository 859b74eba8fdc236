#pragma once
// What an op type is, for display: its category (conv, matmul/dense, activation, ... save/restore,
// training), the category's colour, which inputs carry the op's parameters (weights), and whether
// the op is plumbing (saving, initialization, summaries, training updates, input pipelines, NoOp):
// nodes a model view can put to the side. One table (op_meta.cpp) as data; the canvas colours
// nodes from it.
//
//   const OpMeta m = opMeta("Conv2D");
//   m.category == OpCategory::Convolution; m.isWeightInput(1);   // the filter
//   opMeta("SaveV2").plumbing;                                    // true
//   QColor(m.color.r, m.color.g, m.color.b);
//
// Ops the table does not name get a category from their name (`listed` is false then), first rule
// that matches:
//   Ref<Op> of a listed Op, Quantized<Op> of a listed Op   -> as Op
//   Apply*, ResourceApply*, SparseApply*, ResourceSparseApply*, *Grad*, *Backprop*  -> training
//   *Summary*                                                 -> summary
//   *Dataset*, Iterator*, AnonymousIterator*, MultiDeviceIterator*, Optional*  -> input pipeline
//   Save*, Restore*                                           -> save/restore
//   TensorArray*, TensorList*, Stack*                         -> collection
//   *Random*, *TruncatedNormal*                               -> random
//   LookupTable*, *HashTable*                                 -> lookup
//   String*, Regex*, StaticRegex*, Unicode*                   -> string
//   Conv*, DepthwiseConv*                                     -> conv
//   *Pool*                                                    -> pooling
//   *BatchNorm*                                               -> normalization
//   anything else                                             -> other
// A fallback op has no weight inputs; it is plumbing if its category is.
// Executor facts about ops (output arity, reference inputs) are elsewhere: model/exec/op_info.h.

#include <cstdint>
#include <string_view>
#include <vector>

namespace tfscope {

enum class OpCategory : uint8_t {
    Other,
    Input,           // Placeholder, _Arg, ParseExample: what a run is fed and its decoding
    Constant,
    Variable,        // variable storage, reads and writes
    Identity,        // Identity, StopGradient, Snapshot: values passed through
    Convolution,
    MatMul,          // matmul / dense: MatMul, BatchMatMul, Einsum, BiasAdd
    Activation,
    Normalization,
    Pooling,
    Math,            // elementwise arithmetic, comparison, logic, casts
    Reduction,
    Shape,           // reshape, transpose, concat/split, slicing, gather/scatter, padding
    ControlFlow,     // TF1 Switch/Merge/Enter/Exit/NextIteration/LoopCond, NoOp
    Call,            // function calls, and If/While/Case (they call their branches and bodies)
    SaveRestore,
    Initialization,  // "is initialized" checks, table initializers
    Training,        // optimizer updates and gradient ops
    Summary,
    InputPipeline,   // datasets and iterators
    String,
    Lookup,          // hash tables
    Collection,      // TensorArray, TensorList, Stack
    Random,
    Debug,           // Assert, Print, CheckNumerics
};
inline constexpr int kOpCategoryCount = int(OpCategory::Debug) + 1;

struct Rgb {
    uint8_t r = 0, g = 0, b = 0;
    constexpr bool operator==(const Rgb&) const = default;
};

struct OpMeta {
    OpCategory category = OpCategory::Other;
    Rgb color;                  // the category's colour
    uint32_t weightInputs = 0;  // bit i: input i holds the op's parameters (filter, kernel, bias, scale, ...)
    bool plumbing = false;      // not part of the computation a model is about
    bool listed = false;        // named by the table (false: from the name rules above)
    bool isWeightInput(int i) const { return i >= 0 && i < 32 && ((weightInputs >> i) & 1u) != 0; }
};

OpMeta opMeta(std::string_view op);

// Stable lower-case id ("conv", "matmul", "save_restore", ...), for JSON and settings.
std::string_view opCategoryId(OpCategory c);
// Words for people ("Convolution", "MatMul / dense", "Save / restore", ...).
std::string_view opCategoryLabel(OpCategory c);
Rgb opCategoryColor(OpCategory c);
bool isPlumbingCategory(OpCategory c);

// Every op type the table names, in table order.
std::vector<std::string_view> listedOps();

}  // namespace tfscope
