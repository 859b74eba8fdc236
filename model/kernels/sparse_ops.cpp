// Sparse-tensor kernels of feature columns (embedding_lookup_sparse, categorical columns):
// SparseToDense, SparseReshape, SparseFillEmptyRows, SparseSegmentSum / Mean / SqrtN, and
// UpperBound / LowerBound (bucketizing by sorted boundaries). A sparse tensor is (indices [N, R]
// int64, values [N], dense_shape [R] int64).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

// Copies element `from` of src to element `to` of dst (same dtype; POD or string).
void copyElement(const Tensor& src, int64_t from, Tensor& dst, int64_t to) {
    if (src.dtype() == DType::String) {
        dst.mutableStrings()[size_t(to)] = src.strings()[size_t(from)];
        return;
    }
    const size_t size = dtypeSize(src.dtype());
    std::memcpy(dst.mutableRawData() + size_t(to) * size, src.rawData() + size_t(from) * size, size);
}

Status checkCopyable(KernelContext& ctx, DType d) {
    if (d == DType::String || isPod(d)) return Status::OK();
    return unsupportedType(ctx, d);
}

// SparseToDense(sparse_indices [N, R] or [N] or scalar, output_shape [R], sparse_values [N] or scalar, default_value).
Status evalSparseToDense(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 4));
    TFS_ASSIGN_OR_RETURN(const Tensor* idx, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* values, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* dflt, inputOf(ctx, 3));
    TFS_RETURN_IF_ERROR(checkCopyable(ctx, values->dtype()));
    if (dflt->numElements() != 1 || dflt->dtype() != values->dtype()) return ctx.error("default_value should be a scalar of the values' dtype.");
    TFS_ASSIGN_OR_RETURN(Shape shape, indexValues(ctx, *shapeT, "output_shape"));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> flat, indexValues(ctx, *idx, "sparse_indices"));
    const int64_t n = idx->rank() == 0 ? 1 : idx->dim(0);
    const int64_t r = idx->rank() < 2 ? 1 : idx->dim(1);
    if (r != int64_t(shape.size())) return ctx.error("sparse_indices has " + std::to_string(r) + " columns; output_shape has rank " + std::to_string(shape.size()) + ".");
    if (values->numElements() != 1 && values->numElements() != n)
        return ctx.error("sparse_values has " + std::to_string(values->numElements()) + " elements; expected " + std::to_string(n) + " or 1.");
    TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutput(0, values->dtype(), shape));
    for (int64_t i = 0; i < out->numElements(); ++i) copyElement(*dflt, 0, *out, i);
    for (int64_t i = 0; i < n; ++i) {
        int64_t pos = 0;
        for (int64_t d = 0; d < r; ++d) {
            const int64_t v = flat[size_t(i * r + d)];
            if (v < 0 || v >= shape[size_t(d)])
                return ctx.error("indices[" + std::to_string(i) + "] is out of bounds: index " + std::to_string(v) + " in dimension " + std::to_string(d) + " of size " + std::to_string(shape[size_t(d)]) + ".");
            pos = pos * shape[size_t(d)] + v;
        }
        copyElement(*values, values->numElements() == 1 ? 0 : i, *out, pos);
    }
    return Status::OK();
}

// SparseReshape(input_indices [N, R], input_shape [R], new_shape [R'] with at most one -1).
Status evalSparseReshape(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* idx, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* inShapeT, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* newShapeT, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(Shape inShape, indexValues(ctx, *inShapeT, "input_shape"));
    TFS_ASSIGN_OR_RETURN(Shape newShape, indexValues(ctx, *newShapeT, "new_shape"));
    if (idx->rank() != 2 || idx->dim(1) != int64_t(inShape.size()))
        return ctx.error("Input indices " + shapeToString(idx->shape()) + " do not fit input_shape of rank " + std::to_string(inShape.size()) + ".");
    int64_t dense = 1, known = 1, unknownAt = -1;
    for (int64_t d : inShape) dense *= d;
    for (size_t i = 0; i < newShape.size(); ++i) {
        if (newShape[i] == -1) {
            if (unknownAt >= 0) return ctx.error("At most one output dimension may be -1.");
            unknownAt = int64_t(i);
        } else if (newShape[i] < 0) {
            return ctx.error("Size " + std::to_string(i) + " must be non-negative, not " + std::to_string(newShape[i]) + ".");
        } else {
            known *= newShape[i];
        }
    }
    if (unknownAt >= 0) {
        if (known == 0 || dense % known != 0) return ctx.error("Input to reshape is a SparseTensor with " + std::to_string(dense) + " dense values, which cannot fit " + shapeToString(newShape) + ".");
        newShape[size_t(unknownAt)] = dense / known;
    } else if (known != dense) {
        return ctx.error("Input to reshape is a tensor with " + std::to_string(dense) + " dense values, but the requested shape has " + std::to_string(known) + ".");
    }
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> in, indexValues(ctx, *idx, "input_indices"));
    const int64_t n = idx->dim(0), r = idx->dim(1), r2 = int64_t(newShape.size());
    TFS_ASSIGN_OR_RETURN(Tensor * outIdx, ctx.allocateOutput(0, DType::Int64, {n, r2}));
    int64_t* po = mutableDataOf<int64_t>(*outIdx);
    for (int64_t i = 0; i < n; ++i) {
        int64_t linear = 0;
        for (int64_t d = 0; d < r; ++d) linear = linear * inShape[size_t(d)] + in[size_t(i * r + d)];
        for (int64_t d = r2 - 1; d >= 0; --d) {
            const int64_t size = newShape[size_t(d)];
            po[i * r2 + d] = size == 0 ? 0 : linear % size;
            linear = size == 0 ? 0 : linear / size;
        }
    }
    TFS_ASSIGN_OR_RETURN(Tensor * outShape, ctx.allocateOutput(1, DType::Int64, {r2}));
    std::copy(newShape.begin(), newShape.end(), mutableDataOf<int64_t>(*outShape));
    return Status::OK();
}

