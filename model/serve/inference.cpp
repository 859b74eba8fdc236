#include "model/serve/inference.h"

#include "meta_graph.pb.h"

namespace tfscope::serve {

namespace {

const char* kClassifyMethod = "tensorflow/serving/classify";
const char* kRegressMethod = "tensorflow/serving/regress";

std::string orDefault(const std::string& s) { return s.empty() ? kDefaultSignature : s; }

// Checks the method and feeds the examples to its "inputs".
Result<std::map<std::string, Tensor>> runExamples(LoadedVersion& v, const std::string& key, const char* method,
                                                  std::vector<std::string> examples) {
    TFS_ASSIGN_OR_RETURN(const tensorflow::SignatureDef* sig, findSignature(v, key));
    if (sig->method_name() != method)
        return Status::invalidArgument("Expected " + std::string(method == kClassifyMethod ? "classification" : "regression") +
                                       " signature method_name to be " + method + ". Was: " + sig->method_name());
    if (sig->inputs_size() != 1 || !sig->inputs().count("inputs"))
        return Status::invalidArgument("Signature '" + key + "' must have exactly one input named 'inputs'.");
    if (examples.empty()) return Status::invalidArgument("Input is empty.");
    Shape shape{int64_t(examples.size())};
    std::map<std::string, Tensor> in{{"inputs", Tensor::fromStrings(shape, std::move(examples))}};
    return v.session->runSignature(key, in);
}

}  // namespace

Result<const tensorflow::SignatureDef*> findSignature(const LoadedVersion& v, const std::string& signature) {
    const auto& defs = v.session->metaGraph().signature_def();
    auto it = defs.find(orDefault(signature));
    if (it == defs.end()) return Status::failedPrecondition("Serving signature key '" + orDefault(signature) + "' not found.");
    return &it->second;
}

Result<std::map<std::string, Tensor>> predict(LoadedVersion& v, const std::string& signature,
                                              const std::map<std::string, Tensor>& inputs,
                                              const std::vector<std::string>& outputFilter) {
    const std::string key = orDefault(signature);
    TFS_ASSIGN_OR_RETURN(const tensorflow::SignatureDef* sig, findSignature(v, key));
    (void)sig;
    TFS_ASSIGN_OR_RETURN(auto inSpecs, v.session->signatureInputs(key));
    TFS_ASSIGN_OR_RETURN(auto outSpecs, v.session->signatureOutputs(key));
    auto keySet = [](const auto& specs) {
        std::string s;
        for (const auto& [k, spec] : specs) s += (s.empty() ? "" : ",") + k;
        return "{" + s + "}";
    };
    for (const std::string& k : outputFilter)
        if (!outSpecs.count(k))
            return Status::invalidArgument("output tensor alias not found in signature: " + k + ". Outputs expected to be in the set " +
                                           keySet(outSpecs) + ".");
    bool sparse = false;
    for (const auto& [k, t] : inputs) {
        auto it = inSpecs.find(k);
        if (it == inSpecs.end())
            return Status::invalidArgument("input tensor alias not found in signature: " + k + ". Inputs expected to be in the set " +
                                           keySet(inSpecs) + ".");
        if (it->second.sparse) sparse = true;
        else if (it->second.dtype != DType::Invalid && t.dtype() != it->second.dtype)
            return Status::invalidArgument("Expects arg '" + k + "' to be " + std::string(dtypeShortName(it->second.dtype)) + " but " +
                                           std::string(dtypeShortName(t.dtype())) + " is provided");
    }
    for (const auto& [k, spec] : inSpecs) {
        if (spec.sparse) sparse = true;
        if (!spec.optional && !inputs.count(k))
            return Status::invalidArgument("Missing input '" + k + "' of signature '" + key + "' (expected " + keySet(inSpecs) + ").");
    }
    for (const auto& [k, spec] : outSpecs)
        if (spec.sparse) sparse = true;
    // Sparse tensors: the Session's signature runner assembles their components.
    if (sparse) return v.session->runSignature(key, inputs, outputFilter);
    // Otherwise feed by tensor name as TF Serving does: the shape is the graph's to check (a
    // signature may say [-1,1] where the graph takes any shape, and TF Serving then runs it).
    std::vector<std::pair<std::string, Tensor>> feeds;
    for (const auto& [k, t] : inputs) feeds.emplace_back(inSpecs.at(k).tensorName, t);
    std::vector<std::string> keys = outputFilter;
    if (keys.empty())
        for (const auto& [k, spec] : outSpecs) keys.push_back(k);
    std::vector<std::string> fetches;
    for (const auto& k : keys) fetches.push_back(outSpecs.at(k).tensorName);
    std::vector<Tensor> values;
    TFS_RETURN_IF_ERROR(v.session->run(feeds, fetches, {}, &values));
    std::map<std::string, Tensor> out;
    for (size_t i = 0; i < keys.size() && i < values.size(); ++i) out[keys[i]] = std::move(values[i]);
    return out;
}

Result<Classifications> classify(LoadedVersion& v, const std::string& signature, std::vector<std::string> examples) {
    const std::string key = orDefault(signature);
    const size_t n = examples.size();
    TFS_ASSIGN_OR_RETURN(auto out, runExamples(v, key, kClassifyMethod, std::move(examples)));
    const Tensor* classes = out.count("classes") ? &out.at("classes") : nullptr;
    const Tensor* scores = out.count("scores") ? &out.at("scores") : nullptr;
    if (!classes && !scores) return Status::invalidArgument("Classification signature '" + key + "' has neither 'classes' nor 'scores'.");
    auto perExample = [&](const Tensor& t, const char* what) -> Result<int64_t> {
        if ((t.rank() != 1 && t.rank() != 2) || t.dim(0) != int64_t(n))
            return Status::invalidArgument(std::string("Expected output '") + what + "' of shape [" + std::to_string(n) +
                                           ", K], got " + shapeToString(t.shape()) + ".");
        return t.rank() == 2 ? t.dim(1) : 1;
    };
    int64_t k = -1;
    if (classes) {
        if (classes->dtype() != DType::String) return Status::invalidArgument("Expected output 'classes' to be a string tensor.");
        TFS_ASSIGN_OR_RETURN(k, perExample(*classes, "classes"));
    }
    if (scores) {
        if (scores->dtype() != DType::Float) return Status::invalidArgument("Expected output 'scores' to be a float tensor.");
        TFS_ASSIGN_OR_RETURN(int64_t ks, perExample(*scores, "scores"));
        if (k >= 0 && ks != k) return Status::invalidArgument("Outputs 'classes' and 'scores' disagree in their number of classes.");
        k = ks;
    }
    Classifications result(n);
    for (size_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < k; ++j) {
            int64_t idx = int64_t(i) * k + j;
            result[i].emplace_back(classes ? classes->strings()[size_t(idx)] : std::string(),
                                   scores ? scores->data<float>()[idx] : 0.0f);
        }
    return result;
}

Result<std::vector<float>> regress(LoadedVersion& v, const std::string& signature, std::vector<std::string> examples) {
    const std::string key = orDefault(signature);
    const size_t n = examples.size();
    TFS_ASSIGN_OR_RETURN(auto out, runExamples(v, key, kRegressMethod, std::move(examples)));
    auto it = out.find("outputs");
    if (it == out.end()) return Status::invalidArgument("Regression signature '" + key + "' has no output 'outputs'.");
    const Tensor& t = it->second;
    if (t.dtype() != DType::Float) return Status::invalidArgument("Expected output 'outputs' to be a float tensor.");
    if (t.numElements() != int64_t(n) || t.rank() < 1 || t.dim(0) != int64_t(n) || t.rank() > 2)
        return Status::invalidArgument("Expected output 'outputs' of shape [" + std::to_string(n) + "] or [" + std::to_string(n) +
                                       ", 1], got " + shapeToString(t.shape()) + ".");
    return std::vector<float>(t.data<float>(), t.data<float>() + n);
}

}  // namespace tfscope::serve
