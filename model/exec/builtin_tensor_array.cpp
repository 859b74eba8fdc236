// TF1 TensorArray and stack kernels: TensorArrayV3, TensorArrayWriteV3, TensorArrayReadV3,
// TensorArrayGatherV3, TensorArrayScatterV3, TensorArrayConcatV3, TensorArraySplitV3,
// TensorArraySizeV3, TensorArrayCloseV3; StackV2, StackPushV2, StackPopV2, StackCloseV2.
// Each creating node makes a fresh resource per run; its handle tensor holds the object itself (the
// flow outputs are dummies that only order the writes and reads, as in TF).
#include <algorithm>
#include <cstring>
#include <mutex>

#include "attr_value.pb.h"
#include "model/exec/builtin_kernels.h"
#include "model/exec/node_context.h"
#include "model/exec/resource_manager.h"
#include "model/exec/run_state.h"
#include "tensor_shape.pb.h"

namespace tfscope::exec {
namespace {

// A partially known shape: `known` false for an unknown rank; -1 for an unknown dimension.
struct PartialShape {
    bool known = false;
    Shape dims;
    bool fullyDefined() const {
        if (!known) return false;
        for (int64_t d : dims)
            if (d < 0) return false;
        return true;
    }
};

// Element bytes a TensorArray or stack holds, counted against the run's memory cap until the
// resource goes (its handle's last copy).
class StorageCharge {
public:
    ~StorageCharge() {
        if (m_memory) m_memory->release(m_bytes);
    }
    // ResourceExhausted naming the node if `t` would pass the cap.
    Status charge(KernelContext& ctx, const Tensor& t) {
        MemoryTracker* memory = static_cast<NodeContext&>(ctx).state().memory;
        if (!memory) return Status::OK();
        const uint64_t bytes = tensorBytes(t);
        if (!memory->fits(bytes)) TFS_RETURN_IF_ERROR(memory->reserve(bytes, "node '" + ctx.nodeName() + "' (" + ctx.op() + ")"));
        memory->add(bytes);
        m_memory = memory;
        m_bytes += bytes;
        return Status::OK();
    }
    void refund(const Tensor& t) {
        if (!m_memory) return;
        const uint64_t bytes = std::min(tensorBytes(t), m_bytes);
        m_memory->release(bytes);
        m_bytes -= bytes;
    }

private:
    MemoryTracker* m_memory = nullptr;  // Not owned; the Session's, which outlives its resources.
    uint64_t m_bytes = 0;
};

class TensorArrayResource final : public Resource {
public:
    const char* kind() const override { return "tensor array"; }
    StorageCharge charge;
    std::mutex mutex;
    DType dtype = DType::Invalid;
    bool dynamicSize = false;
    PartialShape elementShape;
    std::vector<Tensor> elements;  // invalid where not written
};

class StackResource final : public Resource {
public:
    const char* kind() const override { return "stack"; }
    StorageCharge charge;
    std::mutex mutex;
    DType dtype = DType::Invalid;
    int64_t maxSize = -1;  // < 0: unbounded
    std::vector<Tensor> items;
};

PartialShape shapeAttr(const KernelContext& ctx, const char* name) {
    PartialShape s;
    const tensorflow::AttrValue* a = ctx.attr(name);
    if (!a || !a->has_shape() || a->shape().unknown_rank()) return s;
    s.known = true;
    for (const auto& d : a->shape().dim()) s.dims.push_back(d.size());
    return s;
}

Result<int64_t> scalarIndex(KernelContext& ctx, int i, const char* what) {
    TFS_ASSIGN_OR_RETURN(const Tensor* t, ctx.input(i));
    if (t->numElements() != 1 || (t->dtype() != DType::Int32 && t->dtype() != DType::Int64))
        return ctx.error(std::string(what) + " must be an int32 scalar, got shape " + shapeToString(t->shape()) + ".");
    return t->dtype() == DType::Int32 ? int64_t(t->data<int32_t>()[0]) : t->data<int64_t>()[0];
}

Result<std::vector<int64_t>> indexVector(KernelContext& ctx, int i) {
    TFS_ASSIGN_OR_RETURN(const Tensor* t, ctx.input(i));
    if (t->rank() != 1 || (t->dtype() != DType::Int32 && t->dtype() != DType::Int64))
        return ctx.error("Indices must be an int32 vector, got shape " + shapeToString(t->shape()) + ".");
    std::vector<int64_t> out(size_t(t->numElements()));
    for (size_t k = 0; k < out.size(); ++k)
        out[k] = t->dtype() == DType::Int32 ? int64_t(t->data<int32_t>()[k]) : t->data<int64_t>()[k];
    return out;
}

// Copies `count` elements of `src` from `srcAt` into `dst` at `dstAt` (same dtype).
void copyElements(const Tensor& src, int64_t srcAt, Tensor& dst, int64_t dstAt, int64_t count) {
    if (count <= 0) return;
    if (src.dtype() == DType::String) {
        const auto& s = src.strings();
        auto& d = dst.mutableStrings();
        for (int64_t k = 0; k < count; ++k) d[size_t(dstAt + k)] = s[size_t(srcAt + k)];
    } else if (src.dtype() == DType::Resource || src.dtype() == DType::Variant) {
        const auto& s = src.objects();
        auto& d = dst.mutableObjects();
        for (int64_t k = 0; k < count; ++k) d[size_t(dstAt + k)] = s[size_t(srcAt + k)];
    } else {
        const size_t es = dtypeSize(src.dtype());
        std::memcpy(dst.mutableRawData() + size_t(dstAt) * es, src.rawData() + size_t(srcAt) * es, size_t(count) * es);
    }
}

Shape prepend(int64_t n, const Shape& s) {
    Shape out{n};
    out.insert(out.end(), s.begin(), s.end());
    return out;
}

Result<std::shared_ptr<TensorArrayResource>> arrayOf(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(const Tensor* h, ctx.input(0));
    return resourceFromHandle<TensorArrayResource>(*h);
}

Status setFlow(KernelContext& ctx, int i) { return ctx.setOutput(i, Tensor::scalar<float>(0.0f)); }

// Element `index`, or zeros when it was not written and the element shape is fully known.
Result<Tensor> elementAt(KernelContext& ctx, TensorArrayResource& ta, int64_t index) {
    if (index < 0 || index >= int64_t(ta.elements.size()))
        return ctx.error("Tried to read from index " + std::to_string(index) + " but the array size is " +
                         std::to_string(ta.elements.size()) + ".");
    if (ta.elements[size_t(index)].valid()) return ta.elements[size_t(index)];
    if (!ta.elementShape.fullyDefined())
        return ctx.error("Could not read index " + std::to_string(index) + ": it was not written and the element shape is not fully defined.");
    TFS_ASSIGN_OR_RETURN(Tensor z, Tensor::allocate(ta.dtype, ta.elementShape.dims));
    if (ta.dtype != DType::String && z.byteSize()) std::memset(z.mutableRawData(), 0, z.byteSize());
    return z;
}

Status writeElement(KernelContext& ctx, TensorArrayResource& ta, int64_t index, Tensor value) {
    if (value.dtype() != ta.dtype)
        return ctx.error("Writing a " + dtypeEnumName(value.dtype()) + " tensor to a " + dtypeEnumName(ta.dtype) + " TensorArray.");
    if (index < 0) return ctx.error("Tried to write to index " + std::to_string(index) + ".");
    if (index >= int64_t(ta.elements.size())) {
        if (!ta.dynamicSize)
            return ctx.error("Tried to write to index " + std::to_string(index) + " but the array is not dynamic and its size is " +
                             std::to_string(ta.elements.size()) + ".");
        ta.elements.resize(size_t(index + 1));
    }
    if (ta.elementShape.known) {
        bool ok = ta.elementShape.dims.size() == value.shape().size();
        for (size_t k = 0; ok && k < ta.elementShape.dims.size(); ++k)
            ok = ta.elementShape.dims[k] < 0 || ta.elementShape.dims[k] == value.shape()[k];
        if (!ok) return ctx.error("Could not write to the TensorArray: element shape " + shapeToString(value.shape()) + " does not match.");
    }
    if (ta.elements[size_t(index)].valid())
        return ctx.error("Could not write to TensorArray index " + std::to_string(index) + " because it has already been written to.");
    TFS_RETURN_IF_ERROR(ta.charge.charge(ctx, value));
    ta.elements[size_t(index)] = std::move(value);
    return Status::OK();
}

Status computeTensorArray(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(int64_t size, scalarIndex(ctx, 0, "TensorArray size"));
    if (size < 0) return ctx.error("TensorArray size must be non-negative, got " + std::to_string(size) + ".");
    auto ta = std::make_shared<TensorArrayResource>();
    ta->name = ctx.attrString("tensor_array_name", ctx.nodeName());
    TFS_ASSIGN_OR_RETURN(ta->dtype, ctx.attrType("dtype"));
    ta->dynamicSize = ctx.attrBool("dynamic_size", false);
    ta->elementShape = shapeAttr(ctx, "element_shape");
    ta->elements.resize(size_t(size));
    TFS_RETURN_IF_ERROR(ctx.setOutput(0, makeResourceHandle(ta)));
    return setFlow(ctx, 1);
}

Status computeWrite(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto ta, arrayOf(ctx));
    TFS_ASSIGN_OR_RETURN(int64_t index, scalarIndex(ctx, 1, "TensorArray index"));
    TFS_ASSIGN_OR_RETURN(const Tensor* value, ctx.input(2));
    std::lock_guard<std::mutex> lock(ta->mutex);
    TFS_RETURN_IF_ERROR(writeElement(ctx, *ta, index, *value));
    return setFlow(ctx, 0);
}

Status computeRead(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto ta, arrayOf(ctx));
    TFS_ASSIGN_OR_RETURN(int64_t index, scalarIndex(ctx, 1, "TensorArray index"));
    std::lock_guard<std::mutex> lock(ta->mutex);
    TFS_ASSIGN_OR_RETURN(Tensor t, elementAt(ctx, *ta, index));
    return ctx.setOutput(0, std::move(t));
}

