#include "model/checkpoint/bundle_data.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "model/util/crc32c.h"
#include "model/util/varint.h"

namespace tfscope {

namespace {

std::string inFile(const std::string& name, const MappedFile& shard) {
    return " for tensor '" + name + "' in '" + shard.path() + "'.";
}

uint32_t loadU32(const unsigned char* p, bool bigEndian) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return bigEndian ? __builtin_bswap32(v) : v;
}

void storeU32(unsigned char* p, uint32_t v, bool bigEndian) {
    if (bigEndian) v = __builtin_bswap32(v);
    std::memcpy(p, &v, 4);
}

// The CRC of one string length as TF hashes it: the 4-byte (or 8-byte if larger) integer in
// the writer's byte order, not the varint.
uint32_t extendLength(uint32_t crc, uint64_t len, bool bigEndian) {
    unsigned char buf[8];
    if (len <= 0xffffffffu) {
        storeU32(buf, uint32_t(len), bigEndian);
        return crc32c::extend(crc, buf, 4);
    }
    uint64_t v = bigEndian ? __builtin_bswap64(len) : len;
    std::memcpy(buf, &v, 8);
    return crc32c::extend(crc, buf, 8);
}

Result<Tensor> decodeStrings(const CheckpointEntry& entry, const MappedFile& shard, int64_t n, bool bigEndian,
                             bool verifyCrc, const std::string& name) {
    const auto* begin = reinterpret_cast<const unsigned char*>(shard.data()) + entry.offset;
    const auto* end = begin + entry.size;
    // Every element needs at least one varint byte: bounds the allocation by the file.
    if (uint64_t(n) > entry.size)
        return Status::corruption("String tensor of shape '" + shapeToString(entry.shape) + "' cannot fit in " +
                                  std::to_string(entry.size) + " bytes" + inFile(name, shard));
    std::vector<uint64_t> lengths(static_cast<size_t>(n));
    const unsigned char* p = begin;
    uint32_t crc = 0;
    uint64_t total = 0;
    for (int64_t i = 0; i < n; ++i) {
        if (!getVarint64(p, end, lengths[size_t(i)]))
            return Status::corruption("Truncated string lengths" + inFile(name, shard));
        total += lengths[size_t(i)];
        if (total > entry.size) return Status::corruption("String lengths exceed the entry size" + inFile(name, shard));
        crc = extendLength(crc, lengths[size_t(i)], bigEndian);
    }
    if (end - p < 4) return Status::corruption("Missing string length checksum" + inFile(name, shard));
    uint32_t stored = loadU32(p, bigEndian);
    if (verifyCrc && crc32c::unmask(stored) != crc)
        return Status::corruption("String length checksum mismatch" + inFile(name, shard));
    crc = crc32c::extend(crc, p, 4);
    p += 4;
    if (uint64_t(end - p) != total)
        return Status::corruption("String tensor has " + std::to_string(end - p) + " bytes of data but its lengths add up to " +
                                  std::to_string(total) + inFile(name, shard));
    std::vector<std::string> values(static_cast<size_t>(n));
    for (size_t i = 0; i < size_t(n); ++i) {
        values[i].assign(reinterpret_cast<const char*>(p), size_t(lengths[i]));
        p += lengths[i];
    }
    if (verifyCrc) {
        crc = crc32c::extend(crc, p - total, size_t(total));
        if (crc32c::mask(crc) != entry.maskedCrc32c)
            return Status::corruption("Checksum mismatch" + inFile(name, shard));
    }
    return Tensor::fromStrings(entry.shape, std::move(values));
}

}  // namespace

void byteSwapElements(DType dtype, std::byte* data, size_t numElements) {
    size_t width = dtypeSize(dtype);
    size_t count = numElements;
    if (isComplex(dtype)) {
        width /= 2;
        count *= 2;
    }
    if (width <= 1) return;
    for (size_t i = 0; i < count; ++i) std::reverse(data + i * width, data + (i + 1) * width);
}

