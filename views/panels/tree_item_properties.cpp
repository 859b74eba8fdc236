#include "views/panels/tree_item_properties.h"

#include <QAbstractItemModel>

#include "views/tree/model_tree_model.h"
#include "views/util/plural.h"

namespace tfscope {
namespace {
constexpr int kMaxRows = 60;

QString cell(const QModelIndex& i, int column) { return i.siblingAtColumn(column).data().toString().toHtmlEscaped(); }

void addRows(const QModelIndex& parent, int depth, int& rows, QString& html) {
    const QAbstractItemModel* m = parent.model();
    for (int r = 0; r < m->rowCount(parent) && rows < kMaxRows; ++r, ++rows) {
        const QModelIndex c = m->index(r, 0, parent);
        html += QStringLiteral("<tr><td style=\"padding-left:%1px\">%2</td><td>%3</td><td>%4</td><td>%5</td></tr>")
                    .arg(depth * 14)
                    .arg(cell(c, ModelTreeModel::ColName), cell(c, ModelTreeModel::ColType), cell(c, ModelTreeModel::ColShape),
                         cell(c, ModelTreeModel::ColInfo));
        if (depth == 0) addRows(c, 1, rows, html);
    }
}
}  // namespace

QString treeItemHtml(const QModelIndex& item) {
    if (!item.isValid()) return {};
    QString html = QStringLiteral("<p><b>%1</b></p>").arg(cell(item, ModelTreeModel::ColName));
    QStringList facts;
    for (int c : {int(ModelTreeModel::ColType), int(ModelTreeModel::ColShape), int(ModelTreeModel::ColInfo)}) {
        const QString text = cell(item, c);
        if (!text.isEmpty()) facts << text;
    }
    const QString prefix = item.data(ModelTreeModel::CheckpointPrefixRole).toString();
    if (!prefix.isEmpty()) facts << QObject::tr("Double-click to open this checkpoint.");
    const QString asset = item.data(ModelTreeModel::AssetPathRole).toString();
    if (!asset.isEmpty()) facts << asset.toHtmlEscaped();
    if (!facts.isEmpty()) html += QStringLiteral("<p>%1</p>").arg(facts.join(QStringLiteral("<br>")));
    const int children = item.model()->rowCount(item.siblingAtColumn(0));
    if (children > 0) {
        int rows = 0;
        QString table;
        addRows(item.siblingAtColumn(0), 0, rows, table);
        html += QStringLiteral("<p>%1</p><table cellspacing=\"0\" cellpadding=\"2\">%2</table>")
                    .arg(countText(children, QObject::tr("%1 item"), QObject::tr("%1 items")), table);
        if (rows >= kMaxRows) html += QObject::tr("<p>(first %1 rows)</p>").arg(kMaxRows);
    }
    return html;
}

}  // namespace tfscope