// Stacks elements `indices` into [n, element...]; an empty gather takes the shape from `shapeAttrName`.
Status stackElements(KernelContext& ctx, TensorArrayResource& ta, const std::vector<int64_t>& indices, const char* shapeAttrName) {
    if (indices.empty()) {
        PartialShape s = shapeAttr(ctx, shapeAttrName);
        if (!s.fullyDefined()) s = ta.elementShape;
        if (!s.fullyDefined()) return ctx.error("Cannot gather no elements from a TensorArray whose element shape is not fully defined.");
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, ta.dtype, prepend(0, s.dims)));
        (void)out;
        return Status::OK();
    }
    std::vector<Tensor> parts;
    for (int64_t i : indices) {
        TFS_ASSIGN_OR_RETURN(Tensor t, elementAt(ctx, ta, i));
        if (!parts.empty() && t.shape() != parts[0].shape())
            return ctx.error("TensorArray elements have different shapes: " + shapeToString(parts[0].shape()) + " and " +
                             shapeToString(t.shape()) + ".");
        parts.push_back(std::move(t));
    }
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, ta.dtype, prepend(int64_t(parts.size()), parts[0].shape())));
    const int64_t each = parts[0].numElements();
    for (size_t k = 0; k < parts.size(); ++k) copyElements(parts[k], 0, *out, int64_t(k) * each, each);
    return Status::OK();
}

