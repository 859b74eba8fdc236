// Slice (begin, size with -1 = to the end) and StridedSlice (begin/end/strides with begin, end,
// ellipsis, new_axis and shrink_axis masks; semantics of numpy basic indexing as in TF).
#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

namespace tfscope::kernels {
namespace {

// Copies the strided box: for dense dim d, indices begin[d] + j*stride[d], j < size[d].
Status copyBox(KernelContext& ctx, const Tensor& x, const std::vector<int64_t>& begin, const std::vector<int64_t>& stride,
               const Shape& size, const Shape& outShape) {
    const int rank = x.rank();
    return dispatchCopy(ctx, x.dtype(), [&](auto tag) -> Status {
        using T = typename decltype(tag)::type;
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, x.dtype(), outShape));
        if (out->numElements() == 0) return Status::OK();
        const T* in = dataOf<T>(x);
        T* po = mutableDataOf<T>(*out);
        if (rank == 0) {
            po[0] = in[0];
            return Status::OK();
        }
        std::vector<int64_t> inStrides(size_t(rank), 1);
        for (int d = rank - 1; d-- > 0;) inStrides[size_t(d)] = inStrides[size_t(d) + 1] * x.dim(d + 1);
        const int64_t inner = size[size_t(rank - 1)];
        const int64_t rows = out->numElements() / inner;
        const int64_t innerStep = stride[size_t(rank - 1)];
        parallelFor(ctx, rows, double(inner), [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                int64_t rem = r, src = begin[size_t(rank - 1)];
                for (int d = rank - 1; d-- > 0;) {
                    const int64_t j = rem % size[size_t(d)];
                    rem /= size[size_t(d)];
                    src += (begin[size_t(d)] + j * stride[size_t(d)]) * inStrides[size_t(d)];
                }
                T* dst = po + r * inner;
                for (int64_t i = 0; i < inner; ++i) dst[i] = in[src + i * innerStep];
            }
        });
        return Status::OK();
    });
}

Status evalSlice(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* b, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* s, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> begin, indexValues(ctx, *b, "begin"));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> size, indexValues(ctx, *s, "size"));
    if (b->rank() != 1 || s->rank() != 1 || int64_t(begin.size()) != x->rank() || int64_t(size.size()) != x->rank())
        return ctx.error("Expected begin and size arguments to be 1-D tensors of size " + std::to_string(x->rank()) +
                         ", but got shapes '" + shapeToString(b->shape()) + "' and '" + shapeToString(s->shape()) + "' instead.");
    for (int d = 0; d < x->rank(); ++d) {
        if (size[size_t(d)] == -1) size[size_t(d)] = x->dim(d) - begin[size_t(d)];
        if (begin[size_t(d)] < 0 || size[size_t(d)] < 0 || begin[size_t(d)] + size[size_t(d)] > x->dim(d))
            return ctx.error("Expected begin[" + std::to_string(d) + "] in [0, " + std::to_string(x->dim(d)) +
                             "] and size[" + std::to_string(d) + "] in [0, " + std::to_string(x->dim(d) - begin[size_t(d)]) +
                             "], but got " + std::to_string(begin[size_t(d)]) + " and " + std::to_string(size[size_t(d)]) + ".");
    }
    return copyBox(ctx, *x, begin, std::vector<int64_t>(size_t(x->rank()), 1), size, size);
}

constexpr int kNewAxis = -1, kShrinkAxis = -2;

