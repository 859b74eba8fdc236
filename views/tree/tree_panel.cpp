#include "views/tree/tree_panel.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

#include "views/tree/model_tree_model.h"

namespace tfscope {

TreePanel::TreePanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter (name, op, dtype)…"));
    m_filter->setClearButtonEnabled(true);
    m_slots = new QCheckBox(tr("Show optimizer slots"), this);
    m_slots->setChecked(true);
    m_model = new ModelTreeModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_view = new QTreeView(this);
    m_view->setModel(m_proxy);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->header()->setStretchLastSection(true);
    m_view->setColumnWidth(ModelTreeModel::ColName, 190);
    m_view->setColumnWidth(ModelTreeModel::ColType, 70);
    m_view->setColumnWidth(ModelTreeModel::ColShape, 80);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_slots);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterFixedString(text);
        if (!text.isEmpty()) m_view->expandAll();
    });
    connect(m_slots, &QCheckBox::toggled, m_model, &ModelTreeModel::setShowSlots);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
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