Status computeGather(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto ta, arrayOf(ctx));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> indices, indexVector(ctx, 1));
    std::lock_guard<std::mutex> lock(ta->mutex);
    return stackElements(ctx, *ta, indices, "element_shape");
}

Status computeScatter(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto ta, arrayOf(ctx));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> indices, indexVector(ctx, 1));
    TFS_ASSIGN_OR_RETURN(const Tensor* value, ctx.input(2));
    if (value->rank() < 1 || value->dim(0) != int64_t(indices.size()))
        return ctx.error("Scatter value of shape " + shapeToString(value->shape()) + " does not match " +
                         std::to_string(indices.size()) + " indices.");
    const Shape elem(value->shape().begin() + 1, value->shape().end());
    int64_t each = 1;
    for (int64_t d : elem) each *= d;
    std::lock_guard<std::mutex> lock(ta->mutex);
    for (size_t k = 0; k < indices.size(); ++k) {
        TFS_ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(value->dtype(), elem));
        copyElements(*value, int64_t(k) * each, t, 0, each);
        TFS_RETURN_IF_ERROR(writeElement(ctx, *ta, indices[k], std::move(t)));
    }
    return setFlow(ctx, 0);
}

Status computeConcat(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto ta, arrayOf(ctx));
    std::lock_guard<std::mutex> lock(ta->mutex);
    std::vector<Tensor> parts;
    int64_t rows = 0;
    for (size_t i = 0; i < ta->elements.size(); ++i) {
        TFS_ASSIGN_OR_RETURN(Tensor t, elementAt(ctx, *ta, int64_t(i)));
        if (t.rank() < 1) return ctx.error("Concat needs elements of rank 1 or more, got a scalar.");
        if (!parts.empty() && !std::equal(t.shape().begin() + 1, t.shape().end(), parts[0].shape().begin() + 1,
                                          parts[0].shape().end()))
            return ctx.error("TensorArray elements " + shapeToString(parts[0].shape()) + " and " + shapeToString(t.shape()) +
                             " cannot be concatenated.");
        rows += t.dim(0);
        parts.push_back(std::move(t));
    }
    Shape rest;
    if (!parts.empty()) {
        rest.assign(parts[0].shape().begin() + 1, parts[0].shape().end());
    } else {
        PartialShape s = shapeAttr(ctx, "element_shape_except0");
        if (!s.fullyDefined()) return ctx.error("Cannot concatenate an empty TensorArray whose element shape is not fully defined.");
        rest = s.dims;
    }
    TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(0, ta->dtype, prepend(rows, rest)));
    int64_t at = 0;
    std::vector<int64_t> lengths;
    for (const Tensor& p : parts) {
        copyElements(p, 0, *out, at, p.numElements());
        at += p.numElements();
        lengths.push_back(p.dim(0));
    }
    return ctx.setOutput(1, Tensor::fromVector<int64_t>({int64_t(lengths.size())}, lengths));
}

