#include "views/tensor/compare_viewer.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include "views/tensor/tensor_viewer.h"

namespace tfscope {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
// "float", "double", "int64": the tree's Type column spelling.
QString dtypeText(DType d) { return q(dtypeEnumName(d)).remove(QStringLiteral("DT_")).toLower(); }
QString number(double v) { return QLocale::c().toString(v, 'g', 9); }
QString shapeText(const Shape& s) {
    QStringList dims;
    for (int64_t d : s) dims << QString::number(d);
    return QStringLiteral("[%1]").arg(dims.join(QLatin1Char(',')));
}

// Flat row-major index -> "[i, j, k]" ("[]" for a scalar).
QString indexText(int64_t flat, const Shape& shape) {
    QStringList parts;
    for (auto it = shape.rbegin(); it != shape.rend(); ++it) {
        const int64_t d = std::max<int64_t>(*it, 1);
        parts.prepend(QString::number(flat % d));
        flat /= d;
    }
    return QStringLiteral("[%1]").arg(parts.join(QStringLiteral(", ")));
}

}  // namespace

CompareViewer::CompareViewer(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    layout->addWidget(m_summary);
    auto* split = new QSplitter(Qt::Horizontal, this);
    m_tabs = new QTabWidget(split);
    m_diffView = new TensorViewer(m_tabs);
    m_aView = new TensorViewer(m_tabs);
    m_bView = new TensorViewer(m_tabs);
    m_tabs->addTab(m_diffView, tr("Difference B − A"));
    m_tabs->addTab(m_aView, tr("A"));
    m_tabs->addTab(m_bView, tr("B"));
    auto* right = new QWidget(split);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    m_largestTitle = new QLabel(tr("Largest |Δ|"), right);
    m_largest = new QTableWidget(0, 4, right);
    m_largest->setHorizontalHeaderLabels({tr("Index"), tr("A"), tr("B"), tr("Δ = B − A")});
    m_largest->verticalHeader()->hide();
    m_largest->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_largest->horizontalHeader()->setStretchLastSection(true);
    m_largest->verticalHeader()->setDefaultSectionSize(20);
    rightLayout->addWidget(m_largestTitle);
    rightLayout->addWidget(m_largest, 1);
    split->addWidget(m_tabs);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &CompareViewer::onDifference);
    // A row of the largest changes: that element in the three tables.
    connect(m_largest, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (!m_elements || row < 0 || row >= int(m_elements->largest.size())) return;
        for (TensorViewer* v : {m_diffView, m_aView, m_bView}) v->revealElement(m_elements->largest[size_t(row)].index);
    });
}

CompareViewer::~CompareViewer() {
    m_watcher.cancel();
    m_watcher.waitForFinished();
}

void CompareViewer::clear() {
    m_watcher.cancel();
    m_elements.reset();
    m_variable = {};
    m_summary->clear();
    m_largest->setRowCount(0);
}

QString CompareViewer::summaryText() const { return m_summary->text(); }

bool CompareViewer::busy() const { return m_watcher.isRunning() || m_diffView->statsBusy() || m_aView->statsBusy() || m_bView->statsBusy(); }

