#include "views/tree/model_tree_model.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>

#include <algorithm>
#include <map>
#include <queue>

#include "model/edit/variable_paths.h"
#include "model/loader/model.h"
#include "views/window/icons.h"

namespace tfscope {
namespace {

enum Section { SecModel, SecSignatures, SecCollections, SecSaver, SecFunctions, SecAssets, SecObjectGraph,
               SecVariables, SecCheckpoints, SecWarnings, SecAssetsExtra, SecCheckpointObjects };
enum Info { InfoPath, InfoFormat, InfoOpened, InfoTfVersion, InfoProducer, InfoSize, InfoFiles, InfoFingerprint,
            InfoParams, InfoVariableBytes, InfoCount };
constexpr size_t kMaxListed = 5000;


}  // namespace

ModelTreeModel::ModelTreeModel(QObject* parent) : QAbstractItemModel(parent) { m_items.resize(1); }
ModelTreeModel::~ModelTreeModel() = default;

void ModelTreeModel::setModel(std::shared_ptr<const Model> model) {
    beginResetModel();
    m_model = std::move(model);
    m_diff.reset();
    m_otherName.clear();
    rebuild();
    syncAddedRows(false);
    computeMarks();
    endResetModel();
}

void ModelTreeModel::setShowSlots(bool show) {
    if (show == m_showSlots) return;
    beginResetModel();
    m_showSlots = show;
    rebuild();
    syncAddedRows(false);
    computeMarks();
    endResetModel();
}

int ModelTreeModel::add(int parent, Kind kind, int a, int b, int c) {
    Item it;
    it.kind = kind;
    it.parent = parent;
    it.a = a;
    it.b = b;
    it.c = c;
    it.row = int(m_items[size_t(parent)].children.size());
    int id = int(m_items.size());
    m_items.push_back(std::move(it));
    m_items[size_t(parent)].children.push_back(id);
    return id;
}

void ModelTreeModel::rebuild() {
    m_items.clear();
    m_items.resize(1);
    m_variableItem.clear();
    m_treePaths.clear();
    m_variablesSection = -1;
    m_firstAddedItem = -1;
    m_added.clear();
    if (!m_model) return;
    const ModelSummary& s = m_model->summary();
    int model = add(0, Kind::Section, SecModel);
    for (int i = 0; i < InfoCount; ++i) {
        if (i == InfoFingerprint && !m_model->fingerprint()) continue;
        if (i == InfoTfVersion && m_model->tensorflowVersion().empty()) continue;
        add(model, Kind::Info, i);
    }
    for (int mg = 0; mg < int(s.metaGraphs.size()); ++mg) buildMetaGraph(add(0, Kind::MetaGraph, mg), mg);
    if (!s.variables.empty()) buildVariables(m_variablesSection = add(0, Kind::Section, SecVariables));
    if (s.checkpointObjectGraph.present && (s.metaGraphs.empty() || !s.metaGraphs[0].objectGraph.present))
        buildObjectGraph(add(0, Kind::Section, SecCheckpointObjects), -1);
    if (!m_model->assetsExtra().empty()) {
        int sec = add(0, Kind::Section, SecAssetsExtra);
        for (size_t i = 0; i < m_model->assetsExtra().size(); ++i) add(sec, Kind::AssetExtra, int(i));
    }
    if (!m_model->checkpoints().empty()) {
        int sec = add(0, Kind::Section, SecCheckpoints);
        for (size_t i = 0; i < m_model->checkpoints().size(); ++i) add(sec, Kind::CheckpointListing, int(i));
    }
    if (!m_model->warnings().empty()) {
        int sec = add(0, Kind::Section, SecWarnings);
        for (size_t i = 0; i < m_model->warnings().size(); ++i) add(sec, Kind::Warning, int(i));
    }
    buildComparison();  // before the edits' added rows, which stay the last items
}

void ModelTreeModel::buildMetaGraph(int parent, int mg) {
    const MetaGraphSummary& m = m_model->summary().metaGraphs[size_t(mg)];
    if (!m.signatures.empty()) {
        int sec = add(parent, Kind::Section, SecSignatures, mg);
        for (int i = 0; i < int(m.signatures.size()); ++i) {
            int sig = add(sec, Kind::Signature, mg, i);
            for (const Side side : {Side::Inputs, Side::Outputs}) {
                const auto& list = side == Side::Inputs ? m.signatures[size_t(i)].inputs : m.signatures[size_t(i)].outputs;
                int sd = add(sig, Kind::SignatureSide, mg, i);
                m_items[size_t(sd)].side = side;
                for (int t = 0; t < int(list.size()); ++t) m_items[size_t(add(sd, Kind::SignatureTensor, mg, i, t))].side = side;
            }
        }
    }
    if (!m.collections.empty()) {
        int sec = add(parent, Kind::Section, SecCollections, mg);
        for (int i = 0; i < int(m.collections.size()); ++i) {
            const CollectionSummary& c = m.collections[size_t(i)];
            int ci = add(sec, Kind::Collection, mg, i);
            const Part part = !c.variableDefs.empty() ? Part::VariableDefs : !c.assetFiles.empty() ? Part::AssetFiles
                                                                                                   : Part::Values;
            const size_t n = part == Part::VariableDefs ? c.variableDefs.size() : part == Part::AssetFiles ? c.assetFiles.size()
                                                                                                           : c.values.size();
            for (size_t k = 0; k < n && k < kMaxListed; ++k) m_items[size_t(add(ci, Kind::CollectionValue, mg, i, int(k)))].part = part;
        }
    }
    if (m.saver.present) {
        int sec = add(parent, Kind::Section, SecSaver, mg);
        for (int f = 0; f < 7; ++f) add(sec, Kind::SaverField, mg, f);
    }
    if (!m.functions.empty()) {
        int sec = add(parent, Kind::Section, SecFunctions, mg);
        for (int i = 0; i < int(m.functions.size()); ++i) add(sec, Kind::Function, mg, i);
    }
    if (!m.assetFiles.empty()) {
        int sec = add(parent, Kind::Section, SecAssets, mg);
        for (int i = 0; i < int(m.assetFiles.size()); ++i) add(sec, Kind::Asset, mg, i);
    }
    if (m.objectGraph.present) buildObjectGraph(add(parent, Kind::Section, SecObjectGraph, mg), mg);
}

void ModelTreeModel::buildObjectGraph(int parent, int mg) {
    const ObjectGraphSummary& g = mg >= 0 ? m_model->summary().metaGraphs[size_t(mg)].objectGraph
                                          : m_model->summary().checkpointObjectGraph;
    if (g.nodes.empty()) return;
    std::vector<char> seen(g.nodes.size(), 0);
    std::queue<std::pair<int, int>> todo;  // (object id, item)
    seen[0] = 1;
    todo.emplace(0, parent);
    while (!todo.empty()) {
        auto [id, item] = todo.front();
        todo.pop();
        const ObjectGraphNode& n = g.nodes[size_t(id)];
        for (int k = 0; k < int(n.children.size()); ++k) {
            int c = n.children[size_t(k)].nodeId;
            if (c < 0 || size_t(c) >= g.nodes.size()) continue;
            int ci = add(item, Kind::ObjectNode, mg, id, k);
            if (!seen[size_t(c)]) {
                seen[size_t(c)] = 1;
                todo.emplace(c, ci);
            }
        }
    }
}

void ModelTreeModel::buildVariables(int parent) {
    const auto& vars = m_model->summary().variables;
    m_variableItem.assign(vars.size(), -1);
    m_treePaths = variableTreePaths(m_model->summary());
    // By tree path, so scopes made from object paths sort among the others (a slot's path
    // extends its variable's, so the variable comes first).
    std::vector<int> order(vars.size());
    for (int v = 0; v < int(vars.size()); ++v) order[size_t(v)] = v;
    std::stable_sort(order.begin(), order.end(), [this](int a, int b) { return m_treePaths[size_t(a)] < m_treePaths[size_t(b)]; });
    std::map<std::string, int> scopes;   // scope path → item
    std::map<std::string, int> byName;   // variable name → item
    for (int v : order) {
        const VariableSummary& var = vars[size_t(v)];
        if (var.isOptimizerSlot && !m_showSlots) continue;
        if (var.isOptimizerSlot) {
            auto it = byName.find(var.slotOf);
            if (it != byName.end()) {
                m_variableItem[size_t(v)] = add(it->second, Kind::Variable, v);
                continue;
            }
        }
        // Scopes of the tree path: the graph name, or the object path where graph names collide.
        const std::string& name = m_treePaths[size_t(v)];
        int at = parent;
        std::string path;
        int depth = 0;
        for (size_t start = 0, slash; (slash = name.find('/', start)) != std::string::npos; start = slash + 1, ++depth) {
            path = name.substr(0, slash);
            auto [it, inserted] = scopes.try_emplace(path, -1);
            if (inserted) it->second = add(at, Kind::Scope, v, depth);
            at = it->second;
        }
        int item = add(at, Kind::Variable, v);
        m_variableItem[size_t(v)] = item;
        byName.emplace(var.name, item);
    }
}

const TensorInfoSummary& ModelTreeModel::signatureTensor(const Item& it) const {
    const SignatureSummary& sig = m_model->summary().metaGraphs[size_t(it.a)].signatures[size_t(it.b)];
    return (it.side == Side::Inputs ? sig.inputs : sig.outputs)[size_t(it.c)];
}

QModelIndex ModelTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (!hasIndex(row, column, parent)) return {};
    const Item& p = m_items[parent.isValid() ? size_t(parent.internalId()) : 0];
    return createIndex(row, column, quintptr(p.children[size_t(row)]));
}

