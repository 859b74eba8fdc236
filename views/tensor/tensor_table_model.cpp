#include "views/tensor/tensor_table_model.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "model/edit/value_ops.h"

namespace tfscope {

TensorTableModel::TensorTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void TensorTableModel::setTensor(Tensor tensor) {
    beginResetModel();
    m_tensor = std::move(tensor);
    const int r = m_tensor.rank();
    m_fixed.assign(size_t(fixedDims()), 0);
    m_strides.assign(size_t(r), 1);
    for (int i = r - 2; i >= 0; --i) m_strides[size_t(i)] = m_strides[size_t(i) + 1] * std::max<int64_t>(m_tensor.dim(i + 1), 1);
    const bool empty = !m_tensor.valid() || m_tensor.numElements() <= 0;
    m_rows = empty ? 0 : r == 0 ? 1 : r == 1 ? m_tensor.dim(0) : m_tensor.dim(r - 2);
    m_cols = empty ? 0 : r <= 1 ? 1 : m_tensor.dim(r - 1);
    // Views cap at INT_MAX rows; a tensor that long is shown truncated.
    m_rows = std::min<int64_t>(m_rows, std::numeric_limits<int>::max());
    m_cols = std::min<int64_t>(m_cols, 1 << 20);
    endResetModel();
}

void TensorTableModel::updateValues(Tensor tensor) {
    if (!m_tensor.valid() || !tensor.valid() || tensor.shape() != m_tensor.shape() || tensor.dtype() != m_tensor.dtype())
        return setTensor(std::move(tensor));
    m_tensor = std::move(tensor);
    if (m_rows > 0 && m_cols > 0) emit dataChanged(index(0, 0), index(int(m_rows - 1), int(m_cols - 1)));
}

Qt::ItemFlags TensorTableModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && m_editable && value_ops::isEditable(m_tensor.dtype())) f |= Qt::ItemIsEditable;
    return f;
}

bool TensorTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::EditRole || !(flags(index) & Qt::ItemIsEditable)) return false;
    const QString text = value.toString().trimmed().toLower();
    double v = 0;
    bool ok = true;
    if (text == QStringLiteral("true")) v = 1;
    else if (text == QStringLiteral("false")) v = 0;
    else if (text == QStringLiteral("nan")) v = std::numeric_limits<double>::quiet_NaN();
    else if (text == QStringLiteral("inf") || text == QStringLiteral("+inf")) v = std::numeric_limits<double>::infinity();
    else if (text == QStringLiteral("-inf")) v = -std::numeric_limits<double>::infinity();
    else v = text.toDouble(&ok);
    if (!ok) {
        emit cellEditRejected(tr("'%1' is not a number: enter a number (2.5, -1e-3), nan, inf or -inf%2.")
                                  .arg(value.toString().trimmed(),
                                       m_tensor.dtype() == DType::Bool ? tr(", or true/false") : tr(" (true/false count as 1/0)")));
        return false;
    }
    emit cellEditRequested(flatIndex(index.row(), index.column()), v);
    return true;
}

void TensorTableModel::setFixedIndex(int dim, int64_t value) {
    if (dim < 0 || dim >= fixedDims() || value < 0 || value >= m_tensor.dim(dim)) return;
    m_fixed[size_t(dim)] = value;
    if (m_rows > 0 && m_cols > 0) emit dataChanged(index(0, 0), index(int(m_rows - 1), int(m_cols - 1)));
}

int64_t TensorTableModel::flatIndex(int row, int column) const {
    const int r = m_tensor.rank();
    if (r == 0) return 0;
    if (r == 1) return row;
    int64_t flat = int64_t(row) * m_strides[size_t(r - 2)] + column;
    for (int d = 0; d < fixedDims(); ++d) flat += m_fixed[size_t(d)] * m_strides[size_t(d)];
    return flat;
}

namespace {
// The shortest text that reads back as the same float / double.
template <typename T>
QString shortest(T v) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return QString::fromLatin1(buf, qsizetype(r.ptr - buf));
}
}  // namespace

QString TensorTableModel::fullText(int64_t i) const {
    const Tensor& t = m_tensor;
    if (i < 0 || i >= t.numElements()) return {};
    if (t.dtype() == DType::String) {
        const std::string& s = t.strings()[size_t(i)];
        return QString::fromUtf8(s.data(), qsizetype(s.size()));
    }
    if (!isFloating(t.dtype())) return elementText(i);
    const double v = t.elementAsDouble(i);
    if (std::isnan(v) || std::isinf(v)) return elementText(i);
    return t.dtype() == DType::Double ? shortest(v) : shortest(float(v));
}

