// ModelTreeModel with an EditSession: export checkboxes on variables (tri-state on scopes), marks
// on renamed, edited and deleted variables, and rows for added ones (the last rows of Variables).
// Items map to EditItems by checkpoint key.
#include "views/tree/model_tree_model.h"

#include <QColor>
#include <QFont>
#include <QLocale>

#include <unordered_map>

#include "model/loader/model.h"
#include "model/loader/model_summary.h"
#include "views/edit/edit_session.h"
#include "views/util/plural.h"

namespace tfscope {
namespace {
constexpr uint8_t kSomeSelected = 1, kSomeUnselected = 2;

}  // namespace

void ModelTreeModel::setEditSession(EditSession* session) {
    if (m_edits) disconnect(m_edits, nullptr, this, nullptr);
    m_edits = session;
    if (m_edits) {
        connect(m_edits, &EditSession::changed, this, &ModelTreeModel::refreshMarks);
        connect(m_edits, &QObject::destroyed, this, [this] {
            m_edits = nullptr;
            m_marks.clear();
        });
    }
    refreshMarks();
}

void ModelTreeModel::syncAddedRows(bool notify) {
    std::vector<int> added;
    if (m_edits && m_edits->active() && m_model && m_variablesSection >= 0) {
        const auto& items = m_edits->set().items();
        for (int i = 0; i < int(items.size()); ++i)
            if (items[size_t(i)].added()) added.push_back(i);
    }
    const size_t had = m_firstAddedItem < 0 ? 0 : m_items.size() - size_t(m_firstAddedItem);
    if (had == added.size()) {
        m_added = std::move(added);
        return;
    }
    // Only the tail changes (rows show the k-th added variable, looked up live), so the view keeps
    // its current row. Marks are recomputed before end*Rows(): views read the new rows at once.
    const int section = m_variablesSection;
    const QModelIndex parent = createIndex(m_items[size_t(section)].row, 0, quintptr(section));
    const int firstAddedRow = int(m_items[size_t(section)].children.size() - had);
    if (added.size() < had) {
        const int keep = int(added.size());
        if (notify) beginRemoveRows(parent, firstAddedRow + keep, firstAddedRow + int(had) - 1);
        m_items.resize(size_t(m_firstAddedItem + keep));
        m_items[size_t(section)].children.resize(size_t(firstAddedRow + keep));
        if (keep == 0) m_firstAddedItem = -1;
        m_added = std::move(added);
        computeMarks();
        if (notify) endRemoveRows();
        return;
    }
    const int first = firstAddedRow + int(had);
    if (notify) beginInsertRows(parent, first, firstAddedRow + int(added.size()) - 1);
    if (had == 0) m_firstAddedItem = int(m_items.size());
    for (int k = int(had); k < int(added.size()); ++k) add(section, Kind::AddedVariable, k);
    m_added = std::move(added);
    computeMarks();
    if (notify) endInsertRows();
}

const EditItem* ModelTreeModel::addedItem(const Item& it) const {
    if (it.kind != Kind::AddedVariable || !m_edits || !m_edits->active() || size_t(it.a) >= m_added.size()) return nullptr;
    const auto& items = m_edits->set().items();
    const size_t i = size_t(m_added[size_t(it.a)]);
    return i < items.size() && items[i].added() ? &items[i] : nullptr;
}

QVariant ModelTreeModel::addedDisplay(const Item& it, int column) const {
    const EditItem* e = addedItem(it);
    if (!e) return {};
    switch (column) {
    case ColName: return QString(QString::fromStdString(e->name) + tr("  [added]"));
    case ColType: {  // as the other rows: "DT_FLOAT" -> "float"
        const QString enumName = QString::fromStdString(dtypeEnumName(e->dtype));
        return enumName.startsWith(QStringLiteral("DT_")) ? enumName.mid(3).toLower() : enumName;
    }
    case ColShape: return QString::fromStdString(formatShapeCli(OptionalShape(e->shape)));
    case ColInfo: {
        int64_t n = 1;
        for (int64_t d : e->shape) n *= d;
        return tr("%1 params, added by an edit").arg(QLocale::c().toString(qint64(n)));
    }
    }
    return {};
}

void ModelTreeModel::computeMarks() {
    m_marks.clear();
    if (!m_edits || !m_edits->active() || !m_model || m_variablesSection < 0) return;
    const auto& items = m_edits->set().items();
    std::unordered_map<std::string_view, int> bySource;
    for (int i = 0; i < int(items.size()); ++i)
        if (!items[size_t(i)].added()) bySource.emplace(items[size_t(i)].sourceKey, i);
    const auto& vars = m_model->summary().variables;
    m_marks.assign(m_items.size(), EditMark());
    for (size_t v = 0; v < m_variableItem.size(); ++v) {
        const int id = m_variableItem[v];
        if (id < 0 || vars[v].checkpointKey.empty()) continue;
        EditMark& m = m_marks[size_t(id)];
        auto it = bySource.find(vars[v].checkpointKey);
        if (it == bySource.end()) {
            m.deleted = m.modified = true;
            continue;
        }
        const EditItem& e = items[size_t(it->second)];
        m.editItem = it->second;
        m.modified = e.modified();
        m.subtree = e.selected ? kSomeSelected : kSomeUnselected;
    }
    for (size_t k = 0; m_firstAddedItem >= 0 && k < m_added.size() && size_t(m_firstAddedItem) + k < m_items.size(); ++k) {
        EditMark& m = m_marks[size_t(m_firstAddedItem) + k];
        m.editItem = m_added[k];
        m.modified = true;
        m.subtree = items[size_t(m_added[k])].selected ? kSomeSelected : kSomeUnselected;
    }
    // Children come after their parents, so one backward pass folds every subtree.
    for (size_t id = m_items.size() - 1; id > 0; --id) {
        const int p = m_items[id].parent;
        if (p <= 0) continue;
        m_marks[size_t(p)].subtree |= m_marks[id].subtree;
        if (m_items[size_t(p)].kind != Kind::Variable) m_marks[size_t(p)].modified |= m_marks[id].modified;
    }
}

void ModelTreeModel::refreshMarks() {
    syncAddedRows(true);
    computeMarks();
    if (m_variablesSection < 0) return;
    // Every parent in the variables subtree announces its children (proxies and views need the range).
    QModelIndex section = createIndex(m_items[size_t(m_variablesSection)].row, 0, quintptr(m_variablesSection));
    emit dataChanged(section, section.siblingAtColumn(ColumnCount - 1));
    std::vector<int> stack{m_variablesSection};
    while (!stack.empty()) {
        const int id = stack.back();
        stack.pop_back();
        const auto& ch = m_items[size_t(id)].children;
        if (ch.empty()) continue;
        QModelIndex parent = id == 0 ? QModelIndex() : createIndex(m_items[size_t(id)].row, 0, quintptr(id));
        emit dataChanged(index(0, 0, parent), index(int(ch.size()) - 1, ColumnCount - 1, parent));
        stack.insert(stack.end(), ch.begin(), ch.end());
    }
}

std::string ModelTreeModel::scopePath(const Item& it) const {
    const std::string& name = m_treePaths[size_t(it.a)];
    size_t pos = 0;  // just past the (it.b + 1)-th slash
    for (int d = 0; d <= it.b; ++d) {
        const size_t slash = name.find('/', pos);
        if (slash == std::string::npos) return name;
        pos = slash + 1;
    }
    return name.substr(0, pos - 1);
}

QVariant ModelTreeModel::editData(const Item& it, int id, int column, int role) const {
    if (it.kind != Kind::Variable && it.kind != Kind::Scope && it.kind != Kind::AddedVariable && id != m_variablesSection) return {};
    const EditMark& m = m_marks[size_t(id)];
    if (id == m_variablesSection) {
        if (role != Qt::DisplayRole || column != ColInfo) return {};
        const EditSet& set = m_edits->set();
        return QString(display(it, column).toString() +
                       tr(" — %1 of %2 selected for export").arg(set.selectedCount()).arg(set.items().size()) +
                       (set.edits().empty() ? QString() : tr(", %1").arg(countText(qint64(set.edits().size()), tr("%1 edit"), tr("%1 edits")))));
    }
    const EditItem* e = m.editItem >= 0 ? &m_edits->set().items()[size_t(m.editItem)] : nullptr;
    switch (role) {
    case EditNameRole: return e ? QString::fromStdString(e->name) : QString();
    case Qt::CheckStateRole:
        if (column != ColName) return {};
        if (it.kind == Kind::Variable || it.kind == Kind::AddedVariable) return e ? QVariant(e->selected ? Qt::Checked : Qt::Unchecked) : QVariant();
        if (m.subtree == 0) return {};
        return m.subtree == kSomeSelected ? Qt::Checked : m.subtree == kSomeUnselected ? Qt::Unchecked : Qt::PartiallyChecked;
    case ModifiedRole: return m.modified;
    case Qt::FontRole: {
        if (!m.modified) return {};
        QFont f;
        f.setBold(true);
        f.setStrikeOut(m.deleted);
        return f;
    }
    case Qt::ForegroundRole:
        if (!m.modified) return {};
        if (it.kind == Kind::AddedVariable) return QColor(0x1a, 0x7f, 0x37);
        return m.deleted ? QColor(Qt::gray) : QColor(0xb0, 0x50, 0x00);
    case Qt::DisplayRole:
    case Qt::ToolTipRole: {
        // The name column says what changed: "v2  [→ head/w2, values edited]".
        if (column != ColName || it.kind != Kind::Variable || !m.modified) return {};
        QStringList marks;
        if (m.deleted) marks << tr("deleted");
        if (e && e->renamed()) marks << tr("→ %1").arg(QString::fromStdString(e->name));
        if (e && e->valueEdited()) marks << tr("values edited");
        return QString(display(it, column).toString() + QStringLiteral("  [%1]").arg(marks.join(QStringLiteral(", "))));
    }
    default: return {};
    }
}

Qt::ItemFlags ModelTreeModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractItemModel::flags(index);
    if (!index.isValid() || m_marks.empty() || index.column() != ColName) return f;
    const int id = int(index.internalId());
    const Item& it = m_items[size_t(id)];
    if (((it.kind == Kind::Variable || it.kind == Kind::AddedVariable) && m_marks[size_t(id)].editItem >= 0) ||
        (it.kind == Kind::Scope && m_marks[size_t(id)].subtree))
        f |= Qt::ItemIsUserCheckable;
    return f;
}