QModelIndex ModelTreeModel::parent(const QModelIndex& child) const {
    if (!child.isValid()) return {};
    int p = m_items[size_t(child.internalId())].parent;
    if (p <= 0) return {};
    return createIndex(m_items[size_t(p)].row, 0, quintptr(p));
}

int ModelTreeModel::rowCount(const QModelIndex& parent) const {
    if (parent.column() > 0) return 0;
    return int(m_items[parent.isValid() ? size_t(parent.internalId()) : 0].children.size());
}

int ModelTreeModel::columnCount(const QModelIndex&) const { return ColumnCount; }

QVariant ModelTreeModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case ColName: return tr("Name");
    case ColType: return tr("Type");
    case ColShape: return tr("Shape");
    case ColInfo: return tr("Details");
    }
    return {};
}

QVariant ModelTreeModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !m_model) return {};
    const Item& it = m_items[size_t(index.internalId())];
    if (m_diff) {
        QVariant v = compareData(it, int(index.internalId()), index.column(), role);
        if (v.isValid()) return v;
    } else if (role == CompareKindRole || role == CompareIndexRole) {
        return -1;
    }
    if (!m_marks.empty()) {
        QVariant v = editData(it, int(index.internalId()), index.column(), role);
        if (v.isValid()) return v;
    }
    if (role == Qt::DisplayRole) return display(it, index.column());
    if (role == Qt::DecorationRole) return index.column() == ColName ? decoration(it) : QVariant();
    // Name and Details may be elided in a narrow panel: the full text is the tooltip.
    if (role == Qt::ToolTipRole && (index.column() == ColName || index.column() == ColInfo)) {
        QVariant text = display(it, index.column());
        return text.toString().isEmpty() ? QVariant() : text;
    }
    if (role >= KindRole) return userRole(it, role);
    return {};
}

