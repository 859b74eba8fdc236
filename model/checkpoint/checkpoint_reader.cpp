#include "model/checkpoint/checkpoint_reader.h"

#include "model/checkpoint/bundle_reader.h"
#include "model/checkpoint/checkpoint_path.h"
#include "model/checkpoint/v1_reader.h"

namespace tfscope {

Result<std::unique_ptr<CheckpointReader>> CheckpointReader::open(const std::string& path) {
    TFS_ASSIGN_OR_RETURN(ResolvedCheckpoint where, resolveCheckpointPath(path));
    if (where.format == CheckpointFormat::V2Bundle) {
        TFS_ASSIGN_OR_RETURN(auto r, BundleReader::open(where.path));
        return std::unique_ptr<CheckpointReader>(std::move(r));
    }
    TFS_ASSIGN_OR_RETURN(auto r, V1Reader::open(where.path));
    return std::unique_ptr<CheckpointReader>(std::move(r));
}

}  // namespace tfscope
