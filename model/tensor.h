#pragma once
// Tensor: a dtype, a shape and storage that is owned (HeapBuffer) or a view into a mapped file.
// Copies are cheap (shared storage); writers detach first (copy on write).
//
//   Tensor t(DType::Float, {2, 3});          // zero-filled, owned
//   t.mutableData<float>()[0] = 1.5f;
//   Tensor s = Tensor::fromStrings({2}, {"a", "b"});
//
// Element types: POD dtypes are stored as raw little-endian bytes (dtypeSize() each); String holds
// std::string elements; Resource and Variant hold opaque shared objects (the executor's handles).

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "model/buffer.h"
#include "model/dtype.h"
#include "model/status.h"

namespace tfscope {

using Shape = std::vector<int64_t>;

// Product of dims; -1 if any dim is negative or the product overflows int64.
int64_t shapeNumElements(const Shape& shape);
// "[2,3]", "[]" for a scalar.
std::string shapeToString(const Shape& shape);

// C++ type for a POD dtype.
template <typename T> struct DTypeOf;
template <> struct DTypeOf<float> { static constexpr DType value = DType::Float; };
template <> struct DTypeOf<double> { static constexpr DType value = DType::Double; };
template <> struct DTypeOf<int32_t> { static constexpr DType value = DType::Int32; };
template <> struct DTypeOf<int64_t> { static constexpr DType value = DType::Int64; };
template <> struct DTypeOf<int16_t> { static constexpr DType value = DType::Int16; };
template <> struct DTypeOf<int8_t> { static constexpr DType value = DType::Int8; };
template <> struct DTypeOf<uint8_t> { static constexpr DType value = DType::UInt8; };
template <> struct DTypeOf<uint16_t> { static constexpr DType value = DType::UInt16; };
template <> struct DTypeOf<uint32_t> { static constexpr DType value = DType::UInt32; };
template <> struct DTypeOf<uint64_t> { static constexpr DType value = DType::UInt64; };
template <> struct DTypeOf<bool> { static constexpr DType value = DType::Bool; };

class Tensor {
public:
    using Object = std::shared_ptr<void>;  // element type of Resource / Variant tensors

    Tensor() = default;  // invalid: dtype() == DType::Invalid
    // Zero-filled owned tensor (empty strings / null objects). Throws std::bad_alloc on failure;
    // use allocate() where the size comes from a file or a user.
    Tensor(DType dtype, Shape shape);
    // Checked allocation: fails with InvalidArgument for negative/overflowing shapes and with
    // ResourceExhausted above maxBytes.
    static Result<Tensor> allocate(DType dtype, Shape shape, size_t maxBytes = size_t(1) << 40);
    // allocate() without the zero fill of POD element data, for a caller that writes every
    // element; other dtypes are initialised as by allocate().
    static Result<Tensor> allocateUninitialized(DType dtype, Shape shape, size_t maxBytes = size_t(1) << 40);
    // A read-only view of `bytes` starting at `offset`. REQUIRES: isPod(dtype) and the range fits.
    static Tensor view(DType dtype, Shape shape, std::shared_ptr<const Buffer> bytes, size_t offset);
    static Tensor fromStrings(Shape shape, std::vector<std::string> values);

    template <typename T>
    static Tensor fromVector(Shape shape, const std::vector<T>& values) {
        Tensor t(DTypeOf<T>::value, std::move(shape));
        T* out = t.mutableData<T>();
        for (size_t i = 0; i < values.size() && i < size_t(t.numElements()); ++i) out[i] = values[i];
        return t;
    }
    template <typename T>
    static Tensor scalar(T value) { return fromVector<T>({}, {value}); }
    static Tensor stringScalar(std::string value) { return fromStrings({}, {std::move(value)}); }

    bool valid() const { return m_dtype != DType::Invalid; }
    DType dtype() const { return m_dtype; }
    const Shape& shape() const { return m_shape; }
    int rank() const { return int(m_shape.size()); }
    int64_t dim(int i) const { return m_shape[size_t(i)]; }
    int64_t numElements() const { return m_numElements; }
    // Bytes of element data for POD dtypes (numElements * dtypeSize); 0 otherwise.
    size_t byteSize() const { return size_t(m_numElements) * dtypeSize(m_dtype); }
    bool isView() const { return m_buffer && !m_owned; }
    // How many tensors share this one's element storage (0 without any): a tensor whose storage
    // others share is never changed in place (mutableRawData() copies first).
    long storageUseCount() const { return m_buffer.use_count(); }

    const std::byte* rawData() const { return m_buffer ? m_buffer->data() + m_offset : nullptr; }
    std::byte* mutableRawData();  // detaches shared or mapped storage first
    // The element storage's identity (its buffer and the offset in it), found without reading it:
    // equal for tensors that share their bytes (DerivedCache's key).
    std::pair<const void*, size_t> storageId() const { return {m_buffer.get(), m_offset}; }
    // True when reading the bytes would compute them and keep them (Buffer::computedOnRead).
    bool computedOnRead() const { return m_buffer && m_buffer->computedOnRead(); }
    // Writes the byteSize() bytes to `dst` when the storage is computed (Buffer::computeInto),
    // keeping no copy; false (nothing written) otherwise: read rawData() then.
    bool computeInto(std::byte* dst) const {
        return m_buffer && m_offset == 0 && m_buffer->size() == byteSize() && m_buffer->computeInto(dst);
    }
    // A hint that this tensor's bytes will not be read soon (Buffer::dropResidentPages): pages of
    // a mapped file leave the resident set until read again. Values and storage do not change.
    void dropResidentPages() const {
        if (m_buffer) m_buffer->dropResidentPages(m_offset, byteSize());
    }
    template <typename T> const T* data() const { return reinterpret_cast<const T*>(rawData()); }
    template <typename T> T* mutableData() { return reinterpret_cast<T*>(mutableRawData()); }

    const std::vector<std::string>& strings() const;
    std::vector<std::string>& mutableStrings();
    const std::vector<Object>& objects() const;
    std::vector<Object>& mutableObjects();

    // Same storage, new shape. REQUIRES: same number of elements.
    Tensor reshaped(Shape shape) const;
    // A read-only tensor of `shape` on the same storage, starting `byteOffset` bytes past this
    // one's first byte: a row of it, or tensors that lie one after another in one buffer taken
    // together. Invalid (valid() false) for non-POD dtypes or a range outside the storage.
    Tensor storageView(Shape shape, size_t byteOffset) const;
    // An owned deep copy (never a view).
    Tensor deepCopy() const;
    // Element i as double (POD numeric dtypes incl. half/bfloat16; real part for complex; NaN otherwise).
    double elementAsDouble(int64_t i) const;
    // Bytes equal (dtype, shape and element data / strings).
    bool sameContent(const Tensor& other) const;

private:
    struct NoZeroFill {};
    Tensor(DType dtype, Shape shape, NoZeroFill);
    static Result<Tensor> allocateImpl(DType dtype, Shape shape, size_t maxBytes, bool zeroFill);

    DType m_dtype = DType::Invalid;
    Shape m_shape;
    int64_t m_numElements = 0;
    std::shared_ptr<const Buffer> m_buffer;
    size_t m_offset = 0;
    bool m_owned = false;  // m_buffer is a HeapBuffer we allocated (may still be shared by copies)
    std::shared_ptr<std::vector<std::string>> m_strings;
    std::shared_ptr<std::vector<Object>> m_objects;
};

}  // namespace tfscope
