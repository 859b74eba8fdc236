#pragma once
// Writes the selected items of an EditSet into a V2 bundle at `prefix` (inside the caller's
// temporary folder): unchanged tensors streamed from the source mapping with their stored crc
// verified, edited ones from memory, and a TF2 source's object graph rewritten for the exported
// keys at its original position. Used by exporter.cpp for checkpoints and SavedModel variables/.

#include <map>
#include <string>

#include "model/edit/edit_set.h"
#include "model/status.h"

namespace tfscope {

class Progress;

struct BundleExportResult {
    int tensors = 0;
    uint64_t dataBytes = 0;
    std::string indexPath;
    std::string dataPath;
    // Source key -> the key written, for values re-keyed because their object path changed
    // (the optimizer left out of a TF2 checkpoint, object_graph_rewrite.h).
    std::map<std::string, std::string> rekeyed;
};

Result<BundleExportResult> writeEditSetBundle(const EditSet& set, const std::string& prefix, Progress* progress);

}  // namespace tfscope