Status computeSplit(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto ta, arrayOf(ctx));
    TFS_ASSIGN_OR_RETURN(const Tensor* value, ctx.input(1));
    TFS_ASSIGN_OR_RETURN(std::vector<int64_t> lengths, indexVector(ctx, 2));
    if (value->rank() < 1) return ctx.error("Split needs a value of rank 1 or more, got a scalar.");
    int64_t total = 0;
    for (int64_t l : lengths) total += l;
    if (total != value->dim(0))
        return ctx.error("Split lengths sum to " + std::to_string(total) + " but the value has " + std::to_string(value->dim(0)) + " rows.");
    const Shape rest(value->shape().begin() + 1, value->shape().end());
    int64_t rowSize = 1;
    for (int64_t d : rest) rowSize *= d;
    std::lock_guard<std::mutex> lock(ta->mutex);
    int64_t row = 0;
    for (size_t k = 0; k < lengths.size(); ++k) {
        TFS_ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(value->dtype(), prepend(lengths[k], rest)));
        copyElements(*value, row * rowSize, t, 0, lengths[k] * rowSize);
        row += lengths[k];
        TFS_RETURN_IF_ERROR(writeElement(ctx, *ta, int64_t(k), std::move(t)));
    }
    return setFlow(ctx, 0);
}

