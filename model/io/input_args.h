#pragma once
// The three input options of `tfscope run` (as saved_model_cli run):
//   --inputs         'x=in.npy;y=in.npz[arr];z=in.npz'   (.npz without [name]: its first array)
//   --input_exprs    'x=[[1,2],[3,4]];s=["a"]'           (literals, cast to the expected dtype)
//                    'sp=sparse(indices=[[0,0]], values=[1.5], dense_shape=[1,3])'
//                      (a SparseTensor input: the entries "sp.indices", "sp.values" (cast to the
//                      expected dtype) and "sp.dense_shape" (int64), see exec/sparse_feed.h)
//   --input_examples 'inputs=[{"x":[1.0]}]'              (serialized tf.Example, DT_STRING [n])
// Items are separated by ';' outside brackets and quotes. A key given twice is an error.
//
//   std::map<std::string, DType> want = {{"x", DType::Float}};
//   TFS_ASSIGN_OR_RETURN(auto feeds, io::parseRunInputs(inputs, exprs, examples, want));

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/status.h"
#include "model/tensor.h"

namespace tfscope::io {

// "k=v;k2=v2" -> pairs, splitting on ';' outside brackets/quotes. InvalidArgument without '='.
Result<std::vector<std::pair<std::string, std::string>>> splitAssignments(std::string_view text, std::string_view option);

// `expected` maps input keys to their dtype (Invalid = infer) for literal casting.
Result<std::map<std::string, Tensor>> parseRunInputs(std::string_view inputs, std::string_view exprs, std::string_view examples,
                                                     const std::map<std::string, DType>& expected);

}  // namespace tfscope::io
