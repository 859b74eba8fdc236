#pragma once
// Text and JSON for `tfscope show`: the same content and layout as TensorFlow's
// `saved_model_cli show` (tensorflow/python/tools/saved_model_cli.py), then tfscope's own
// "Variables" and "Assets" sections (with --all). JSON layout: docs/cli-json.md.
//
//   ShowOptions o; o.all = true;
//   TFS_ASSIGN_OR_RETURN(std::string text, formatShow(*model, o));
//
// Differences from saved_model_cli: the op set is printed sorted (Python prints a set in hash
// order); "Concrete Functions" are decoded from the SavedObjectGraph instead of loading the model.

#include <optional>
#include <string>

#include "model/status.h"

namespace tfscope {

class Model;

struct ShowOptions {
    bool all = false;
    std::optional<std::string> tagSet;        // "serve" or "train,serve"
    std::optional<std::string> signatureDef;  // needs tagSet
    bool listOps = false;
};

// Errors: InvalidArgument with saved_model_cli's wording for a missing tag set or signature.
Result<std::string> formatShow(const Model& model, const ShowOptions& options);
Result<std::string> formatShowJson(const Model& model, const ShowOptions& options);

}  // namespace tfscope
