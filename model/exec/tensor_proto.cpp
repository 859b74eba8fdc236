#include "model/exec/tensor_proto.h"

#include <cstring>

#include "tensor.pb.h"
#include "tensor_shape.pb.h"

namespace tfscope::exec {

Shape shapeFromProto(const tensorflow::TensorShapeProto& proto, bool* unknownRank) {
    if (unknownRank) *unknownRank = proto.unknown_rank();
    Shape shape;
    shape.reserve(size_t(proto.dim_size()));
    for (const auto& d : proto.dim()) shape.push_back(d.size() < 0 ? -1 : d.size());
    return shape;
}

namespace {

// Copies `count` values from `src` into n elements of `out`, the last one repeated (TF's rule).
template <typename Out, typename Field>
Status fillFrom(const Field& src, Tensor& t) {
    const int64_t n = t.numElements();
    const int64_t count = src.size();
    if (count > n) return Status::invalidArgument("Tensor proto holds " + std::to_string(count) +
                                                  " values for " + std::to_string(n) + " elements.");
    if (count == 0 || n == 0) return Status::OK();
    Out* out = t.mutableData<Out>();
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<Out>(src.Get(int(i < count ? i : count - 1)));
    return Status::OK();
}

Status fillHalf(const google::protobuf::RepeatedField<int32_t>& src, Tensor& t) {
    const int64_t n = t.numElements();
    const int64_t count = src.size();
    if (count > n) return Status::invalidArgument("Tensor proto holds too many half values.");
    if (count == 0 || n == 0) return Status::OK();
    uint16_t* out = t.mutableData<uint16_t>();
    for (int64_t i = 0; i < n; ++i) out[i] = uint16_t(src.Get(int(i < count ? i : count - 1)) & 0xffff);
    return Status::OK();
}

template <typename T>
Status fillComplex(const google::protobuf::RepeatedField<T>& src, Tensor& t) {
    const int64_t n = t.numElements();
    const int64_t pairs = src.size() / 2;
    if (pairs > n) return Status::invalidArgument("Tensor proto holds too many complex values.");
    if (pairs == 0 || n == 0) return Status::OK();
    T* out = t.mutableData<T>();
    for (int64_t i = 0; i < n; ++i) {
        int64_t k = i < pairs ? i : pairs - 1;
        out[2 * i] = src.Get(int(2 * k));
        out[2 * i + 1] = src.Get(int(2 * k + 1));
    }
    return Status::OK();
}

}  // namespace

Result<Tensor> tensorFromProto(const tensorflow::TensorProto& proto) {
    auto dt = dtypeFromInt(int(proto.dtype()));
    if (!dt || *dt == DType::Invalid) return Status::invalidArgument("Invalid tensor dtype '" + std::to_string(int(proto.dtype())) + "'.");
    DType dtype = *dt;
    bool unknownRank = false;
    Shape shape = shapeFromProto(proto.tensor_shape(), &unknownRank);
    for (int64_t d : shape)
        if (d < 0) return Status::invalidArgument("Tensor proto has an unknown dimension in '" + shapeToString(shape) + "'.");
    TFS_ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(dtype, shape));
    const int64_t n = t.numElements();

    if (dtype == DType::String) {
        const int count = proto.string_val_size();
        if (count > n) return Status::invalidArgument("Tensor proto holds too many strings.");
        auto& s = t.mutableStrings();
        for (int64_t i = 0; i < n && count > 0; ++i) s[size_t(i)] = proto.string_val(int(i < count ? i : count - 1));
        return t;
    }
    if (dtype == DType::Resource || dtype == DType::Variant)
        return Status::unimplemented("Constant tensors of dtype '" + dtypeEnumName(dtype) + "' are not supported.");
    if (!proto.tensor_content().empty()) {
        if (proto.tensor_content().size() != t.byteSize())
            return Status::invalidArgument("Tensor content has " + std::to_string(proto.tensor_content().size()) +
                                           " bytes; shape '" + shapeToString(shape) + "' of '" + dtypeEnumName(dtype) +
                                           "' needs " + std::to_string(t.byteSize()) + ".");
        if (n > 0) std::memcpy(t.mutableRawData(), proto.tensor_content().data(), t.byteSize());
        return t;
    }
    Status st;
    switch (dtype) {
    case DType::Float: st = fillFrom<float>(proto.float_val(), t); break;
    case DType::Double: st = fillFrom<double>(proto.double_val(), t); break;
    case DType::Int32: case DType::QInt32: st = fillFrom<int32_t>(proto.int_val(), t); break;
    case DType::Int16: case DType::QInt16: st = fillFrom<int16_t>(proto.int_val(), t); break;
    case DType::Int8: case DType::QInt8: st = fillFrom<int8_t>(proto.int_val(), t); break;
    case DType::UInt8: case DType::QUInt8: st = fillFrom<uint8_t>(proto.int_val(), t); break;
    case DType::UInt16: case DType::QUInt16: st = fillFrom<uint16_t>(proto.int_val(), t); break;
    case DType::Int64: st = fillFrom<int64_t>(proto.int64_val(), t); break;
    case DType::UInt32: st = fillFrom<uint32_t>(proto.uint32_val(), t); break;
    case DType::UInt64: st = fillFrom<uint64_t>(proto.uint64_val(), t); break;
    case DType::Bool: st = fillFrom<bool>(proto.bool_val(), t); break;
    case DType::Half: case DType::BFloat16: st = fillHalf(proto.half_val(), t); break;
    case DType::Complex64: st = fillComplex<float>(proto.scomplex_val(), t); break;
    case DType::Complex128: st = fillComplex<double>(proto.dcomplex_val(), t); break;
    default: {
        const std::string& bytes = proto.float8_val();
        if (dtypeSize(dtype) == 1 && !bytes.empty()) {
            if (int64_t(bytes.size()) > n) return Status::invalidArgument("Tensor proto holds too many values.");
            auto* out = reinterpret_cast<uint8_t*>(t.mutableRawData());
            for (int64_t i = 0; i < n; ++i) out[i] = uint8_t(bytes[size_t(i < int64_t(bytes.size()) ? i : int64_t(bytes.size()) - 1)]);
        } else if (dtypeSize(dtype) == 1 && proto.int_val_size() > 0) {
            st = fillFrom<uint8_t>(proto.int_val(), t);
        }
        break;
    }
    }
    if (!st.ok()) return st;
    return t;
}

}  // namespace tfscope::exec
