#pragma once
// Finding the checkpoint a user means: a V2 prefix, `PREFIX.index`, any `PREFIX.data-*`, a V1
// file, a SavedModel folder (`<dir>/variables/variables`) or a folder with a `checkpoint` state
// file (its `model_checkpoint_path`, docs/formats.md#the-checkpoint-state-file).
//
//   TFS_ASSIGN_OR_RETURN(ResolvedCheckpoint c, resolveCheckpointPath("/runs/model_dir"));
//   // c.path == "/runs/model_dir/model.ckpt-1000", c.format == CheckpointFormat::V2Bundle

#include <string>
#include <string_view>

#include "model/checkpoint/checkpoint_reader.h"

namespace tfscope {

struct ResolvedCheckpoint {
    std::string path;  // V2: the prefix; V1: the file
    CheckpointFormat format = CheckpointFormat::V2Bundle;
};

// NotFound (naming `path`) when nothing there looks like a checkpoint.
Result<ResolvedCheckpoint> resolveCheckpointPath(const std::string& path);

// True when `prefix` names a checkpoint: `prefix.index`, a V1 file, or V1 shards
// `prefix-NNNNN-of-MMMMM` (also given as the pattern `prefix-?????-of-MMMMM`).
bool checkpointExistsAt(const std::string& prefix);

// `model_checkpoint_path` from the text of a `checkpoint` state file; empty if absent.
std::string parseCheckpointStateModelPath(std::string_view text);

// "prefix" for "prefix.data-00000-of-00002" (or "prefix.index"); empty if `path` is neither.
std::string bundlePrefixOf(std::string_view path);

}  // namespace tfscope
