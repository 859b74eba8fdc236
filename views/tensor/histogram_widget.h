#pragma once
// HistogramWidget: draws TensorStats::histogram as bars with QPainter, min and max under the axis.

#include <QWidget>

#include <optional>

#include "views/tensor/tensor_stats.h"

namespace tfscope {

class HistogramWidget : public QWidget {
    Q_OBJECT
public:
    explicit HistogramWidget(QWidget* parent = nullptr);
    void setStats(std::optional<TensorStats> stats);
    QSize sizeHint() const override { return {320, 120}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<TensorStats> m_stats;
};

}  // namespace tfscope
