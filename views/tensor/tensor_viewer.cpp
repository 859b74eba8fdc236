#include "views/tensor/tensor_viewer.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

#include "model/io/npy.h"
#include "views/tensor/histogram_widget.h"
#include "views/tensor/tensor_table_model.h"
#include "views/util/dialog_folder.h"

namespace tfscope {

TensorViewer::TensorViewer(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setWordWrap(true);  // a long name must not widen the centre and squeeze the docks
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto* top = new QHBoxLayout;
    top->addWidget(m_title, 1);
    auto* copy = new QPushButton(tr("Copy"), this);
    auto* save = new QPushButton(tr("Save .npy…"), this);
    top->addWidget(copy);
    top->addWidget(save);
    layout->addLayout(top);
    m_dims = new QWidget(this);
    m_dimsLayout = new QHBoxLayout(m_dims);
    m_dimsLayout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_dims);
    m_model = new TensorTableModel(this);
    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->horizontalHeader()->setDefaultSectionSize(84);
    m_table->verticalHeader()->setDefaultSectionSize(20);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    layout->addWidget(m_table, 1);
    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("notice"));
    m_notice->setWordWrap(true);
    m_notice->setStyleSheet(QStringLiteral("color: #c62828"));
    m_notice->hide();
    layout->addWidget(m_notice);
    connect(m_model, &TensorTableModel::cellEditRejected, this, &TensorViewer::showNotice);
    connect(m_model, &TensorTableModel::cellEditRequested, m_notice, &QLabel::hide);
    auto* bottom = new QHBoxLayout;
    m_stats = new QLabel(this);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stats->setMinimumWidth(220);
    m_histogram = new HistogramWidget(this);
    bottom->addWidget(m_stats);
    bottom->addWidget(m_histogram, 1);
    layout->addLayout(bottom);
    connect(copy, &QPushButton::clicked, this, &TensorViewer::copySelection);
    connect(save, &QPushButton::clicked, this, &TensorViewer::saveNpy);
    auto* copyAction = new QAction(this);
    copyAction->setShortcut(QKeySequence::Copy);
    copyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copyAction, &QAction::triggered, this, &TensorViewer::copySelection);
    addAction(copyAction);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &TensorViewer::onStats);
}

TensorViewer::~TensorViewer() {
    m_watcher.cancel();
    m_watcher.waitForFinished();
}

