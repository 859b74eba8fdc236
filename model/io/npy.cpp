#include "model/io/npy.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace tfscope::io {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

struct Descr {
    DType dtype = DType::Invalid;
    char kind = 0;      // 'S' or 'U' for strings
    size_t itemSize = 0;
    bool bigEndian = false;
};

Result<Descr> parseDescr(std::string_view d) {
    if (d.size() < 2) return Status::invalidArgument("Unsupported npy dtype '" + std::string(d) + "'.");
    Descr out;
    char order = d[0];
    std::string_view rest = d.substr(1);
    if (order != '<' && order != '>' && order != '|' && order != '=')
        rest = d, order = '=';
    out.bigEndian = order == '>';
    char kind = rest[0];
    size_t size = 0;
    for (char c : rest.substr(1)) {
        if (c < '0' || c > '9') return Status::invalidArgument("Unsupported npy dtype '" + std::string(d) + "'.");
        size = size * 10 + size_t(c - '0');
        if (size > (size_t(1) << 30)) return Status::invalidArgument("Unsupported npy dtype '" + std::string(d) + "' (item size too large).");
    }
    out.itemSize = size;
    switch (kind) {
    case 'b': out.dtype = size == 1 ? DType::Bool : DType::Invalid; break;
    case 'i': out.dtype = size == 1 ? DType::Int8 : size == 2 ? DType::Int16 : size == 4 ? DType::Int32 : size == 8 ? DType::Int64 : DType::Invalid; break;
    case 'u': out.dtype = size == 1 ? DType::UInt8 : size == 2 ? DType::UInt16 : size == 4 ? DType::UInt32 : size == 8 ? DType::UInt64 : DType::Invalid; break;
    case 'f': out.dtype = size == 2 ? DType::Half : size == 4 ? DType::Float : size == 8 ? DType::Double : DType::Invalid; break;
    case 'c': out.dtype = size == 8 ? DType::Complex64 : size == 16 ? DType::Complex128 : DType::Invalid; break;
    case 'S': out.dtype = DType::String; out.kind = 'S'; break;
    case 'U': out.dtype = DType::String; out.kind = 'U'; out.itemSize = size * 4; break;
    case 'O': return Status::unimplemented("Object arrays (pickled, dtype 'O') are not supported in .npy files; save strings as bytes ('S').");
    default: break;
    }
    if (out.dtype == DType::Invalid) return Status::invalidArgument("Unsupported npy dtype '" + std::string(d) + "'.");
    return out;
}

// Value text after `'key':` in the header dict.
std::string_view dictValue(std::string_view header, std::string_view key) {
    for (char q : {'\'', '"'}) {
        std::string k = std::string(1, q) + std::string(key) + std::string(1, q);
        size_t p = header.find(k);
        if (p == std::string_view::npos) continue;
        p = header.find(':', p + k.size());
        if (p == std::string_view::npos) return {};
        size_t s = header.find_first_not_of(' ', p + 1);
        if (s == std::string_view::npos) return {};
        size_t e = s;
        if (header[s] == '(') e = header.find(')', s) + 1;
        else if (header[s] == '\'' || header[s] == '"') e = header.find(header[s], s + 1) + 1;
        else e = header.find_first_of(",}", s);
        if (e == std::string_view::npos || e == 0) return {};
        return header.substr(s, e - s);
    }
    return {};
}

