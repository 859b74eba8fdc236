#include "views/graph/view_json.h"

#include <QJsonArray>

#include "model/graph/model_view.h"

namespace tfscope {

namespace {

QString qs(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

class Writer {
public:
    Writer(const CanvasLayout& layout, const ModelView* view) : m_layout(layout), m_view(view) {}

    void level(const LevelLayout& level, double ox, double oy, const QString& sideGroup) {
        const GroupTree& tree = *m_layout.tree;
        const GraphIndex& gi = tree.index();
        std::vector<QString> names(level.elements.size());
        for (size_t i = 0; i < level.elements.size(); ++i) {
            const ElementRef el = level.elements[i];
            const double x = ox + level.centers[i].x - level.widths[i] / 2, y = oy + level.centers[i].y - level.heights[i] / 2;
            QJsonObject item;
            QString side = sideGroup;
            if (el.isGroup()) {
                const Group& g = tree.group(el.id);
                const bool isSide = isSideGroupScope(g.path);
                if (isSide) side = qs(g.label).mid(1).chopped(1);
                names[i] = qs(g.path);
                item[QStringLiteral("kind")] = isSide ? QStringLiteral("side-group") : QStringLiteral("group");
                item[QStringLiteral("name")] = names[i];
                item[QStringLiteral("label")] = qs(g.label);
                item[QStringLiteral("nodes")] = double(g.totalNodes);
                item[QStringLiteral("expanded")] = m_layout.isExpanded(el.id);
            } else {
                names[i] = qs(gi.name(el.id));
                item[QStringLiteral("kind")] = QStringLiteral("op");
                item[QStringLiteral("name")] = names[i];
                item[QStringLiteral("op")] = qs(gi.op(el.id));
                if (m_view && size_t(el.id) < m_view->folded.size()) {
                    QJsonArray rows;
                    for (const FoldedWeight& w : m_view->folded[size_t(el.id)])
                        rows.append(QJsonObject{{QStringLiteral("name"), qs(w.name)}, {QStringLiteral("dtype"), qs(w.dtype)}, {QStringLiteral("shape"), qs(w.shape)}});
                    item[QStringLiteral("weights")] = rows;
                    item[QStringLiteral("fan_out")] = m_view->fanOut[size_t(el.id)];
                    if (const CollapsedCall c = m_view->collapsed[size_t(el.id)]; c != CollapsedCall::None) {
                        item[QStringLiteral("collapsed")] = c == CollapsedCall::Recursive ? QStringLiteral("recursive") : QStringLiteral("large");
                        item[QStringLiteral("function")] = qs(m_view->callee[size_t(el.id)]);
                        item[QStringLiteral("function_nodes")] = m_view->calleeNodes[size_t(el.id)];
                    }
                }
            }
            if (!side.isEmpty()) item[QStringLiteral("side_group")] = side;
            item[QStringLiteral("rect")] = QJsonArray{x, y, level.widths[i], level.heights[i]};
            m_items.append(item);
            if (el.isGroup() && m_layout.isExpanded(el.id))
                if (auto it = m_layout.levels.find(el.id); it != m_layout.levels.end())
                    this->level(*it->second, x + ElementSizer::kPad, y + ElementSizer::kTitle, side);
        }
        for (const LevelEdge& e : level.edges) {
            QJsonArray path;
            for (const LayoutPoint& p : e.path) path.append(QJsonArray{ox + p.x, oy + p.y});
            m_edges.append(QJsonObject{{QStringLiteral("from"), names[size_t(e.from)]},
                                       {QStringLiteral("to"), names[size_t(e.to)]},
                                       {QStringLiteral("count"), e.count},
                                       {QStringLiteral("control"), e.control},
                                       {QStringLiteral("path"), path}});
        }
    }

    QJsonArray m_items;
    QJsonArray m_edges;

private:
    const CanvasLayout& m_layout;
    const ModelView* m_view;
};

}  // namespace

QJsonObject viewJson(const CanvasLayout& layout, const ModelView* view) {
    QJsonObject out;
    auto root = layout.levels.find(GroupTree::kRoot);
    if (!layout.tree || root == layout.levels.end()) return out;
    Writer w(layout, view);
    w.level(*root->second, 0, 0, QString());
    out[QStringLiteral("margin")] = ElementSizer::kPad;
    out[QStringLiteral("width")] = root->second->width;
    out[QStringLiteral("height")] = root->second->height;
    out[QStringLiteral("items")] = w.m_items;
    out[QStringLiteral("edges")] = w.m_edges;
    if (view) {
        out[QStringLiteral("folded_nodes")] = view->foldedNodes;
        out[QStringLiteral("inlined_calls")] = view->inlinedCalls;
    }
    return out;
}

}  // namespace tfscope
