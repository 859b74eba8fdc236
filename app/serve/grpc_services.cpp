#include "app/serve/grpc_services.h"

#include <chrono>
#include <cstring>

#include <grpcpp/grpcpp.h>

#include "app/serve/model_config_file.h"
#include "model/exec/tensor_proto.h"
#include "model/serve/inference.h"
#include "model/serve/rest_api.h"
#include "tensor.pb.h"
#include "tensorflow_serving/apis/model_service.grpc.pb.h"
#include "tensorflow_serving/apis/prediction_service.grpc.pb.h"

namespace tfscope::serve {

namespace tfs = tensorflow::serving;

namespace {

grpc::Status toGrpc(const Status& s) {
    if (s.ok()) return grpc::Status::OK;
    return grpc::Status(grpc::StatusCode(tfErrorCode(s.code())), s.message());
}

Result<std::shared_ptr<LoadedVersion>> acquireFor(const ServableManager& m, const tfs::ModelSpec& spec) {
    if (spec.name().empty()) return Status::invalidArgument("Missing ModelSpec name.");
    std::optional<int64_t> version;
    if (spec.has_version()) version = spec.version().value();
    return m.acquire(spec.name(), version, spec.version_label());
}

void fillSpec(tfs::ModelSpec* out, const LoadedVersion& v, const std::string& signature) {
    out->set_name(v.modelName);
    out->mutable_version()->set_value(v.version);
    out->set_signature_name(signature);
}

Status tensorToProto(const Tensor& t, tensorflow::TensorProto* p) {
    p->set_dtype(tensorflow::DataType(int(t.dtype())));
    for (int64_t d : t.shape()) p->mutable_tensor_shape()->add_dim()->set_size(d);
    if (t.dtype() == DType::String) {
        for (const auto& s : t.strings()) p->add_string_val(s);
        return Status::OK();
    }
    if (!isPod(t.dtype())) return Status::unimplemented("Output of dtype " + dtypeEnumName(t.dtype()) + " cannot be sent.");
    p->set_tensor_content(std::string(reinterpret_cast<const char*>(t.rawData()), t.byteSize()));
    return Status::OK();
}

Result<std::vector<std::string>> serializedExamples(const tfs::Input& input, const RequestLimits& limits) {
    std::vector<std::string> out;
    size_t bytes = 0;
    auto add = [&](std::string s) -> Status {
        bytes += s.size();
        if (bytes > limits.maxTensorBytes)
            return Status::resourceExhausted("The examples are above the limit of " + std::to_string(limits.maxTensorBytes) + " bytes.");
        out.push_back(std::move(s));
        return Status::OK();
    };
    if (input.has_example_list()) {
        for (const auto& e : input.example_list().examples()) TFS_RETURN_IF_ERROR(add(e.SerializeAsString()));
    } else if (input.has_example_list_with_context()) {
        const auto& l = input.example_list_with_context();
        std::string context = l.context().SerializeAsString();
        for (const auto& e : l.examples()) TFS_RETURN_IF_ERROR(add(context + e.SerializeAsString()));
    } else {
        return Status::invalidArgument("Input is empty.");
    }
    if (out.empty()) return Status::invalidArgument("Input is empty.");
    return out;
}

std::string sigOrDefault(const std::string& s) { return s.empty() ? kDefaultSignature : s; }

void fillClassification(const Classifications& c, tfs::ClassificationResult* out) {
    for (const auto& ex : c) {
        auto* cl = out->add_classifications();
        for (const auto& [label, score] : ex) {
            auto* k = cl->add_classes();
            k->set_label(label);
            k->set_score(score);
        }
    }
}

// One line per call with --verbose: "gRPC Predict half_plus_two OK 0.4 ms".
class CallLog {
public:
    CallLog(const std::function<void(const std::string&)>& log, const char* method, std::string model)
        : m_log(log), m_method(method), m_model(std::move(model)), m_start(std::chrono::steady_clock::now()) {}
    grpc::Status done(const Status& s) {
        if (m_log) {
            double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_start).count();
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.2f", ms);
            m_log("gRPC " + std::string(m_method) + " " + m_model + " " + tfErrorCodeName(s.code()) + " " + buf + " ms" +
                  (s.ok() ? "" : ": " + s.message()));
        }
        return toGrpc(s);
    }

private:
    const std::function<void(const std::string&)>& m_log;
    const char* m_method;
    std::string m_model;
    std::chrono::steady_clock::time_point m_start;
};

}  // namespace

