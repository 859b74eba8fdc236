// libFuzzer target: --input_exprs literals ('x=[[1,2]];s=sparse(...)'), cast to a dtype picked by
// the first byte, as `tfscope run` does for a signature input or a fed tensor.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/io/input_args.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tfscope;
    if (size == 0) return 0;
    static const DType kTypes[] = {DType::Invalid, DType::Float, DType::Double, DType::Int32, DType::Int64, DType::UInt8,
                                   DType::Bool, DType::String, DType::Half, DType::BFloat16, DType::Int8, DType::Complex64};
    const DType want = kTypes[data[0] % (sizeof(kTypes) / sizeof(kTypes[0]))];
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto r = io::parseRunInputs("", text, "", {{"x", want}, {"x:0", want}, {"sp", want}});
    (void)r;
    return 0;
}
