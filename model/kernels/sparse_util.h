#pragma once
// Helpers shared by the sparse-tensor kernels (sparse_to_dense.cpp, sparse_fill_empty_rows.cpp):
// element copies between tensors of one dtype. A sparse tensor is (indices [N, R] int64,
// values [N], dense_shape [R] int64).

#include <cstring>

#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

// Copies element `from` of src to element `to` of dst (same dtype; POD or string).
inline void copyElement(const Tensor& src, int64_t from, Tensor& dst, int64_t to) {
    if (src.dtype() == DType::String) {
        dst.mutableStrings()[size_t(to)] = src.strings()[size_t(from)];
        return;
    }
    const size_t size = dtypeSize(src.dtype());
    std::memcpy(dst.mutableRawData() + size_t(to) * size, src.rawData() + size_t(from) * size, size);
}

// OK for the dtypes copyElement handles; Unimplemented naming the node otherwise.
inline Status checkCopyable(const KernelContext& ctx, DType d) {
    if (d == DType::String || isPod(d)) return Status::OK();
    return unsupportedType(ctx, d);
}

}  // namespace tfscope::kernels
