#pragma once
// BundleWriter: writes a V2 tensor bundle (`PREFIX.index` + `PREFIX.data-00000-of-00001`) that
// TensorFlow reads, byte-identical to TF's own BundleWriter for the same calls.
//
//   TFS_ASSIGN_OR_RETURN(auto w, BundleWriter::create("/out/variables/variables", {}));
//   TFS_RETURN_IF_ERROR(w->add("dense/kernel", kernel));
//   TFS_RETURN_IF_ERROR(w->finish());
//
// Data is appended in call order (streamed from the tensor's memory, e.g. a mapped source file,
// never copied whole); the index is written sorted at finish() with leveldb::TableBuilder
// (kNoCompression, block_size 262144, restart interval 16, no filter). Both files are written to
// `<file>.tempstate<hex>` in the target folder, fsync'd and renamed into place by finish() (data
// first, index last). On error, abort() or destruction before finish(), the temp files are
// removed and nothing at the final names is touched. After finish() or abort(), calls fail.
// Layout: docs/formats.md#v2-checkpoints-tensor-bundle, #sstable (upstream
// tensorflow/core/util/tensor_bundle/tensor_bundle.cc).
// Thread safety: none; use from one thread.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model/checkpoint/checkpoint_reader.h"

namespace tfscope {

class Progress;

class BundleWriter {
public:
    enum class Endianness { Little, Big };
    struct Options {
        Endianness endianness = Endianness::Little;
        int dataAlignment = 1;          // >1: zero padding after each tensor to this multiple
        Progress* progress = nullptr;   // Not owned; must outlive the writer. Bytes written / expectedBytes.
        int64_t expectedBytes = 0;      // total for progress reports (0: unknown)
    };

    // Creates the temp data file next to `prefix`. IOError naming the path if the folder is not writable.
    static Result<std::unique_ptr<BundleWriter>> create(const std::string& prefix, Options options);
    static Result<std::unique_ptr<BundleWriter>> create(const std::string& prefix);
    ~BundleWriter();
    BundleWriter(const BundleWriter&) = delete;
    BundleWriter& operator=(const BundleWriter&) = delete;

    // Appends `tensor` under `key`. InvalidArgument for an empty or duplicate key; Unimplemented
    // for DT_VARIANT / DT_RESOURCE; Cancelled if the progress was cancelled (the writer aborts).
    // `expectedMaskedCrc`: the stored crc of an unchanged tensor streamed unverified from a source
    // checkpoint; the crc computed while writing must equal it, else Corruption naming `key` (the
    // source is verified for free, in the same pass).
    Status add(std::string_view key, const Tensor& tensor, std::optional<uint32_t> expectedMaskedCrc = std::nullopt);
    // Appends one slice of a partitioned variable `fullKey` of shape `fullShape`
    // (TF's BundleWriter::AddSlice): a full slice is a plain add().
    Status addSlice(std::string_view fullKey, const Shape& fullShape, const TensorSliceSpec& slice, const Tensor& tensor);
    // Writes the index and renames both files into place.
    Status finish();
    // Drops everything written so far (removes the temp files). Idempotent.
    void abort();

    const std::string& prefix() const { return m_prefix; }
    int64_t bytesWritten() const { return m_size; }

private:
    BundleWriter() = default;
    Status fail(Status s);  // aborts and returns s
    Status checkOpen() const;
    Status appendEntry(const std::string& key, const Tensor& tensor, std::optional<uint32_t> expectedMaskedCrc = std::nullopt);
    Status writeBytes(const void* data, size_t n);

    std::string m_prefix;
    Options m_options;
    std::string m_dataPath, m_dataTemp, m_indexPath, m_indexTemp;
    int m_fd = -1;
    int64_t m_size = 0;
    enum class State { Open, Finished, Aborted } m_state = State::Open;
    std::map<std::string, CheckpointEntry> m_entries;  // sorted bytewise, as the index needs
};

}  // namespace tfscope
