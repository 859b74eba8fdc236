// libFuzzer: TF Serving REST request bodies (model/serve/rest_json.h): JSON parsing with the depth
// and size limits, `instances` / `inputs` to tensors for several signatures (float, named int32 +
// string + bool, free dtype), `examples` + `context` to tf.Examples, and the response writer on
// whatever tensors came out. Must never crash, hang or allocate past the limits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/serve/rest_json.h"

using namespace tfscope;

namespace {

exec::TensorSpec spec(DType d) {
    exec::TensorSpec s;
    s.dtype = d;
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    serve::RequestLimits limits;
    limits.maxBodyBytes = 1 << 20;
    limits.maxTensorElements = 1 << 16;
    limits.maxTensorBytes = 1 << 20;
    auto doc = serve::parseJsonBody(std::string_view(reinterpret_cast<const char*>(data), size), limits);
    if (!doc.ok()) return 0;
    const std::map<std::string, exec::TensorSpec> signatures[] = {
        {{"x", spec(DType::Float)}},
        {{"a", spec(DType::Int32)}, {"s", spec(DType::String)}, {"b", spec(DType::Bool)}},
        {{"x", spec(DType::Invalid)}},
        {{"h", spec(DType::Half)}, {"u", spec(DType::UInt8)}},
    };
    for (const auto& specs : signatures) {
        bool row = false;
        auto inputs = serve::predictInputsFromJson(doc.value(), specs, limits, &row);
        if (!inputs.ok()) continue;
        auto out = serve::predictResponseJson(inputs.value(), row);
        if (out.ok()) (void)out.value().dump();
    }
    auto examples = serve::examplesFromJson(doc.value(), limits);
    (void)examples;
    return 0;
}
