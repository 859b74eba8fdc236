#pragma once
// Decoding a tensorflow::TensorProto (Const `value` attrs, SignatureDef defaults) into a Tensor.
//
//   TFS_ASSIGN_OR_RETURN(Tensor t, exec::tensorFromProto(node.attr().at("value").tensor()));
//
// Rules (tensor.proto): `tensor_content` holds raw little-endian bytes when set; otherwise the typed
// `*_val` field holds either every element or a prefix whose last value fills the rest (an empty field
// means zeros). half/bfloat16 use `half_val` (16 bits in an int32), small ints use `int_val`.

#include "model/status.h"
#include "model/tensor.h"

namespace tensorflow { class TensorProto; class TensorShapeProto; }

namespace tfscope::exec {

// Dims of a TensorShapeProto (-1 for unknown dims); nullopt-like empty + `unknownRank` for unknown rank.
Shape shapeFromProto(const tensorflow::TensorShapeProto& proto, bool* unknownRank = nullptr);

// Errors: InvalidArgument for bad shapes, content sizes that do not match, unsupported dtypes.
Result<Tensor> tensorFromProto(const tensorflow::TensorProto& proto);

}  // namespace tfscope::exec
