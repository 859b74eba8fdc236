#include "model/io/npz.h"

#include <algorithm>
#include <array>

#include "model/io/npy.h"

namespace tfscope::io {
namespace {

uint32_t rd16(const unsigned char* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8; }
uint32_t rd32(const unsigned char* p) { return rd16(p) | rd16(p + 2) << 16; }
uint64_t rd64(const unsigned char* p) { return uint64_t(rd32(p)) | uint64_t(rd32(p + 4)) << 32; }
void wr16(std::string& s, uint32_t v) { s += char(v & 0xff); s += char((v >> 8) & 0xff); }
void wr32(std::string& s, uint32_t v) { wr16(s, v & 0xffff); wr16(s, v >> 16); }

// Standard zip CRC-32 (polynomial 0xEDB88320).
uint32_t crc32(std::string_view data) {
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : data) c = table[(c ^ b) & 0xff] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

// Whether [offset, offset + len) lies inside n bytes (offsets come from the file: no overflow).
bool fits(uint64_t offset, uint64_t len, size_t n) { return offset <= n && len <= n - offset; }

}  // namespace

Result<std::map<std::string, Tensor>> parseNpz(std::string_view bytes) {
    const auto* u = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t n = bytes.size();
    if (n < 22) return Status::invalidArgument("Not a .npz file (too short for a zip archive).");
    size_t eocd = std::string_view::npos;
    for (size_t p = n - 22 + 1; p-- > (n > 22 + 65535 ? n - 22 - 65535 : 0);)
        if (rd32(u + p) == 0x06054b50) { eocd = p; break; }
    if (eocd == std::string_view::npos) return Status::invalidArgument("Not a .npz file (no zip end record).");
    uint64_t entries = rd16(u + eocd + 10);
    uint64_t cdOffset = rd32(u + eocd + 16);
    if (cdOffset == 0xFFFFFFFFu || entries == 0xFFFF) {
        // zip64 end record locator precedes the end record.
        if (eocd < 20 || rd32(u + eocd - 20) != 0x07064b50) return Status::invalidArgument("Broken zip64 archive.");
        uint64_t z64 = rd64(u + eocd - 20 + 8);
        if (!fits(z64, 56, n) || rd32(u + z64) != 0x06064b50) return Status::invalidArgument("Broken zip64 archive.");
        entries = rd64(u + z64 + 32);
        cdOffset = rd64(u + z64 + 48);
    }
    std::map<std::string, Tensor> out;
    size_t p = size_t(cdOffset);
    for (uint64_t e = 0; e < entries; ++e) {
        if (!fits(p, 46, n) || rd32(u + p) != 0x02014b50) return Status::invalidArgument("Corrupt zip central directory.");
        uint32_t method = rd16(u + p + 10);
        uint64_t csize = rd32(u + p + 20), usize = rd32(u + p + 24);
        uint32_t nameLen = rd16(u + p + 28), extraLen = rd16(u + p + 30), commentLen = rd16(u + p + 32);
        uint64_t local = rd32(u + p + 42);
        if (!fits(p, 46 + uint64_t(nameLen) + extraLen, n)) return Status::invalidArgument("Corrupt zip central directory.");
        std::string name(bytes.substr(p + 46, nameLen));
        // zip64 extra: the fields that are 0xFFFFFFFF, in order usize, csize, offset.
        const size_t extraEnd = p + 46 + nameLen + extraLen;
        for (size_t x = p + 46 + nameLen; x + 4 <= extraEnd;) {
            uint32_t id = rd16(u + x), len = rd16(u + x + 2);
            const size_t fieldEnd = std::min<size_t>(x + 4 + len, extraEnd);
            if (id == 0x0001) {
                size_t q = x + 4;
                if (usize == 0xFFFFFFFFu && q + 8 <= fieldEnd) { usize = rd64(u + q); q += 8; }
                if (csize == 0xFFFFFFFFu && q + 8 <= fieldEnd) { csize = rd64(u + q); q += 8; }
                if (local == 0xFFFFFFFFu && q + 8 <= fieldEnd) { local = rd64(u + q); q += 8; }
            }
            x += 4 + len;
        }
        p += 46 + nameLen + extraLen + commentLen;
        if (method == 8) return Status::unimplemented("Member '" + name + "' is deflate-compressed (np.savez_compressed); save with np.savez instead.");
        if (method != 0) return Status::unimplemented("Member '" + name + "' uses zip compression method " + std::to_string(method) + ".");
        if (!fits(local, 30, n) || rd32(u + local) != 0x04034b50) return Status::invalidArgument("Corrupt zip local header for '" + name + "'.");
        uint64_t dataStart = local + 30 + rd16(u + local + 26) + rd16(u + local + 28);
        if (!fits(dataStart, csize, n) || csize != usize) return Status::invalidArgument("Zip member '" + name + "' is truncated.");
        std::string key = name;
        if (key.size() > 4 && key.compare(key.size() - 4, 4, ".npy") == 0) key.resize(key.size() - 4);
        auto t = parseNpy(bytes.substr(size_t(dataStart), size_t(csize)));
        if (!t.ok()) return t.status().withContext("member '" + name + "'");
        out[key] = std::move(t).value();
    }
    return out;
}

Result<std::map<std::string, Tensor>> readNpz(const std::string& path) {
    TFS_ASSIGN_OR_RETURN(std::string bytes, readFileBytes(path));
    auto r = parseNpz(bytes);
    if (!r.ok()) return r.status().withContext(path);
    return r;
}

Result<std::string> encodeNpz(const std::map<std::string, Tensor>& arrays) {
    std::string out, central;
    uint32_t count = 0;
    for (const auto& [key, t] : arrays) {
        TFS_ASSIGN_OR_RETURN(std::string data, encodeNpy(t));
        if (out.size() + data.size() > 0xFFFFFFF0u) return Status::unimplemented("Arrays above 4 GiB are not supported in .npz output.");
        std::string name = key + ".npy";
        uint32_t crc = crc32(data);
        uint32_t offset = uint32_t(out.size());
        wr32(out, 0x04034b50); wr16(out, 20); wr16(out, 0); wr16(out, 0); wr16(out, 0); wr16(out, 0x21);
        wr32(out, crc); wr32(out, uint32_t(data.size())); wr32(out, uint32_t(data.size()));
        wr16(out, uint32_t(name.size())); wr16(out, 0);
        out += name;
        out += data;
        wr32(central, 0x02014b50); wr16(central, 20); wr16(central, 20); wr16(central, 0); wr16(central, 0);
        wr16(central, 0); wr16(central, 0x21); wr32(central, crc); wr32(central, uint32_t(data.size()));
        wr32(central, uint32_t(data.size())); wr16(central, uint32_t(name.size())); wr16(central, 0); wr16(central, 0);
        wr16(central, 0); wr16(central, 0); wr32(central, 0); wr32(central, offset);
        central += name;
        ++count;
    }
    uint32_t cdOffset = uint32_t(out.size());
    out += central;
    wr32(out, 0x06054b50); wr16(out, 0); wr16(out, 0); wr16(out, count); wr16(out, count);
    wr32(out, uint32_t(central.size())); wr32(out, cdOffset); wr16(out, 0);
    return out;
}

Status writeNpz(const std::string& path, const std::map<std::string, Tensor>& arrays) {
    TFS_ASSIGN_OR_RETURN(std::string bytes, encodeNpz(arrays));
    return writeFileBytes(path, bytes);
}

}  // namespace tfscope::io
