#include "model/checkpoint/slice_key.h"

#include <bit>
#include <charconv>

#include "tensor_slice.pb.h"

namespace tfscope {

namespace {

// Bytes needed for a value with N significant bits (N = 0..63), docs/formats.md#slice-keys.
constexpr uint8_t kBitsToLength[64] = {1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 4,
                                       4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 7,
                                       7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 10};
constexpr uint8_t kLengthToHeaderBits[11][2] = {{0x00, 0x00}, {0x80, 0x00}, {0xC0, 0x00}, {0xE0, 0x00},
                                                {0xF0, 0x00}, {0xF8, 0x00}, {0xFC, 0x00}, {0xFE, 0x00},
                                                {0xFF, 0x00}, {0xFF, 0x80}, {0xFF, 0xC0}};

bool parseInt(std::string_view s, int64_t& v) {
    if (s.empty()) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

TensorSliceSpec sliceFromProto(const tensorflow::TensorSliceProto& p) {
    TensorSliceSpec s;
    for (const auto& e : p.extent()) {
        if (e.has_length_case() == tensorflow::TensorSliceProto::Extent::kLength && e.length() >= 0)
            s.push_back({e.start(), e.length()});
        else
            s.push_back({0, -1});
    }
    return s;
}

void sliceToProto(const TensorSliceSpec& s, tensorflow::TensorSliceProto* p) {
    for (const SliceExtent& e : s) {
        auto* x = p->add_extent();
        if (e.length >= 0) {
            x->set_start(e.start);
            x->set_length(e.length);
        }
    }
}

void orderedWriteNumIncreasing(std::string& out, uint64_t v) {
    unsigned char buf[8];
    int n = 0;
    while (v > 0) {
        buf[n++] = static_cast<unsigned char>(v & 0xff);
        v >>= 8;
    }
    out.push_back(static_cast<char>(n));
    for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>(buf[i]));
}

bool orderedReadNumIncreasing(std::string_view& in, uint64_t& v) {
    if (in.empty()) return false;
    size_t n = static_cast<unsigned char>(in[0]);
    if (n > 8 || in.size() < n + 1) return false;
    v = 0;
    for (size_t i = 1; i <= n; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
    in.remove_prefix(n + 1);
    return true;
}

void orderedWriteSignedNumIncreasing(std::string& out, int64_t v) {
    uint64_t x = v < 0 ? ~uint64_t(v) : uint64_t(v);
    if (x < 64) {
        out.push_back(static_cast<char>(0x80 ^ (uint64_t(v) & 0xff)));
        return;
    }
    int bits = 64 - std::countl_zero(x);  // floor(log2 x) + 1
    int len = kBitsToLength[bits];
    unsigned char buf[10];
    uint64_t u = uint64_t(v);
    for (int i = 9; i >= 2; --i) {
        buf[i] = static_cast<unsigned char>(u & 0xff);
        u >>= 8;
    }
    unsigned char ext = v < 0 ? 0xff : 0x00;
    buf[0] = buf[1] = ext;
    unsigned char* p = buf + 10 - len;
    p[0] ^= kLengthToHeaderBits[len][0];
    p[1] ^= kLengthToHeaderBits[len][1];
    out.append(reinterpret_cast<const char*>(p), size_t(len));
}

bool orderedReadSignedNumIncreasing(std::string_view& in, int64_t& v) {
    if (in.empty()) return false;
    auto byteAt = [&](size_t i) { return static_cast<unsigned char>(in[i]); };
    bool positive = (byteAt(0) & 0x80) != 0;
    unsigned char flip = positive ? 0x00 : 0xff;
    uint16_t head = uint16_t((byteAt(0) ^ flip) << 8);
    if (in.size() > 1) head |= uint16_t(byteAt(1) ^ flip);
    int len = std::countl_one(head);
    if (len < 1 || len > 10 || in.size() < size_t(len)) return false;
    unsigned char buf[10];
    for (int i = 0; i < len; ++i) buf[i] = byteAt(size_t(i));
    buf[0] ^= kLengthToHeaderBits[len][0];
    if (len > 1) buf[1] ^= kLengthToHeaderBits[len][1];
    unsigned char ext = positive ? 0x00 : 0xff;
    int skip = len > 8 ? len - 8 : 0;  // leading bytes must be pure sign extension
    for (int i = 0; i < skip; ++i)
        if (buf[i] != ext) return false;
    uint64_t u = positive ? 0 : ~uint64_t(0);
    for (int i = skip; i < len; ++i) u = (u << 8) | buf[i];
    v = static_cast<int64_t>(u);
    in.remove_prefix(size_t(len));
    return true;
}

void orderedWriteString(std::string& out, std::string_view s) {
    for (char c : s) {
        unsigned char b = static_cast<unsigned char>(c);
        if (b == 0x00) {
            out.push_back('\x00');
            out.push_back('\xff');
        } else if (b == 0xff) {
            out.push_back('\xff');
            out.push_back('\x00');
        } else {
            out.push_back(c);
        }
    }
    out.push_back('\x00');
    out.push_back('\x01');
}

bool orderedReadString(std::string_view& in, std::string& s) {
    s.clear();
    for (size_t i = 0; i + 1 < in.size(); ++i) {
        unsigned char b = static_cast<unsigned char>(in[i]);
        unsigned char next = static_cast<unsigned char>(in[i + 1]);
        if (b == 0x00) {
            if (next == 0x01) {
                in.remove_prefix(i + 2);
                return true;
            }
            if (next != 0xff) return false;
            s.push_back('\x00');
            ++i;
        } else if (b == 0xff) {
            if (next != 0x00) return false;
            s.push_back('\xff');
            ++i;
        } else {
            s.push_back(static_cast<char>(b));
        }
    }
    return false;
}

std::string encodeSliceKey(std::string_view name, const TensorSliceSpec& slice) {
    std::string out;
    orderedWriteNumIncreasing(out, 0);
    orderedWriteString(out, name);
    orderedWriteNumIncreasing(out, slice.size());
    for (const SliceExtent& e : slice) {
        bool full = e.length < 0;
        orderedWriteSignedNumIncreasing(out, full ? 0 : e.start);
        orderedWriteSignedNumIncreasing(out, full ? -1 : e.length);
    }
    return out;
}

Result<SliceKey> decodeSliceKey(std::string_view key) {
    auto bad = [] { return Status::corruption("Malformed tensor slice key."); };
    std::string_view in = key;
    uint64_t tag = 1;
    uint64_t rank = 0;
    SliceKey out;
    if (!orderedReadNumIncreasing(in, tag) || tag != 0) return bad();
    if (!orderedReadString(in, out.name)) return bad();
    if (!orderedReadNumIncreasing(in, rank) || rank > in.size() / 2) return bad();  // V1 scalars have rank 0
    for (uint64_t d = 0; d < rank; ++d) {
        int64_t start = 0, length = 0;
        if (!orderedReadSignedNumIncreasing(in, start) || !orderedReadSignedNumIncreasing(in, length)) return bad();
        if (length >= 0 && start < 0) return bad();
        out.slice.push_back(length >= 0 ? SliceExtent{start, length} : SliceExtent{0, -1});
    }
    if (!in.empty()) return bad();
    return out;
}

std::string formatSliceSpec(const TensorSliceSpec& slice) {
    std::string out;
    for (size_t i = 0; i < slice.size(); ++i) {
        if (i) out += ':';
        if (slice[i].length < 0)
            out += '-';
        else
            out += std::to_string(slice[i].start) + ',' + std::to_string(slice[i].length);
    }
    return out;
}

Result<TensorSliceSpec> parseSliceSpec(std::string_view text) {
    TensorSliceSpec out;
    if (text.empty()) return out;
    size_t pos = 0;
    while (true) {
        size_t colon = text.find(':', pos);
        std::string_view item = text.substr(pos, colon == std::string_view::npos ? std::string_view::npos : colon - pos);
        if (item == "-") {
            out.push_back({0, -1});
        } else {
            size_t comma = item.find(',');
            int64_t start = 0, length = 0;
            if (comma == std::string_view::npos || !parseInt(item.substr(0, comma), start) ||
                !parseInt(item.substr(comma + 1), length) || start < 0 || length < 0)
                return Status::invalidArgument("Invalid slice item '" + std::string(item) + "' in '" +
                                               std::string(text) + "'.");
            out.push_back({start, length});
        }
        if (colon == std::string_view::npos) break;
        pos = colon + 1;
    }
    return out;
}

bool sliceIsFull(const TensorSliceSpec& slice, const Shape& shape) {
    if (slice.size() != shape.size()) return false;
    for (size_t i = 0; i < slice.size(); ++i)
        if (slice[i].length >= 0 && !(slice[i].start == 0 && slice[i].length == shape[i])) return false;
    return true;
}

Status checkSliceInShape(const TensorSliceSpec& slice, const Shape& fullShape) {
    if (slice.size() != fullShape.size())
        return Status::invalidArgument("Slice '" + formatSliceSpec(slice) + "' has rank " + std::to_string(slice.size()) +
                                       " but the tensor has shape '" + shapeToString(fullShape) + "'.");
    for (size_t i = 0; i < slice.size(); ++i) {
        const SliceExtent& e = slice[i];
        if (e.length < 0) continue;
        if (e.start < 0 || e.start > fullShape[i] || e.length > fullShape[i] - e.start)
            return Status::invalidArgument("Slice '" + formatSliceSpec(slice) + "' lies outside shape '" +
                                           shapeToString(fullShape) + "'.");
    }
    return Status::OK();
}

Shape sliceShape(const TensorSliceSpec& slice, const Shape& fullShape) {
    Shape out(fullShape.size());
    for (size_t i = 0; i < fullShape.size(); ++i)
        out[i] = (i < slice.size() && slice[i].length >= 0) ? slice[i].length : fullShape[i];
    return out;
}

Result<ShapeAndSlice> parseShapeAndSlice(std::string_view text) {
    ShapeAndSlice out;
    if (text.empty()) return out;
    out.whole = false;
    size_t lastSpace = text.rfind(' ');
    if (lastSpace == std::string_view::npos)
        return Status::invalidArgument("Invalid shape_and_slice '" + std::string(text) + "'.");
    std::string_view dims = text.substr(0, lastSpace);
    size_t pos = 0;
    while (pos <= dims.size()) {
        size_t sp = dims.find(' ', pos);
        std::string_view item = dims.substr(pos, sp == std::string_view::npos ? std::string_view::npos : sp - pos);
        int64_t d = 0;
        if (!parseInt(item, d) || d < 0)
            return Status::invalidArgument("Invalid dimension '" + std::string(item) + "' in shape_and_slice '" +
                                           std::string(text) + "'.");
        out.fullShape.push_back(d);
        if (sp == std::string_view::npos) break;
        pos = sp + 1;
    }
    TFS_ASSIGN_OR_RETURN(out.slice, parseSliceSpec(text.substr(lastSpace + 1)));
    TFS_RETURN_IF_ERROR(checkSliceInShape(out.slice, out.fullShape));
    return out;
}

std::string formatShapeAndSlice(const Shape& fullShape, const TensorSliceSpec& slice) {
    std::string out;
    for (int64_t d : fullShape) out += std::to_string(d) + ' ';
    return out + formatSliceSpec(slice);
}

}  // namespace tfscope