void TensorViewer::setTensor(const QString& name, Tensor tensor) {
    m_name = name;
    m_title->setText(QStringLiteral("<b>%1</b> &nbsp; %2 %3 &nbsp; %4 elements")
                         .arg(name.toHtmlEscaped(), QString::fromLatin1(dtypeShortName(tensor.dtype()).data()),
                              QString::fromStdString(shapeToString(tensor.shape())),
                              QLocale::c().toString(qlonglong(tensor.numElements()))));
    m_model->setEditable(false);  // an editor (EditController) turns it back on for its variables
    m_notice->hide();
    // Columns as wide as the widest text of the dtype: a number is never shown cut.
    const int width = m_table->fontMetrics().horizontalAdvance(TensorTableModel::widestText(tensor.dtype())) + 14;
    m_table->horizontalHeader()->setDefaultSectionSize(std::max(width, 48));
    m_table->horizontalHeader()->setMinimumSectionSize(24);
    m_model->setTensor(tensor);
    while (QLayoutItem* item = m_dimsLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (int d = 0; d < m_model->fixedDims(); ++d) {
        m_dimsLayout->addWidget(new QLabel(tr("dim %1:").arg(d), m_dims));
        auto* spin = new QSpinBox(m_dims);
        spin->setRange(0, int(std::min<int64_t>(tensor.dim(d) - 1, std::numeric_limits<int>::max())));
        connect(spin, &QSpinBox::valueChanged, this, [this, d](int v) { m_model->setFixedIndex(d, v); });
        m_dimsLayout->addWidget(spin);
    }
    if (m_model->fixedDims() > 0) m_dimsLayout->addWidget(new QLabel(tr("showing [.., rows, columns]"), m_dims));
    m_dimsLayout->addStretch(1);
    m_dims->setVisible(m_model->fixedDims() > 0);
    startStats(tensor);
}

void TensorViewer::revealElement(int64_t flat) {
    const Tensor& t = m_model->tensor();
    if (!t.valid() || flat < 0 || flat >= t.numElements()) return;
    std::vector<int64_t> index(size_t(t.rank()));
    for (int d = t.rank() - 1; d >= 0; --d) {
        index[size_t(d)] = flat % t.dim(d);
        flat /= t.dim(d);
    }
    const QList<QSpinBox*> spins = m_dims->findChildren<QSpinBox*>();
    for (int d = 0; d < m_model->fixedDims() && d < int(spins.size()); ++d) spins[d]->setValue(int(index[size_t(d)]));
    const int row = t.rank() >= 2 ? int(index[size_t(t.rank() - 2)]) : t.rank() == 1 ? int(index[0])
                                                                                     : 0;
    const int col = t.rank() >= 2 ? int(index[size_t(t.rank() - 1)]) : 0;
    const QModelIndex cell = m_model->index(row, col);
    m_table->setCurrentIndex(cell);
    m_table->scrollTo(cell);
}

void TensorViewer::updateValues(Tensor tensor) {
    if (!m_model->tensor().valid() || tensor.shape() != m_model->tensor().shape() || tensor.dtype() != m_model->tensor().dtype())
        return setTensor(m_name, std::move(tensor));
    m_model->updateValues(tensor);
    startStats(tensor);
}

void TensorViewer::startStats(const Tensor& tensor) {
    m_stats->setText(tr("Computing statistics…"));
    m_histogram->setStats(std::nullopt);
    ++m_generation;
    m_watcher.cancel();
    m_running = m_generation;
    m_watcher.setFuture(runJob<JobOutcome<TensorStats>>([tensor](Progress& p) {
        return JobOutcome<TensorStats>::from(computeTensorStats(tensor, &p));
    }));
}

void TensorViewer::showError(const QString& name, const QString& message) {
    m_name = name;
    m_title->setText(QStringLiteral("<b>%1</b>: %2").arg(name.toHtmlEscaped(), message.toHtmlEscaped()));
    m_model->setTensor(Tensor());
    m_stats->clear();
    m_histogram->setStats(std::nullopt);
}

void TensorViewer::onStats() {
    if (m_running != m_generation) return;
    auto f = m_watcher.future();
    if (f.isCanceled() || f.resultCount() == 0) return;
    JobOutcome<TensorStats> o = f.result();
    if (!o.status.ok()) {
        m_stats->setText(QString::fromStdString(o.status.message()));
        return;
    }
    const TensorStats& s = *o.value;
    if (!s.numeric) {
        m_stats->setText(tr("%1 elements").arg(s.count));
        m_histogram->setStats(s);
    } else {
        m_stats->setText(tr("min %1\nmax %2\nmean %3\nstd %4\nzeros %5   NaN %6   Inf %7")
                             .arg(s.min, 0, 'g', 6).arg(s.max, 0, 'g', 6).arg(s.mean, 0, 'g', 6).arg(s.stddev, 0, 'g', 6)
                             .arg(s.zeros).arg(s.nans).arg(s.infs));
        m_histogram->setStats(s);
    }
    emit statsReady();
}

QString TensorViewer::statsText() const { return m_stats->text(); }

void TensorViewer::showNotice(const QString& text) {
    m_notice->setText(text);
    m_notice->setVisible(!text.isEmpty());
}

QString TensorViewer::noticeText() const { return m_notice->isHidden() ? QString() : m_notice->text(); }

void TensorViewer::copySelection() {
    const auto ranges = m_table->selectionModel() ? m_table->selectionModel()->selection() : QItemSelection();
    if (ranges.isEmpty()) return;
    const QItemSelectionRange& r = ranges.first();
    QApplication::clipboard()->setText(m_model->textForRange(r.top(), r.left(), r.bottom(), r.right()));
}

void TensorViewer::saveNpy() {
    if (!m_model->tensor().valid()) return;
    QString suggested = m_name;
    suggested.replace(QLatin1Char('/'), QLatin1Char('_'));
    QString path =
        QFileDialog::getSaveFileName(this, tr("Save tensor"), dialogStart(QStringLiteral("tensor"), suggested + QStringLiteral(".npy")), tr("NumPy arrays (*.npy)"));
    if (path.isEmpty()) return;
    rememberDialogChoice(QStringLiteral("tensor"), path);
    Status st = io::writeNpy(path.toStdString(), m_model->tensor());
    if (!st.ok()) QMessageBox::critical(this, tr("Save failed"), QString::fromStdString(st.message()));
}

}  // namespace tfscope
