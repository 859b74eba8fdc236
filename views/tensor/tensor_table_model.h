#pragma once
// TensorTableModel: a virtualized table over one 2-D slice of a Tensor: rows = the second-to-last
// dimension, columns = the last (rank 1: one column; rank 0: one cell). The leading dimensions are
// fixed by setFixedIndex() (the viewer's spin boxes). Only the cells the view asks for are read,
// so a memory-mapped tensor is paged in lazily. half/bfloat16 are shown as numbers.
//
//   model->setTensor(t);            // Tensor is a cheap shared view
//   model->setFixedIndex(0, 3);     // t[3, :, :]
//
// Thread safety: GUI thread only.

#include <QAbstractTableModel>

#include "model/tensor.h"

namespace tfscope {

class TensorTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit TensorTableModel(QObject* parent = nullptr);

    void setTensor(Tensor tensor);
    // Same shape: swaps the values in place (dataChanged, fixed indices kept); else setTensor().
    void updateValues(Tensor tensor);
    // Numeric/bool cells become editable; setData() then emits cellEditRequested and leaves the
    // values alone until the owner applies the edit and calls updateValues().
    void setEditable(bool editable) { m_editable = editable; }
    bool isEditable() const { return m_editable; }
    const Tensor& tensor() const { return m_tensor; }
    // Number of leading (fixed) dimensions: max(0, rank - 2).
    int fixedDims() const { return m_tensor.rank() > 2 ? m_tensor.rank() - 2 : 0; }
    void setFixedIndex(int dim, int64_t value);
    int64_t fixedIndex(int dim) const { return m_fixed[size_t(dim)]; }
    // Flat element index of a cell in the current slice.
    int64_t flatIndex(int row, int column) const;
    // Element i as display text ("0.5", "-3", "true", "b'ab'").
    QString elementText(int64_t i) const;
    // Element i with every digit the dtype holds: the shortest text that reads back as the same
    // value ("0.004271485" for a float), the whole string; the tooltip and Copy use it.
    QString fullText(int64_t i) const;
    // The widest elementText() of `dtype`, for sizing columns so that no cell is cut.
    static QString widestText(DType dtype);
    // Selected cells as tab-separated lines (rows in order), full precision.
    QString textForRange(int top, int left, int bottom, int right) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    // EditRole: a number ("2.5", "-1e3", "nan", "inf") or true/false; anything else is refused.
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

signals:
    // Element `flat` (row-major) of the tensor should become `value`.
    void cellEditRequested(qint64 flat, double value);
    // An edit was refused: why ("'abc' is not a number: …").
    void cellEditRejected(const QString& message);

private:
    Tensor m_tensor;
    std::vector<int64_t> m_fixed;
    std::vector<int64_t> m_strides;
    int64_t m_rows = 0;
    int64_t m_cols = 0;
    bool m_editable = false;
};

}  // namespace tfscope
