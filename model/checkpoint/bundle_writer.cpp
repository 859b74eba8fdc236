#include "model/checkpoint/bundle_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <unistd.h>
#include <vector>

#include "model/checkpoint/bundle_data.h"
#include "model/checkpoint/slice_key.h"
#include "model/checkpoint/sstable.h"
#include "model/progress.h"
#include "model/util/crc32c.h"
#include "tensor_bundle.pb.h"

namespace tfscope {

namespace {

constexpr size_t kChunk = size_t(8) << 20;  // bytes per write()/crc step

std::string randomHex() {
    std::random_device rd;
    uint64_t v = (uint64_t(rd()) << 32) ^ rd();
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

Status errnoStatus(const std::string& path, const char* what) {
    return Status::ioError(path + ": " + what + " (" + std::strerror(errno) + ").");
}

std::string entryToBytes(const CheckpointEntry& e) {
    tensorflow::BundleEntryProto p;
    p.set_dtype(tensorflow::DataType(int(e.dtype)));
    auto* shape = p.mutable_shape();
    for (int64_t d : e.shape) shape->add_dim()->set_size(d);
    if (e.slices.empty()) {
        p.set_shard_id(e.shardId);
        p.set_offset(int64_t(e.offset));
        p.set_size(int64_t(e.size));
        p.set_crc32c(e.maskedCrc32c);
    }
    for (const TensorSliceSpec& s : e.slices) sliceToProto(s, p.add_slices());
    return p.SerializeAsString();
}

}  // namespace

Result<std::unique_ptr<BundleWriter>> BundleWriter::create(const std::string& prefix, Options options) {
    if (options.dataAlignment < 1) return Status::invalidArgument("Data alignment must be at least 1.");
    std::unique_ptr<BundleWriter> w(new BundleWriter());
    w->m_prefix = prefix;
    w->m_options = options;
    w->m_dataPath = prefix + ".data-00000-of-00001";
    w->m_indexPath = prefix + ".index";
    const std::string tag = ".tempstate" + randomHex();
    w->m_dataTemp = w->m_dataPath + tag;
    w->m_indexTemp = w->m_indexPath + tag;
    w->m_fd = ::open(w->m_dataTemp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (w->m_fd < 0) {
        Status s = errnoStatus(w->m_dataTemp, "Cannot create file");
        w->m_state = State::Aborted;
        return s;
    }
    return w;
}

Result<std::unique_ptr<BundleWriter>> BundleWriter::create(const std::string& prefix) { return create(prefix, Options()); }

BundleWriter::~BundleWriter() {
    if (m_state == State::Open) abort();
}

void BundleWriter::abort() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    if (m_state == State::Open) {
        ::unlink(m_dataTemp.c_str());
        ::unlink(m_indexTemp.c_str());
    }
    if (m_state != State::Finished) m_state = State::Aborted;
}

Status BundleWriter::fail(Status s) {
    abort();
    return s;
}

Status BundleWriter::checkOpen() const {
    if (m_state == State::Finished)
        return Status::failedPrecondition("Bundle writer for '" + m_prefix + "' is already finished.");
    if (m_state == State::Aborted) return Status::failedPrecondition("Bundle writer for '" + m_prefix + "' was aborted.");
    return Status::OK();
}

Status BundleWriter::writeBytes(const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        ssize_t w = ::write(m_fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return errnoStatus(m_dataTemp, "Cannot write");
        }
        p += w;
        n -= size_t(w);
        m_size += w;
    }
    if (m_options.progress) {
        m_options.progress->report(m_size, m_options.expectedBytes);
        if (m_options.progress->isCancelled()) return Status::cancelled();
    }
    return Status::OK();
}

Status BundleWriter::appendEntry(const std::string& key, const Tensor& tensor, std::optional<uint32_t> expectedMaskedCrc) {
    CheckpointEntry e;
    e.key = key;
    e.dtype = tensor.dtype();
    e.shape = tensor.shape();
    e.offset = uint64_t(m_size);
    const bool big = m_options.endianness == Endianness::Big;
    if (tensor.dtype() == DType::String) {
        EncodedStrings enc = encodeBundleStrings(tensor.strings(), big);
        TFS_RETURN_IF_ERROR(writeBytes(enc.bytes.data(), enc.bytes.size()));
        e.size = enc.bytes.size();
        e.maskedCrc32c = enc.maskedCrc;
    } else if (isPod(tensor.dtype())) {
        const std::byte* p = tensor.rawData();
        const size_t n = tensor.byteSize();
        uint32_t crc = 0;
        std::vector<std::byte> swapped;
        for (size_t done = 0; done < n;) {
            size_t len = std::min(kChunk, n - done);
            const std::byte* chunk = p + done;
            if (big) {
                swapped.assign(chunk, chunk + len);
                byteSwapElements(tensor.dtype(), swapped.data(), len / dtypeSize(tensor.dtype()));
                chunk = swapped.data();
            }
            crc = crc32c::extend(crc, chunk, len);
            TFS_RETURN_IF_ERROR(writeBytes(chunk, len));
            done += len;
        }
        e.size = n;
        e.maskedCrc32c = crc32c::mask(crc);
        if (expectedMaskedCrc && *expectedMaskedCrc != e.maskedCrc32c)
            return Status::corruption("Checksum mismatch for tensor '" + key + "' in the source checkpoint.");
    } else {
        return Status::unimplemented("Writing dtype '" + dtypeEnumName(tensor.dtype()) + "' of tensor '" + key +
                                     "' is not supported.");
    }
    if (m_options.dataAlignment > 1 && m_size % m_options.dataAlignment != 0) {
        static const char kZeros[4096] = {};
        size_t pad = size_t(m_options.dataAlignment - m_size % m_options.dataAlignment);
        while (pad > 0) {
            size_t len = std::min(pad, sizeof kZeros);
            TFS_RETURN_IF_ERROR(writeBytes(kZeros, len));
            pad -= len;
        }
    }
    m_entries.emplace(key, std::move(e));
    return Status::OK();
}

Status BundleWriter::add(std::string_view key, const Tensor& tensor, std::optional<uint32_t> expectedMaskedCrc) {
    TFS_RETURN_IF_ERROR(checkOpen());
    if (key.empty()) return Status::invalidArgument("Tensor key must not be empty.");
    if (isSliceKey(key)) return Status::invalidArgument("Tensor key must not start with a zero byte.");
    if (m_entries.count(std::string(key)))
        return Status::invalidArgument("Duplicate tensor key '" + std::string(key) + "'.");
    Status s = appendEntry(std::string(key), tensor, expectedMaskedCrc);
    if (!s.ok() && s.code() != Status::Code::Unimplemented) return fail(s);
    return s;
}

Status BundleWriter::addSlice(std::string_view fullKey, const Shape& fullShape, const TensorSliceSpec& slice,
                              const Tensor& tensor) {
    TFS_RETURN_IF_ERROR(checkOpen());
    TFS_RETURN_IF_ERROR(checkSliceInShape(slice, fullShape));
    if (tensor.shape() != sliceShape(slice, fullShape))
        return Status::invalidArgument("Slice '" + formatSliceSpec(slice) + "' of '" + std::string(fullKey) +
                                       "' needs shape '" + shapeToString(sliceShape(slice, fullShape)) + "', not '" +
                                       shapeToString(tensor.shape()) + "'.");
    if (sliceIsFull(slice, fullShape)) return add(fullKey, tensor);
    if (fullKey.empty() || isSliceKey(fullKey)) return Status::invalidArgument("Invalid tensor key.");
    const std::string key(fullKey);
    auto it = m_entries.find(key);
    if (it != m_entries.end() && (it->second.slices.empty() || it->second.dtype != tensor.dtype() ||
                                  it->second.shape != fullShape))
        return Status::invalidArgument("Duplicate tensor key '" + key + "'.");
    const std::string sliceKey = encodeSliceKey(key, slice);
    if (m_entries.count(sliceKey))
        return Status::invalidArgument("Duplicate slice '" + formatSliceSpec(slice) + "' of tensor '" + key + "'.");
    Status s = appendEntry(sliceKey, tensor);
    if (!s.ok()) return s.code() == Status::Code::Unimplemented ? s : fail(s);
    if (it == m_entries.end()) {
        CheckpointEntry full;
        full.key = key;
        full.dtype = tensor.dtype();
        full.shape = fullShape;
        it = m_entries.emplace(key, std::move(full)).first;
    }
    it->second.slices.push_back(slice);
    return Status::OK();
}

Status BundleWriter::finish() {
    TFS_RETURN_IF_ERROR(checkOpen());
    if (::fsync(m_fd) != 0) return fail(errnoStatus(m_dataTemp, "Cannot sync"));
    if (::close(m_fd) != 0) {
        m_fd = -1;
        return fail(errnoStatus(m_dataTemp, "Cannot close"));
    }
    m_fd = -1;

    std::vector<std::pair<std::string, std::string>> table;
    table.reserve(m_entries.size() + 1);
    tensorflow::BundleHeaderProto header;
    header.set_num_shards(1);
    header.set_endianness(m_options.endianness == Endianness::Big ? tensorflow::BundleHeaderProto::BIG
                                                                  : tensorflow::BundleHeaderProto::LITTLE);
    header.mutable_version()->set_producer(1);
    table.emplace_back("", header.SerializeAsString());
    for (const auto& [key, e] : m_entries) table.emplace_back(key, entryToBytes(e));
    Status s = writeSSTable(m_indexTemp, table);
    if (!s.ok()) return fail(s);
    if (::rename(m_dataTemp.c_str(), m_dataPath.c_str()) != 0)
        return fail(errnoStatus(m_dataPath, "Cannot rename the data file into place"));
    if (::rename(m_indexTemp.c_str(), m_indexPath.c_str()) != 0) {
        Status s = errnoStatus(m_indexPath, "Cannot rename the index file into place");
        ::unlink(m_indexTemp.c_str());
        m_state = State::Aborted;
        return s;
    }
    m_state = State::Finished;
    if (m_options.progress) m_options.progress->report(m_size, m_size);
    return Status::OK();
}

}  // namespace tfscope
