#pragma once
// detectFormat: sniffs what a user pointed at (a folder or a file) from file names and the first
// bytes only, without parsing whole files. ModelLoader (model_loader.h) then opens it.
//
//   TFS_ASSIGN_OR_RETURN(DetectedFormat f, detectFormat("/models/half_plus_two"));
//   if (f.format == ModelFormat::ServingBaseDir) ...  // numeric version subfolders
//
// Layouts recognised (docs/formats.md#savedmodel-layout, #tf-serving-base-folders, #bundle-files):
//   SavedModelDir    DIR/saved_model.pb | DIR/saved_model.pbtxt (+ variables/, assets/, assets.extra/)
//   ServingBaseDir   DIR/<integer>/saved_model.pb ... (TF Serving base path)
//   CheckpointDir    DIR/checkpoint (text CheckpointState), or DIR with exactly one PREFIX.index
//   CheckpointPrefix PREFIX (+ .index/.data-*), or the .index / .data-NNNNN-of-MMMMM file itself,
//                    or a V1 TensorSlice table file
//   MetaGraph        a binary MetaGraphDef (.meta)
//   GraphDefBinary   a binary GraphDef (.pb) ; GraphDefText a text GraphDef (.pbtxt/.pbtext)
// A saved_model.pb / saved_model.pbtxt file given directly is SavedModelDir with its folder as path;
// a SavedModel proto under another file name (binary or text) is SavedModelDir with the file as path.

#include <string>

#include "model/status.h"

namespace tfscope {

enum class ModelFormat {
    Unknown,
    SavedModelDir,
    ServingBaseDir,
    CheckpointDir,
    CheckpointPrefix,
    MetaGraph,
    GraphDefBinary,
    GraphDefText,
};

// "saved_model", "serving_base", "checkpoint", "meta_graph", "graph_def" (docs/cli-json.md).
const char* modelFormatJsonName(ModelFormat f);
// Human-readable: "SavedModel", "TF Serving base folder", "checkpoint", ...
const char* modelFormatDisplayName(ModelFormat f);

struct DetectedFormat {
    ModelFormat format = ModelFormat::Unknown;
    // The path to open for that format: the SavedModel folder (also when a file inside it was
    // given), the checkpoint prefix (without .index), the folder holding `checkpoint`, or the file.
    std::string path;
};

// Errors: NotFound (path missing), InvalidArgument (symlink loop, unreadable, not a model:
// "'x' is not a SavedModel, checkpoint or GraphDef."). Never reads more than a few KiB.
Result<DetectedFormat> detectFormat(const std::string& path);

}  // namespace tfscope
