#pragma once
// ModelLoader: opens whatever a user points at (detectFormat, then the matching reader) and
// returns an immutable Model. Safe to call off the GUI thread; checks `progress` between steps.
//
//   Progress progress;
//   auto model = ModelLoader::load("/models/half_plus_two/00000123", &progress);
//   if (!model.ok()) std::cerr << model.status().message();   // "PATH: problem."
//
// Reading order follows TF (cc/saved_model/reader.cc, loader.cc): saved_model.pb, else
// saved_model.pbtxt; variables/variables.index opened with CheckpointReader when present;
// a TF Serving base opens its highest numeric version; a checkpoint `checkpoint` state file
// opens model_checkpoint_path and attaches PREFIX.meta when present (tf.train.Saver output).

#include <memory>
#include <string>

#include "model/loader/format_detect.h"
#include "model/status.h"

namespace tfscope {

class Model;
class Progress;

class ModelLoader {
public:
    // `progress` may be null. Errors name the file: "/m/saved_model.pb: Not a valid SavedModel
    // protobuf." / "/m/saved_model.pbtxt:12:5: Expected identifier, got: }."
    static Result<std::shared_ptr<const Model>> load(const std::string& path, Progress* progress = nullptr);
    // Opens `detected` directly (skips detection; `path` stays the user's path).
    static Result<std::shared_ptr<const Model>> load(const std::string& path, const DetectedFormat& detected,
                                                     Progress* progress = nullptr);
};

}  // namespace tfscope
