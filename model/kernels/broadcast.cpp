// numpy broadcasting plans (see broadcast.h).
#include "model/kernels/broadcast.h"

namespace tfscope::kernels {

bool Broadcast::init(const std::vector<Shape>& shapes) {
    size_t rank = 0;
    for (const Shape& s : shapes) rank = std::max(rank, s.size());
    // Left-pad every shape with 1s to the common rank.
    std::vector<Shape> padded;
    for (const Shape& s : shapes) {
        Shape p(rank - s.size(), 1);
        p.insert(p.end(), s.begin(), s.end());
        padded.push_back(std::move(p));
    }
    m_outShape.assign(rank, 1);
    m_trivial = true;
    for (size_t d = 0; d < rank; ++d) {
        int64_t out = 1;
        for (const Shape& p : padded) {
            if (p[d] == 1) continue;
            if (out != 1 && out != p[d]) return false;
            out = p[d];
        }
        // A zero-size dim wins over 1 and must match other non-1 dims.
        for (const Shape& p : padded) {
            if (p[d] == 0 && out != 0 && out != 1) return false;
            if (p[d] == 0) out = 0;
        }
        m_outShape[d] = out;
    }
    for (const Shape& s : shapes)
        if (s != m_outShape) m_trivial = false;
    m_numElements = shapeNumElements(m_outShape);

    // Collapse adjacent dims whose broadcast pattern (per input: full or broadcast) is the same.
    const size_t n = shapes.size();
    m_dims.clear();
    std::vector<std::vector<bool>> bcastPattern;  // per collapsed dim, per input: broadcast?
    for (size_t d = 0; d < rank; ++d) {
        if (m_outShape[d] == 1) continue;  // size-1 dims contribute nothing
        std::vector<bool> pat(n);
        for (size_t i = 0; i < n; ++i) pat[i] = padded[i][d] == 1;
        if (!m_dims.empty() && bcastPattern.back() == pat) {
            m_dims.back() *= m_outShape[d];
        } else {
            m_dims.push_back(m_outShape[d]);
            bcastPattern.push_back(pat);
        }
    }
    if (m_dims.empty()) {
        m_dims.push_back(1);
        bcastPattern.push_back(std::vector<bool>(n, false));
    }
    m_strides.assign(n, std::vector<int64_t>(m_dims.size(), 0));
    for (size_t i = 0; i < n; ++i) {
        int64_t stride = 1;
        for (size_t d = m_dims.size(); d-- > 0;) {
            if (!bcastPattern[d][i]) {
                m_strides[i][d] = stride;
                stride *= m_dims[d];
            }
        }
    }
    return true;
}

std::string Broadcast::describe(const std::vector<Shape>& shapes) {
    std::string s;
    for (size_t i = 0; i < shapes.size(); ++i) {
        if (i) s += i + 1 == shapes.size() ? " and " : ", ";
        s += "'" + shapeToString(shapes[i]) + "'";
    }
    return s;
}

void Broadcast::forEachRow(KernelContext& ctx, double costPerElement, const RowFn& fn) const {
    if (m_numElements <= 0) return;
    const size_t rank = m_dims.size();
    const int64_t inner = m_dims.back();
    const int64_t rows = m_numElements / inner;
    const size_t n = m_strides.size();
    // Few long rows (e.g. no broadcasting at all): split rows into chunks so threads share them.
    const int64_t chunk = rows >= 64 ? inner : std::max<int64_t>(4096, (inner + 63) / 64);
    const int64_t chunksPerRow = (inner + chunk - 1) / chunk;
    parallelFor(ctx, rows * chunksPerRow, costPerElement * double(std::min(chunk, inner)),
                [&](int64_t begin, int64_t end) {
        std::vector<int64_t> offs(n);
        for (int64_t task = begin; task < end; ++task) {
            const int64_t r = task / chunksPerRow;
            const int64_t start = (task % chunksPerRow) * chunk;
            int64_t rem = r;
            std::fill(offs.begin(), offs.end(), 0);
            for (size_t d = rank - 1; d-- > 0;) {
                const int64_t idx = rem % m_dims[d];
                rem /= m_dims[d];
                for (size_t i = 0; i < n; ++i) offs[i] += idx * m_strides[i][d];
            }
            for (size_t i = 0; i < n; ++i) offs[i] += start * m_strides[i].back();
            fn(r * inner + start, offs.data(), std::min(chunk, inner - start));
        }
    });
}

}  // namespace tfscope::kernels
