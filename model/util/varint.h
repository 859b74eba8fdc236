#pragma once
// Base-128 varints as protobuf and LevelDB write them: 7 bits a byte, least significant first,
// the high bit set on every byte but the last. Used where tfscope reads such bytes itself (SSTable
// block handles, DT_STRING lengths in a tensor bundle).
//
//   std::string out;  putVarint64(out, 300);          // ac 02
//   const unsigned char* p = ...; uint64_t v;
//   if (!getVarint64(p, end, v)) return corrupt();    // p is advanced past the varint

#include <cstdint>
#include <string>

namespace tfscope {

inline void putVarint64(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

// Reads one varint from [p, end) and advances p; false if the bytes end first or it is longer than
// ten bytes.
inline bool getVarint64(const unsigned char*& p, const unsigned char* end, uint64_t& v) {
    v = 0;
    for (int shift = 0; shift <= 63 && p < end; shift += 7) {
        const uint64_t b = *p++;
        v |= (b & 0x7f) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

}  // namespace tfscope