bool ModelTreeModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::CheckStateRole || !index.isValid() || m_marks.empty() || index.column() != ColName) return false;
    return toggleCheck(int(index.internalId()), value.toInt() != Qt::Unchecked);
}

bool ModelTreeModel::toggleCheck(int id, bool checked) {
    const Item& it = m_items[size_t(id)];
    const auto& items = m_edits->set().items();
    Selector sel;
    if (it.kind == Kind::Variable || it.kind == Kind::AddedVariable) {
        const int e = m_marks[size_t(id)].editItem;
        if (e < 0) return false;
        sel = {Selector::Kind::Name, items[size_t(e)].name};
    } else if (it.kind == Kind::Scope) {
        // The variables under the scope by their current names. A `scope` rule on those names when
        // it picks exactly them (no renames moved them, nothing else shares the prefix: TF1),
        // otherwise a `variable_scope` rule on the tree path itself (TF2: names are checkpoint keys).
        std::vector<std::string> names;
        std::vector<int> stack{id};
        while (!stack.empty()) {
            const int c = stack.back();
            stack.pop_back();
            if (m_items[size_t(c)].kind == Kind::Variable && m_marks[size_t(c)].editItem >= 0)
                names.push_back(items[size_t(m_marks[size_t(c)].editItem)].name);
            stack.insert(stack.end(), m_items[size_t(c)].children.begin(), m_items[size_t(c)].children.end());
        }
        if (names.empty()) return false;
        const std::string scope = scopePath(it) + "/";
        size_t inScopeNow = 0;
        for (const EditItem& e : items) inScopeNow += tfscope::inScope(e.name, scope) ? 1 : 0;
        bool together = inScopeNow == names.size();
        for (const std::string& n : names) together = together && tfscope::inScope(n, scope);
        sel = {together ? Selector::Kind::Scope : Selector::Kind::VariableScope, scope};
    } else {
        return false;
    }
    return m_edits->apply(checked ? EditOp::select(sel) : EditOp::deselect(sel)).ok();
}

}  // namespace tfscope
