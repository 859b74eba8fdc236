// TensorList values (tensor_list.h) and the helpers its kernels share (tensor_list_util.h); the
// kernels are one op per file, tensor_list_*.cpp. Unset items read as zeros of the (then fully
// known) element shape.
#include "model/kernels/tensor_list.h"

#include <algorithm>
#include <cstring>

#include "model/kernels/tensor_list_util.h"

namespace tfscope::kernels {

bool PartialShape::fullyDefined() const {
    return !unknownRank && std::none_of(dims.begin(), dims.end(), [](int64_t d) { return d < 0; });
}

std::string PartialShape::toString() const {
    if (unknownRank) return "<unknown>";
    std::string s = "[";
    for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + (dims[i] < 0 ? std::string("?") : std::to_string(dims[i]));
    return s + "]";
}

bool PartialShape::merge(const PartialShape& a, const PartialShape& b, PartialShape* out) {
    if (a.unknownRank) { *out = b; return true; }
    if (b.unknownRank) { *out = a; return true; }
    if (a.dims.size() != b.dims.size()) return false;
    PartialShape m{false, a.dims};
    for (size_t i = 0; i < a.dims.size(); ++i) {
        if (a.dims[i] < 0) m.dims[i] = b.dims[i];
        else if (b.dims[i] >= 0 && b.dims[i] != a.dims[i]) return false;
    }
    *out = std::move(m);
    return true;
}

bool PartialShape::accepts(const Shape& s) const {
    PartialShape merged;
    return merge(*this, PartialShape{false, s}, &merged);
}

Tensor makeVariant(std::shared_ptr<const VariantValue> value) {
    Tensor t(DType::Variant, {});
    t.mutableObjects()[0] = std::const_pointer_cast<VariantValue>(std::move(value));
    return t;
}

Result<std::shared_ptr<const TensorList>> tensorListOf(const exec::KernelContext& ctx, const Tensor& t) {
    if (t.dtype() != DType::Variant || t.numElements() != 1)
        return ctx.error("Expected a scalar DT_VARIANT tensor list, got '" + dtypeEnumName(t.dtype()) + "' " + shapeToString(t.shape()) + ".");
    auto base = std::static_pointer_cast<const VariantValue>(t.objects()[0]);
    auto list = std::dynamic_pointer_cast<const TensorList>(base);
    if (!list) return ctx.error("Expected a tensor list, got '" + (base ? base->typeName() : std::string("an empty variant")) + "'.");
    return list;
}

// An element_shape argument: a scalar -1 is an unknown rank, else a vector with -1 for unknown dims.
Result<PartialShape> shapeArg(KernelContext& ctx, const Tensor& t) {
    if (t.rank() == 0) {
        TFS_ASSIGN_OR_RETURN(int64_t v, indexScalar(ctx, t, "element_shape"));
        if (v != -1) return ctx.error("element_shape as a scalar must be -1 (unknown rank), got '" + std::to_string(v) + "'.");
        return PartialShape{};
    }
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> dims, indexValues(ctx, t, "element_shape"));
    for (int64_t& d : dims) d = d < 0 ? -1 : d;
    return PartialShape{false, std::move(dims)};
}

Result<std::shared_ptr<const TensorList>> listInput(KernelContext& ctx, int i) {
    TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, i));
    TFS_ASSIGN_OR_RETURN(auto list, tensorListOf(ctx, *t));
    DType want = ctx.attrType("element_dtype", list->elementDtype);
    if (want != list->elementDtype)
        return ctx.error("Invalid data types; op elements '" + dtypeEnumName(want) + "' but list elements '" + dtypeEnumName(list->elementDtype) + "'.");
    return list;
}

Status emitList(KernelContext& ctx, int i, std::shared_ptr<TensorList> list) { return ctx.setOutput(i, makeVariant(std::move(list))); }

Result<int64_t> indexArg(KernelContext& ctx, int i, const char* what) {
    TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, i));
    return indexScalar(ctx, *t, what);
}

Status checkItem(KernelContext& ctx, const TensorList& list, const Tensor& item) {
    if (item.dtype() != list.elementDtype)
        return ctx.error("Invalid data types; list elements '" + dtypeEnumName(list.elementDtype) + "' but the item is '" + dtypeEnumName(item.dtype()) + "'.");
    if (!list.elementShape.accepts(item.shape()))
        return ctx.error("Tried to set a tensor of shape " + shapeToString(item.shape()) + " in a list with element shape " +
                         list.elementShape.toString() + ".");
    return Status::OK();
}

