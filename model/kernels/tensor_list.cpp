// TensorList ops on DT_VARIANT lists (tensor_list.h): EmptyTensorList, TensorListReserve,
// TensorListFromTensor, TensorListGetItem, TensorListSetItem, TensorListStack, TensorListLength,
// TensorListElementShape, TensorListPushBack, TensorListPopBack, TensorListResize, TensorListGather,
// TensorListScatterIntoExistingList. Unset items read as zeros of the (then fully known) element shape.
#include "model/kernels/tensor_list.h"

#include <algorithm>
#include <cstring>

#include "model/kernels/kernel_util.h"
#include "model/kernels/registry.h"

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

namespace {

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

// Row i of t (shape t.shape()[1:]) as an owned tensor.
Tensor rowOf(const Tensor& t, int64_t i) {
    Shape rowShape(t.shape().begin() + 1, t.shape().end());
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

Status evalEmptyTensorList(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 0));
    auto list = std::make_shared<TensorList>();
    TFS_ASSIGN_OR_RETURN(list->elementShape, shapeArg(ctx, *shapeT));
    TFS_ASSIGN_OR_RETURN(list->elementDtype, ctx.attrType("element_dtype"));
    return emitList(ctx, 0, std::move(list));
}

Status evalReserve(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(int64_t n, indexArg(ctx, 1, "num_elements"));
    if (n < 0) return ctx.error("The num_elements to reserve must be a non negative number, but got '" + std::to_string(n) + "'.");
    auto list = std::make_shared<TensorList>();
    TFS_ASSIGN_OR_RETURN(list->elementShape, shapeArg(ctx, *shapeT));
    TFS_ASSIGN_OR_RETURN(list->elementDtype, ctx.attrType("element_dtype"));
    list->items.resize(size_t(n));
    return emitList(ctx, 0, std::move(list));
}

Status evalFromTensor(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 1));
    if (t->rank() < 1) return ctx.error("Tensor must be at least a vector, but saw shape " + shapeToString(t->shape()) + ".");
    if (t->dtype() == DType::Variant || t->dtype() == DType::Resource) return unsupportedType(ctx, t->dtype());
    auto list = std::make_shared<TensorList>();
    TFS_ASSIGN_OR_RETURN(PartialShape declared, shapeArg(ctx, *shapeT));
    const Shape rowShape(t->shape().begin() + 1, t->shape().end());
    if (!declared.accepts(rowShape))
        return ctx.error("Specified a list with shape " + declared.toString() + " from a tensor with shape " + shapeToString(t->shape()) + ".");
    list->elementShape = declared;
    list->elementDtype = t->dtype();
    list->items.reserve(size_t(t->dim(0)));
    for (int64_t i = 0; i < t->dim(0); ++i) list->items.push_back(rowOf(*t, i));
    return emitList(ctx, 0, std::move(list));
}

Status evalGetItem(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(int64_t i, indexArg(ctx, 1, "index"));
    if (i < 0 || i >= int64_t(list->items.size()))
        return ctx.error("Trying to access element " + std::to_string(i) + " in a list with " + std::to_string(list->items.size()) + " elements.");
    const Tensor& item = list->items[size_t(i)];
    if (item.valid()) return ctx.setOutput(0, item);
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(PartialShape requested, shapeArg(ctx, *shapeT));
    TFS_ASSIGN_OR_RETURN(Shape shape, zeroShape(ctx, *list, requested));
    TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutput(0, list->elementDtype, shape));
    (void)out;  // zero-filled
    return Status::OK();
}

Status evalSetItem(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(int64_t i, indexArg(ctx, 1, "index"));
    TFS_ASSIGN_OR_RETURN(const Tensor* item, inputOf(ctx, 2));
    TFS_RETURN_IF_ERROR(checkItem(ctx, *list, *item));
    const bool resize = ctx.attrBool("resize_if_index_out_of_bounds", false);
    if (i < 0 || (i >= int64_t(list->items.size()) && !resize))
        return ctx.error("Trying to modify element " + std::to_string(i) + " in a list with " + std::to_string(list->items.size()) + " elements.");
    auto next = std::make_shared<TensorList>(*list);
    if (i >= int64_t(next->items.size())) next->items.resize(size_t(i) + 1);
    next->items[size_t(i)] = *item;
    return emitList(ctx, 0, std::move(next));
}

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
    TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutput(0, list.elementDtype, outShape));
    for (size_t k = 0; k < indices.size(); ++k) {
        const Tensor& item = list.items[size_t(indices[k])];
        if (item.valid()) setRow(*out, int64_t(k), item);
    }
    return Status::OK();
}

Status evalStack(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(PartialShape requested, shapeArg(ctx, *shapeT));
    const int64_t n = int64_t(list->items.size()), want = ctx.attrInt("num_elements", -1);
    if (want != -1 && want != n) return ctx.error("Operation expected a list with " + std::to_string(want) + " elements but got a list with " + std::to_string(n) + " elements.");
    std::vector<int64_t> all(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) all[size_t(i)] = i;
    return stackItems(ctx, *list, all, requested);
}

