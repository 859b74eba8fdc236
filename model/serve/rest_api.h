#pragma once
// TF Serving's REST API (docs/serve.md) as a pure function of method, path and body: the HTTP
// server in app/ only moves bytes. Routes, under /v1/models/NAME[/versions/V | /labels/L]:
//   GET  (nothing)     model status        {"model_version_status": [...]}
//   GET  /metadata     signature_def map   {"model_spec": ..., "metadata": {"signature_def": ...}}
//   POST :predict      {"instances"|"inputs", "signature_name"} -> {"predictions"|"outputs"}
//   POST :classify     {"examples", "context", "signature_name"} -> {"result": [[[label, score]...]...]}
//   POST :regress      {"examples", "context", "signature_name"} -> {"result": [value...]}
// Errors are {"error": "..."} with 400 (bad request), 404 (unknown model/version/route), 500.
//
//   serve::RestResponse r = serve::handleRest(manager, "POST", "/v1/models/m:predict", body, limits);

#include <string>
#include <string_view>

#include "model/serve/rest_json.h"
#include "model/serve/servable_manager.h"

namespace tfscope::serve {

struct RestResponse {
    int status = 200;
    std::string body;  // JSON
};

RestResponse handleRest(const ServableManager& manager, std::string_view method, std::string_view path, std::string_view body,
                        const RequestLimits& limits);

// Our status codes as TF's canonical error codes (tensorflow.error.Code, = gRPC status codes).
int tfErrorCode(Status::Code code);
const char* tfErrorCodeName(Status::Code code);  // "INVALID_ARGUMENT"
int httpStatusFor(Status::Code code);
// {"error": message} with its HTTP status.
RestResponse errorResponse(const Status& status);

// The SignatureDef map of a version as TF Serving's metadata JSON (protobuf's JSON mapping with
// proto field names and default values printed).
nlohmann::ordered_json signatureDefMapJson(const LoadedVersion& v);

}  // namespace tfscope::serve
