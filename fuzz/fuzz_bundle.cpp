// libFuzzer target: the V2 bundle / V1 table reader on arbitrary .index + .data bytes.
// Input layout: 2 bytes little-endian = length of the .index part, then .index bytes, then .data bytes.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.h"
#include "model/checkpoint/checkpoint_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tfscope;
    if (size < 2) return 0;
    size_t indexLen = size_t(data[0]) | size_t(data[1]) << 8;
    data += 2;
    size -= 2;
    if (indexLen > size) indexLen = size;
    const std::string prefix = fuzz::scratchDir() + "/ckpt";
    fuzz::writeFile(prefix + ".index", data, indexLen);
    fuzz::writeFile(prefix + ".data-00000-of-00001", data + indexLen, size - indexLen);
    auto reader = CheckpointReader::open(prefix);
    if (!reader.ok()) return 0;
    for (const CheckpointEntry& e : (*reader)->entries()) {
        auto t = (*reader)->read(e.key);
        (void)t;
    }
    (void)(*reader)->verifyAll();
    return 0;
}
