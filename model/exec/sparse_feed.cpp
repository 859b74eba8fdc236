#include "model/exec/sparse_feed.h"

namespace tfscope::exec {
namespace {

// Element i of an int32/int64 tensor.
int64_t intAt(const Tensor& t, int64_t i) {
    return t.dtype() == DType::Int32 ? int64_t(t.data<int32_t>()[i]) : t.data<int64_t>()[i];
}

Tensor toInt64(const Tensor& t) {
    if (t.dtype() == DType::Int64) return t;
    Tensor out(DType::Int64, t.shape());
    for (int64_t i = 0; i < t.numElements(); ++i) out.mutableData<int64_t>()[i] = intAt(t, i);
    return out;
}

}  // namespace

std::string sparseIndicesKey(const std::string& key) { return key + ".indices"; }
std::string sparseValuesKey(const std::string& key) { return key + ".values"; }
std::string sparseDenseShapeKey(const std::string& key) { return key + ".dense_shape"; }

bool isSparseComponentKey(const std::string& inputKey, const std::string& key) {
    return inputKey == sparseIndicesKey(key) || inputKey == sparseValuesKey(key) || inputKey == sparseDenseShapeKey(key);
}

SparseFeed sparseFromDense(const Tensor& dense) {
    const int rank = dense.rank();
    const int64_t n = dense.numElements();
    SparseFeed f;
    f.values = dense.reshaped({n});
    f.denseShape = Tensor(DType::Int64, {int64_t(rank)});
    for (int d = 0; d < rank; ++d) f.denseShape.mutableData<int64_t>()[d] = dense.dim(d);
    f.indices = Tensor(DType::Int64, {n, int64_t(rank)});
    int64_t* idx = f.indices.mutableData<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
        int64_t rest = i;
        for (int d = rank - 1; d >= 0; --d) {
            const int64_t size = dense.dim(d);
            idx[i * rank + d] = size ? rest % size : 0;
            rest = size ? rest / size : 0;
        }
    }
    return f;
}

Result<SparseFeed> sparseFeed(const std::string& signature, const std::string& key, const TensorSpec& spec,
                              const std::map<std::string, Tensor>& inputs) {
    const std::string what = "Sparse input '" + key + "' of signature '" + signature + "'";
    SparseFeed f;
    auto dense = inputs.find(key);
    auto ind = inputs.find(sparseIndicesKey(key)), val = inputs.find(sparseValuesKey(key)), shp = inputs.find(sparseDenseShapeKey(key));
    const bool anyPart = ind != inputs.end() || val != inputs.end() || shp != inputs.end();
    if (dense != inputs.end()) {
        if (anyPart) return Status::invalidArgument(what + " is given both dense and as components.");
        f = sparseFromDense(dense->second);
    } else if (anyPart) {
        if (ind == inputs.end() || val == inputs.end() || shp == inputs.end())
            return Status::invalidArgument(what + " needs all of '" + sparseIndicesKey(key) + "', '" + sparseValuesKey(key) + "' and '" +
                                           sparseDenseShapeKey(key) + "'.");
        f.indices = ind->second;
        f.values = val->second;
        f.denseShape = shp->second;
    } else {
        return Status::notFound("Missing input '" + key + "' for signature '" + signature + "'.");
    }
    const bool intIndices = f.indices.dtype() == DType::Int64 || f.indices.dtype() == DType::Int32;
    const bool intShape = f.denseShape.dtype() == DType::Int64 || f.denseShape.dtype() == DType::Int32;
    if (!intShape || f.denseShape.rank() != 1)
        return Status::invalidArgument(what + ": dense_shape must be an int64 vector; got " + dtypeEnumName(f.denseShape.dtype()) + " " +
                                       shapeToString(f.denseShape.shape()) + ".");
    const int64_t rank = f.denseShape.numElements();
    if (!intIndices || f.indices.rank() != 2 || f.indices.dim(1) != rank)
        return Status::invalidArgument(what + ": indices must be int64 [N, " + std::to_string(rank) + "]; got " +
                                       dtypeEnumName(f.indices.dtype()) + " " + shapeToString(f.indices.shape()) + ".");
    const int64_t n = f.indices.dim(0);
    if (f.values.rank() != 1 || f.values.dim(0) != n)
        return Status::invalidArgument(what + ": values must have shape [" + std::to_string(n) + "]; got " +
                                       shapeToString(f.values.shape()) + ".");
    if (spec.dtype != DType::Invalid && f.values.dtype() != spec.dtype)
        return Status::invalidArgument(what + " must have " + dtypeEnumName(spec.dtype) + " values; got " + dtypeEnumName(f.values.dtype()) + ".");
    Shape dims;
    for (int64_t d = 0; d < rank; ++d) dims.push_back(intAt(f.denseShape, d));
    if (!spec.unknownRank) {
        bool ok = int64_t(spec.shape.size()) == rank;
        for (size_t d = 0; ok && d < spec.shape.size(); ++d) ok = spec.shape[d] < 0 || spec.shape[d] == dims[d];
        if (!ok)
            return Status::invalidArgument(what + " must have dense shape " + shapeToString(spec.shape) + "; got " + shapeToString(dims) + ".");
    }
    for (int64_t i = 0; i < n; ++i)
        for (int64_t d = 0; d < rank; ++d) {
            const int64_t x = intAt(f.indices, i * rank + d);
            if (x < 0 || x >= dims[size_t(d)])
                return Status::invalidArgument(what + ": index " + std::to_string(x) + " of entry " + std::to_string(i) +
                                               " is outside dense shape " + shapeToString(dims) + ".");
        }
    f.indices = toInt64(f.indices);
    f.denseShape = toInt64(f.denseShape);
    return f;
}

}  // namespace tfscope::exec
