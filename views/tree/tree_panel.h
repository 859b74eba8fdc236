#pragma once
// TreePanel: the left dock: a filter box (recursive match on every column: name, op/type, dtype,
// shape, details) over the ModelTreeModel, a "Show optimizer slots" toggle and the tree view.
// While the model is compared with another (ModelTreeModel::setComparison) a bar says with what,
// offers "Changed only" (hides equal variables and everything that is not a differing variable or
// holds one) and "Stop comparing" (stopCompareRequested).

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;
class QCheckBox;
class QLabel;
class QToolButton;

namespace tfscope {

class ModelTreeModel;

class TreePanel : public QWidget {
    Q_OBJECT
public:
    explicit TreePanel(QWidget* parent = nullptr);
    ModelTreeModel* treeModel() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTreeView* view() const { return m_view; }
    QLineEdit* filterEdit() const { return m_filter; }
    QCheckBox* changedOnlyBox() const { return m_changedOnly; }
    QWidget* compareBar() const { return m_compareBar; }
    // Shows only the variables that differ in the comparison (and their scopes).
    void setChangedOnly(bool on);
    // Selects and scrolls to a source-model index (clearing the filter if it hides it).
    void selectSource(const QModelIndex& source);
    // Depth-first search for the first item whose name column equals (or ends with "/"+) text.
    QModelIndex findByName(const QString& text) const;

signals:
    void currentSourceChanged(const QModelIndex& source);
    // Right click on an item (source index) at global position `pos`.
    void contextMenuRequested(const QModelIndex& source, const QPoint& pos);
    // Double click / Enter on an item.
    void sourceActivated(const QModelIndex& source);
    void stopCompareRequested();

private:
    ModelTreeModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTreeView* m_view;
    QLineEdit* m_filter;
    QCheckBox* m_slots;
    QWidget* m_compareBar;
    QLabel* m_compareLabel;
    QCheckBox* m_changedOnly;
    QToolButton* m_stopCompare;
};

}  // namespace tfscope
