#include "model/checkpoint/bundle_reader.h"

#include <algorithm>
#include <cstdio>

#include "model/checkpoint/bundle_data.h"
#include "model/checkpoint/slice_copy.h"
#include "model/checkpoint/slice_key.h"
#include "model/checkpoint/sstable.h"
#include "model/progress.h"
#include "tensor_bundle.pb.h"

namespace tfscope {

namespace {

constexpr int kBundleVersion = 1;  // the version this reader implements (kTensorBundleVersion)
constexpr int kMaxShards = 1 << 20;

Status checkVersions(const tensorflow::VersionDef& v) {
    if (v.producer() < 0)
        return Status::corruption("Invalid bundle producer version '" + std::to_string(v.producer()) + "'.");
    if (v.min_consumer() > kBundleVersion)
        return Status::unimplemented("Bundle needs reader version " + std::to_string(v.min_consumer()) +
                                     " but this reader is version '" + std::to_string(kBundleVersion) + "'.");
    for (int bad : v.bad_consumers())
        if (bad == kBundleVersion)
            return Status::unimplemented("Bundle disallows reader version '" + std::to_string(kBundleVersion) + "'.");
    return Status::OK();
}

Result<CheckpointEntry> entryFromProto(std::string_view key, std::string_view value) {
    tensorflow::BundleEntryProto p;
    if (!p.ParseFromArray(value.data(), int(value.size())))
        return Status::corruption("Invalid index entry for tensor '" + std::string(key) + "'.");
    CheckpointEntry e;
    e.key = std::string(key);
    e.dtype = baseType(p.dtype());
    for (const auto& d : p.shape().dim()) e.shape.push_back(d.size());
    if (p.shape().unknown_rank()) e.shape = {-1};
    e.shardId = p.shard_id();
    e.offset = uint64_t(p.offset());
    e.size = uint64_t(p.size());
    if (p.offset() < 0 || p.size() < 0) e.offset = e.size = ~uint64_t(0) / 2;  // fails the range check on read
    e.maskedCrc32c = p.crc32c();
    for (const auto& s : p.slices()) e.slices.push_back(sliceFromProto(s));
    return e;
}

}  // namespace

Result<std::unique_ptr<BundleReader>> BundleReader::open(const std::string& prefix) {
    const std::string indexPath = prefix + ".index";
    TFS_ASSIGN_OR_RETURN(auto table, SSTable::open(indexPath));
    std::unique_ptr<BundleReader> r(new BundleReader());
    r->m_prefix = prefix;
    bool sawHeader = false;
    Status s = table->forEach([&](std::string_view key, std::string_view value) -> Status {
        if (key.empty()) {
            tensorflow::BundleHeaderProto h;
            if (!h.ParseFromArray(value.data(), int(value.size())))
                return Status::corruption("Invalid bundle header.");
            if (h.num_shards() <= 0 || h.num_shards() > kMaxShards)
                return Status::corruption("Invalid number of shards '" + std::to_string(h.num_shards()) + "'.");
            if (h.endianness() != tensorflow::BundleHeaderProto::LITTLE &&
                h.endianness() != tensorflow::BundleHeaderProto::BIG)
                return Status::corruption("Invalid endianness '" + std::to_string(int(h.endianness())) + "'.");
            TFS_RETURN_IF_ERROR(checkVersions(h.version()));
            r->m_numShards = h.num_shards();
            r->m_bigEndian = h.endianness() == tensorflow::BundleHeaderProto::BIG;
            sawHeader = true;
            return Status::OK();
        }
        if (!sawHeader) return Status::corruption("Index has no bundle header entry.");
        TFS_ASSIGN_OR_RETURN(CheckpointEntry e, entryFromProto(key, value));
        if (isSliceKey(key))
            r->m_sliceEntries.emplace(std::string(key), std::move(e));
        else
            r->m_entries.push_back(std::move(e));
        return Status::OK();
    });
    if (!s.ok()) return s.message().starts_with(indexPath) ? s : s.withContext(indexPath);
    if (!sawHeader) return Status::corruption(indexPath + ": Index has no bundle header entry.");
    r->m_shards.resize(size_t(r->m_numShards));
    return r;
}

const CheckpointEntry* BundleReader::find(std::string_view key) const {
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key,
                               [](const CheckpointEntry& e, std::string_view k) { return e.key < k; });
    return (it != m_entries.end() && it->key == key) ? &*it : nullptr;
}

std::string BundleReader::dataFileName(int shard) const {
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, ".data-%05d-of-%05d", shard, m_numShards);
    return m_prefix + suffix;
}

std::vector<std::string> BundleReader::files() const {
    std::vector<std::string> out{m_prefix + ".index"};
    for (int i = 0; i < m_numShards; ++i) out.push_back(dataFileName(i));
    return out;
}

Result<std::shared_ptr<MappedFile>> BundleReader::shard(int id) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto& slot = m_shards[size_t(id)];
    if (!slot) {
        TFS_ASSIGN_OR_RETURN(slot, MappedFile::open(dataFileName(id)));
    }
    return slot;
}

