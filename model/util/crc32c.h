#pragma once
// CRC-32C (Castagnoli) as used by TensorFlow's tensor bundles and LevelDB tables, plus the
// masking TF applies to stored checksums (docs/formats.md#crc32c-and-masking). Uses the SSE4.2 crc32
// instruction when the CPU has it, a slicing-by-8 table otherwise.
//
//   uint32_t c = crc32c::value(bytes, n);
//   uint32_t stored = crc32c::mask(c);

#include <cstddef>
#include <cstdint>

namespace tfscope::crc32c {

// Continues a CRC: extend(0, ...) == value(...).
uint32_t extend(uint32_t crc, const void* data, size_t n);
inline uint32_t value(const void* data, size_t n) { return extend(0, data, n); }
// Portable implementation, exposed so tests can compare it with the hardware path.
uint32_t extendPortable(uint32_t crc, const void* data, size_t n);
bool hardwareAvailable();

constexpr uint32_t kMaskDelta = 0xa282ead8u;
constexpr uint32_t mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
constexpr uint32_t unmask(uint32_t masked) {
    uint32_t rot = masked - kMaskDelta;
    return (rot >> 17) | (rot << 15);
}

}  // namespace tfscope::crc32c
