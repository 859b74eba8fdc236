#pragma once
// numpy-style text of a Tensor, as `print(np_array)` shows it (what TF's inspect_checkpoint
// prints): `0.5`, `[1. 2. 3.]`, nested brackets, `b'...'` for bytes, summarised with `...`
// above `threshold` elements. Follows numpy 1.26 arrayprint (floatmode 'maxprec', precision 8,
// linewidth 75, edgeitems 3); bfloat16 as ml_dtypes prints it (`%g`, no padding).
//
//   std::cout << formatNumpy(tensor) << "\n";
//
// Known deviations (docs in tests/model/tst_tensor_format.cpp): quantized dtypes print as their
// integer storage; float8/int4 kinds print via float/int conversion; Variant/Resource print as
// "<object>" placeholders.

#include <cstdint>
#include <string>

#include "model/tensor.h"

namespace tfscope {

struct NumpyPrintOptions {
    int lineWidth = 75;
    int64_t threshold = 1000;  // summarise above this many elements
    int edgeItems = 3;
    int precision = 8;
};

std::string formatNumpy(const Tensor& t, const NumpyPrintOptions& options = {});

// Python's repr() of a bytes object: b'abc', b"it's", b'\xff\x00'.
std::string pythonBytesRepr(const std::string& bytes);

}  // namespace tfscope
