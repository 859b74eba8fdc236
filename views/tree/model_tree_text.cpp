// ModelTreeModel::display() and userRole(): the text and roles of each item kind.
#include "views/tree/model_tree_model.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>

#include "model/loader/model.h"
#include "views/util/plural.h"

namespace tfscope {
namespace {

enum Section { SecModel, SecSignatures, SecCollections, SecSaver, SecFunctions, SecAssets, SecObjectGraph,
               SecVariables, SecCheckpoints, SecWarnings, SecAssetsExtra, SecCheckpointObjects };
enum Info { InfoPath, InfoFormat, InfoOpened, InfoTfVersion, InfoProducer, InfoSize, InfoFiles, InfoFingerprint,
            InfoParams, InfoVariableBytes };

QString q(const std::string& s) { return QString::fromStdString(s); }
QString bytesText(uint64_t b) { return QLocale::c().formattedDataSize(qint64(b), 1, QLocale::DataSizeTraditionalFormat); }
QString shortType(const std::string& dt) { return dt.rfind("DT_", 0) == 0 ? q(dt.substr(3)).toLower() : q(dt); }
QString shapeText(const OptionalShape& s) { return q(formatShapeCli(s)); }
QString count(qint64 n) { return QLocale::c().toString(n); }
// "1 param", "1,024 params".
QString params(qint64 n) { return (n == 1 ? ModelTreeModel::tr("%1 param") : ModelTreeModel::tr("%1 params")).arg(count(n)); }

std::string component(const std::string& name, int depth) {
    size_t start = 0;
    for (int i = 0; i < depth; ++i) {
        size_t s = name.find('/', start);
        if (s == std::string::npos) return {};
        start = s + 1;
    }
    size_t end = name.find('/', start);
    return name.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

QString tensorInfoName(const TensorInfoSummary& t) {
    switch (t.encoding) {
    case TensorInfoSummary::Encoding::Name: return q(t.name);
    case TensorInfoSummary::Encoding::CooSparse: return QStringLiteral("sparse: ") + q(t.valuesTensor);
    case TensorInfoSummary::Encoding::Composite: return QStringLiteral("composite: ") + q(t.typeSpec);
    default: return {};
    }
}

}  // namespace

QVariant ModelTreeModel::display(const Item& it, int col) const {
    const Model& m = *m_model;
    const ModelSummary& s = m.summary();
    auto mgOf = [&]() -> const MetaGraphSummary& { return s.metaGraphs[size_t(it.a)]; };
    switch (it.kind) {
    case Kind::Section: {
        static const char* kNames[] = {"Model", "Signatures", "Collections", "SaverDef", "Functions", "Assets",
                                       "Object graph", "Variables", "Checkpoints", "Warnings", "assets.extra",
                                       "Object graph (checkpoint)"};
        if (col == ColName) {
            if (it.a == SecVariables && m.metaGraphCount() == 0) return tr("Tensors");
            return QString::fromLatin1(kNames[it.a]);
        }
        if (col != ColInfo) return {};
        int n = int(it.children.size());
        if (it.a == SecVariables) return tr("%1, %2").arg(params(s.totalParams), bytesText(s.totalVariableBytes));
        return it.a == SecModel ? QVariant() : QVariant(countText(n, tr("%1 item"), tr("%1 items")));
    }
    case Kind::Info: {
        static const char* kNames[] = {"Path", "Format", "Opened", "TensorFlow version", "Producer", "Size", "Files",
                                       "Fingerprint", "Parameters", "Variable bytes"};
        if (col == ColName) return QString::fromLatin1(kNames[it.a]);
        if (col != ColInfo) return {};
        switch (it.a) {
        case InfoPath: return QDir::toNativeSeparators(q(m.rootPath()));
        case InfoFormat: return QString::fromLatin1(modelFormatDisplayName(m.format()));
        case InfoOpened: return QDir::toNativeSeparators(q(m.openedPath()));
        case InfoTfVersion: return QString(q(m.tensorflowVersion()) + (m.tensorflowGitVersion().empty() ? QString() : QString(QStringLiteral(" (") + q(m.tensorflowGitVersion()) + QLatin1Char(')'))));
        case InfoProducer: return QString::number(m.graphProducer());
        case InfoSize: return bytesText(m.totalBytes());
        case InfoFiles: return QString::number(m.files().size());
        case InfoFingerprint: return m.fingerprint() ? QStringLiteral("checksum %1").arg(m.fingerprint()->savedModelChecksum) : QString();
        case InfoParams: return count(s.totalParams);
        case InfoVariableBytes: return bytesText(s.totalVariableBytes);
        }
        return {};
    }
    case Kind::MetaGraph: {
        const MetaGraphSummary& mg = mgOf();
        if (col == ColName) {
            QStringList tags;
            for (const auto& t : mg.tags) tags << q(t);
            return tr("MetaGraph {%1}").arg(tags.join(QStringLiteral(", ")));
        }
        if (col == ColInfo)
            return tr("%1, %2, %3")
                .arg((mg.nodeCount == 1 ? tr("%1 node") : tr("%1 nodes")).arg(count(mg.nodeCount)),
                     countText(qint64(mg.signatures.size()), tr("%1 signature"), tr("%1 signatures")),
                     countText(qint64(mg.functions.size()), tr("%1 function"), tr("%1 functions")));
        return {};
    }
    case Kind::Signature: {
        const SignatureSummary& sig = mgOf().signatures[size_t(it.b)];
        if (col == ColName) return q(sig.key);
        if (col == ColInfo) return q(sig.methodName);
        return {};
    }
    case Kind::SignatureSide:
        return col == ColName ? QVariant(it.side == Side::Inputs ? tr("inputs") : tr("outputs")) : QVariant();
    case Kind::SignatureTensor: {
        const TensorInfoSummary& t = signatureTensor(it);
        switch (col) {
        case ColName: return q(t.key);
        case ColType: return shortType(t.dtypeName);
        case ColShape: return shapeText(t.shape);
        case ColInfo: return tensorInfoName(t);
        }
        return {};
    }
    case Kind::Collection: {
        const CollectionSummary& c = mgOf().collections[size_t(it.b)];
        if (col == ColName) return q(c.key);
        if (col == ColInfo) return countText(c.count, tr("%1 value"), tr("%1 values"));
        return {};
    }
    case Kind::CollectionValue: {
        const CollectionSummary& c = mgOf().collections[size_t(it.b)];
        if (it.part == Part::AssetFiles) {
            const AssetFileSummary& a = c.assetFiles[size_t(it.c)];
            return col == ColName ? QVariant(q(a.filename)) : col == ColInfo ? QVariant(q(a.tensorName)) : QVariant();
        }
        if (it.part == Part::VariableDefs) {
            const VariableDefSummary& v = c.variableDefs[size_t(it.c)];
            if (col == ColName) return q(v.variableName);
            if (col == ColType) return v.isResource ? tr("resource") : tr("ref");
            if (col == ColInfo) return tr("initializer %1%2").arg(q(v.initializerName), v.trainable ? tr(", trainable") : QString());
            return {};
        }
        return col == ColName ? QVariant(q(c.values[size_t(it.c)])) : QVariant();
    }
    case Kind::SaverField: {
        const SaverSummary& sv = mgOf().saver;
        static const char* kNames[] = {"filename_tensor_name", "save_tensor_name", "restore_op_name", "max_to_keep",
                                       "sharded", "keep_checkpoint_every_n_hours", "version"};
        if (col == ColName) return QString::fromLatin1(kNames[it.b]);
        if (col != ColInfo) return {};
        switch (it.b) {
        case 0: return q(sv.filenameTensorName);
        case 1: return q(sv.saveTensorName);
        case 2: return q(sv.restoreOpName);
        case 3: return sv.maxToKeep;
        case 4: return sv.sharded ? QStringLiteral("true") : QStringLiteral("false");
        case 5: return double(sv.keepCheckpointEveryNHours);
        case 6: return q(sv.versionName);
        }
        return {};
    }
    case Kind::Function: {
        const FunctionSummary& f = mgOf().functions[size_t(it.b)];
        if (col == ColName) return q(f.name);
        if (col == ColInfo) return tr("%1 in, %2 out, %3%4").arg(f.inputs.size()).arg(f.outputs.size()).arg(countText(f.nodeCount, tr("%1 node"), tr("%1 nodes"))).arg(f.isStateful ? tr(", stateful") : QString());
        return {};
    }
    case Kind::Asset: {
        const AssetFileSummary& a = mgOf().assetFiles[size_t(it.b)];
        if (col == ColName) return q(a.filename);
        if (col == ColInfo) return a.exists ? bytesText(a.size) : tr("missing");
        if (col == ColType) return q(a.tensorName);
        return {};
    }
    case Kind::AssetExtra: return col == ColName ? QVariant(q(m.assetsExtra()[size_t(it.a)])) : QVariant();
    case Kind::ObjectNode: {
        const ObjectGraphSummary& g = it.a >= 0 ? s.metaGraphs[size_t(it.a)].objectGraph : s.checkpointObjectGraph;
        const ObjectGraphNode::Child& ch = g.nodes[size_t(it.b)].children[size_t(it.c)];
        const ObjectGraphNode& n = g.nodes[size_t(ch.nodeId)];
        switch (col) {
        case ColName: return q(ch.localName);
        case ColType: return n.kind == "user_object" && !n.identifier.empty() ? q(n.identifier) : q(n.kind);
        case ColShape: return n.kind == "variable" ? shapeText(n.shape) : QVariant();
        case ColInfo: {
            QString info = q(n.path);
            for (const auto& a : n.attributes) info += QStringLiteral("  [") + q(a.checkpointKey) + QLatin1Char(']');
            return info;
        }
        }
        return {};
    }
    case Kind::Scope: return col == ColName ? QVariant(q(component(m_treePaths[size_t(it.a)], it.b))) : QVariant();
    case Kind::Variable: {
        const VariableSummary& v = s.variables[size_t(it.a)];
        switch (col) {
        case ColName: {
            if (v.isOptimizerSlot && !v.slotName.empty()) return QString(QStringLiteral("slot ") + q(v.slotName));
            const std::string& path = m_treePaths[size_t(it.a)];
            const size_t slash = path.rfind('/');
            return q(slash == std::string::npos ? path : path.substr(slash + 1));
        }
        case ColType: return shortType(v.dtypeName);
        case ColShape: return shapeText(v.shape);
        case ColInfo: {
            QString info = tr("%1, %2").arg(params(v.paramCount), bytesText(v.bytes));
            if (!v.objectPath.empty()) info += QStringLiteral("  ") + q(v.objectPath);
            if (!v.checkpointKey.empty() && v.checkpointKey != v.name) info += QStringLiteral("  [") + q(v.checkpointKey) + QLatin1Char(']');
            return info;
        }
        }
        return {};
    }
    case Kind::CheckpointListing: {
        // By its own name and step ("model.ckpt-1000 (latest)"), not the folder's long path again.
        const CheckpointListing& c = m.checkpoints()[size_t(it.a)];
        const QString name = QFileInfo(q(c.prefix)).fileName();
        if (col == ColName) return c.latest ? tr("%1 (latest)").arg(name) : name;
        if (col == ColInfo) {
            const qsizetype dash = name.lastIndexOf(QLatin1Char('-'));
            bool isStep = false;
            const qlonglong step = dash >= 0 ? name.mid(dash + 1).toLongLong(&isStep) : 0;
            QStringList info;
            if (isStep) info << tr("step %1").arg(step);
            if (!c.exists) info << tr("missing");
            info << QDir::toNativeSeparators(q(c.prefix));
            return info.join(QStringLiteral(" — "));
        }
        return {};
    }
    case Kind::Warning: return col == ColName ? QVariant(q(m.warnings()[size_t(it.a)])) : QVariant();
    case Kind::AddedVariable: return addedDisplay(it, col);
    case Kind::CompareSection:
    case Kind::ComparedOnly: return compareData(it, int(&it - m_items.data()), col, Qt::DisplayRole);  // model_tree_compare.cpp
    }
    return {};
}

QVariant ModelTreeModel::userRole(const Item& it, int role) const {
    const Model& m = *m_model;
    const ModelSummary& s = m.summary();
    switch (role) {
    case KindRole: return int(it.kind);
    case MetaGraphRole:
        return it.kind == Kind::Section || it.kind == Kind::Info || it.kind == Kind::Variable || it.kind == Kind::Scope ||
                       it.kind == Kind::AssetExtra || it.kind == Kind::CheckpointListing || it.kind == Kind::Warning ||
                       it.kind == Kind::AddedVariable
                   ? QVariant(-1) : QVariant(it.a);
    case VariableRole: return it.kind == Kind::Variable ? it.a : -1;
    case CheckpointKeyRole:
        if (it.kind == Kind::Variable) return q(s.variables[size_t(it.a)].checkpointKey);
        return QString();
    case NodeNameRole:
        if (it.kind == Kind::Variable) return q(s.variables[size_t(it.a)].graphNode);
        if (it.kind == Kind::SignatureTensor) {
            const TensorInfoSummary& t = signatureTensor(it);
            return q(t.name.substr(0, t.name.rfind(':')));
        }
        if (it.kind == Kind::CollectionValue && it.part == Part::Values) {
            const std::string& v = s.metaGraphs[size_t(it.a)].collections[size_t(it.b)].values[size_t(it.c)];
            return q(v.substr(0, v.rfind(':')));
        }
        return QString();
    case FunctionRole:
        return it.kind == Kind::Function ? q(s.metaGraphs[size_t(it.a)].functions[size_t(it.b)].name) : QString();
    case AssetPathRole:
        if (it.kind == Kind::Asset) return QDir(q(m.openedPath())).filePath(QStringLiteral("assets/") + q(s.metaGraphs[size_t(it.a)].assetFiles[size_t(it.b)].filename));
        if (it.kind == Kind::AssetExtra) return QDir(q(m.openedPath())).filePath(QStringLiteral("assets.extra/") + q(m.assetsExtra()[size_t(it.a)]));
        return QString();
    case CheckpointPrefixRole:
        if (it.kind == Kind::CheckpointListing) return q(m.checkpoints()[size_t(it.a)].prefix);
        return QString();
    case SignatureRole:
        if (it.kind == Kind::Signature) return QString(QString::number(it.a) + QLatin1Char('/') + q(s.metaGraphs[size_t(it.a)].signatures[size_t(it.b)].key));
        return QString();
    }
    return {};
}

}  // namespace tfscope