QVariant ModelTreeModel::decoration(const Item& it) const {
    switch (it.kind) {
    case Kind::MetaGraph: return tfscopeIcon(u"graph");
    case Kind::Signature: return tfscopeIcon(u"signature");
    case Kind::Function: return tfscopeIcon(u"function");
    case Kind::Asset:
    case Kind::AssetExtra: return tfscopeIcon(u"asset");
    case Kind::Scope: return tfscopeIcon(u"scope");
    case Kind::Variable:
    case Kind::AddedVariable: return tfscopeIcon(u"variable");
    default: return {};
    }
}

QModelIndex ModelTreeModel::indexForVariable(int v) const {
    if (v < 0 || size_t(v) >= m_variableItem.size() || m_variableItem[size_t(v)] < 0) return {};
    int id = m_variableItem[size_t(v)];
    return createIndex(m_items[size_t(id)].row, 0, quintptr(id));
}

QString ModelTreeModel::dump(int maxDepth) const {
    QString out;
    std::vector<std::pair<int, int>> stack;
    for (auto it = m_items[0].children.rbegin(); it != m_items[0].children.rend(); ++it) stack.emplace_back(*it, 0);
    while (!stack.empty()) {
        auto [id, depth] = stack.back();
        stack.pop_back();
        out += QString(depth * 2, QLatin1Char(' ')) + display(m_items[size_t(id)], ColName).toString() + QLatin1Char('\n');
        if (depth + 1 > maxDepth) continue;
        const auto& ch = m_items[size_t(id)].children;
        for (auto c = ch.rbegin(); c != ch.rend(); ++c) stack.emplace_back(*c, depth + 1);
    }
    return out;
}

}  // namespace tfscope
