#include "app/serve/model_config_file.h"

#include <fstream>
#include <sstream>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "tensorflow_serving/config/model_server_config.pb.h"

namespace tfscope::serve {

namespace {

class FirstError : public google::protobuf::io::ErrorCollector {
public:
    void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
        if (text.empty()) text = "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1) + ": " + message;
    }
    std::string text;
};

}  // namespace

Result<std::vector<ServedModelConfig>> configsFromProto(const tensorflow::serving::ModelServerConfig& config) {
    if (config.has_custom_model_config()) return Status::unimplemented("custom_model_config is not supported.");
    std::vector<ServedModelConfig> out;
    for (const auto& c : config.model_config_list().config()) {
        ServedModelConfig s;
        s.name = c.name();
        s.basePath = c.base_path();
        if (!c.model_platform().empty() && c.model_platform() != "tensorflow")
            return Status::invalidArgument("Model '" + c.name() + "': model_platform '" + c.model_platform() +
                                           "' is not supported (only 'tensorflow').");
        const auto& p = c.model_version_policy();
        if (p.has_all()) {
            s.policy.kind = VersionPolicy::Kind::All;
        } else if (p.has_specific()) {
            s.policy.kind = VersionPolicy::Kind::Specific;
            for (int64_t v : p.specific().versions()) s.policy.specific.insert(v);
        } else if (p.has_latest()) {
            s.policy.latest = std::max<uint32_t>(p.latest().num_versions(), 1);
        }
        for (const auto& [label, v] : c.version_labels()) s.labels[label] = v;
        out.push_back(std::move(s));
    }
    TFS_RETURN_IF_ERROR(validateConfigs(out));
    return out;
}

Result<std::vector<ServedModelConfig>> parseModelConfigText(const std::string& text) {
    tensorflow::serving::ModelServerConfig config;
    google::protobuf::TextFormat::Parser parser;
    FirstError errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(text, &config))
        return Status::invalidArgument("Not a text-format ModelServerConfig: " + (errors.text.empty() ? "parse error" : errors.text) + ".");
    return configsFromProto(config);
}

Result<std::vector<ServedModelConfig>> readModelConfigFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::notFound("Cannot open the model config file.").withContext(path);
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = parseModelConfigText(ss.str());
    if (!r.ok()) return r.status().withContext(path);
    return r;
}

}  // namespace tfscope::serve