QString TensorTableModel::widestText(DType dtype) {
    switch (dtype) {
    case DType::Bool: return QStringLiteral("false");
    case DType::Int8: return QStringLiteral("-128");
    case DType::UInt8: return QStringLiteral("255");
    case DType::Int16: return QStringLiteral("-32768");
    case DType::UInt16: return QStringLiteral("65535");
    case DType::Int32: return QStringLiteral("-2147483648");
    case DType::UInt32: return QStringLiteral("4294967295");
    case DType::Int64: return QStringLiteral("-9223372036854775808");
    case DType::UInt64: return QStringLiteral("18446744073709551615");
    case DType::Double: return QStringLiteral("-0.000123456789012345");  // 'g' 15 at its widest
    case DType::Half:
    case DType::BFloat16: return QStringLiteral("-0.0001234");
    case DType::Complex64: return QStringLiteral("-1.234567e-05-1.234567e-05j");
    case DType::Complex128: return QStringLiteral("-1.23456789012345e-300-1.23456789012345e-300j");
    case DType::String: return QString(24, QLatin1Char('m'));
    default: return QStringLiteral("-0.0001234567");  // float, 'g' 7 at its widest ("-1.234567e-05" is as wide)
    }
}

QString TensorTableModel::elementText(int64_t i) const {
    const Tensor& t = m_tensor;
    if (i < 0 || i >= t.numElements()) return {};
    switch (t.dtype()) {
    case DType::String: {
        const std::string& s = t.strings()[size_t(i)];
        QString text = QString::fromUtf8(s.data(), qsizetype(std::min<size_t>(s.size(), 512)));
        return s.size() > 512 ? text + QStringLiteral("…") : text;
    }
    case DType::Bool: return t.data<uint8_t>()[i] ? QStringLiteral("true") : QStringLiteral("false");
    case DType::Int64: return QString::number(qlonglong(t.data<int64_t>()[i]));
    case DType::UInt64: return QString::number(qulonglong(t.data<uint64_t>()[i]));
    case DType::Complex64: {
        float re, im;
        std::memcpy(&re, t.rawData() + i * 8, 4);
        std::memcpy(&im, t.rawData() + i * 8 + 4, 4);
        return QStringLiteral("%1%2%3j").arg(double(re), 0, 'g', 7).arg(im < 0 ? QString() : QStringLiteral("+")).arg(double(im), 0, 'g', 7);
    }
    case DType::Complex128: {
        double re, im;
        std::memcpy(&re, t.rawData() + i * 16, 8);
        std::memcpy(&im, t.rawData() + i * 16 + 8, 8);
        return QStringLiteral("%1%2%3j").arg(re, 0, 'g', 15).arg(im < 0 ? QString() : QStringLiteral("+")).arg(im, 0, 'g', 15);
    }
    case DType::Resource:
    case DType::Variant: return QStringLiteral("<%1>").arg(QString::fromLatin1(dtypeShortName(t.dtype()).data()));
    default: break;
    }
    const double v = t.elementAsDouble(i);
    if (isInteger(t.dtype())) return QString::number(qlonglong(v));
    const int digits = t.dtype() == DType::Double ? 15 : t.dtype() == DType::Float ? 7 : 4;
    if (std::isnan(v)) return QStringLiteral("nan");
    if (std::isinf(v)) return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    if (v == 0 && std::signbit(v)) return QStringLiteral("-0");
    return QString::number(v, 'g', digits);
}

QString TensorTableModel::textForRange(int top, int left, int bottom, int right) const {
    QString out;
    for (int r = top; r <= bottom; ++r) {
        for (int c = left; c <= right; ++c) {
            if (c > left) out += QLatin1Char('\t');
            out += fullText(flatIndex(r, c));
        }
        out += QLatin1Char('\n');
    }
    return out;
}

int TensorTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows); }
int TensorTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_cols); }

QVariant TensorTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    if (role == Qt::DisplayRole || role == Qt::EditRole) return elementText(flatIndex(index.row(), index.column()));
    if (role == Qt::ToolTipRole) {
        QStringList at;
        const int r = m_tensor.rank();
        for (int d = 0; d < fixedDims(); ++d) at << QString::number(m_fixed[size_t(d)]);
        if (r >= 2) at << QString::number(index.row()) << QString::number(index.column());
        else if (r == 1) at << QString::number(index.row());
        return QStringLiteral("[%1] = %2").arg(at.join(QStringLiteral(", ")), fullText(flatIndex(index.row(), index.column())));
    }
    if (role == Qt::TextAlignmentRole)
        return m_tensor.dtype() == DType::String ? QVariant(Qt::AlignLeft | Qt::AlignVCenter) : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant TensorTableModel::headerData(int section, Qt::Orientation, int role) const {
    if (role == Qt::DisplayRole) return QString::number(section);
    return {};
}

}  // namespace tfscope