class GrpcServices::Prediction final : public tfs::PredictionService::Service {
public:
    Prediction(ServableManager& m, const RequestLimits& l, std::function<void(const std::string&)> log)
        : m_manager(m), m_limits(l), m_log(std::move(log)) {}

    grpc::Status Predict(grpc::ServerContext*, const tfs::PredictRequest* req, tfs::PredictResponse* resp) override {
        CallLog call(m_log, "Predict", req->model_spec().name());
        return call.done(predict(*req, resp));
    }
    grpc::Status Classify(grpc::ServerContext*, const tfs::ClassificationRequest* req, tfs::ClassificationResponse* resp) override {
        CallLog call(m_log, "Classify", req->model_spec().name());
        return call.done(examplesCall(req->model_spec(), req->input(), true, resp->mutable_model_spec(), resp->mutable_result(), nullptr));
    }
    grpc::Status Regress(grpc::ServerContext*, const tfs::RegressionRequest* req, tfs::RegressionResponse* resp) override {
        CallLog call(m_log, "Regress", req->model_spec().name());
        return call.done(examplesCall(req->model_spec(), req->input(), false, resp->mutable_model_spec(), nullptr, resp->mutable_result()));
    }
    grpc::Status MultiInference(grpc::ServerContext*, const tfs::MultiInferenceRequest* req, tfs::MultiInferenceResponse* resp) override {
        CallLog call(m_log, "MultiInference", req->tasks_size() ? req->tasks(0).model_spec().name() : std::string());
        return call.done(multi(*req, resp));
    }
    grpc::Status GetModelMetadata(grpc::ServerContext*, const tfs::GetModelMetadataRequest* req,
                                  tfs::GetModelMetadataResponse* resp) override {
        CallLog call(m_log, "GetModelMetadata", req->model_spec().name());
        return call.done(metadata(*req, resp));
    }

private:
    Status predict(const tfs::PredictRequest& req, tfs::PredictResponse* resp) {
        TFS_ASSIGN_OR_RETURN(auto v, acquireFor(m_manager, req.model_spec()));
        std::map<std::string, Tensor> inputs;
        for (const auto& [key, proto] : req.inputs()) {
            auto t = exec::tensorFromProto(proto);
            if (!t.ok()) return t.status().withContext("Input '" + key + "'");
            if (t->dtype() == DType::String) {
                size_t bytes = 0;
                for (const auto& s : t->strings()) bytes += s.size();
                if (bytes > m_limits.maxTensorBytes) return Status::resourceExhausted("Input '" + key + "' is above the size limit.");
            } else if (t->byteSize() > m_limits.maxTensorBytes || t->numElements() > m_limits.maxTensorElements) {
                return Status::resourceExhausted("Input '" + key + "' is above the size limit.");
            }
            inputs[key] = std::move(t).value();
        }
        std::vector<std::string> filter(req.output_filter().begin(), req.output_filter().end());
        const std::string sig = sigOrDefault(req.model_spec().signature_name());
        TFS_ASSIGN_OR_RETURN(auto outputs, serve::predict(*v, sig, inputs, filter));
        for (const auto& [key, t] : outputs) TFS_RETURN_IF_ERROR(tensorToProto(t, &(*resp->mutable_outputs())[key]));
        fillSpec(resp->mutable_model_spec(), *v, sig);
        return Status::OK();
    }

    Status examplesCall(const tfs::ModelSpec& spec, const tfs::Input& input, bool isClassify, tfs::ModelSpec* outSpec,
                        tfs::ClassificationResult* cls, tfs::RegressionResult* reg) {
        TFS_ASSIGN_OR_RETURN(auto v, acquireFor(m_manager, spec));
        TFS_ASSIGN_OR_RETURN(auto examples, serializedExamples(input, m_limits));
        const std::string sig = sigOrDefault(spec.signature_name());
        if (isClassify) {
            TFS_ASSIGN_OR_RETURN(auto c, serve::classify(*v, sig, std::move(examples)));
            fillClassification(c, cls);
        } else {
            TFS_ASSIGN_OR_RETURN(auto r, serve::regress(*v, sig, std::move(examples)));
            for (float x : r) reg->add_regressions()->set_value(x);
        }
        fillSpec(outSpec, *v, sig);
        return Status::OK();
    }

