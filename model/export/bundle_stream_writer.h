#pragma once
// BundleStreamWriter: writes a single-shard V2 checkpoint (`PREFIX.data-00000-of-00001` then
// `PREFIX.index`) for exports, streaming each tensor's bytes straight from its storage (usually the
// source's mapping) in 8 MiB chunks while computing the crc32c in the same pass, so a 2 GB tensor
// is never copied in memory. When the caller passes the source entry's stored crc for an unchanged
// tensor, the computed one must match (the source is verified for free).
//
//   TFS_ASSIGN_OR_RETURN(auto w, BundleStreamWriter::create(tmpDir + "/model.ckpt"));
//   TFS_RETURN_IF_ERROR(w->add("dense/kernel", tensor, std::nullopt, &progress));
//   TFS_RETURN_IF_ERROR(w->finish());
//
// The files are written under their final names inside the caller's temporary folder; the caller
// renames them into place (model/export/checkpoint_export.h). Layout: TF_FORMAT_FACTS §2 (data
// order = add() order, index sorted by key with the header under ""), §3 (table, no compression,
// 256 KiB blocks); upstream tensorflow/core/util/tensor_bundle/tensor_bundle.cc (BundleWriter).
// Thread safety: none.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope {

class Progress;

class BundleStreamWriter {
public:
    static Result<std::unique_ptr<BundleStreamWriter>> create(const std::string& prefix);
    ~BundleStreamWriter();  // closes (does not delete) unfinished files
    BundleStreamWriter(const BundleStreamWriter&) = delete;
    BundleStreamWriter& operator=(const BundleStreamWriter&) = delete;

    // Appends `t` (POD or string dtype) under `key`. `expectedMaskedCrc`: the source's stored crc
    // for an unchanged tensor; a mismatch is Corruption naming `key`. Reports bytes written to
    // `progress` (offset by progressBase) and stops with Cancelled when it is cancelled.
    Status add(const std::string& key, const Tensor& t, std::optional<uint32_t> expectedMaskedCrc = std::nullopt,
               Progress* progress = nullptr, int64_t progressBase = 0, int64_t progressTotal = 0);
    // Flushes and fsyncs the data file, writes and fsyncs the index. After it every call fails.
    Status finish();

    uint64_t dataBytes() const { return m_offset; }
    const std::string& indexPath() const { return m_indexPath; }
    const std::string& dataPath() const { return m_dataPath; }

private:
    BundleStreamWriter() = default;
    Status writeAll(const void* data, size_t n);

    std::string m_indexPath;
    std::string m_dataPath;
    int m_fd = -1;
    uint64_t m_offset = 0;
    bool m_finished = false;
    std::map<std::string, std::string> m_entries;  // key -> serialized BundleEntryProto
};

}  // namespace tfscope
