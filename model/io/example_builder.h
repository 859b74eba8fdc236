#pragma once
// tf.Example inputs for `tfscope run --input_examples 'inputs=[{"x":[1.0],"s":["a"]}]'`: each dict
// becomes one serialized tensorflow.Example (floats -> float_list, ints -> int64_list, strings ->
// bytes_list; a list containing a float is a float_list), and the list a 1-D DT_STRING tensor.
//
//   TFS_ASSIGN_OR_RETURN(Tensor t, io::examplesFromText("[{'x': [1.0]}, {'x': [2.0]}]"));

#include <string_view>

#include "model/io/literal.h"
#include "model/status.h"
#include "model/tensor.h"

namespace tfscope::io {

Result<Tensor> examplesFromLiteral(const Literal& list);
Result<Tensor> examplesFromText(std::string_view text);

}  // namespace tfscope::io