    Status multi(const tfs::MultiInferenceRequest& req, tfs::MultiInferenceResponse* resp) {
        if (req.tasks_size() == 0) return Status::invalidArgument("Tasks are empty.");
        const auto& first = req.tasks(0).model_spec();
        for (const auto& task : req.tasks()) {
            if (task.model_spec().name() != first.name())
                return Status::invalidArgument("All ModelSpecs in a MultiInferenceRequest must access the same model name.");
            if (task.method_name() != "tensorflow/serving/classify" && task.method_name() != "tensorflow/serving/regress")
                return Status::unimplemented("Unsupported signature method_name: " + task.method_name());
        }
        for (const auto& task : req.tasks()) {
            auto* result = resp->add_results();
            bool isClassify = task.method_name() == "tensorflow/serving/classify";
            TFS_RETURN_IF_ERROR(examplesCall(task.model_spec(), req.input(), isClassify, result->mutable_model_spec(),
                                             isClassify ? result->mutable_classification_result() : nullptr,
                                             isClassify ? nullptr : result->mutable_regression_result()));
        }
        return Status::OK();
    }

    Status metadata(const tfs::GetModelMetadataRequest& req, tfs::GetModelMetadataResponse* resp) {
        if (req.metadata_field_size() == 0)
            return Status::invalidArgument("GetModelMetadataRequest must specify at least one metadata_field");
        for (const auto& f : req.metadata_field())
            if (f != "signature_def") return Status::invalidArgument("Metadata field " + f + " is not supported");
        TFS_ASSIGN_OR_RETURN(auto v, acquireFor(m_manager, req.model_spec()));
        tfs::SignatureDefMap map;
        for (const auto& [k, d] : v->session->metaGraph().signature_def()) (*map.mutable_signature_def())[k] = d;
        (*resp->mutable_metadata())["signature_def"].PackFrom(map);
        resp->mutable_model_spec()->set_name(v->modelName);
        resp->mutable_model_spec()->mutable_version()->set_value(v->version);
        return Status::OK();
    }

    ServableManager& m_manager;
    RequestLimits m_limits;
    std::function<void(const std::string&)> m_log;
};

class GrpcServices::ModelSvc final : public tfs::ModelService::Service {
public:
    ModelSvc(ServableManager& m, std::function<void(const std::string&)> log) : m_manager(m), m_log(std::move(log)) {}

    grpc::Status GetModelStatus(grpc::ServerContext*, const tfs::GetModelStatusRequest* req, tfs::GetModelStatusResponse* resp) override {
        CallLog call(m_log, "GetModelStatus", req->model_spec().name());
        return call.done(status(*req, resp));
    }
    grpc::Status HandleReloadConfigRequest(grpc::ServerContext*, const tfs::ReloadConfigRequest* req,
                                           tfs::ReloadConfigResponse* resp) override {
        CallLog call(m_log, "HandleReloadConfigRequest", "");
        Status s = reload(*req);
        resp->mutable_status()->set_error_code(tensorflow::error::Code(tfErrorCode(s.code())));
        resp->mutable_status()->set_error_message(s.message());
        return call.done(s);
    }

private:
    Status status(const tfs::GetModelStatusRequest& req, tfs::GetModelStatusResponse* resp) {
        const auto& spec = req.model_spec();
        if (spec.name().empty()) return Status::invalidArgument("Missing ModelSpec name.");
        std::optional<int64_t> version;
        if (spec.has_version()) version = spec.version().value();
        if (!spec.version_label().empty()) {
            TFS_ASSIGN_OR_RETURN(auto v, m_manager.acquire(spec.name(), std::nullopt, spec.version_label()));
            version = v->version;
        }
        TFS_ASSIGN_OR_RETURN(auto statuses, m_manager.status(spec.name(), version));
        for (const auto& s : statuses) {
            auto* out = resp->add_model_version_status();
            out->set_version(s.version);
            out->set_state(tfs::ModelVersionStatus::State(int(s.state)));
            out->mutable_status()->set_error_code(tensorflow::error::Code(tfErrorCode(s.error.code())));
            out->mutable_status()->set_error_message(s.error.message());
        }
        return Status::OK();
    }

    Status reload(const tfs::ReloadConfigRequest& req) {
        TFS_ASSIGN_OR_RETURN(auto configs, configsFromProto(req.config()));
        return m_manager.setConfig(std::move(configs));
    }

    ServableManager& m_manager;
    std::function<void(const std::string&)> m_log;
};

GrpcServices::GrpcServices(ServableManager& manager, const RequestLimits& limits, std::function<void(const std::string&)> log)
    : m_prediction(std::make_unique<Prediction>(manager, limits, log)), m_model(std::make_unique<ModelSvc>(manager, log)) {}
GrpcServices::~GrpcServices() = default;
grpc::Service* GrpcServices::prediction() { return m_prediction.get(); }
grpc::Service* GrpcServices::model() { return m_model.get(); }

}  // namespace tfscope::serve
