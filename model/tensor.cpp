#include "model/tensor.h"

#include <cmath>
#include <complex>
#include <cstring>
#include <limits>
#include <new>

#include "model/half.h"

namespace tfscope {

int64_t shapeNumElements(const Shape& shape) {
    int64_t n = 1;
    for (int64_t d : shape) {
        if (d < 0) return -1;
        if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) return -1;
        n *= d;
    }
    return n;
}

std::string shapeToString(const Shape& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ",";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

Tensor::Tensor(DType dtype, Shape shape) : m_dtype(dtype), m_shape(std::move(shape)) {
    m_numElements = shapeNumElements(m_shape);
    if (m_numElements < 0) throw std::bad_alloc();
    if (dtype == DType::String) {
        m_strings = std::make_shared<std::vector<std::string>>(size_t(m_numElements));
    } else if (dtype == DType::Resource || dtype == DType::Variant) {
        m_objects = std::make_shared<std::vector<Object>>(size_t(m_numElements));
    } else {
        m_buffer = std::make_shared<HeapBuffer>(byteSize());
        m_owned = true;
    }
}

Tensor::Tensor(DType dtype, Shape shape, NoZeroFill) : m_dtype(dtype), m_shape(std::move(shape)) {
    m_numElements = shapeNumElements(m_shape);
    if (m_numElements < 0) throw std::bad_alloc();
    m_buffer = std::make_shared<HeapBuffer>(byteSize(), false);
    m_owned = true;
}

Result<Tensor> Tensor::allocate(DType dtype, Shape shape, size_t maxBytes) {
    return allocateImpl(dtype, std::move(shape), maxBytes, true);
}

Result<Tensor> Tensor::allocateUninitialized(DType dtype, Shape shape, size_t maxBytes) {
    return allocateImpl(dtype, std::move(shape), maxBytes, !isPod(dtype));
}

Result<Tensor> Tensor::allocateImpl(DType dtype, Shape shape, size_t maxBytes, bool zeroFill) {
    int64_t n = shapeNumElements(shape);
    if (n < 0) return Status::invalidArgument("Invalid tensor shape '" + shapeToString(shape) + "'.");
    size_t elem = dtypeSize(dtype);
    size_t perElement = elem ? elem : sizeof(std::string);
    if (uint64_t(n) > maxBytes / perElement)
        return Status::resourceExhausted("Tensor of shape '" + shapeToString(shape) + "' and dtype '" +
                                         std::string(dtypeShortName(dtype)) + "' exceeds the memory limit of " +
                                         std::to_string(maxBytes) + " bytes.");
    try {
        if (zeroFill) return Tensor(dtype, shape);
        return Tensor(dtype, shape, NoZeroFill{});
    } catch (const std::bad_alloc&) {
        return Status::resourceExhausted("Out of memory allocating tensor of shape '" + shapeToString(shape) + "'.");
    }
}

Tensor Tensor::view(DType dtype, Shape shape, std::shared_ptr<const Buffer> bytes, size_t offset) {
    Tensor t;
    t.m_dtype = dtype;
    t.m_shape = std::move(shape);
    t.m_numElements = shapeNumElements(t.m_shape);
    t.m_buffer = std::move(bytes);
    t.m_offset = offset;
    t.m_owned = false;
    return t;
}

Tensor Tensor::storageView(Shape shape, size_t byteOffset) const {
    const int64_t n = shapeNumElements(shape);
    if (!isPod(m_dtype) || !m_buffer || n < 0) return Tensor();
    const size_t bytes = size_t(n) * dtypeSize(m_dtype), size = m_buffer->size();
    if (m_offset > size || byteOffset > size - m_offset || bytes > size - m_offset - byteOffset) return Tensor();
    return view(m_dtype, std::move(shape), m_buffer, m_offset + byteOffset);
}

Tensor Tensor::fromStrings(Shape shape, std::vector<std::string> values) {
    Tensor t;
    t.m_dtype = DType::String;
    t.m_shape = std::move(shape);
    t.m_numElements = shapeNumElements(t.m_shape);
    values.resize(size_t(std::max<int64_t>(t.m_numElements, 0)));
    t.m_strings = std::make_shared<std::vector<std::string>>(std::move(values));
    return t;
}

std::byte* Tensor::mutableRawData() {
    if (!m_buffer) return nullptr;
    if (!m_owned || m_buffer.use_count() > 1) {
        auto fresh = std::make_shared<HeapBuffer>(byteSize(), false);  // filled by the copy below
        if (byteSize()) std::memcpy(fresh->mutableData(), m_buffer->data() + m_offset, byteSize());
        m_buffer = fresh;
        m_offset = 0;
        m_owned = true;
    }
    return const_cast<std::byte*>(m_buffer->data()) + m_offset;
}

const std::vector<std::string>& Tensor::strings() const {
    static const std::vector<std::string> kEmpty;
    return m_strings ? *m_strings : kEmpty;
}

std::vector<std::string>& Tensor::mutableStrings() {
    if (!m_strings) m_strings = std::make_shared<std::vector<std::string>>();
    else if (m_strings.use_count() > 1) m_strings = std::make_shared<std::vector<std::string>>(*m_strings);
    return *m_strings;
}

const std::vector<Tensor::Object>& Tensor::objects() const {
    static const std::vector<Object> kEmpty;
    return m_objects ? *m_objects : kEmpty;
}

std::vector<Tensor::Object>& Tensor::mutableObjects() {
    if (!m_objects) m_objects = std::make_shared<std::vector<Object>>();
    else if (m_objects.use_count() > 1) m_objects = std::make_shared<std::vector<Object>>(*m_objects);
    return *m_objects;
}

Tensor Tensor::reshaped(Shape shape) const {
    Tensor t = *this;
    t.m_shape = std::move(shape);
    return t;
}

Tensor Tensor::deepCopy() const {
    Tensor t = *this;
    if (m_buffer) {
        auto fresh = std::make_shared<HeapBuffer>(byteSize());
        if (byteSize()) std::memcpy(fresh->mutableData(), rawData(), byteSize());
        t.m_buffer = fresh;
        t.m_offset = 0;
        t.m_owned = true;
    }
    if (m_strings) t.m_strings = std::make_shared<std::vector<std::string>>(*m_strings);
    if (m_objects) t.m_objects = std::make_shared<std::vector<Object>>(*m_objects);
    return t;
}

double Tensor::elementAsDouble(int64_t i) const {
    if (i < 0 || i >= m_numElements || !m_buffer) return std::nan("");
    const std::byte* p = rawData() + size_t(i) * dtypeSize(m_dtype);
    auto load = [p](auto zero) {
        decltype(zero) v;
        std::memcpy(&v, p, sizeof v);
        return double(v);
    };
    switch (m_dtype) {
    case DType::Float: return load(float());
    case DType::Double: return load(double());
    case DType::Int32: case DType::QInt32: return load(int32_t());
    case DType::Int64: return load(int64_t());
    case DType::Int16: case DType::QInt16: return load(int16_t());
    case DType::Int8: case DType::QInt8: case DType::Int4: case DType::Int2: return load(int8_t());
    case DType::UInt8: case DType::QUInt8: case DType::UInt4: case DType::UInt2: return load(uint8_t());
    case DType::UInt16: case DType::QUInt16: return load(uint16_t());
    case DType::UInt32: return load(uint32_t());
    case DType::UInt64: return load(uint64_t());
    case DType::Bool: return load(uint8_t()) != 0 ? 1.0 : 0.0;
    case DType::Half: { uint16_t h; std::memcpy(&h, p, 2); return halfToFloat(h); }
    case DType::BFloat16: { uint16_t h; std::memcpy(&h, p, 2); return bfloat16ToFloat(h); }
    case DType::Complex64: return load(float());
    case DType::Complex128: return load(double());
    default: return std::nan("");
    }
}

bool Tensor::sameContent(const Tensor& other) const {
    if (m_dtype != other.m_dtype || m_shape != other.m_shape) return false;
    if (m_dtype == DType::String) return strings() == other.strings();
    if (!isPod(m_dtype)) return false;
    return byteSize() == 0 || std::memcmp(rawData(), other.rawData(), byteSize()) == 0;
}

}  // namespace tfscope
