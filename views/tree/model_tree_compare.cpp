// ModelTreeModel: marks from a comparison with a second model (ModelDiff from model/diff): per
// variable in the Details column and as a background tint, per scope the count of changed
// variables, and a last section with the variables only in the other model.
#include <QColor>
#include <QLocale>

#include <algorithm>
#include <map>

#include "model/diff/model_diff.h"
#include "model/loader/model.h"
#include "model/loader/model_summary.h"
#include "views/tree/model_tree_model.h"
#include "views/util/plural.h"
#include "views/window/icons.h"

namespace tfscope {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
// "float", "double", "int64": the tree's Type column spelling.
QString dtypeText(DType d) { return q(dtypeEnumName(d)).remove(QStringLiteral("DT_")).toLower(); }
QString number(double v) { return QLocale::c().toString(v, 'g', 4); }
QString shape(const Shape& s) {
    QStringList dims;
    for (int64_t d : s) dims << QString::number(d);
    return QStringLiteral("[%1]").arg(dims.join(QLatin1Char(',')));
}
QString dtype(DType d) { return dtypeText(d); }

QString markText(const VariableDiff& d) {
    using K = VariableDiff::Kind;
    switch (d.kind) {
    case K::Equal: return ModelTreeModel::tr("equal");
    case K::ValuesChanged:
        return d.values.numeric ? ModelTreeModel::tr("changed, max |Δ| %1").arg(number(d.values.maxAbs))
                                : ModelTreeModel::tr("changed, %1 of %2 elements").arg(d.values.changed).arg(d.values.count);
    case K::DtypeChanged: return ModelTreeModel::tr("dtype changed: %1 → %2").arg(dtype(d.dtypeA), dtype(d.dtypeB));
    case K::ShapeChanged: return ModelTreeModel::tr("shape changed: %1 → %2").arg(shape(d.shapeA), shape(d.shapeB));
    case K::OnlyInA: return ModelTreeModel::tr("removed (not in the compared model)");
    case K::OnlyInB: return ModelTreeModel::tr("added (only in the compared model)");
    }
    return {};
}

QVariant tint(VariableDiff::Kind k) {
    using K = VariableDiff::Kind;
    switch (k) {
    case K::Equal: return {};  // no brush (an invalid colour would paint black)
    case K::ValuesChanged: return QColor(0xff, 0xe8, 0xc2);
    case K::DtypeChanged:
    case K::ShapeChanged: return QColor(0xf0, 0xd8, 0xf8);
    case K::OnlyInA: return QColor(0xff, 0xd6, 0xd6);
    case K::OnlyInB: return QColor(0xd6, 0xf5, 0xd6);
    }
    return {};
}

}  // namespace

void ModelTreeModel::setComparison(std::shared_ptr<const ModelDiff> diff, const QString& otherName) {
    beginResetModel();
    m_diff = m_model ? std::move(diff) : nullptr;
    m_otherName = m_diff ? otherName : QString();
    rebuild();
    syncAddedRows(false);
    computeMarks();
    endResetModel();
}

void ModelTreeModel::buildComparison() {
    m_diffOfVariable.clear();
    m_compareCounts.clear();
    if (!m_diff || !m_model) return;
    const auto& vars = m_model->summary().variables;
    std::map<std::string, int> byKeyA;
    for (int i = 0; i < int(m_diff->variables.size()); ++i)
        if (!m_diff->variables[size_t(i)].keyA.empty()) byKeyA.emplace(m_diff->variables[size_t(i)].keyA, i);
    m_diffOfVariable.assign(vars.size(), -1);
    // The partitions of a partitioned variable (w/part_0, ...) share its checkpoint key "w": each
    // shows the whole variable's mark.
    for (size_t v = 0; v < vars.size(); ++v) {
        auto it = byKeyA.find(vars[v].checkpointKey);
        if (!vars[v].checkpointKey.empty() && it != byKeyA.end()) m_diffOfVariable[v] = it->second;
    }
    int section = -1;
    for (int i = 0; i < int(m_diff->variables.size()); ++i) {
        if (m_diff->variables[size_t(i)].kind != VariableDiff::Kind::OnlyInB) continue;
        if (section < 0) section = add(0, Kind::CompareSection);
        add(section, Kind::ComparedOnly, i);
    }
    // Changed variables per scope (and the Variables section), for the Details column.
    m_compareCounts.assign(m_items.size(), {});
    for (int id = 1; id < int(m_items.size()); ++id) {
        const Item& it = m_items[size_t(id)];
        const int d = it.kind == Kind::Variable ? m_diffOfVariable[size_t(it.a)] : it.kind == Kind::ComparedOnly ? it.a
                                                                                                                 : -1;
        if (d < 0 || m_diff->variables[size_t(d)].kind == VariableDiff::Kind::Equal) continue;
        const double maxAbs = m_diff->variables[size_t(d)].kind == VariableDiff::Kind::ValuesChanged ? m_diff->variables[size_t(d)].values.maxAbs : 0.0;
        for (int p = it.parent; p > 0; p = m_items[size_t(p)].parent) {
            ++m_compareCounts[size_t(p)].changed;
            m_compareCounts[size_t(p)].maxAbs = std::max(m_compareCounts[size_t(p)].maxAbs, maxAbs);
        }
    }
}

