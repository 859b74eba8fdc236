#pragma once
// numpy broadcasting for elementwise kernels: the output shape of N inputs and, per input, the
// element stride along each (collapsed) output dimension, 0 where the input is broadcast.
//
//   Broadcast b;
//   if (!b.init({x.shape(), y.shape()})) return ctx.error(...);
//   b.forEachRow(ctx, [&](int64_t outOffset, const int64_t* inOffsets, int64_t len) { ... });
//
// Adjacent dimensions that broadcast alike are merged, so a bias add over [N,H,W,C] + [C] walks
// two dimensions only.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "model/kernels/kernel_util.h"

namespace tfscope::kernels {

class Broadcast {
public:
    // False if the shapes are incompatible.
    bool init(const std::vector<Shape>& shapes);
    const Shape& outShape() const { return m_outShape; }
    int64_t numElements() const { return m_numElements; }
    // True if every input has the output's shape (no broadcasting at all).
    bool trivial() const { return m_trivial; }
    // "[2,3] and [4]" for error messages.
    static std::string describe(const std::vector<Shape>& shapes);

    // Calls fn for every run of the innermost collapsed dimension: the output offset, each input's
    // offset and the run length. Inner strides are innerStride(i) (0 or 1).
    using RowFn = std::function<void(int64_t outOffset, const int64_t* inOffsets, int64_t len)>;
    void forEachRow(KernelContext& ctx, double costPerElement, const RowFn& fn) const;
    int64_t innerStride(int input) const { return m_strides[size_t(input)].empty() ? 0 : m_strides[size_t(input)].back(); }

private:
    Shape m_outShape;
    int64_t m_numElements = 0;
    bool m_trivial = true;
    std::vector<int64_t> m_dims;                   // collapsed output dims
    std::vector<std::vector<int64_t>> m_strides;   // per input, per collapsed dim
};

// Applies out[i] = f(a[ia], b[ib]) with broadcasting. REQUIRES: b.init({a, b shapes}) succeeded.
template <typename A, typename B, typename O, typename F>
void broadcastBinary(KernelContext& ctx, const Broadcast& bc, const A* a, const B* b, O* out, F f, double cost = 1) {
    const int64_t sa = bc.innerStride(0), sb = bc.innerStride(1);
    bc.forEachRow(ctx, cost, [&](int64_t o, const int64_t* in, int64_t len) {
        const A* pa = a + in[0];
        const B* pb = b + in[1];
        O* po = out + o;
        if (sa == 1 && sb == 1) {
            for (int64_t i = 0; i < len; ++i) po[i] = f(pa[i], pb[i]);
        } else if (sa == 1) {
            const B vb = *pb;
            for (int64_t i = 0; i < len; ++i) po[i] = f(pa[i], vb);
        } else if (sb == 1) {
            const A va = *pa;
            for (int64_t i = 0; i < len; ++i) po[i] = f(va, pb[i]);
        } else {
            const O v = f(*pa, *pb);
            for (int64_t i = 0; i < len; ++i) po[i] = v;
        }
    });
}

// Copies `in` (broadcast to bc.outShape()) into out. REQUIRES: bc.init({in shape}) or similar.
template <typename T>
void broadcastCopy(KernelContext& ctx, const Broadcast& bc, int input, const T* in, T* out) {
    const int64_t s = bc.innerStride(input);
    bc.forEachRow(ctx, 1, [&](int64_t o, const int64_t* offs, int64_t len) {
        const T* p = in + offs[input];
        if (s == 1) std::copy(p, p + len, out + o);
        else std::fill(out + o, out + o + len, *p);
    });
}

}  // namespace tfscope::kernels
