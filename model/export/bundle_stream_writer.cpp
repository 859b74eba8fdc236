#include "model/export/bundle_stream_writer.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include <leveldb/env.h>
#include <leveldb/options.h>
#include <leveldb/table_builder.h>

#include "model/checkpoint/bundle_data.h"
#include "model/export/export_files.h"
#include "model/progress.h"
#include "model/util/crc32c.h"
#include "tensor_bundle.pb.h"

namespace tfscope {
namespace {

constexpr size_t kChunk = size_t(8) << 20;

}  // namespace

Result<std::unique_ptr<BundleStreamWriter>> BundleStreamWriter::create(const std::string& prefix) {
    std::unique_ptr<BundleStreamWriter> w(new BundleStreamWriter);
    w->m_indexPath = prefix + ".index";
    w->m_dataPath = prefix + ".data-00000-of-00001";
    w->m_fd = ::open(w->m_dataPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->m_fd < 0) return ioErrorFor("write", w->m_dataPath, errno);
    return w;
}

BundleStreamWriter::~BundleStreamWriter() {
    if (m_fd >= 0) ::close(m_fd);
}

Status BundleStreamWriter::writeAll(const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        ssize_t w = ::write(m_fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return ioErrorFor("write", m_dataPath, errno);
        }
        p += w;
        n -= size_t(w);
    }
    return Status::OK();
}

Status BundleStreamWriter::add(const std::string& key, const Tensor& t, std::optional<uint32_t> expectedMaskedCrc,
                               Progress* progress, int64_t progressBase, int64_t progressTotal) {
    if (m_finished || m_fd < 0) return Status::failedPrecondition("The bundle writer is finished.");
    if (key.empty()) return Status::invalidArgument("A tensor needs a non-empty key.");
    if (m_entries.count(key)) return Status::invalidArgument("Tensor '" + key + "' was added twice.");
    tensorflow::BundleEntryProto entry;
    entry.set_dtype(static_cast<tensorflow::DataType>(int(t.dtype())));
    for (int64_t d : t.shape()) entry.mutable_shape()->add_dim()->set_size(d);
    entry.set_offset(int64_t(m_offset));
    uint32_t masked = 0;
    uint64_t size = 0;
    if (t.dtype() == DType::String) {
        EncodedStrings enc = encodeBundleStrings(t.strings(), false);
        TFS_RETURN_IF_ERROR(writeAll(enc.bytes.data(), enc.bytes.size()));
        masked = enc.maskedCrc;
        size = enc.bytes.size();
    } else if (isPod(t.dtype())) {
        const std::byte* p = t.rawData();
        const size_t n = t.byteSize();
        uint32_t crc = 0;
        for (size_t done = 0; done < n;) {
            if (progress && progress->isCancelled()) return Status::cancelled();
            size_t len = std::min(kChunk, n - done);
            crc = crc32c::extend(crc, p + done, len);
            TFS_RETURN_IF_ERROR(writeAll(p + done, len));
            done += len;
            if (progress) progress->report(progressBase + int64_t(done), progressTotal);
        }
        masked = crc32c::mask(crc);
        size = n;
    } else {
        return Status::unimplemented("Tensor '" + key + "' has dtype '" + std::string(dtypeShortName(t.dtype())) +
                                     "', which cannot be written to a checkpoint.");
    }
    if (expectedMaskedCrc && *expectedMaskedCrc != masked)
        return Status::corruption("Checksum mismatch for tensor '" + key + "' in the source checkpoint.");
    if (size) entry.set_size(int64_t(size));
    entry.set_crc32c(masked);
    m_offset += size;
    m_entries[key] = entry.SerializeAsString();
    return Status::OK();
}

Status BundleStreamWriter::finish() {
    if (m_finished || m_fd < 0) return Status::failedPrecondition("The bundle writer is finished.");
    m_finished = true;
    if (::fsync(m_fd) != 0) return ioErrorFor("write", m_dataPath, errno);
    int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) return ioErrorFor("write", m_dataPath, errno);

    leveldb::Env* env = leveldb::Env::Default();
    leveldb::WritableFile* raw = nullptr;
    leveldb::Status s = env->NewWritableFile(m_indexPath, &raw);
    if (!s.ok()) return Status::ioError("Could not write '" + m_indexPath + "': " + s.ToString() + ".");
    std::unique_ptr<leveldb::WritableFile> file(raw);
    leveldb::Options options;
    options.compression = leveldb::kNoCompression;
    options.block_size = 262144;
    options.block_restart_interval = 16;
    leveldb::TableBuilder builder(options, file.get());
    tensorflow::BundleHeaderProto header;
    header.set_num_shards(1);
    header.set_endianness(tensorflow::BundleHeaderProto::LITTLE);
    header.mutable_version()->set_producer(1);
    builder.Add("", header.SerializeAsString());
    for (const auto& [key, value] : m_entries) builder.Add(key, value);
    s = builder.Finish();
    if (s.ok()) s = file->Sync();
    if (s.ok()) s = file->Close();
    if (!s.ok()) return Status::ioError("Could not write '" + m_indexPath + "': " + s.ToString() + ".");
    return Status::OK();
}

}  // namespace tfscope