// SparseFillEmptyRows(indices [N, R], values [N], dense_shape [R], default_value): entries grouped
// by row (in input order within a row), each empty row gets (row, 0, ...) = default_value.
Status evalSparseFillEmptyRows(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 4));
    TFS_ASSIGN_OR_RETURN(const Tensor* idx, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* values, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* dflt, inputOf(ctx, 3));
    TFS_RETURN_IF_ERROR(checkCopyable(ctx, values->dtype()));
    TFS_ASSIGN_OR_RETURN(Shape dense, indexValues(ctx, *shapeT, "dense_shape"));
    if (dense.empty()) return ctx.error("dense_shape must not be empty.");
    if (idx->rank() != 2 || idx->dim(1) != int64_t(dense.size()) || values->rank() != 1 || values->dim(0) != idx->dim(0))
        return ctx.error("indices " + shapeToString(idx->shape()) + ", values " + shapeToString(values->shape()) + " and dense_shape " +
                         shapeToString(dense) + " do not fit together.");
    if (dflt->numElements() != 1 || dflt->dtype() != values->dtype()) return ctx.error("default_value must be a scalar of the values' dtype.");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> in, indexValues(ctx, *idx, "indices"));
    const int64_t n = idx->dim(0), r = idx->dim(1), rows = dense[0];
    std::vector<std::vector<int64_t>> byRow(size_t(std::max<int64_t>(rows, 0)));
    for (int64_t i = 0; i < n; ++i) {
        const int64_t row = in[size_t(i * r)];
        if (row < 0 || row >= rows) return ctx.error("indices(" + std::to_string(i) + ", 0) is invalid: " + std::to_string(row) + " >= " + std::to_string(rows) + ".");
        byRow[size_t(row)].push_back(i);
    }
    int64_t total = n;
    for (const auto& entries : byRow) total += entries.empty() ? 1 : 0;
    TFS_ASSIGN_OR_RETURN(Tensor * outIdx, ctx.allocateOutput(0, DType::Int64, {total, r}));
    TFS_ASSIGN_OR_RETURN(Tensor * outValues, ctx.allocateOutput(1, values->dtype(), {total}));
    TFS_ASSIGN_OR_RETURN(Tensor * empty, ctx.allocateOutput(2, DType::Bool, {rows}));
    TFS_ASSIGN_OR_RETURN(Tensor * reverse, ctx.allocateOutput(3, DType::Int64, {n}));
    int64_t* pi = mutableDataOf<int64_t>(*outIdx);
    bool* pe = mutableDataOf<bool>(*empty);
    int64_t* pr = mutableDataOf<int64_t>(*reverse);
    int64_t k = 0;
    for (int64_t row = 0; row < rows; ++row) {
        const auto& entries = byRow[size_t(row)];
        pe[row] = entries.empty();
        if (entries.empty()) {
            pi[k * r] = row;
            for (int64_t d = 1; d < r; ++d) pi[k * r + d] = 0;
            copyElement(*dflt, 0, *outValues, k++);
            continue;
        }
        for (int64_t i : entries) {
            for (int64_t d = 0; d < r; ++d) pi[k * r + d] = in[size_t(i * r + d)];
            copyElement(*values, i, *outValues, k);
            pr[i] = k++;
        }
    }
    return Status::OK();
}

enum class Combine { Sum, Mean, SqrtN };