// Row i of t (shape t.shape()[1:]): a read-only view of t's storage (copied on a write), or an
// owned copy for strings.
Tensor rowOf(const Tensor& t, int64_t i) {
    Shape rowShape(t.shape().begin() + 1, t.shape().end());
    if (isPod(t.dtype())) {
        const int64_t n = shapeNumElements(rowShape);
        Tensor view = t.storageView(rowShape, size_t(i) * size_t(n) * dtypeSize(t.dtype()));
        if (view.valid()) return view;
    }
    Tensor row(t.dtype(), rowShape);
    const int64_t n = row.numElements();
    if (t.dtype() == DType::String) {
        std::copy_n(t.strings().begin() + i * n, n, row.mutableStrings().begin());
    } else if (n > 0) {
        const size_t bytes = size_t(n) * dtypeSize(t.dtype());
        std::memcpy(row.mutableRawData(), t.rawData() + size_t(i) * bytes, bytes);
    }
    return row;
}

// Writes `item` as row i of `out` (REQUIRES: same dtype, item has out's row size).
void setRow(Tensor& out, int64_t i, const Tensor& item) {
    const int64_t n = item.numElements();
    if (n == 0) return;
    if (out.dtype() == DType::String) {
        std::copy_n(item.strings().begin(), n, out.mutableStrings().begin() + i * n);
    } else {
        const size_t bytes = size_t(n) * dtypeSize(out.dtype());
        std::memcpy(out.mutableRawData() + size_t(i) * bytes, item.rawData(), bytes);
    }
}

// The shape unset items take: the list's element shape merged with the op's and with the shapes of
// the items already set, which must then be fully known.
Result<Shape> zeroShape(KernelContext& ctx, const TensorList& list, const PartialShape& requested) {
    PartialShape merged;
    if (!PartialShape::merge(list.elementShape, requested, &merged))
        return ctx.error("Incompatible element shapes " + list.elementShape.toString() + " and " + requested.toString() + ".");
    for (const Tensor& item : list.items) {
        if (merged.fullyDefined()) break;
        if (item.valid() && !PartialShape::merge(merged, PartialShape{false, item.shape()}, &merged))
            return ctx.error("Items of the list have different shapes: " + merged.toString() + " and " + shapeToString(item.shape()) + ".");
    }
    if (!merged.fullyDefined())
        return ctx.error("Trying to read an unset item of a list whose element shape " + merged.toString() + " is not fully defined.");
    return merged.dims;
}

namespace {

// The stacked items as one view when they lie one after another in one buffer (the rows of the
// tensor a list was made from, the steps a fused loop wrote): else invalid.
Tensor storageOfItems(const TensorList& list, const std::vector<int64_t>& indices, const Shape& outShape) {
    if (indices.empty() || !isPod(list.elementDtype)) return Tensor();
    const Tensor& first = list.items[size_t(indices[0])];
    if (!first.valid() || first.dtype() != list.elementDtype || first.byteSize() == 0) return Tensor();
    const auto [buffer, offset] = first.storageId();
    for (size_t k = 0; k < indices.size(); ++k) {
        const Tensor& item = list.items[size_t(indices[k])];
        if (!item.valid() || item.dtype() != first.dtype() || item.shape() != first.shape() || item.computedOnRead() ||
            item.storageId() != std::make_pair(buffer, offset + k * first.byteSize()))
            return Tensor();
    }
    return first.storageView(outShape, 0);
}

}  // namespace

// Stacks items[indices] into one tensor [len, elem...]; unset items become zeros.
Status stackItems(KernelContext& ctx, const TensorList& list, const std::vector<int64_t>& indices, const PartialShape& requested) {
    PartialShape elem;
    if (!PartialShape::merge(list.elementShape, requested, &elem))
        return ctx.error("Incompatible element shapes " + list.elementShape.toString() + " and " + requested.toString() + ".");
    for (int64_t i : indices) {
        if (i < 0 || i >= int64_t(list.items.size()))
            return ctx.error("Trying to access element " + std::to_string(i) + " in a list with " + std::to_string(list.items.size()) + " elements.");
        const Tensor& item = list.items[size_t(i)];
        if (item.valid() && !PartialShape::merge(elem, PartialShape{false, item.shape()}, &elem))
            return ctx.error("Items of the list have different shapes: " + elem.toString() + " and " + shapeToString(item.shape()) + ".");
    }
    if (!elem.fullyDefined())
        return ctx.error("Tried to stack elements of a list whose element shape " + elem.toString() + " is not fully defined.");
    Shape outShape{int64_t(indices.size())};
    outShape.insert(outShape.end(), elem.dims.begin(), elem.dims.end());
    Tensor joined = storageOfItems(list, indices, outShape);
    if (joined.valid()) return ctx.setOutput(0, std::move(joined));
    TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutput(0, list.elementDtype, outShape));
    for (size_t k = 0; k < indices.size(); ++k) {
        const Tensor& item = list.items[size_t(indices[k])];
        if (item.valid()) setRow(*out, int64_t(k), item);
    }
    return Status::OK();
}

}  // namespace tfscope::kernels