std::string utf32ToUtf8(const unsigned char* p, size_t chars, bool big) {
    std::string out;
    for (size_t i = 0; i < chars; ++i) {
        const unsigned char* c = p + 4 * i;
        uint32_t cp = big ? (uint32_t(c[0]) << 24 | uint32_t(c[1]) << 16 | uint32_t(c[2]) << 8 | c[3])
                          : (uint32_t(c[3]) << 24 | uint32_t(c[2]) << 16 | uint32_t(c[1]) << 8 | c[0]);
        if (cp == 0) break;
        if (cp < 0x80) out += char(cp);
        else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3F)); }
        else if (cp < 0x10000) { out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
        else { out += char(0xF0 | (cp >> 18)); out += char(0x80 | ((cp >> 12) & 0x3F)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
    }
    return out;
}

// C-order index of the element at Fortran-order position `f`.
int64_t fortranToC(int64_t f, const Shape& shape) {
    int64_t c = 0, stride = 1;
    std::vector<int64_t> idx(shape.size());
    for (size_t d = 0; d < shape.size(); ++d) { idx[d] = shape[d] ? f % shape[d] : 0; f = shape[d] ? f / shape[d] : 0; }
    for (size_t d = shape.size(); d-- > 0;) { c += idx[d] * stride; stride *= shape[d]; }
    return c;
}

}  // namespace

Result<Tensor> parseNpy(std::string_view bytes) {
    if (bytes.size() < 10 || bytes.substr(0, 6) != kMagic) return Status::invalidArgument("Not a .npy file (bad magic).");
    const auto* u = reinterpret_cast<const unsigned char*>(bytes.data());
    int major = u[6];
    size_t headerLen, start;
    if (major == 1) { headerLen = size_t(u[8]) | size_t(u[9]) << 8; start = 10; }
    else if (major == 2 || major == 3) {
        if (bytes.size() < 12) return Status::invalidArgument("Truncated .npy header.");
        headerLen = size_t(u[8]) | size_t(u[9]) << 8 | size_t(u[10]) << 16 | size_t(u[11]) << 24;
        start = 12;
    } else return Status::invalidArgument("Unsupported .npy version '" + std::to_string(major) + "'.");
    if (start + headerLen > bytes.size()) return Status::invalidArgument("Truncated .npy header.");
    std::string_view header = bytes.substr(start, headerLen);
    std::string_view descrText = dictValue(header, "descr");
    if (descrText.size() < 2) return Status::invalidArgument("The .npy header has no 'descr'.");
    TFS_ASSIGN_OR_RETURN(Descr descr, parseDescr(descrText.substr(1, descrText.size() - 2)));
    bool fortran = dictValue(header, "fortran_order") == "True";
    std::string_view shapeText = dictValue(header, "shape");
    if (shapeText.size() < 2 || shapeText[0] != '(') return Status::invalidArgument("The .npy header has no 'shape'.");
    Shape shape;
    std::string_view dims = shapeText.substr(1, shapeText.size() - 2);
    int64_t cur = -1;
    for (char c : dims) {
        if (c >= '0' && c <= '9') { cur = (cur < 0 ? 0 : cur) * 10 + (c - '0'); if (cur > (int64_t(1) << 40)) return Status::invalidArgument("The .npy shape is too large."); }
        else if (c == ',') { if (cur >= 0) shape.push_back(cur); cur = -1; }
        else if (c != ' ' && c != 'L') return Status::invalidArgument("Invalid .npy shape '" + std::string(shapeText) + "'.");
    }
    if (cur >= 0) shape.push_back(cur);
    int64_t n = shapeNumElements(shape);
    if (n < 0) return Status::invalidArgument("Invalid .npy shape '" + std::string(shapeText) + "'.");
    std::string_view data = bytes.substr(start + headerLen);
    // A zero item size ('S0', 'U0') would make any element count fit in no data.
    if (descr.itemSize == 0) return Status::invalidArgument("Invalid .npy item size 0 in '" + std::string(descrText) + "'.");
    if (descr.itemSize > 0 && uint64_t(n) > data.size() / descr.itemSize)
        return Status::invalidArgument("The .npy data is truncated: " + std::to_string(data.size()) + " bytes for " + std::to_string(n) +
                                       " elements of " + std::to_string(descr.itemSize) + " bytes.");
    TFS_ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(descr.dtype, shape));
    for (int64_t i = 0; i < n; ++i) {
        int64_t dst = fortran ? fortranToC(i, shape) : i;
        const char* src = data.data() + size_t(i) * descr.itemSize;
        if (descr.dtype == DType::String) {
            if (descr.kind == 'S') {
                size_t len = descr.itemSize;
                while (len > 0 && src[len - 1] == '\0') --len;
                t.mutableStrings()[size_t(dst)] = std::string(src, len);
            } else {
                t.mutableStrings()[size_t(dst)] = utf32ToUtf8(reinterpret_cast<const unsigned char*>(src), descr.itemSize / 4, descr.bigEndian);
            }
            continue;
        }
        std::byte* out = t.mutableRawData() + size_t(dst) * descr.itemSize;
        std::memcpy(out, src, descr.itemSize);
        if (descr.bigEndian && descr.itemSize > 1) {
            size_t part = descr.dtype == DType::Complex64 || descr.dtype == DType::Complex128 ? descr.itemSize / 2 : descr.itemSize;
            for (size_t o = 0; o < descr.itemSize; o += part) std::reverse(out + o, out + o + part);
        }
    }
    return t;
}

