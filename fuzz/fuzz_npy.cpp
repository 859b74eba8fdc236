// libFuzzer target: .npy parsing (tfscope run --inputs 'x=file.npy').
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto t = tfscope::io::parseNpy(std::string_view(reinterpret_cast<const char*>(data), size));
    if (t.ok()) (void)t.value().numElements();
    return 0;
}
