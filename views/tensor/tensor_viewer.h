#pragma once
// TensorViewer: a tensor's values: name/dtype/shape header, one spin box per leading dimension,
// the virtualized slice table, statistics and a histogram computed off the GUI thread (newest
// request wins), copy selection as text (Ctrl+C, full precision) and save as .npy. Columns are as
// wide as the dtype's widest value text; each cell's tooltip has its index and full-precision value.

#include <QFutureWatcher>
#include <QWidget>

#include "model/tensor.h"
#include "views/tensor/tensor_stats.h"
#include "views/util/job.h"

class QLabel;
class QTableView;
class QHBoxLayout;

namespace tfscope {

class HistogramWidget;
class TensorTableModel;

class TensorViewer : public QWidget {
    Q_OBJECT
public:
    explicit TensorViewer(QWidget* parent = nullptr);
    ~TensorViewer() override;

    void setTensor(const QString& name, Tensor tensor);
    // New values for the tensor shown (after an edit): keeps the slice and scroll position.
    void updateValues(Tensor tensor);
    const QString& tensorName() const { return m_name; }
    void showError(const QString& name, const QString& message);
    TensorTableModel* tableModel() const { return m_model; }
    QTableView* table() const { return m_table; }
    bool statsBusy() const { return m_watcher.isRunning(); }
    QString statsText() const;
    // The message under the table (a refused cell edit), "" when none is shown.
    QString noticeText() const;
    void showNotice(const QString& text);
    // Shows element `flat` (row-major index): its slice in the spin boxes, its cell current and
    // scrolled to.
    void revealElement(int64_t flat);
    void copySelection();
    void saveNpy();

signals:
    void statsReady();

private:
    void onStats();
    void startStats(const Tensor& tensor);

    QLabel* m_title;
    QWidget* m_dims;
    QHBoxLayout* m_dimsLayout;
    QTableView* m_table;
    TensorTableModel* m_model;
    QLabel* m_stats;
    QLabel* m_notice;
    HistogramWidget* m_histogram;
    QString m_name;
    QFutureWatcher<JobOutcome<TensorStats>> m_watcher;
    quint64 m_generation = 0;
    quint64 m_running = 0;
};

}  // namespace tfscope
