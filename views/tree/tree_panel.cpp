#include "views/tree/tree_panel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include "model/diff/model_diff.h"
#include "views/tree/model_tree_model.h"

namespace tfscope {
namespace {

// The filter box's match, and with "Changed only" only the variables a comparison marks as
// differing (recursive filtering keeps the scopes above them).
class TreeFilterProxy : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setChangedOnly(bool on) {
        if (on == m_changedOnly) return;
        m_changedOnly = on;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
        if (m_changedOnly) {
            const int kind = sourceModel()->index(row, 0, parent).data(ModelTreeModel::CompareKindRole).toInt();
            if (kind < 0 || kind == int(VariableDiff::Kind::Equal)) return false;
        }
        return QSortFilterProxyModel::filterAcceptsRow(row, parent);
    }

private:
    bool m_changedOnly = false;
};

}  // namespace

TreePanel::TreePanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter (name, op, dtype)…"));
    m_filter->setClearButtonEnabled(true);
    m_slots = new QCheckBox(tr("Show optimizer slots"), this);
    m_slots->setChecked(true);
    m_model = new ModelTreeModel(this);
    m_proxy = new TreeFilterProxy(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_view = new QTreeView(this);
    m_view->setModel(m_proxy);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    // Details (paths, formats, counts) fills what is left and is elided in the middle, so both ends of
    // a path stay readable; the full text is its tooltip.
    m_view->header()->setStretchLastSection(true);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->setColumnWidth(ModelTreeModel::ColName, 170);
    m_view->setColumnWidth(ModelTreeModel::ColType, 56);
    m_view->setColumnWidth(ModelTreeModel::ColShape, 72);
    m_compareBar = new QWidget(this);
    auto* bar = new QHBoxLayout(m_compareBar);
    bar->setContentsMargins(0, 0, 0, 0);
    m_compareLabel = new QLabel(m_compareBar);
    m_compareLabel->setTextFormat(Qt::PlainText);
    m_changedOnly = new QCheckBox(tr("Changed only"), m_compareBar);
    m_changedOnly->setToolTip(tr("Show only the variables that differ from the compared model"));
    m_stopCompare = new QToolButton(m_compareBar);
    m_stopCompare->setText(tr("Stop comparing"));
    bar->addWidget(m_compareLabel, 1);
    bar->addWidget(m_changedOnly);
    bar->addWidget(m_stopCompare);
    m_compareBar->hide();
    layout->addWidget(m_filter);
    layout->addWidget(m_compareBar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_slots);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterFixedString(text);
        if (!text.isEmpty()) m_view->expandAll();
    });
    connect(m_slots, &QCheckBox::toggled, m_model, &ModelTreeModel::setShowSlots);
    connect(m_changedOnly, &QCheckBox::toggled, this, &TreePanel::setChangedOnly);
    connect(m_stopCompare, &QToolButton::clicked, this, &TreePanel::stopCompareRequested);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        const ModelDiff* diff = m_model->comparison();
        m_compareBar->setVisible(diff != nullptr);
        if (!diff) m_changedOnly->setChecked(false);
        else
            m_compareLabel->setText(tr("Compared with %1: %2 differ, %3 equal")
                                        .arg(m_model->comparisonName())
                                        .arg(int(diff->variables.size()) - diff->count(VariableDiff::Kind::Equal))
                                        .arg(diff->count(VariableDiff::Kind::Equal)));
        for (int r = 0; r < m_proxy->rowCount(); ++r) m_view->expand(m_proxy->index(r, 0));
    });
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint& p) {
        const QModelIndex i = m_view->indexAt(p);
        if (i.isValid()) emit contextMenuRequested(m_proxy->mapToSource(i), m_view->viewport()->mapToGlobal(p));
    });
    connect(m_view, &QAbstractItemView::activated, this, [this](const QModelIndex& i) { emit sourceActivated(m_proxy->mapToSource(i)); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { emit currentSourceChanged(m_proxy->mapToSource(current)); });
}

void TreePanel::setChangedOnly(bool on) {
    if (m_changedOnly->isChecked() != on) return m_changedOnly->setChecked(on);  // comes back here
    static_cast<TreeFilterProxy*>(m_proxy)->setChangedOnly(on);
    if (on) m_view->expandAll();
}

void TreePanel::selectSource(const QModelIndex& source) {
    if (!source.isValid()) return;
    QModelIndex p = m_proxy->mapFromSource(source);
    if (!p.isValid()) {
        m_filter->clear();
        p = m_proxy->mapFromSource(source);
    }
    m_view->setCurrentIndex(p);
    m_view->scrollTo(p);
}

QModelIndex TreePanel::findByName(const QString& text) const {
    std::vector<QModelIndex> stack{QModelIndex()};
    while (!stack.empty()) {
        QModelIndex parent = stack.back();
        stack.pop_back();
        for (int r = m_model->rowCount(parent) - 1; r >= 0; --r) {
            QModelIndex i = m_model->index(r, 0, parent);
            QString name = i.data().toString();
            if (name == text || i.data(ModelTreeModel::CheckpointKeyRole).toString() == text) return i;
            stack.push_back(i);
        }
    }
    return {};
}

}  // namespace tfscope
