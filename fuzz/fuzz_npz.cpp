// libFuzzer target: .npz parsing (a zip of .npy members; tfscope run --inputs 'x=file.npz[name]').
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/io/npz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto arrays = tfscope::io::parseNpz(std::string_view(reinterpret_cast<const char*>(data), size));
    if (arrays.ok())
        for (const auto& [name, t] : arrays.value()) (void)t.numElements();
    return 0;
}