Result<std::string> encodeNpy(const Tensor& t) {
    std::string descr;
    size_t itemSize = dtypeSize(t.dtype());
    switch (t.dtype()) {
    case DType::Bool: descr = "|b1"; break;
    case DType::Int8: descr = "|i1"; break;
    case DType::UInt8: descr = "|u1"; break;
    case DType::Int16: descr = "<i2"; break;
    case DType::UInt16: descr = "<u2"; break;
    case DType::Int32: descr = "<i4"; break;
    case DType::UInt32: descr = "<u4"; break;
    case DType::Int64: descr = "<i8"; break;
    case DType::UInt64: descr = "<u8"; break;
    case DType::Half: descr = "<f2"; break;
    case DType::Float: descr = "<f4"; break;
    case DType::Double: descr = "<f8"; break;
    case DType::Complex64: descr = "<c8"; break;
    case DType::Complex128: descr = "<c16"; break;
    case DType::String: {
        itemSize = 1;
        for (const auto& s : t.strings()) itemSize = std::max(itemSize, s.size());
        descr = "|S" + std::to_string(itemSize);
        break;
    }
    default: return Status::unimplemented("Cannot write dtype '" + dtypeEnumName(t.dtype()) + "' to a .npy file.");
    }
    std::string shape = "(";
    for (size_t i = 0; i < t.shape().size(); ++i) shape += std::to_string(t.shape()[i]) + (t.shape().size() == 1 ? "," : i + 1 < t.shape().size() ? ", " : "");
    shape += ")";
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    size_t total = 10 + header.size() + 1;
    size_t pad = (64 - total % 64) % 64;
    header += std::string(pad, ' ') + "\n";
    std::string out(kMagic);
    out += char(1);
    out += char(0);
    out += char(header.size() & 0xff);
    out += char((header.size() >> 8) & 0xff);
    out += header;
    if (t.dtype() == DType::String) {
        for (const auto& s : t.strings()) {
            out += s;
            out.append(itemSize - s.size(), '\0');
        }
    } else if (t.byteSize()) {
        out.append(reinterpret_cast<const char*>(t.rawData()), t.byteSize());
    }
    return out;
}

Result<std::string> readFileBytes(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return Status::notFound("'" + path + "' does not exist.");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::ioError("Cannot open '" + path + "'.");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return bytes;
}

Status writeFileBytes(const std::string& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return Status::ioError("Cannot write '" + path + "'.");
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) return Status::ioError("Cannot write '" + path + "'.");
    return Status::OK();
}

Result<Tensor> readNpy(const std::string& path) {
    TFS_ASSIGN_OR_RETURN(std::string bytes, readFileBytes(path));
    auto t = parseNpy(bytes);
    if (!t.ok()) return t.status().withContext(path);
    return t;
}

Status writeNpy(const std::string& path, const Tensor& t) {
    TFS_ASSIGN_OR_RETURN(std::string bytes, encodeNpy(t));
    return writeFileBytes(path, bytes);
}

}  // namespace tfscope::io
