#pragma once
// Display strings for NodeDef attributes and small protos (internal to model/: includes *.pb.h).
//
//   AttrDisplay a = formatAttr("dtype", nodeDef.attr().at("dtype"));   // kind Type, text "DT_FLOAT"
//   std::string s = tensorProtoSummary(t);                              // "DT_FLOAT [3] {1, 2, 3}"

#include <string>

#include "attr_value.pb.h"
#include "model/graph/graph_index.h"
#include "model/loader/model_summary.h"
#include "tensor.pb.h"
#include "tensor_shape.pb.h"

namespace tfscope {

AttrDisplay formatAttr(const std::string& name, const tensorflow::AttrValue& value);
// "[?,28,28]", "[]" (scalar), "<unknown>" (unknown rank).
std::string shapeProtoToString(const tensorflow::TensorShapeProto& shape);
OptionalShape shapeProtoToOptional(const tensorflow::TensorShapeProto& shape);
// dtype, shape and up to `maxElements` values: "DT_FLOAT [3] {1, 2, 3}", "DT_STRING [] {\"foo.txt\"}".
std::string tensorProtoSummary(const tensorflow::TensorProto& tensor, int maxElements = 10);

}  // namespace tfscope
