#pragma once
// Running TF Serving's three request kinds on a loaded version's Session (shared by the REST and
// gRPC front ends):
//  - predict: any signature (default "serving_default"), inputs by key, all or `outputFilter` outputs;
//  - classify: a signature whose method_name is tensorflow/serving/classify, fed its "inputs" key
//    with the serialized tf.Examples; "classes" (string [N,K]) and/or "scores" (float [N,K]);
//  - regress: method_name tensorflow/serving/regress, "inputs" -> "outputs" (float [N] or [N,1]).
//
//   TFS_ASSIGN_OR_RETURN(auto outputs, serve::predict(*v, "", inputs, {}));
//   TFS_ASSIGN_OR_RETURN(auto classes, serve::classify(*v, "classify_x_to_y", examples));

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/serve/servable_manager.h"

namespace tensorflow { class SignatureDef; }

namespace tfscope::serve {

inline constexpr const char* kDefaultSignature = "serving_default";

// Class label and score; one list per example.
using Classifications = std::vector<std::vector<std::pair<std::string, float>>>;

// FailedPrecondition "Serving signature key 'k' not found." when the signature is missing.
Result<const tensorflow::SignatureDef*> findSignature(const LoadedVersion& v, const std::string& signature);

Result<std::map<std::string, Tensor>> predict(LoadedVersion& v, const std::string& signature,
                                              const std::map<std::string, Tensor>& inputs,
                                              const std::vector<std::string>& outputFilter);
Result<Classifications> classify(LoadedVersion& v, const std::string& signature, std::vector<std::string> examples);
Result<std::vector<float>> regress(LoadedVersion& v, const std::string& signature, std::vector<std::string> examples);

}  // namespace tfscope::serve
