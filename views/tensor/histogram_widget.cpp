#include "views/tensor/histogram_widget.h"

#include <QPainter>

#include <algorithm>

namespace tfscope {

HistogramWidget::HistogramWidget(QWidget* parent) : QWidget(parent) { setMinimumHeight(90); }

void HistogramWidget::setStats(std::optional<TensorStats> stats) {
    m_stats = std::move(stats);
    update();
}

void HistogramWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const QRectF plot = QRectF(rect()).adjusted(8, 6, -8, -20);
    p.setPen(palette().mid().color());
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    if (!m_stats || m_stats->histogram.empty()) {
        p.setPen(palette().placeholderText().color());
        p.drawText(rect(), Qt::AlignCenter, m_stats ? tr("No numeric values") : tr("Computing…"));
        return;
    }
    const auto& h = m_stats->histogram;
    const double peak = double(std::max<int64_t>(1, *std::max_element(h.begin(), h.end())));
    const double w = plot.width() / double(h.size());
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0x4a, 0x7d, 0xc4));
    for (size_t i = 0; i < h.size(); ++i) {
        if (!h[i]) continue;
        double bh = std::max(1.0, plot.height() * double(h[i]) / peak);
        p.drawRect(QRectF(plot.left() + w * double(i), plot.bottom() - bh, std::max(1.0, w - 1), bh));
    }
    p.setPen(palette().text().color());
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    QRectF labels(plot.left(), plot.bottom() + 2, plot.width(), 16);
    p.drawText(labels, Qt::AlignLeft | Qt::AlignTop, QString::number(m_stats->min, 'g', 5));
    p.drawText(labels, Qt::AlignRight | Qt::AlignTop, QString::number(m_stats->max, 'g', 5));
}

}  // namespace tfscope
