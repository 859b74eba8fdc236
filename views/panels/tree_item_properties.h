#pragma once
// treeItemHtml: the Properties panel's text for a model-tree item that has no graph node of its
// own (signature, its inputs/outputs, scope, asset, collection, checkpoint, info rows …): the item's
// columns, then its children as a table, two levels deep (a signature: method, then its inputs and
// outputs with dtypes and shapes). Built from the tree model's display data, so it is exactly
// what the tree says, for every kind.

#include <QModelIndex>
#include <QString>

namespace tfscope {

QString treeItemHtml(const QModelIndex& item);

}  // namespace tfscope
