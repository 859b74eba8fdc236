#pragma once
// Slice keys of partitioned variables: TensorFlow's "EncodeTensorNameSlice" (ordered-code bytes)
// and the RestoreV2 "shape_and_slices" text form, both for TensorSliceSpec (checkpoint_reader.h).
//
//   std::string key = encodeSliceKey("var", {{0, 5}, {0, -1}});   // 00 'var' 00 01 01 02 80 85 80 7F
//   TFS_ASSIGN_OR_RETURN(SliceKey k, decodeSliceKey(key));
//   TFS_ASSIGN_OR_RETURN(ShapeAndSlice s, parseShapeAndSlice("10 20 0,5:-"));
//
// Byte layout: docs/formats.md#slice-keys (upstream tensorflow/core/util/saved_tensor_slice_util.cc and
// tensorflow/core/lib/strings/ordered_code.cc); text form: #shape-and-slice-strings (tensor_slice.cc).

#include <cstdint>
#include <string>
#include <string_view>

#include "model/checkpoint/checkpoint_reader.h"

namespace tensorflow { class TensorSliceProto; }

namespace tfscope {

// Ordered-code primitives (exposed for tests).
void orderedWriteNumIncreasing(std::string& out, uint64_t v);
void orderedWriteSignedNumIncreasing(std::string& out, int64_t v);
void orderedWriteString(std::string& out, std::string_view s);
// Each consumes from `in`; false if the bytes are malformed.
bool orderedReadNumIncreasing(std::string_view& in, uint64_t& v);
bool orderedReadSignedNumIncreasing(std::string_view& in, int64_t& v);
bool orderedReadString(std::string_view& in, std::string& s);

// The bundle / V1 table key of one slice of tensor `name`.
std::string encodeSliceKey(std::string_view name, const TensorSliceSpec& slice);
struct SliceKey {
    std::string name;
    TensorSliceSpec slice;
};
// Corruption for anything that is not a well-formed slice key.
Result<SliceKey> decodeSliceKey(std::string_view key);
// True if `key` could be a slice key (starts with the 0x00 ordered-code tag; tensor names never do).
inline bool isSliceKey(std::string_view key) { return !key.empty() && key[0] == '\0'; }

// TensorSliceProto <-> TensorSliceSpec, as bundle entries and V1 tables store slices: an extent
// without a length (or with a negative one) is the whole dimension.
TensorSliceSpec sliceFromProto(const tensorflow::TensorSliceProto& p);
void sliceToProto(const TensorSliceSpec& s, tensorflow::TensorSliceProto* p);

// "0,5:-" for {{0,5},{0,-1}}; "" for rank 0. A full dimension is "-".
std::string formatSliceSpec(const TensorSliceSpec& slice);
// Parses "0,5:-" (rank = number of ':'-separated items).
Result<TensorSliceSpec> parseSliceSpec(std::string_view text);

struct ShapeAndSlice {
    Shape fullShape;        // empty with whole == true for ""
    TensorSliceSpec slice;  // one extent per dimension of fullShape
    bool whole = true;      // "" : the whole tensor, shape taken from the checkpoint
};
// RestoreV2/SaveV2 form "d0 d1 ... SLICE" or "" (docs/formats.md#shape-and-slice-strings). Checks that the slice
// lies within the shape.
Result<ShapeAndSlice> parseShapeAndSlice(std::string_view text);
std::string formatShapeAndSlice(const Shape& fullShape, const TensorSliceSpec& slice);

// True if every extent covers its whole dimension of `shape`.
bool sliceIsFull(const TensorSliceSpec& slice, const Shape& shape);
// The slice's shape within `fullShape`. REQUIRES: checkSliceInShape(...) ok.
Shape sliceShape(const TensorSliceSpec& slice, const Shape& fullShape);
// InvalidArgument unless rank matches and every extent lies within its dimension.
Status checkSliceInShape(const TensorSliceSpec& slice, const Shape& fullShape);

}  // namespace tfscope
