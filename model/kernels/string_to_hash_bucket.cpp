// StringToHashBucketFast: Fingerprint64(string) % num_buckets, where TF's Fingerprint64 is
// FarmHash's 64-bit fingerprint (the "na" variant, seed-free): tft/feature-column vocabulary hashing.
// Written from the published algorithm; tst_kernels_strings checks it against TF 2.15's buckets.
#include <cstring>
#include <utility>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

constexpr uint64_t kK0 = 0xc3a5c85c97cb3127ULL;
constexpr uint64_t kK1 = 0xb492b66fbe98f273ULL;
constexpr uint64_t kK2 = 0x9ae16a3b2f90404fULL;

uint64_t load64(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;  // little-endian hosts only (x86-64, aarch64), as the rest of tfscope
}
uint32_t load32(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}
uint64_t rotr(uint64_t v, int s) { return s == 0 ? v : (v >> s) | (v << (64 - s)); }
uint64_t shiftMix(uint64_t v) { return v ^ (v >> 47); }

uint64_t mix16(uint64_t u, uint64_t v, uint64_t mul) {
    uint64_t a = (u ^ v) * mul;
    a ^= a >> 47;
    uint64_t b = (v ^ a) * mul;
    b ^= b >> 47;
    return b * mul;
}

uint64_t hashUpTo16(const char* s, size_t len) {
    if (len >= 8) {
        const uint64_t mul = kK2 + len * 2;
        const uint64_t a = load64(s) + kK2, b = load64(s + len - 8);
        const uint64_t c = rotr(b, 37) * mul + a, d = (rotr(a, 25) + b) * mul;
        return mix16(c, d, mul);
    }
    if (len >= 4) {
        const uint64_t mul = kK2 + len * 2;
        return mix16(len + (uint64_t(load32(s)) << 3), load32(s + len - 4), mul);
    }
    if (len > 0) {
        const uint8_t a = uint8_t(s[0]), b = uint8_t(s[len >> 1]), c = uint8_t(s[len - 1]);
        const uint32_t y = uint32_t(a) + (uint32_t(b) << 8), z = uint32_t(len) + (uint32_t(c) << 2);
        return shiftMix(y * kK2 ^ z * kK0) * kK2;
    }
    return kK2;
}

uint64_t hash17to32(const char* s, size_t len) {
    const uint64_t mul = kK2 + len * 2;
    const uint64_t a = load64(s) * kK1, b = load64(s + 8);
    const uint64_t c = load64(s + len - 8) * mul, d = load64(s + len - 16) * kK2;
    return mix16(rotr(a + b, 43) + rotr(c, 30) + d, a + rotr(b + kK2, 18) + c, mul);
}

uint64_t hash33to64(const char* s, size_t len) {
    const uint64_t mul = kK2 + len * 2;
    const uint64_t a = load64(s) * kK2, b = load64(s + 8);
    const uint64_t c = load64(s + len - 8) * mul, d = load64(s + len - 16) * kK2;
    const uint64_t y = rotr(a + b, 43) + rotr(c, 30) + d;
    const uint64_t z = mix16(y, a + rotr(b + kK2, 18) + c, mul);
    const uint64_t e = load64(s + 16) * mul, f = load64(s + 24);
    const uint64_t g = (y + load64(s + len - 32)) * mul, h = (z + load64(s + len - 24)) * mul;
    return mix16(rotr(e + f, 43) + rotr(g, 30) + h, e + rotr(f + a, 18) + g, mul);
}

struct Pair { uint64_t first, second; };

Pair weak32(const char* s, uint64_t a, uint64_t b) {
    const uint64_t w = load64(s), x = load64(s + 8), y = load64(s + 16), z = load64(s + 24);
    a += w;
    b = rotr(b + a + z, 21);
    const uint64_t c = a;
    a += x;
    a += y;
    b += rotr(a, 44);
    return {a + z, b + c};
}

uint64_t fingerprint64(const char* s, size_t len) {
    if (len <= 16) return hashUpTo16(s, len);
    if (len <= 32) return hash17to32(s, len);
    if (len <= 64) return hash33to64(s, len);
    constexpr uint64_t seed = 81;
    uint64_t x = seed, y = seed * kK1 + 113, z = shiftMix(y * kK2 + 113) * kK2;
    Pair v{0, 0}, w{0, 0};
    x = x * kK2 + load64(s);
    const char* end = s + ((len - 1) / 64) * 64;
    const char* last64 = end + ((len - 1) & 63) - 63;
    do {
        x = rotr(x + y + v.first + load64(s + 8), 37) * kK1;
        y = rotr(y + v.second + load64(s + 48), 42) * kK1;
        x ^= w.second;
        y += v.first + load64(s + 40);
        z = rotr(z + w.first, 33) * kK1;
        v = weak32(s, v.second * kK1, x + w.first);
        w = weak32(s + 32, z + w.second, y + load64(s + 16));
        std::swap(z, x);
        s += 64;
    } while (s != end);
    const uint64_t mul = kK1 + ((z & 0xff) << 1);
    s = last64;
    w.first += (len - 1) & 63;
    v.first += w.first;
    w.first += v.first;
    x = rotr(x + y + v.first + load64(s + 8), 37) * mul;
    y = rotr(y + v.second + load64(s + 48), 42) * mul;
    x ^= w.second * 9;
    y += v.first * 9 + load64(s + 40);
    z = rotr(z + w.first, 33) * mul;
    v = weak32(s, v.second * mul, x + w.first);
    w = weak32(s + 32, z + w.second, y + load64(s + 16));
    std::swap(z, x);
    return mix16(mix16(v.first, w.first, mul) + shiftMix(y) * kK0 + z, mix16(v.second, w.second, mul) + x, mul);
}

Status evalStringToHashBucketFast(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* in, inputOf(ctx, 0));
    if (in->dtype() != DType::String) return unsupportedType(ctx, in->dtype());
    const int64_t buckets = ctx.attrInt("num_buckets", 0);
    if (buckets < 1) return ctx.error("num_buckets must be >= 1, got '" + std::to_string(buckets) + "'.");
    TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutput(0, DType::Int64, in->shape()));
    int64_t* po = mutableDataOf<int64_t>(*out);
    const auto& strings = in->strings();
    for (size_t i = 0; i < strings.size(); ++i)
        po[i] = int64_t(fingerprint64(strings[i].data(), strings[i].size()) % uint64_t(buckets));
    return Status::OK();
}

}  // namespace

void registerStringToHashBucket(KernelList& list) {
    static const KernelDef defs[] = {{"StringToHashBucketFast", evalStringToHashBucketFast}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
