#pragma once
// BundleReader: the V2 tensor-bundle CheckpointReader (`PREFIX.index` + `PREFIX.data-*`).
// open() reads and checks the whole index (header, every BundleEntryProto); data shards are
// mapped on first use. Use CheckpointReader::open() unless you know the format.
//
//   TFS_ASSIGN_OR_RETURN(auto r, BundleReader::open("/m/variables/variables"));
//   TFS_ASSIGN_OR_RETURN(Tensor t, r->read("a"));
//
// Layout: docs/formats.md#v2-checkpoints-tensor-bundle (upstream tensorflow/core/util/tensor_bundle/tensor_bundle.cc).
// Thread safety: const methods may be called from several threads.

#include <map>
#include <mutex>

#include "model/buffer.h"
#include "model/checkpoint/checkpoint_reader.h"

namespace tfscope {

class BundleReader final : public CheckpointReader {
public:
    // `prefix` without ".index". Errors start with the index path.
    static Result<std::unique_ptr<BundleReader>> open(const std::string& prefix);

    CheckpointFormat format() const override { return CheckpointFormat::V2Bundle; }
    const std::string& prefix() const override { return m_prefix; }
    const std::vector<CheckpointEntry>& entries() const override { return m_entries; }
    const CheckpointEntry* find(std::string_view key) const override;
    Result<Tensor> read(std::string_view key, bool verifyCrc = true) const override;
    Result<Tensor> readSlice(std::string_view key, const TensorSliceSpec& slice) const override;
    std::vector<Status> verifyAll(Progress* progress = nullptr) const override;
    int numShards() const override { return m_numShards; }
    std::vector<std::string> files() const override;

    bool bigEndian() const { return m_bigEndian; }
    // Entries of the slices of partitioned variables, keyed by their encoded slice key.
    const std::map<std::string, CheckpointEntry>& sliceEntries() const { return m_sliceEntries; }
    // Reads one stored entry (a plain tensor or one slice) as it is on disk.
    Result<Tensor> readEntry(const CheckpointEntry& entry, const std::string& name, bool verifyCrc) const;
    std::string dataFileName(int shard) const;

private:
    BundleReader() = default;
    Result<std::shared_ptr<MappedFile>> shard(int id) const;
    Result<Tensor> assemble(const CheckpointEntry& entry, const TensorSliceSpec& want, bool verifyCrc) const;

    std::string m_prefix;
    int m_numShards = 1;
    bool m_bigEndian = false;
    std::vector<CheckpointEntry> m_entries;               // sorted by key
    std::map<std::string, CheckpointEntry> m_sliceEntries;
    mutable std::mutex m_mutex;
    mutable std::vector<std::shared_ptr<MappedFile>> m_shards;
};

}  // namespace tfscope
