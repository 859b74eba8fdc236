// ParseExample (V1) and ParseExampleV2: serialized tf.Example protos -> dense and sparse tensors
// (docs/formats.md#example-parsing). Dense features take `dense_shapes[k]` values per example (or the default
// when absent; a missing feature without default is an error); a leading -1 dim pads to the longest
// example with the default. Sparse features give COO indices [nnz, rank+1], values and the shape.
// Ragged outputs (V2 ragged_keys) are not supported.
#include <cstring>

#include "attr_value.pb.h"
#include "example.pb.h"
#include "model/exec/builtin_kernels.h"
#include "model/exec/tensor_proto.h"
#include "tensor_shape.pb.h"

namespace tfscope::exec {
namespace {

struct FeatureValues {
    const tensorflow::Feature* feature = nullptr;
    int64_t size() const {
        if (!feature) return 0;
        switch (feature->kind_case()) {
        case tensorflow::Feature::kFloatList: return feature->float_list().value_size();
        case tensorflow::Feature::kInt64List: return feature->int64_list().value_size();
        case tensorflow::Feature::kBytesList: return feature->bytes_list().value_size();
        default: return 0;
        }
    }
};

const char* kindName(DType d) { return d == DType::Float ? "float" : d == DType::Int64 ? "int64" : "string"; }

// Checks the feature's list kind against dtype (an empty Feature matches anything).
Status checkKind(const std::string& key, const tensorflow::Feature& f, DType dtype) {
    auto k = f.kind_case();
    if (k == tensorflow::Feature::KIND_NOT_SET) return Status::OK();
    bool ok = (dtype == DType::Float && k == tensorflow::Feature::kFloatList) || (dtype == DType::Int64 && k == tensorflow::Feature::kInt64List) ||
              (dtype == DType::String && k == tensorflow::Feature::kBytesList);
    if (!ok) return Status::invalidArgument("Key: " + key + ". Data types don't match. Expected type: " + kindName(dtype) + ".");
    return Status::OK();
}

// Copies feature values [0, n) into out at element offset `at`.
void copyValues(const tensorflow::Feature& f, DType dtype, Tensor& out, int64_t at, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        switch (dtype) {
        case DType::Float: out.mutableData<float>()[at + i] = f.float_list().value(int(i)); break;
        case DType::Int64: out.mutableData<int64_t>()[at + i] = f.int64_list().value(int(i)); break;
        default: out.mutableStrings()[size_t(at + i)] = f.bytes_list().value(int(i)); break;
        }
    }
}

void copyDefault(const Tensor& dflt, Tensor& out, int64_t at, int64_t n, int64_t from) {
    for (int64_t i = 0; i < n; ++i) {
        int64_t src = dflt.numElements() == 1 ? 0 : from + i;
        switch (out.dtype()) {
        case DType::Float: out.mutableData<float>()[at + i] = dflt.data<float>()[src]; break;
        case DType::Int64: out.mutableData<int64_t>()[at + i] = dflt.data<int64_t>()[src]; break;
        default: out.mutableStrings()[size_t(at + i)] = dflt.strings()[size_t(src)]; break;
        }
    }
}

struct Spec {
    std::vector<std::string> sparseKeys, denseKeys;
    std::vector<DType> sparseTypes, denseTypes;
    std::vector<Shape> denseShapes;
    std::vector<Tensor> denseDefaults;
};

Status parse(KernelContext& ctx, const Spec& spec) {
    TFS_ASSIGN_OR_RETURN(const Tensor* serialized, ctx.input(0));
    if (serialized->dtype() != DType::String || serialized->rank() > 1)
        return ctx.error("serialized must be a string scalar or vector, got " + shapeToString(serialized->shape()) + ".");
    const bool batched = serialized->rank() == 1;
    const int64_t batch = serialized->numElements();
    std::vector<tensorflow::Example> examples(static_cast<size_t>(batch));
    for (int64_t b = 0; b < batch; ++b)
        if (!examples[size_t(b)].ParseFromString(serialized->strings()[size_t(b)]))
            return ctx.error("Could not parse example input " + std::to_string(b) + " as a tf.Example.");
    auto featureOf = [&](int64_t b, const std::string& key) -> const tensorflow::Feature* {
        const auto& m = examples[size_t(b)].features().feature();
        auto it = m.find(key);
        return it == m.end() ? nullptr : &it->second;
    };
    const int ns = int(spec.sparseKeys.size()), nd = int(spec.denseKeys.size());

    // Sparse: indices, values, shapes.
    for (int k = 0; k < ns; ++k) {
        const std::string& key = spec.sparseKeys[size_t(k)];
        DType dt = spec.sparseTypes[size_t(k)];
        int64_t nnz = 0, maxLen = 0;
        for (int64_t b = 0; b < batch; ++b) {
            const auto* f = featureOf(b, key);
            if (!f) continue;
            TFS_RETURN_IF_ERROR(checkKind(key, *f, dt));
            int64_t n = FeatureValues{f}.size();
            nnz += n;
            maxLen = std::max(maxLen, n);
        }
        const int64_t rank = batched ? 2 : 1;
        TFS_ASSIGN_OR_RETURN(Tensor* idx, ctx.allocateOutput(k, DType::Int64, {nnz, rank}));
        TFS_ASSIGN_OR_RETURN(Tensor* vals, ctx.allocateOutput(ns + k, dt, {nnz}));
        int64_t at = 0;
        for (int64_t b = 0; b < batch; ++b) {
            const auto* f = featureOf(b, key);
            if (!f) continue;
            int64_t n = FeatureValues{f}.size();
            copyValues(*f, dt, *vals, at, n);
            for (int64_t j = 0; j < n; ++j) {
                int64_t* row = idx->mutableData<int64_t>() + (at + j) * rank;
                if (batched) { row[0] = b; row[1] = j; } else { row[0] = j; }
            }
            at += n;
        }
        TFS_ASSIGN_OR_RETURN(Tensor* shp, ctx.allocateOutput(2 * ns + k, DType::Int64, {rank}));
        if (batched) { shp->mutableData<int64_t>()[0] = batch; shp->mutableData<int64_t>()[1] = maxLen; }
        else shp->mutableData<int64_t>()[0] = maxLen;
    }

    // Dense.
    for (int k = 0; k < nd; ++k) {
        const std::string& key = spec.denseKeys[size_t(k)];
        DType dt = spec.denseTypes[size_t(k)];
        Shape shape = spec.denseShapes[size_t(k)];
        const Tensor& dflt = spec.denseDefaults[size_t(k)];
        if (dt != DType::Float && dt != DType::Int64 && dt != DType::String)
            return ctx.error("Unsupported dense dtype '" + dtypeEnumName(dt) + "' for key '" + key + "'.");
        if (dflt.numElements() > 0 && dflt.dtype() != dt) return ctx.error("Default for key '" + key + "' has the wrong dtype.");
        const bool variable = !shape.empty() && shape[0] == -1;
        Shape inner(shape.begin() + (variable ? 1 : 0), shape.end());
        int64_t stride = shapeNumElements(inner);
        if (stride < 0) return ctx.error("Dense shape " + shapeToString(shape) + " of key '" + key + "' is not supported.");
        int64_t rows = 0;
        if (variable) {
            for (int64_t b = 0; b < batch; ++b) {
                const auto* f = featureOf(b, key);
                int64_t n = FeatureValues{f}.size();
                if (stride == 0 || n % stride != 0)
                    return Status::invalidArgument("Key: " + key + ", Index: " + std::to_string(b) + ". Number of values " +
                                                   std::to_string(n) + " is not a multiple of " + std::to_string(stride) + ".");
                rows = std::max(rows, n / stride);
            }
            shape[0] = rows;
        }
        const int64_t per = shapeNumElements(shape);
        Shape outShape = shape;
        if (batched) outShape.insert(outShape.begin(), batch);
        TFS_ASSIGN_OR_RETURN(Tensor* out, ctx.allocateOutput(3 * ns + k, dt, outShape));
        for (int64_t b = 0; b < batch; ++b) {
            const auto* f = featureOf(b, key);
            int64_t n = FeatureValues{f}.size();
            if (f) TFS_RETURN_IF_ERROR(checkKind(key, *f, dt));
            if (variable) {
                if (f) copyValues(*f, dt, *out, b * per, n);
                if (per > n) {
                    if (dflt.numElements() == 0) return ctx.error("Key '" + key + "' needs a default value to pad with.");
                    copyDefault(dflt, *out, b * per + n, per - n, 0);
                }
                continue;
            }
            if (!f || n == 0) {
                if (dflt.numElements() == 0)
                    return Status::invalidArgument("Feature: " + key + " (data type: " + kindName(dt) + ") is required but could not be found.");
                if (dflt.numElements() != 1 && dflt.numElements() != per)
                    return ctx.error("Default for key '" + key + "' has " + std::to_string(dflt.numElements()) + " values; expected " +
                                     std::to_string(per) + ".");
                copyDefault(dflt, *out, b * per, per, 0);
                continue;
            }
            if (n != per)
                return Status::invalidArgument("Key: " + key + ".  Can't parse serialized Example: expected " + std::to_string(per) +
                                               " values, got " + std::to_string(n) + ".");
            copyValues(*f, dt, *out, b * per, n);
        }
    }
    return Status::OK();
}

std::vector<Shape> denseShapes(KernelContext& ctx) {
    std::vector<Shape> out;
    if (const auto* a = ctx.attr("dense_shapes"); a && a->has_list())
        for (const auto& s : a->list().shape()) out.push_back(shapeFromProto(s));
    return out;
}

Status computeParseExample(KernelContext& ctx) {
    Spec spec;
    const int ns = int(ctx.attrInt("Nsparse", 0)), nd = int(ctx.attrInt("Ndense", 0));
    spec.sparseTypes = ctx.attrTypeList("sparse_types");
    spec.denseTypes = ctx.attrTypeList("Tdense");
    spec.denseShapes = denseShapes(ctx);
    if (ctx.numInputs() != 2 + ns + 2 * nd || int(spec.sparseTypes.size()) != ns || int(spec.denseTypes.size()) != nd ||
        int(spec.denseShapes.size()) != nd)
        return ctx.error("Inconsistent ParseExample attrs and inputs.");
    for (int i = 0; i < ns + nd; ++i) {
        TFS_ASSIGN_OR_RETURN(const Tensor* k, ctx.input(2 + i));
        if (k->dtype() != DType::String || k->numElements() != 1) return ctx.error("Feature keys must be string scalars.");
        (i < ns ? spec.sparseKeys : spec.denseKeys).push_back(k->strings()[0]);
    }
    for (int i = 0; i < nd; ++i) spec.denseDefaults.push_back(*ctx.input(2 + ns + nd + i).value());
    return parse(ctx, spec);
}

Status computeParseExampleV2(KernelContext& ctx) {
    Spec spec;
    spec.sparseTypes = ctx.attrTypeList("sparse_types");
    spec.denseTypes = ctx.attrTypeList("Tdense");
    spec.denseShapes = denseShapes(ctx);
    if (!ctx.attrTypeList("ragged_value_types").empty()) return ctx.error("Ragged features are not supported.");
    TFS_ASSIGN_OR_RETURN(const Tensor* sk, ctx.input(2));
    TFS_ASSIGN_OR_RETURN(const Tensor* dk, ctx.input(3));
    if (sk->dtype() != DType::String || dk->dtype() != DType::String) return ctx.error("Feature keys must be strings.");
    spec.sparseKeys = sk->strings();
    spec.denseKeys = dk->strings();
    const int nd = int(spec.denseKeys.size());
    if (int(spec.sparseKeys.size()) != int(spec.sparseTypes.size()) || int(spec.denseTypes.size()) != nd ||
        int(spec.denseShapes.size()) != nd || ctx.numInputs() != 5 + nd)
        return ctx.error("Inconsistent ParseExampleV2 attrs and inputs.");
    for (int i = 0; i < nd; ++i) spec.denseDefaults.push_back(*ctx.input(5 + i).value());
    return parse(ctx, spec);
}

const KernelDef kParseExample{"ParseExample", computeParseExample};
const KernelDef kParseExampleV2{"ParseExampleV2", computeParseExampleV2};

}  // namespace

void appendParseExampleKernels(std::vector<const KernelDef*>& out) {
    out.push_back(&kParseExample);
    out.push_back(&kParseExampleV2);
}

}  // namespace tfscope::exec
