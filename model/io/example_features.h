#pragma once
// The tf.Example features a graph parses from a string tensor: follows the tensor (through
// Identity) to its ParseExample / ParseExampleV2 consumers and reads their feature keys from the
// Const inputs and their dtypes / dense shapes from the attrs (docs/formats.md#example-parsing). The runner
// panel builds one row per feature; `tfscope run --input_examples` needs none of this.
//
//   TFS_ASSIGN_OR_RETURN(auto features, io::exampleFeatures(*model->graphIndex(0), "tf_example:0"));
//   for (const io::ExampleFeature& f : features) use(f.key, f.dtype, f.shape, f.sparse);
//
// ParseExample (V1) inputs: serialized, names, sparse_keys[Nsparse], dense_keys[Ndense],
// dense_defaults[Ndense] (each key a string scalar). ParseExampleV2: serialized, names, sparse_keys,
// dense_keys, ragged_keys (string vectors), dense_defaults[...]. Attrs: sparse_types, Tdense,
// dense_shapes (ragged_value_types for V2).

#include <string>
#include <string_view>
#include <vector>

#include "model/dtype.h"
#include "model/status.h"
#include "model/tensor.h"

namespace tfscope {
class GraphIndex;
}

namespace tfscope::io {

struct ExampleFeature {
    std::string key;
    DType dtype = DType::Invalid;  // Float, Int64 or String
    enum class Kind { Dense, Sparse, Ragged } kind = Kind::Dense;
    Shape shape;                   // dense: per-example shape (a leading -1 = variable length)
    bool hasDefault = false;       // dense: a default value exists, so the feature may be absent
};

// Features of every ParseExample(V2) node that reads `tensorName` ("node:0" or "node") as its
// `serialized` input, sorted by key, duplicates (several parsers) merged. Empty if none does.
// InvalidArgument if a parser's keys are not Const strings or its attrs do not match its inputs.
Result<std::vector<ExampleFeature>> exampleFeatures(const GraphIndex& graph, std::string_view tensorName);

}  // namespace tfscope::io
