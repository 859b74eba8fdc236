#pragma once
// Exports an EditSet (model/edit/edit_set.h) as a new V2 checkpoint or a new SavedModel folder.
//
//   ExportOptions o;
//   o.format = ExportFormat::Checkpoint;
//   o.out = "/out/model.ckpt";             // checkpoint prefix, or the SavedModel folder
//   TFS_ASSIGN_OR_RETURN(ExportReport r, exportEdits(set, o));
//
// Output:
// - Checkpoint: PREFIX.index + PREFIX.data-00000-of-00001 (+ a `checkpoint` state file beside them
//   when writeStateFile). A TF2 source's `_CHECKPOINTABLE_OBJECT_GRAPH` is rewritten for the
//   exported keys (object_graph_rewrite.h).
// - SavedModel: the source's saved_model.pb(.pbtxt), other top-level files (fingerprint.pb is left
//   out: its checkpoint hash would be stale), assets/, assets.extra/, and variables/ with the
//   edited values. Variables the SavedModel restores must all be exported with their dtype. TF1
//   graphs restore by name: renames rewrite the SaveV2/RestoreV2 tensor_names consts
//   (restore_op_rewrite.h) and are refused where that is impossible; TF2 restores through the
//   object graph, which is rewritten.
// Safety: everything is written inside a new temporary folder next to the target
// (`<out>.tmp-XXXXXX`) and renamed into place at the end; any failure or cancel removes it. The
// source is only read. An output that is, or lies inside, the source is refused. Missing parent
// folders of the output are created (as Saver.save and Checkpoint.write do) and removed again
// when the export fails.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/edit/edit_set.h"
#include "model/status.h"

namespace tfscope {

class Progress;

enum class ExportFormat { Checkpoint, SavedModel };

struct ExportOptions {
    ExportFormat format = ExportFormat::Checkpoint;
    std::string out;
    bool writeStateFile = false;    // checkpoint only
    Progress* progress = nullptr;   // may be null; reports bytes
};

struct ExportReport {
    std::string out;                // absolute prefix / folder written
    int tensors = 0;                // bundle entries written (object graph included)
    uint64_t dataBytes = 0;         // size of the data file
    std::vector<std::string> files; // final files written (absolute)
    // Source key -> key written, for values re-keyed under their remaining object path because
    // the optimizer was left out of a TF2 checkpoint (object_graph_rewrite.h).
    std::map<std::string, std::string> rekeyed;
};

Result<ExportReport> exportEdits(const EditSet& set, const ExportOptions& options);
Result<ExportReport> exportCheckpoint(const EditSet& set, const ExportOptions& options);
Result<ExportReport> exportSavedModel(const EditSet& set, const ExportOptions& options);

// Checks a SavedModel export without writing: FailedPrecondition naming the variable and reason.
Status checkSavedModelExport(const EditSet& set);

}  // namespace tfscope