Status evalStridedSlice(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 4));
    TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* tb, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* te, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* ts, inputOf(ctx, 3));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> sb, indexValues(ctx, *tb, "begin"));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> se, indexValues(ctx, *te, "end"));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> ss, indexValues(ctx, *ts, "strides"));
    if (tb->rank() != 1 || sb.size() != se.size() || sb.size() != ss.size() || sb.size() > 64)
        return ctx.error("Expected begin, end, and strides to be 1D equal size tensors, but got shapes '" +
                         shapeToString(tb->shape()) + "', '" + shapeToString(te->shape()) + "', and '" +
                         shapeToString(ts->shape()) + "' instead.");
    uint64_t beginMask = uint64_t(ctx.attrInt("begin_mask", 0)), endMask = uint64_t(ctx.attrInt("end_mask", 0));
    uint64_t ellipsisMask = uint64_t(ctx.attrInt("ellipsis_mask", 0)), newAxisMask = uint64_t(ctx.attrInt("new_axis_mask", 0));
    const uint64_t shrinkMask = uint64_t(ctx.attrInt("shrink_axis_mask", 0));
    if (ellipsisMask & (ellipsisMask - 1)) return ctx.error("Multiple ellipses in slice spec not allowed.");
    int sparseDims = int(sb.size());
    if (ellipsisMask == 0) {  // an implicit ellipsis at the end
        ellipsisMask = uint64_t(1) << sparseDims;
        ++sparseDims;
    }
    const int rank = x->rank();
    // Sparse -> dense spec over the input's dims.
    std::vector<int64_t> begin(size_t(rank), 0), end(size_t(rank), 0), stride(size_t(rank), 1);
    std::vector<bool> bMask(size_t(rank), false), eMask(size_t(rank), false), shrink(size_t(rank), false);
    std::vector<int> finalGather;
    int newAxesAfterEllipsis = 0;
    bool afterEllipsis = false;
    for (int i = 0; i < sparseDims; ++i) {
        if (afterEllipsis && (newAxisMask >> i & 1)) ++newAxesAfterEllipsis;
        if (ellipsisMask >> i & 1) afterEllipsis = true;
    }
    int full = 0;
    for (int i = 0; i < sparseDims; ++i) {
        const bool explicitSpec = i < int(sb.size());
        if (ellipsisMask >> i & 1) {
            const int next = std::min(rank - (sparseDims - i) + 1 + newAxesAfterEllipsis, rank);
            for (; full < next; ++full) {
                bMask[size_t(full)] = eMask[size_t(full)] = true;
                finalGather.push_back(full);
            }
        } else if (newAxisMask >> i & 1) {
            finalGather.push_back(kNewAxis);
        } else {
            if (full >= rank)
                return ctx.error("Index out of range using input dim " + std::to_string(full) + "; input has only " +
                                 std::to_string(rank) + " dims.");
            if (explicitSpec) {
                begin[size_t(full)] = sb[size_t(i)];
                end[size_t(full)] = se[size_t(i)];
                stride[size_t(full)] = ss[size_t(i)];
            }
            bMask[size_t(full)] = beginMask >> i & 1;
            eMask[size_t(full)] = endMask >> i & 1;
            if (shrinkMask >> i & 1) {
                shrink[size_t(full)] = true;
                finalGather.push_back(kShrinkAxis);
            } else {
                finalGather.push_back(full);
            }
            ++full;
        }
    }
    // Canonicalise each dense dim.
    Shape size(size_t(rank), 0);
    for (int d = 0; d < rank; ++d) {
        const int64_t dim = x->dim(d), s = stride[size_t(d)];
        if (s == 0) return ctx.error("strides[" + std::to_string(d) + "] must be non-zero.");
        if (shrink[size_t(d)]) {
            const int64_t b = begin[size_t(d)] < 0 ? dim + begin[size_t(d)] : begin[size_t(d)];
            if (b < 0 || b >= dim)
                return ctx.error("slice index " + std::to_string(begin[size_t(d)]) + " of dimension " + std::to_string(d) +
                                 " out of bounds.");
            begin[size_t(d)] = b;
            stride[size_t(d)] = 1;
            size[size_t(d)] = 1;
            continue;
        }
        const int64_t lo = s > 0 ? 0 : -1, hi = s > 0 ? dim : dim - 1;
        auto canonical = [&](int64_t v, bool masked, bool isEnd) {
            if (masked) return isEnd ? (s > 0 ? hi : lo) : (s > 0 ? lo : hi);
            const int64_t f = v < 0 ? dim + v : v;
            return std::clamp(f, lo, hi);
        };
        const int64_t b = canonical(begin[size_t(d)], bMask[size_t(d)], false);
        const int64_t e = canonical(end[size_t(d)], eMask[size_t(d)], true);
        begin[size_t(d)] = b;
        const int64_t interval = e - b;
        if (interval == 0 || ((interval < 0) != (s < 0))) size[size_t(d)] = 0;
        else size[size_t(d)] = interval / s + (interval % s != 0 ? 1 : 0);
    }
    Shape outShape;
    for (int g : finalGather) {
        if (g == kNewAxis) outShape.push_back(1);
        else if (g >= 0) outShape.push_back(size[size_t(g)]);
    }
    return copyBox(ctx, *x, begin, stride, size, outShape);
}

}  // namespace

void registerSlice(KernelList& list) {
    static const KernelDef defs[] = {{"Slice", evalSlice}, {"StridedSlice", evalStridedSlice}};
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