QVariant ModelTreeModel::compareData(const Item& it, int id, int column, int role) const {
    const int d = it.kind == Kind::Variable && size_t(it.a) < m_diffOfVariable.size() ? m_diffOfVariable[size_t(it.a)]
                  : it.kind == Kind::ComparedOnly                                     ? it.a
                                                                                      : -1;
    const VariableDiff* v = d >= 0 ? &m_diff->variables[size_t(d)] : nullptr;
    if (role == CompareKindRole) return v ? int(v->kind) : -1;
    if (role == CompareIndexRole) return d;
    if (it.kind == Kind::CompareSection || it.kind == Kind::ComparedOnly) {
        switch (role) {
        case MetaGraphRole: return -1;
        case Qt::DecorationRole:
            if (column != ColName) return {};
            return it.kind == Kind::ComparedOnly ? tfscopeIcon(u"variable") : QVariant();
        case Qt::BackgroundRole: return v ? tint(v->kind) : QVariant();
        case Qt::DisplayRole:
        case Qt::ToolTipRole:
            if (it.kind == Kind::CompareSection) {
                if (column == ColName) return tr("Only in %1").arg(m_otherName);
                if (column == ColInfo) return countText(qint64(m_items[size_t(id)].children.size()), tr("%1 variable"), tr("%1 variables"));
                return QString();
            }
            switch (column) {
            case ColName: return q(v->name);
            case ColType: return dtype(v->dtypeB);
            case ColShape: return q(formatShapeCli(v->shapeB));  // as the Shape column shows A's variables
            case ColInfo: return role == Qt::ToolTipRole ? markText(*v) + QStringLiteral("\n") + q(v->keyB) : markText(*v);
            }
            return {};
        default: return {};
        }
    }
    if (!v) {
        // Scopes and the Variables section: how many of their variables differ.
        if (column != ColInfo || (role != Qt::DisplayRole && role != Qt::ToolTipRole) || size_t(id) >= m_compareCounts.size()) return {};
        const CompareCount& c = m_compareCounts[size_t(id)];
        if (c.changed == 0 || (it.kind != Kind::Scope && it.kind != Kind::Section)) return {};
        QString text = display(it, column).toString() + tr(" — %1 differ").arg(c.changed);
        if (c.maxAbs > 0) text += tr(", max |Δ| %1").arg(number(c.maxAbs));
        return text;
    }
    switch (role) {
    case Qt::BackgroundRole: return tint(v->kind);
    case Qt::DisplayRole:
        if (column != ColInfo) return {};
        return markText(*v);
    case Qt::ToolTipRole:
        if (column != ColInfo) return {};
        if (v->kind == VariableDiff::Kind::ValuesChanged && v->values.numeric)
            return tr("%1\nmax rel %2, rms %3, cosine %4, %5 of %6 elements changed")
                .arg(markText(*v), number(v->values.maxRel), number(v->values.rms), number(v->values.cosine))
                .arg(v->values.changed)
                .arg(v->values.count);
        return markText(*v);
    default: return {};
    }
}

}  // namespace tfscope
