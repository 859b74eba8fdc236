#pragma once
// A Tensor's value as JSON, per docs/cli-json.md: nested arrays following the shape (a scalar is
// a bare value); floats (half/bfloat16 too) as numbers with their shortest spelling, non-finite
// as "nan"/"inf"/"-inf"; int64/uint64 exact; complex as [re, im]; strings as UTF-8 text or
// {"base64": "..."}.
//
//   nlohmann::json v = tensorValueToJson(t);

#include <nlohmann/json.hpp>

#include "model/tensor.h"

namespace tfscope {

nlohmann::json tensorValueToJson(const Tensor& t);
// One element (flat index i).
nlohmann::json tensorElementToJson(const Tensor& t, int64_t i);
// Shape as JSON: [2, 3]; [] for a scalar.
nlohmann::json shapeToJson(const Shape& shape);

bool isValidUtf8(const std::string& s);
std::string base64Encode(const std::string& bytes);

}  // namespace tfscope
