#pragma once
// V1Reader: the legacy V1 checkpoint (one SSTable file per shard; key "" holds a SavedTensorSlices
// with the meta, every other key `encodeSliceKey(name, slice)` a SavedTensorSlices whose data is a
// TensorProto in typed fields). A sharded V1 Saver writes `PREFIX-00000-of-00002`, ...; a
// variable's slices may be spread over several shards. Use CheckpointReader::open() unless you
// know the format.
//
//   TFS_ASSIGN_OR_RETURN(auto r, V1Reader::open(".../00000123/export-00000-of-00001"));
//   TFS_ASSIGN_OR_RETURN(auto all, V1Reader::open(".../model.ckpt"));  // every model.ckpt-?????-of-N
//   TFS_ASSIGN_OR_RETURN(Tensor a, r->read("a"));
//
// Layout: docs/formats.md#v1-checkpoints (upstream tensor_slice_reader.cc).
// Thread safety: const methods may be called from several threads.

#include <memory>

#include "model/checkpoint/checkpoint_reader.h"

namespace tfscope {

class SSTable;

class V1Reader final : public CheckpointReader {
public:
    // `path`: one V1 file, or a prefix whose shards `PREFIX-NNNNN-of-MMMMM` all exist. Given one
    // shard of several, all shards are opened. NotFound names the missing shard.
    static Result<std::unique_ptr<V1Reader>> open(const std::string& path);
    // Opens exactly these files as one checkpoint (tensors merged, slices combined).
    static Result<std::unique_ptr<V1Reader>> openFiles(const std::vector<std::string>& files);
    ~V1Reader() override;

    CheckpointFormat format() const override { return CheckpointFormat::V1TensorSlices; }
    const std::string& prefix() const override { return m_path; }
    const std::vector<CheckpointEntry>& entries() const override { return m_entries; }
    const CheckpointEntry* find(std::string_view key) const override;
    Result<Tensor> read(std::string_view key, bool verifyCrc = true) const override;
    Result<Tensor> readSlice(std::string_view key, const TensorSliceSpec& slice) const override;
    std::vector<Status> verifyAll(Progress* progress = nullptr) const override;
    int numShards() const override { return int(m_tables.size()); }
    std::vector<std::string> files() const override;

    // Tensor names in the order the meta lists them (what TF's debug listing prints).
    const std::vector<std::string>& metaOrder() const { return m_metaOrder; }

private:
    V1Reader() = default;
    struct Stored {
        std::vector<TensorSliceSpec> slices;  // as listed in the metas (full slices included)
        std::vector<size_t> table;            // parallel to slices: which shard holds each
    };
    std::string m_path;
    std::vector<std::unique_ptr<SSTable>> m_tables;
    std::vector<CheckpointEntry> m_entries;  // sorted by key
    std::vector<Stored> m_stored;            // parallel to m_entries
    std::vector<std::string> m_metaOrder;
};

// The existing files of a sharded V1 checkpoint `PREFIX-NNNNN-of-MMMMM` (sorted), for `prefix` or
// for one shard's file name; empty when `path` names no such shard set. NotFound names a missing
// shard when some, but not all, of the MMMMM files exist.
Result<std::vector<std::string>> v1ShardFiles(const std::string& path);

// Decodes a TensorProto's typed value fields (or tensor_content) into a tensor of `dtype` and
// `shape`; fewer values than elements repeat the last one (TF's rule). Corruption on mismatch.
Result<Tensor> tensorFromTypedProto(const std::string& serializedTensorProto, DType dtype, const Shape& shape);

}  // namespace tfscope
