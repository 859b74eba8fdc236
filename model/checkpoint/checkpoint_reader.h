#pragma once
// CheckpointReader: reads a TensorFlow checkpoint, V2 tensor bundle (`PREFIX.index` +
// `PREFIX.data-NNNNN-of-MMMMM`) or legacy V1 (`SavedTensorSlices` table), lazily: open() reads
// the index only; read() maps the data file and returns a view (or an assembled tensor for
// partitioned variables), verifying the crc32c.
//
//   TFS_ASSIGN_OR_RETURN(auto reader, CheckpointReader::open("/m/variables/variables"));
//   for (const CheckpointEntry& e : reader->entries()) ...
//   TFS_ASSIGN_OR_RETURN(Tensor t, reader->read("dense/kernel"));
//
// On-disk layout: docs/formats.md#v2-checkpoints-tensor-bundle, #sstable, #v1-checkpoints;
// upstream tensorflow/core/util/tensor_bundle/tensor_bundle.cc.
// Thread safety: after open(), all const methods may be called from several threads.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope {

class Progress;

// Key of a TF2 checkpoint's object graph (a serialized TrackableObjectGraph as a string scalar):
// not a variable; the loader parses it, the editor never lists it and the exporter rewrites it.
inline constexpr const char* kObjectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH";

// One extent per dimension; length -1 means the whole dimension.
struct SliceExtent {
    int64_t start = 0;
    int64_t length = -1;
};
using TensorSliceSpec = std::vector<SliceExtent>;

struct CheckpointEntry {
    std::string key;              // tensor name (bundle key)
    DType dtype = DType::Invalid;
    Shape shape;                  // full shape (for partitioned variables, the whole tensor)
    int shardId = 0;
    uint64_t offset = 0;          // in the data shard (V2)
    uint64_t size = 0;            // bytes in the data shard (V2)
    uint32_t maskedCrc32c = 0;    // as stored (V2)
    std::vector<TensorSliceSpec> slices;  // non-empty for partitioned variables
};

enum class CheckpointFormat { V2Bundle, V1TensorSlices };

class CheckpointReader {
public:
    // `path` may be the prefix, `PREFIX.index` or a `PREFIX.data-*` file (V2), or a V1 file.
    static Result<std::unique_ptr<CheckpointReader>> open(const std::string& path);
    virtual ~CheckpointReader() = default;

    virtual CheckpointFormat format() const = 0;
    // The prefix (V2) or file (V1) this reader was opened on.
    virtual const std::string& prefix() const = 0;
    // Every user-visible tensor, sorted by key; slice sub-entries and the header are not listed.
    virtual const std::vector<CheckpointEntry>& entries() const = 0;
    // nullptr if absent.
    virtual const CheckpointEntry* find(std::string_view key) const = 0;
    // Reads a whole tensor (partitioned ones assembled). Verifies the crc32c unless verify=false.
    // Errors name the tensor: "Checksum mismatch for tensor 'a' in '.../x.data-00000-of-00001'."
    virtual Result<Tensor> read(std::string_view key, bool verifyCrc = true) const = 0;
    // Reads a slice of a tensor (RestoreV2 with a shape_and_slice spec).
    virtual Result<Tensor> readSlice(std::string_view key, const TensorSliceSpec& slice) const = 0;
    // Checks every tensor's crc; returns one Status per bad tensor (empty = all good).
    virtual std::vector<Status> verifyAll(Progress* progress = nullptr) const = 0;
    // Number of data shards (V2 header); 1 for V1.
    virtual int numShards() const = 0;
    // Names of the files this checkpoint consists of.
    virtual std::vector<std::string> files() const = 0;
};

}  // namespace tfscope
