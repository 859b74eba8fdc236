#include "model/edit/value_ops.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "model/half.h"

namespace tfscope::value_ops {
namespace {

template <typename T>
T toInt(double v) {
    if (std::isnan(v)) return T(0);
    if (v <= double(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
    if (v >= double(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    return T(v);
}

template <typename T>
T load(const std::byte* p, int64_t i) {
    T v;
    std::memcpy(&v, p + size_t(i) * sizeof(T), sizeof(T));
    return v;
}

template <typename T>
void store(std::byte* p, int64_t i, T v) {
    std::memcpy(p + size_t(i) * sizeof(T), &v, sizeof(T));
}

void storeDouble(std::byte* p, DType d, int64_t i, double v) {
    switch (d) {
    case DType::Float: store<float>(p, i, float(v)); break;
    case DType::Double: store<double>(p, i, v); break;
    case DType::Half: store<uint16_t>(p, i, floatToHalf(float(v))); break;
    case DType::BFloat16: store<uint16_t>(p, i, floatToBfloat16(float(v))); break;
    case DType::Int8: store<int8_t>(p, i, toInt<int8_t>(v)); break;
    case DType::Int16: store<int16_t>(p, i, toInt<int16_t>(v)); break;
    case DType::Int32: store<int32_t>(p, i, toInt<int32_t>(v)); break;
    case DType::Int64: store<int64_t>(p, i, toInt<int64_t>(v)); break;
    case DType::UInt8: store<uint8_t>(p, i, toInt<uint8_t>(v)); break;
    case DType::UInt16: store<uint16_t>(p, i, toInt<uint16_t>(v)); break;
    case DType::UInt32: store<uint32_t>(p, i, toInt<uint32_t>(v)); break;
    case DType::UInt64: store<uint64_t>(p, i, toInt<uint64_t>(v)); break;
    case DType::Bool: store<uint8_t>(p, i, v != 0 ? 1 : 0); break;
    default: break;
    }
}

double loadDouble(const std::byte* p, DType d, int64_t i) {
    switch (d) {
    case DType::Float: return load<float>(p, i);
    case DType::Double: return load<double>(p, i);
    case DType::Half: return halfToFloat(load<uint16_t>(p, i));
    case DType::BFloat16: return bfloat16ToFloat(load<uint16_t>(p, i));
    case DType::Int8: return load<int8_t>(p, i);
    case DType::Int16: return load<int16_t>(p, i);
    case DType::Int32: return load<int32_t>(p, i);
    case DType::Int64: return double(load<int64_t>(p, i));
    case DType::UInt8: return load<uint8_t>(p, i);
    case DType::UInt16: return load<uint16_t>(p, i);
    case DType::UInt32: return load<uint32_t>(p, i);
    case DType::UInt64: return double(load<uint64_t>(p, i));
    case DType::Bool: return load<uint8_t>(p, i) != 0 ? 1.0 : 0.0;
    default: return std::nan("");
    }
}

// Applies fn(old) -> new to every element; float gets a direct loop (large tensors).
template <typename Fn>
void transform(Tensor& t, Fn fn) {
    const int64_t n = t.numElements();
    if (n == 0) return;
    std::byte* p = t.mutableRawData();
    if (t.dtype() == DType::Float) {
        float* f = reinterpret_cast<float*>(p);
        for (int64_t i = 0; i < n; ++i) f[i] = float(fn(double(f[i])));
        return;
    }
    for (int64_t i = 0; i < n; ++i) storeDouble(p, t.dtype(), i, fn(loadDouble(p, t.dtype(), i)));
}

}  // namespace

bool isEditable(DType d) {
    switch (d) {
    case DType::Float: case DType::Double: case DType::Half: case DType::BFloat16:
    case DType::Int8: case DType::Int16: case DType::Int32: case DType::Int64:
    case DType::UInt8: case DType::UInt16: case DType::UInt32: case DType::UInt64:
    case DType::Bool:
        return true;
    default:
        return false;
    }
}

Status checkEditable(DType dtype) {
    if (isEditable(dtype)) return Status::OK();
    return Status::invalidArgument("Values of dtype '" + std::string(dtypeShortName(dtype)) + "' cannot be edited.");
}

Result<int64_t> flatIndex(const Shape& shape, const std::vector<int64_t>& index) {
    auto indexText = [&] {
        std::string s = "[";
        for (size_t i = 0; i < index.size(); ++i) s += (i ? "," : "") + std::to_string(index[i]);
        return s + "]";
    };
    if (index.size() != shape.size())
        return Status::invalidArgument("Index '" + indexText() + "' does not fit shape '" + shapeToString(shape) + "'.");
    int64_t flat = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
        if (index[d] < 0 || index[d] >= shape[d])
            return Status::invalidArgument("Index '" + indexText() + "' does not fit shape '" + shapeToString(shape) + "'.");
        flat = flat * shape[d] + index[d];
    }
    return flat;
}

double get(const Tensor& t, int64_t i) { return loadDouble(t.rawData(), t.dtype(), i); }

void set(Tensor& t, int64_t i, double value) { storeDouble(t.mutableRawData(), t.dtype(), i, value); }

Status setCell(Tensor& t, const std::vector<int64_t>& index, double value) {
    TFS_RETURN_IF_ERROR(checkEditable(t.dtype()));
    TFS_ASSIGN_OR_RETURN(int64_t i, flatIndex(t.shape(), index));
    set(t, i, value);
    return Status::OK();
}

Status fill(Tensor& t, double value) {
    TFS_RETURN_IF_ERROR(checkEditable(t.dtype()));
    transform(t, [value](double) { return value; });
    return Status::OK();
}

Status scale(Tensor& t, double factor) {
    TFS_RETURN_IF_ERROR(checkEditable(t.dtype()));
    transform(t, [factor](double v) { return v * factor; });
    return Status::OK();
}

Status addScalar(Tensor& t, double value) {
    TFS_RETURN_IF_ERROR(checkEditable(t.dtype()));
    transform(t, [value](double v) { return v + value; });
    return Status::OK();
}

Result<Tensor> cast(const Tensor& t, DType to) {
    TFS_RETURN_IF_ERROR(checkEditable(t.dtype()));
    TFS_RETURN_IF_ERROR(checkEditable(to));
    if (to == t.dtype()) return t.deepCopy();
    TFS_ASSIGN_OR_RETURN(Tensor out, Tensor::allocate(to, t.shape()));
    const int64_t n = t.numElements();
    if (n == 0) return out;
    const std::byte* src = t.rawData();
    std::byte* dst = out.mutableRawData();
    for (int64_t i = 0; i < n; ++i) storeDouble(dst, to, i, loadDouble(src, t.dtype(), i));
    return out;
}

}  // namespace tfscope::value_ops
