#pragma once
// TF Serving's gRPC services over a ServableManager: tensorflow.serving.PredictionService
// (Predict, Classify, Regress, MultiInference, GetModelMetadata) and tensorflow.serving.ModelService
// (GetModelStatus, HandleReloadConfigRequest), from our own protos in proto/tensorflow_serving.
//
//   serve::GrpcServices services(manager, limits, log);
//   builder.RegisterService(services.prediction()); builder.RegisterService(services.model());

#include <functional>
#include <memory>
#include <string>

#include "model/serve/rest_json.h"
#include "model/serve/servable_manager.h"

namespace grpc { class Service; }

namespace tfscope::serve {

class GrpcServices {
public:
    // `log` (may be empty) gets one line per request (--verbose).
    GrpcServices(ServableManager& manager, const RequestLimits& limits, std::function<void(const std::string&)> log);
    ~GrpcServices();
    grpc::Service* prediction();
    grpc::Service* model();

private:
    class Prediction;
    class ModelSvc;
    std::unique_ptr<Prediction> m_prediction;
    std::unique_ptr<ModelSvc> m_model;
};

}  // namespace tfscope::serve