Status computeSize(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(auto ta, arrayOf(ctx));
    std::lock_guard<std::mutex> lock(ta->mutex);
    return ctx.setOutput(0, Tensor::scalar<int32_t>(int32_t(ta->elements.size())));
}

Status computeClose(KernelContext& ctx) {
    (void)ctx;
    return Status::OK();
}

Status computeStack(KernelContext& ctx) {
    auto st = std::make_shared<StackResource>();
    st->name = ctx.attrString("stack_name", ctx.nodeName());
    TFS_ASSIGN_OR_RETURN(st->dtype, ctx.attrType("elem_type"));
    TFS_ASSIGN_OR_RETURN(st->maxSize, scalarIndex(ctx, 0, "Stack max_size"));
    return ctx.setOutput(0, makeResourceHandle(st));
}

Status computeStackPush(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(const Tensor* h, ctx.input(0));
    TFS_ASSIGN_OR_RETURN(auto st, resourceFromHandle<StackResource>(*h));
    TFS_ASSIGN_OR_RETURN(const Tensor* elem, ctx.input(1));
    std::lock_guard<std::mutex> lock(st->mutex);
    if (st->maxSize >= 0 && int64_t(st->items.size()) >= st->maxSize)
        return ctx.error("Stack '" + st->name + "' is full at " + std::to_string(st->maxSize) + " elements.");
    TFS_RETURN_IF_ERROR(st->charge.charge(ctx, *elem));
    st->items.push_back(*elem);
    return ctx.setOutput(0, *elem);
}

Status computeStackPop(KernelContext& ctx) {
    TFS_ASSIGN_OR_RETURN(const Tensor* h, ctx.input(0));
    TFS_ASSIGN_OR_RETURN(auto st, resourceFromHandle<StackResource>(*h));
    std::lock_guard<std::mutex> lock(st->mutex);
    if (st->items.empty()) return ctx.error("Stack '" + st->name + "' is empty.");
    Tensor t = std::move(st->items.back());
    st->items.pop_back();
    st->charge.refund(t);
    return ctx.setOutput(0, std::move(t));
}

const KernelDef kTensorArray{"TensorArrayV3", computeTensorArray, true};
const KernelDef kWrite{"TensorArrayWriteV3", computeWrite, true};
const KernelDef kRead{"TensorArrayReadV3", computeRead, true};
const KernelDef kGather{"TensorArrayGatherV3", computeGather, true};
const KernelDef kScatter{"TensorArrayScatterV3", computeScatter, true};
const KernelDef kConcat{"TensorArrayConcatV3", computeConcat, true};
const KernelDef kSplit{"TensorArraySplitV3", computeSplit, true};
const KernelDef kSize{"TensorArraySizeV3", computeSize, true};
const KernelDef kClose{"TensorArrayCloseV3", computeClose, true};
const KernelDef kStack{"StackV2", computeStack, true};
const KernelDef kStackPush{"StackPushV2", computeStackPush, true};
const KernelDef kStackPop{"StackPopV2", computeStackPop, true};
const KernelDef kStackClose{"StackCloseV2", computeClose, true};

}  // namespace

void appendTensorArrayKernels(std::vector<const KernelDef*>& out) {
    for (const KernelDef* k : {&kTensorArray, &kWrite, &kRead, &kGather, &kScatter, &kConcat, &kSplit, &kSize, &kClose, &kStack,
                               &kStackPush, &kStackPop, &kStackClose})
        out.push_back(k);
}

}  // namespace tfscope::exec
