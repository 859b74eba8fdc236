// libFuzzer target: --input_examples ('inputs=[{"x":[1.0],"s":["a"]}]' serialized to tf.Example).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/io/input_args.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto r = tfscope::io::parseRunInputs("", "", text, {});
    (void)r;
    return 0;
}
