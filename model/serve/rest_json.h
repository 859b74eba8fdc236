#pragma once
// TF Serving's REST JSON (docs/serve.md) <-> tensors, without sockets or protos of the serving API.
//
// Request bodies: parseJsonBody() reads the text with a nesting limit; predictInputsFromJson()
// turns `instances` (row format: one entry per batch item, stacked along a new 0-th dim; an entry
// is a value for a one-input signature or an object of named inputs) or `inputs` (columnar: the
// value of a one-input signature, or an object of named inputs) into tensors of the signature's
// dtypes. A string element may be {"b64": "..."} (binary). examplesFromJson() serializes the
// `examples` of :classify/:regress (objects of features: a value or a list of numbers, strings or
// {"b64"}) with `context` merged in as TF Serving does (context first, the example's own features win).
// Responses: predictResponseJson() writes `predictions` (row) or `outputs` (columnar); string
// outputs whose key ends in "_bytes" (or that are not UTF-8) are {"b64": "..."}.
//
//   TFS_ASSIGN_OR_RETURN(nlohmann::json doc, serve::parseJsonBody(body, limits));
//   bool row = false;
//   TFS_ASSIGN_OR_RETURN(auto inputs, serve::predictInputsFromJson(doc, specs, limits, &row));
//   std::string out = serve::predictResponseJson(outputs, row).dump();

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/exec/session.h"
#include "model/status.h"
#include "model/tensor.h"

namespace tfscope::serve {

struct RequestLimits {
    size_t maxBodyBytes = size_t(64) << 20;     // bytes of one request body
    int maxJsonDepth = 64;                      // nesting of arrays/objects in a body
    int64_t maxTensorElements = int64_t(1) << 26;  // elements of one input tensor
    size_t maxTensorBytes = size_t(256) << 20;  // bytes of one input tensor (strings: their lengths)
};

// InvalidArgument for malformed JSON or too deep nesting (message names the byte offset);
// ResourceExhausted for a body above maxBodyBytes. The result is an object.
Result<nlohmann::json> parseJsonBody(std::string_view body, const RequestLimits& limits);

// `doc` is the whole request object. Specs: the signature's inputs (signatureInputs()).
// Inputs the graph computes itself (TensorSpec::optional) may be left out.
Result<std::map<std::string, Tensor>> predictInputsFromJson(const nlohmann::json& doc,
                                                            const std::map<std::string, exec::TensorSpec>& specs,
                                                            const RequestLimits& limits, bool* rowFormat);

// One JSON value (nested lists following the shape) as a tensor of `dtype` (Invalid: inferred:
// bool, string, int64 if every number is integral, else float). `what` names it in errors.
Result<Tensor> tensorFromJson(const nlohmann::json& value, DType dtype, const std::string& what,
                              const RequestLimits& limits);

// {"predictions": [...]} or {"outputs": ...}. InvalidArgument if row format outputs disagree in
// their 0-th dimension (or one is a scalar).
Result<nlohmann::ordered_json> predictResponseJson(const std::map<std::string, Tensor>& outputs, bool rowFormat);
// The value of one tensor as TF Serving writes it (b64 for "_bytes" keys / non-UTF-8 strings).
nlohmann::ordered_json tensorToServingJson(const Tensor& t, bool b64);

// Serialized tf.Examples for `examples` (+ optional `context`) of a classify/regress request.
Result<std::vector<std::string>> examplesFromJson(const nlohmann::json& doc, const RequestLimits& limits);
// One tf.Example from a JSON object of features.
Result<std::string> exampleFromJson(const nlohmann::json& features);

// Base64 (standard alphabet, '=' padding optional; also accepts the URL-safe alphabet).
Result<std::string> base64Decode(std::string_view text);

}  // namespace tfscope::serve