Result<Tensor> decodeBundleTensor(const CheckpointEntry& entry, const std::shared_ptr<const MappedFile>& shard,
                                  bool bigEndian, bool verifyCrc, const std::string& name) {
    const DType dtype = entry.dtype;
    if (dtype == DType::Variant || dtype == DType::Resource)
        return Status::unimplemented("Reading dtype '" + dtypeEnumName(dtype) + "' is not supported" + inFile(name, *shard));
    if (dtype == DType::Invalid || (dtype != DType::String && !isPod(dtype)))
        return Status::corruption("Unsupported dtype '" + dtypeEnumName(dtype) + "'" + inFile(name, *shard));
    const int64_t n = shapeNumElements(entry.shape);
    if (n < 0) return Status::corruption("Invalid shape '" + shapeToString(entry.shape) + "'" + inFile(name, *shard));
    if (entry.offset > shard->size() || entry.size > shard->size() - entry.offset)
        return Status::corruption("Entry [" + std::to_string(entry.offset) + ", +" + std::to_string(entry.size) +
                                  ") lies past the end of the data file (" + std::to_string(shard->size()) + " bytes)" +
                                  inFile(name, *shard));
    if (dtype == DType::String) return decodeStrings(entry, *shard, n, bigEndian, verifyCrc, name);

    const size_t elem = dtypeSize(dtype);
    if (uint64_t(n) > entry.size / elem || uint64_t(n) * elem != entry.size)
        return Status::corruption("Entry size " + std::to_string(entry.size) + " does not match dtype '" +
                                  std::string(dtypeShortName(dtype)) + "' and shape '" + shapeToString(entry.shape) + "'" +
                                  inFile(name, *shard));
    const std::byte* bytes = shard->data() + entry.offset;
    if (verifyCrc && crc32c::mask(crc32c::value(bytes, entry.size)) != entry.maskedCrc32c)
        return Status::corruption("Checksum mismatch" + inFile(name, *shard));
    // A view needs the element alignment (TF's writer pads nothing, so an int64 may start at any
    // offset); otherwise the bytes are copied into an aligned tensor, as TF's reader does.
    // The checksum (or the copy) read every byte: the file's pages leave the resident set again
    // until a kernel reads the values (a checkpoint may hold tensors the graph never reads).
    const bool aligned = reinterpret_cast<uintptr_t>(bytes) % std::min<size_t>(elem, 8) == 0;
    if (!bigEndian && aligned) {
        if (verifyCrc) shard->dropResidentPages(size_t(entry.offset), size_t(entry.size));
        return Tensor::view(dtype, entry.shape, shard, size_t(entry.offset));
    }
    TFS_ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(dtype, entry.shape));
    std::byte* out = t.mutableRawData();
    if (entry.size) std::memcpy(out, bytes, entry.size);
    shard->dropResidentPages(size_t(entry.offset), size_t(entry.size));
    if (bigEndian) byteSwapElements(dtype, out, size_t(n));
    return t;
}

EncodedStrings encodeBundleStrings(const std::vector<std::string>& values, bool bigEndian) {
    EncodedStrings out;
    uint32_t crc = 0;
    size_t total = 0;
    for (const std::string& s : values) {
        putVarint64(out.bytes, s.size());
        crc = extendLength(crc, s.size(), bigEndian);
        total += s.size();
    }
    unsigned char check[4];
    storeU32(check, crc32c::mask(crc), bigEndian);
    out.bytes.append(reinterpret_cast<const char*>(check), 4);
    crc = crc32c::extend(crc, check, 4);
    out.bytes.reserve(out.bytes.size() + total);
    for (const std::string& s : values) {
        out.bytes += s;
        crc = crc32c::extend(crc, s.data(), s.size());
    }
    out.maskedCrc = crc32c::mask(crc);
    return out;
}

}  // namespace tfscope