Status evalGather(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* idxT, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> indices, indexValues(ctx, *idxT, "indices"));
    TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(PartialShape requested, shapeArg(ctx, *shapeT));
    return stackItems(ctx, *list, indices, requested);
}

Status evalLength(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    return ctx.setOutput(0, Tensor::scalar<int32_t>(int32_t(list->items.size())));
}

Status evalElementShape(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 1));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    const DType type = ctx.attrType("shape_type", DType::Int32);
    if (type != DType::Int32 && type != DType::Int64) return unsupportedType(ctx, type);
    const PartialShape& s = list->elementShape;
    Shape outShape = s.unknownRank ? Shape{} : Shape{int64_t(s.dims.size())};
    TFS_ASSIGN_OR_RETURN(Tensor * out, ctx.allocateOutput(0, type, outShape));
    const std::vector<int64_t> values = s.unknownRank ? std::vector<int64_t>{-1} : s.dims;
    for (size_t i = 0; i < values.size(); ++i) {
        if (type == DType::Int32) mutableDataOf<int32_t>(*out)[i] = int32_t(values[i]);
        else mutableDataOf<int64_t>(*out)[i] = values[i];
    }
    return Status::OK();
}

Status evalPushBack(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* item, inputOf(ctx, 1));
    TFS_RETURN_IF_ERROR(checkItem(ctx, *list, *item));
    auto next = std::make_shared<TensorList>(*list);
    next->items.push_back(*item);
    return emitList(ctx, 0, std::move(next));
}

Status evalPopBack(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    if (list->items.empty()) return ctx.error("Trying to pop from an empty list.");
    auto next = std::make_shared<TensorList>(*list);
    Tensor item = next->items.back();
    next->items.pop_back();
    if (!item.valid()) {
        TFS_ASSIGN_OR_RETURN(const Tensor* shapeT, inputOf(ctx, 1));
        TFS_ASSIGN_OR_RETURN(PartialShape requested, shapeArg(ctx, *shapeT));
        TFS_ASSIGN_OR_RETURN(Shape shape, zeroShape(ctx, *list, requested));
        item = Tensor(list->elementDtype, shape);
    }
    TFS_RETURN_IF_ERROR(emitList(ctx, 0, std::move(next)));
    return ctx.setOutput(1, item);
}

Status evalResize(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 2));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(int64_t n, indexArg(ctx, 1, "size"));
    if (n < 0) return ctx.error("TensorListResize expects size to be non-negative, got '" + std::to_string(n) + "'.");
    auto next = std::make_shared<TensorList>(*list);
    next->items.resize(size_t(n));
    return emitList(ctx, 0, std::move(next));
}

Status evalScatterIntoExisting(KernelContext& ctx) {
    TFS_RETURN_IF_ERROR(checkInputCount(ctx, 3));
    TFS_ASSIGN_OR_RETURN(auto list, listInput(ctx, 0));
    TFS_ASSIGN_OR_RETURN(const Tensor* t, inputOf(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* idxT, inputOf(ctx, 2));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> indices, indexValues(ctx, *idxT, "indices"));
    if (t->rank() < 1 || t->dim(0) != int64_t(indices.size()))
        return ctx.error("Expected len(indices) == tensor.shape[0], but saw " + std::to_string(indices.size()) + " vs. " + shapeToString(t->shape()) + ".");
    auto next = std::make_shared<TensorList>(*list);
    for (size_t k = 0; k < indices.size(); ++k) {
        const int64_t i = indices[k];
        if (i < 0) return ctx.error("Indices in TensorListScatter must all be non-negative, got '" + std::to_string(i) + "'.");
        Tensor row = rowOf(*t, int64_t(k));
        TFS_RETURN_IF_ERROR(checkItem(ctx, *next, row));
        if (i >= int64_t(next->items.size())) next->items.resize(size_t(i) + 1);
        next->items[size_t(i)] = std::move(row);
    }
    return emitList(ctx, 0, std::move(next));
}

}  // namespace

void registerTensorList(KernelList& list) {
    static const KernelDef defs[] = {
        {"EmptyTensorList", evalEmptyTensorList}, {"TensorListReserve", evalReserve},
        {"TensorListFromTensor", evalFromTensor}, {"TensorListGetItem", evalGetItem},
        {"TensorListSetItem", evalSetItem}, {"TensorListStack", evalStack},
        {"TensorListGather", evalGather}, {"TensorListLength", evalLength},
        {"TensorListElementShape", evalElementShape}, {"TensorListPushBack", evalPushBack},
        {"TensorListPopBack", evalPopBack}, {"TensorListResize", evalResize},
        {"TensorListScatterIntoExistingList", evalScatterIntoExisting},
    };
    for (const KernelDef& d : defs) list.push_back(&d);
}

}  // namespace tfscope::kernels
