#pragma once
// --model_config_file: TF Serving's text-format ModelServerConfig (model_config_list { config {
// name, base_path, model_platform, model_version_policy, version_labels } ... }) as the plain
// configs the ServableManager takes.
//
//   TFS_ASSIGN_OR_RETURN(auto configs, serve::readModelConfigFile("/models/models.config"));

#include <string>
#include <vector>

#include "model/serve/version_policy.h"

namespace tensorflow::serving { class ModelServerConfig; }

namespace tfscope::serve {

// InvalidArgument naming the file, line and column of a parse error, or what is unsupported.
Result<std::vector<ServedModelConfig>> readModelConfigFile(const std::string& path);
Result<std::vector<ServedModelConfig>> parseModelConfigText(const std::string& text);
Result<std::vector<ServedModelConfig>> configsFromProto(const tensorflow::serving::ModelServerConfig& config);

}  // namespace tfscope::serve