// SparseSegment{Sum,Mean,SqrtN}(data, indices, segment_ids): out[seg[i]] += data[indices[i]];
// segment ids sorted, the output has last id + 1 rows (empty segments are zeros).
template <Combine K>
Status evalSparseSegment(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* data, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* idxT, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* segT, inputOf(ctx, 2));
    if (data->rank() < 1) return ctx.error("data must be at least rank 1.");
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> idx, indexValues(ctx, *idxT, "indices"));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> seg, indexValues(ctx, *segT, "segment_ids"));
    if (idx.size() != seg.size()) return ctx.error("segment_ids and indices should have the same size.");
    for (size_t i = 1; i < seg.size(); ++i)
        if (seg[i] < seg[i - 1]) return ctx.error("segment ids are not increasing.");
    const int64_t segments = seg.empty() ? 0 : seg.back() + 1;
    if (!seg.empty() && seg.front() < 0) return ctx.error("segment ids must be >= 0.");
    Shape outShape{segments};
    outShape.insert(outShape.end(), data->shape().begin() + 1, data->shape().end());
    const int64_t inner = data->dim(0) == 0 ? 0 : data->numElements() / data->dim(0);
    return dispatch(FloatTypes{}, ctx, data->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        using C = ComputeType<T>;
        TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutput(0, data->dtype(), outShape));
        std::vector<C> acc(size_t(segments * inner), C(0));
        std::vector<int64_t> count(size_t(segments), 0);
        const T* in = dataOf<T>(*data);
        for (size_t i = 0; i < idx.size(); ++i) {
            if (idx[i] < 0 || idx[i] >= data->dim(0))
                return ctx.error("Bad: indices[" + std::to_string(i) + "] == " + std::to_string(idx[i]) + " out of range [0, " + std::to_string(data->dim(0)) + ").");
            C* dst = acc.data() + seg[i] * inner;
            const T* src = in + idx[i] * inner;
            for (int64_t j = 0; j < inner; ++j) dst[j] += C(src[j]);
            ++count[size_t(seg[i])];
        }
        T* po = mutableDataOf<T>(*out);
        for (int64_t s = 0; s < segments; ++s) {
            C scale = C(1);
            if constexpr (K == Combine::Mean) scale = count[size_t(s)] > 0 ? C(1) / C(count[size_t(s)]) : C(1);
            if constexpr (K == Combine::SqrtN) scale = count[size_t(s)] > 0 ? C(1) / C(std::sqrt(double(count[size_t(s)]))) : C(1);
            for (int64_t j = 0; j < inner; ++j) po[s * inner + j] = T(acc[size_t(s * inner + j)] * scale);
        }
        return Status::OK();
    });
}

// UpperBound / LowerBound(sorted_inputs [B, N], values [B, M]) -> [B, M] positions (out_type).
template <bool kUpper>
Status evalBound(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* sorted, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* values, inputOf(ctx, 1));
    TFS_RETURN_IF_ERROR(checkSameDType(ctx, *sorted, *values));
    if (sorted->rank() != 2 || values->rank() != 2 || sorted->dim(0) != values->dim(0))
        return ctx.error("sorted_inputs " + shapeToString(sorted->shape()) + " and values " + shapeToString(values->shape()) +
                         " must be matrices with the same number of rows.");
    const DType outType = ctx.attrType("out_type", DType::Int32);
    if (outType != DType::Int32 && outType != DType::Int64) return unsupportedType(ctx, outType);
    return dispatch(RealTypes{}, ctx, sorted->dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutput(0, outType, values->shape()));
        const int64_t b = sorted->dim(0), n = sorted->dim(1), m = values->dim(1);
        const T* ps = dataOf<T>(*sorted);
        const T* pv = dataOf<T>(*values);
        for (int64_t row = 0; row < b; ++row) {
            const T* first = ps + row * n;
            for (int64_t j = 0; j < m; ++j) {
                const T v = pv[row * m + j];
                const T* at = kUpper ? std::upper_bound(first, first + n, v) : std::lower_bound(first, first + n, v);
                const int64_t pos = at - first;
                if (outType == DType::Int32) mutableDataOf<int32_t>(*out)[row * m + j] = int32_t(pos);
                else mutableDataOf<int64_t>(*out)[row * m + j] = pos;
            }
        }
        return Status::OK();
    });
}

}  // namespace

void registerSparseOps(KernelList& list) {
    static const KernelDef defs[] = {
        {"SparseToDense", evalSparseToDense}, {"SparseReshape", evalSparseReshape},
        {"SparseFillEmptyRows", evalSparseFillEmptyRows}, {"SparseSegmentSum", evalSparseSegment<Combine::Sum>},
        {"SparseSegmentMean", evalSparseSegment<Combine::Mean>}, {"SparseSegmentSqrtN", evalSparseSegment<Combine::SqrtN>},
        {"UpperBound", evalBound<true>}, {"LowerBound", evalBound<false>},
    };
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