void CompareViewer::showVariable(const VariableDiff& d, Tensor a, Tensor b, const QString& labelA, const QString& labelB, const QString& errorA,
                                 const QString& errorB) {
    using K = VariableDiff::Kind;
    m_variable = d;
    m_elements.reset();
    m_largest->setRowCount(0);
    const QString name = q(d.name);
    QString what;
    switch (d.kind) {
    case K::Equal: what = tr("equal%1").arg(d.equalByCrc ? tr(" (same stored crc32c)") : QString()); break;
    case K::ValuesChanged:
        what = d.values.numeric ? tr("changed: max |Δ| %1, max rel %2, rms %3, cosine %4, %5 of %6 elements changed")
                                      .arg(number(d.values.maxAbs), number(d.values.maxRel), number(d.values.rms), number(d.values.cosine))
                                      .arg(d.values.changed)
                                      .arg(d.values.count)
                                : tr("changed: %1 of %2 elements").arg(d.values.changed).arg(d.values.count);
        break;
    case K::DtypeChanged: what = tr("dtype changed: %1 → %2").arg(dtypeText(d.dtypeA), dtypeText(d.dtypeB)); break;
    case K::ShapeChanged: what = tr("shape changed: %1 → %2").arg(shapeText(d.shapeA), shapeText(d.shapeB)); break;
    case K::OnlyInA: what = tr("removed: only in A (%1)").arg(labelA); break;
    case K::OnlyInB: what = tr("added: only in B (%1)").arg(labelB); break;
    }
    QString keys = d.keyA == d.keyB ? tr("key %1").arg(q(d.keyA)) : tr("A key %1, B key %2").arg(q(d.keyA.empty() ? "—" : d.keyA), q(d.keyB.empty() ? "—" : d.keyB));
    if (d.pairedBy != VariableDiff::PairedBy::Key && d.pairedBy != VariableDiff::PairedBy::None)
        keys += tr(" (paired by %1)").arg(QString::fromLatin1(pairedByName(d.pairedBy)));
    m_summary->setText(tr("<b>%1</b> — %2<br><small>A: %3 · B: %4 · %5</small>").arg(name.toHtmlEscaped(), what.toHtmlEscaped(), labelA.toHtmlEscaped(), labelB.toHtmlEscaped(), keys.toHtmlEscaped()));
    m_tabs->setTabText(1, tr("A: %1").arg(labelA));
    m_tabs->setTabText(2, tr("B: %1").arg(labelB));
    if (a.valid()) m_aView->setTensor(tr("A: %1").arg(name), a);
    else m_aView->showError(tr("A: %1").arg(name), errorA.isEmpty() ? tr("Not in A (%1).").arg(labelA) : errorA);
    if (b.valid()) m_bView->setTensor(tr("B: %1").arg(name), b);
    else m_bView->showError(tr("B: %1").arg(name), errorB.isEmpty() ? tr("Not in B (%1).").arg(labelB) : errorB);
    m_shape = a.valid() ? a.shape() : b.shape();
    if (!a.valid() || !b.valid() || a.dtype() != b.dtype() || a.shape() != b.shape()) {
        m_watcher.cancel();
        const QString why = !a.valid() || !b.valid() ? tr("Only one side has this variable: there is no difference to show.")
                                                     : tr("A is %1 %2, B is %3 %4: there is no element-wise difference.")
                                                           .arg(dtypeText(a.dtype()), shapeText(a.shape()),
                                                                dtypeText(b.dtype()), shapeText(b.shape()));
        m_diffView->showError(tr("B − A: %1").arg(name), why);
        m_largestTitle->setText(tr("Largest |Δ|: none"));
        m_tabs->setCurrentWidget(b.valid() ? m_bView : m_aView);
        emit differenceReady();
        return;
    }
    m_tabs->setCurrentWidget(m_diffView);
    m_largestTitle->setText(tr("Largest |Δ|: computing…"));
    m_watcher.setFuture(runJob<JobOutcome<ElementDiff>>([a = std::move(a), b = std::move(b)](Progress&) {
        return JobOutcome<ElementDiff>::from(elementDifferences(a, b, kLargestListed));
    }));
}

void CompareViewer::onDifference() {
    auto f = m_watcher.future();
    if (f.isCanceled() || f.resultCount() == 0) return;
    const JobOutcome<ElementDiff> o = f.result();
    const QString name = q(m_variable.name);
    if (!o.status.ok()) {
        m_diffView->showError(tr("B − A: %1").arg(name), q(o.status.message()));
        m_largestTitle->setText(tr("Largest |Δ|: none"));
        emit differenceReady();
        return;
    }
    m_elements = o.value;
    m_diffView->setTensor(tr("B − A: %1").arg(name), m_elements->difference);
    const auto& largest = m_elements->largest;
    m_largestTitle->setText(m_elements->changed == 0 ? tr("Largest |Δ|: no element differs")
                                                     : tr("Largest |Δ|: %1 of %2 changed elements").arg(largest.size()).arg(m_elements->changed));
    m_largest->setRowCount(int(largest.size()));
    for (int r = 0; r < int(largest.size()); ++r) {
        const ElementChange& c = largest[size_t(r)];
        const QString cells[] = {indexText(c.index, m_shape), number(c.a), number(c.b), number(c.b - c.a)};
        for (int col = 0; col < 4; ++col) {
            auto* item = new QTableWidgetItem(cells[col]);
            if (col > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_largest->setItem(r, col, item);
        }
    }
    m_largest->resizeColumnsToContents();
    emit differenceReady();
}

}  // namespace tfscope
