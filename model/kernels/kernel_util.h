#pragma once
// Shared helpers for the kernel library (model/kernels/*.cpp): C++ element types per dtype,
// dtype dispatch over type lists, input checks, reading index tensors and parallel loops.
//
//   Status eval(KernelContext& ctx) {
//       TFS_ASSIGN_OR_RETURN(const Tensor* x, inputOf(ctx, 0));
//       return dispatch(RealTypes{}, ctx, x->dtype(), [&](auto tag) -> Status {
//           using T = typename decltype(tag)::type; ... });
//   }
//
// Elements are read in place: `dataOf<T>(tensor)` reinterprets the tensor's bytes (Eigen::half and
// Eigen::bfloat16 share the 16-bit layout of DT_HALF / DT_BFLOAT16).

#include <Eigen/Core>  // Eigen::half, Eigen::bfloat16 (the Tensor module only where needed)

#include <complex>
#include <functional>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "model/exec/kernel.h"
#include "model/status.h"
#include "model/tensor.h"

namespace tfscope::kernels {

using exec::KernelContext;
using exec::KernelDef;

template <typename T> struct TypeTag { using type = T; };
template <typename... Ts> struct TypeList {};
template <typename... A, typename... B>
constexpr TypeList<A..., B...> operator+(TypeList<A...>, TypeList<B...>) { return {}; }

template <typename T> constexpr DType dtypeOf() {
    if constexpr (std::is_same_v<T, float>) return DType::Float;
    else if constexpr (std::is_same_v<T, double>) return DType::Double;
    else if constexpr (std::is_same_v<T, Eigen::half>) return DType::Half;
    else if constexpr (std::is_same_v<T, Eigen::bfloat16>) return DType::BFloat16;
    else if constexpr (std::is_same_v<T, int8_t>) return DType::Int8;
    else if constexpr (std::is_same_v<T, int16_t>) return DType::Int16;
    else if constexpr (std::is_same_v<T, int32_t>) return DType::Int32;
    else if constexpr (std::is_same_v<T, int64_t>) return DType::Int64;
    else if constexpr (std::is_same_v<T, uint8_t>) return DType::UInt8;
    else if constexpr (std::is_same_v<T, uint16_t>) return DType::UInt16;
    else if constexpr (std::is_same_v<T, uint32_t>) return DType::UInt32;
    else if constexpr (std::is_same_v<T, uint64_t>) return DType::UInt64;
    else if constexpr (std::is_same_v<T, bool>) return DType::Bool;
    else if constexpr (std::is_same_v<T, std::complex<float>>) return DType::Complex64;
    else if constexpr (std::is_same_v<T, std::complex<double>>) return DType::Complex128;
    else if constexpr (std::is_same_v<T, std::string>) return DType::String;
    else return DType::Invalid;
}

using HalfTypes = TypeList<Eigen::half, Eigen::bfloat16>;
using FloatTypes = TypeList<float, double, Eigen::half, Eigen::bfloat16>;
using SignedIntTypes = TypeList<int8_t, int16_t, int32_t, int64_t>;
using UnsignedIntTypes = TypeList<uint8_t, uint16_t, uint32_t, uint64_t>;
using IntTypes = TypeList<int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t>;
using RealTypes = decltype(FloatTypes{} + IntTypes{});
using ComplexTypes = TypeList<std::complex<float>, std::complex<double>>;
using NumberTypes = decltype(RealTypes{} + ComplexTypes{});
using PodTypes = decltype(NumberTypes{} + TypeList<bool>{});
using AllTypes = decltype(PodTypes{} + TypeList<std::string>{});
using IndexTypes = TypeList<int32_t, int64_t>;

// The type arithmetic runs in: float for half/bfloat16, T otherwise.
template <typename T>
using ComputeType = std::conditional_t<std::is_same_v<T, Eigen::half> || std::is_same_v<T, Eigen::bfloat16>, float, T>;

template <typename T> constexpr bool kIsHalfLike = std::is_same_v<T, Eigen::half> || std::is_same_v<T, Eigen::bfloat16>;
template <typename T> constexpr bool kIsFloatLike = std::is_floating_point_v<T> || kIsHalfLike<T>;
template <typename T> constexpr bool kIsComplex =
    std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>;

Status unsupportedType(const KernelContext& ctx, DType d);

// Calls f(TypeTag<T>{}) for the T of the list whose dtype is `d`; Unimplemented otherwise (the
// message is built only then: every kernel call goes through here).
template <typename... Ts, typename F>
Status dispatch(TypeList<Ts...>, const KernelContext& ctx, DType d, F&& f) {
    Status result;
    const bool matched = ((d == dtypeOf<Ts>() ? (result = f(TypeTag<Ts>{}), true) : false) || ...);
    return matched ? result : unsupportedType(ctx, d);
}

// 16-byte element (complex128) for kernels that only move elements around.
struct Bytes16 { uint64_t lo, hi; };

// Like dispatch, for kernels that only copy elements: T is an unsigned integer (or Bytes16) of
// the dtype's size, or std::string. Keeps instantiations (and build time) small.
template <typename F>
Status dispatchCopy(const KernelContext& ctx, DType d, F&& f) {
    if (d == DType::String) return f(TypeTag<std::string>{});
    switch (dtypeSize(d)) {
    case 1: return f(TypeTag<uint8_t>{});
    case 2: return f(TypeTag<uint16_t>{});
    case 4: return f(TypeTag<uint32_t>{});
    case 8: return f(TypeTag<uint64_t>{});
    case 16: return f(TypeTag<Bytes16>{});
    default: return unsupportedType(ctx, d);
    }
}

template <typename T> const T* dataOf(const Tensor& t) {
    if constexpr (std::is_same_v<T, std::string>) return t.strings().data();
    else return reinterpret_cast<const T*>(t.rawData());
}
template <typename T> T* mutableDataOf(Tensor& t) {
    if constexpr (std::is_same_v<T, std::string>) return t.mutableStrings().data();
    else return reinterpret_cast<T*>(t.mutableRawData());
}

// Input i, checking that the node has at least `count` inputs.
Result<const Tensor*> inputOf(KernelContext& ctx, int i);
Status checkInputCount(KernelContext& ctx, int expected);
Status checkSameDType(KernelContext& ctx, const Tensor& a, const Tensor& b);

// The elements of an int32/int64 tensor (e.g. a shape or axis argument).
Result<std::vector<int64_t>> indexValues(KernelContext& ctx, const Tensor& t, const char* what);
// A scalar (or single-element) int32/int64 tensor.
Result<int64_t> indexScalar(KernelContext& ctx, const Tensor& t, const char* what);
// Maps axis in [-rank, rank) to [0, rank).
Result<int> normalizeAxis(KernelContext& ctx, int64_t axis, int rank);
bool isVector(const Tensor& t);
bool isScalar(const Tensor& t);

// Splits [0, n) across the context's thread pool; `cost` is the work per element in cycles.
void parallelFor(KernelContext& ctx, int64_t n, double cost, const std::function<void(int64_t, int64_t)>& fn);
// Pool workers stay awake for a few tens of microseconds after a parallelFor, waiting for the next
// one's work (kernel_util.cpp). A kernel that gives the pool work another way (Eigen's device)
// calls this first, so they go back to the pool at once instead of making its tasks wait.
void releasePoolHelpers(KernelContext& ctx);
// Threads of the context's pool (1 without a pool).
int numThreads(KernelContext& ctx);

// Copies a tensor's elements as output `i` without copying storage (shares the buffer).
Status forwardAs(KernelContext& ctx, int i, const Tensor& t, Shape shape);

}  // namespace tfscope::kernels