Result<Tensor> BundleReader::readEntry(const CheckpointEntry& entry, const std::string& name, bool verifyCrc) const {
    if (entry.shardId < 0 || entry.shardId >= m_numShards)
        return Status::corruption("Tensor '" + name + "' refers to shard " + std::to_string(entry.shardId) + " of '" +
                                  std::to_string(m_numShards) + "' in '" + m_prefix + ".index'.");
    auto file = shard(entry.shardId);
    if (!file.ok()) {
        if (file.status().code() == Status::Code::NotFound)
            return Status::notFound("Data file '" + dataFileName(entry.shardId) + "' of tensor '" + name + "' is missing.");
        return file.status();
    }
    return decodeBundleTensor(entry, *file, m_bigEndian, verifyCrc, name);
}

Result<Tensor> BundleReader::assemble(const CheckpointEntry& entry, const TensorSliceSpec& want, bool verifyCrc) const {
    const int64_t n = shapeNumElements(entry.shape);
    if (n < 0)
        return Status::corruption("Invalid shape '" + shapeToString(entry.shape) + "' for tensor '" + entry.key + "'.");
    TFS_RETURN_IF_ERROR(checkSliceInShape(want, entry.shape));
    // The stored slices bound what may be allocated: they must cover the requested part.
    uint64_t storedBytes = 0;
    std::vector<const CheckpointEntry*> parts;
    for (const TensorSliceSpec& s : entry.slices) {
        auto it = m_sliceEntries.find(encodeSliceKey(entry.key, s));
        if (it == m_sliceEntries.end())
            return Status::corruption("Slice '" + formatSliceSpec(s) + "' of tensor '" + entry.key + "' is missing from '" +
                                      m_prefix + ".index'.");
        Status in = checkSliceInShape(s, entry.shape);
        if (!in.ok()) return Status::corruption(in.message());
        storedBytes += it->second.size;
        parts.push_back(&it->second);
    }
    const Shape outShape = sliceShape(want, entry.shape);
    const int64_t outN = shapeNumElements(outShape);
    const size_t perElement = entry.dtype == DType::String ? 1 : dtypeSize(entry.dtype);
    if (perElement == 0 || uint64_t(outN) > storedBytes / perElement)
        return Status::corruption("Slices of tensor '" + entry.key + "' do not cover its shape '" +
                                  shapeToString(entry.shape) + "'.");
    TFS_ASSIGN_OR_RETURN(Tensor out, Tensor::allocate(entry.dtype, outShape));
    int64_t copied = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
        TFS_ASSIGN_OR_RETURN(Tensor part, readEntry(*parts[i], entry.key, verifyCrc));
        if (part.shape() != sliceShape(entry.slices[i], entry.shape) || part.dtype() != entry.dtype)
            return Status::corruption("Slice '" + formatSliceSpec(entry.slices[i]) + "' of tensor '" + entry.key +
                                      "' has shape '" + shapeToString(part.shape()) + "'.");
        copied += copySliceOverlap(part, entry.slices[i], out, want, entry.shape);
    }
    if (copied != outN)
        return Status::corruption("Slices of tensor '" + entry.key + "' do not cover its shape '" +
                                  shapeToString(entry.shape) + "'.");
    return out;
}

Result<Tensor> BundleReader::read(std::string_view key, bool verifyCrc) const {
    const CheckpointEntry* e = find(key);
    if (!e) return Status::notFound("Tensor '" + std::string(key) + "' not found in checkpoint '" + m_prefix + "'.");
    if (!e->slices.empty()) return assemble(*e, TensorSliceSpec(e->shape.size(), SliceExtent{}), verifyCrc);
    return readEntry(*e, e->key, verifyCrc);
}

Result<Tensor> BundleReader::readSlice(std::string_view key, const TensorSliceSpec& slice) const {
    const CheckpointEntry* e = find(key);
    if (!e) return Status::notFound("Tensor '" + std::string(key) + "' not found in checkpoint '" + m_prefix + "'.");
    if (!e->slices.empty()) return assemble(*e, slice, true);
    TFS_RETURN_IF_ERROR(checkSliceInShape(slice, e->shape));
    TFS_ASSIGN_OR_RETURN(Tensor full, readEntry(*e, e->key, true));
    if (sliceIsFull(slice, e->shape)) return full;
    TFS_ASSIGN_OR_RETURN(Tensor out, Tensor::allocate(e->dtype, sliceShape(slice, e->shape)));
    copySliceOverlap(full, TensorSliceSpec(e->shape.size(), SliceExtent{}), out, slice, e->shape);
    return out;
}

std::vector<Status> BundleReader::verifyAll(Progress* progress) const {
    std::vector<Status> bad;
    const int64_t total = int64_t(m_entries.size() + m_sliceEntries.size());
    int64_t done = 0;
    auto check = [&](const CheckpointEntry& e, const std::string& name) {
        if (progress) progress->report(done++, total);
        Result<Tensor> r = readEntry(e, name, true);
        if (!r.ok()) bad.push_back(r.status());
    };
    for (const CheckpointEntry& e : m_entries) {
        if (progress && progress->isCancelled()) return {Status::cancelled()};
        if (e.slices.empty()) check(e, e.key);
    }
    for (const auto& [key, e] : m_sliceEntries) {
        if (progress && progress->isCancelled()) return {Status::cancelled()};
        auto decoded = decodeSliceKey(key);
        check(e, decoded.ok() ? decoded->name + "' slice '" + formatSliceSpec(decoded->slice) : key);
    }
    if (progress) progress->report(total, total);
    return bad;
}

}  // namespace tfscope
