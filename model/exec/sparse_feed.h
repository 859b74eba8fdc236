#pragma once
// Feeding a SparseTensor signature input (TensorInfo.coo_sparse): its three component tensors.
// A caller gives either the components under "<key>.indices", "<key>.values" and "<key>.dense_shape"
// (int64 [N, rank], dtype [N], int64 [rank]), or one dense tensor under "<key>", which becomes a
// SparseTensor with an entry for every element (zeros included, in row-major order).
//
//   TFS_ASSIGN_OR_RETURN(SparseFeed f, sparseFeed("company", spec, inputs));
//   feeds.push_back({spec.sparse.indices, f.indices});  // ... values, denseShape
//
// The dense shape is checked against the signature's shape (-1 dims free), the values' dtype
// against its dtype, and the indices against the dense shape.

#include <map>
#include <string>

#include "model/exec/session.h"

namespace tfscope::exec {

struct SparseFeed {
    Tensor indices, values, denseShape;
};

// The component input keys of sparse input `key`.
std::string sparseIndicesKey(const std::string& key);
std::string sparseValuesKey(const std::string& key);
std::string sparseDenseShapeKey(const std::string& key);
// True if `inputKey` is one of the component keys of `key`.
bool isSparseComponentKey(const std::string& inputKey, const std::string& key);

// The feed of sparse input `key` of signature `signature` from `inputs`. InvalidArgument names
// the input and what is wrong; NotFound when neither form is given.
Result<SparseFeed> sparseFeed(const std::string& signature, const std::string& key, const TensorSpec& spec,
                              const std::map<std::string, Tensor>& inputs);

// The SparseTensor with an entry for every element of `dense`.
SparseFeed sparseFromDense(const Tensor& dense);

}  // namespace tfscope::exec
