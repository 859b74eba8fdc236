#include "views/window/main_window.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QUrl>

#include "graph.pb.h"
#include "model/checkpoint/checkpoint_reader.h"
#include "model/exec/tensor_proto.h"
#include "model/graph/run_subgraph.h"
#include "model/layout/identical_groups.h"
#include "model/loader/model_loader.h"
#include "views/edit/edit_controller.h"
#include "views/graph/graph_canvas.h"
#include "views/graph/graph_view.h"
#include "views/graph/view_json.h"
#include "views/panels/node_properties.h"
#include "views/panels/properties_panel.h"
#include "views/panels/restore_check_panel.h"
#include "views/panels/tree_item_properties.h"
#include "views/runner/input_editor.h"
#include "views/runner/runner_panel.h"
#include "views/tensor/compare_viewer.h"
#include "views/tensor/tensor_viewer.h"
#include "views/tree/model_tree_model.h"
#include "views/tree/tree_panel.h"
#include "views/util/plural.h"
#include "views/window/icons.h"

namespace tfscope {

namespace {

// The canvas node for a graph node name: itself, or in the model view the copy moved into a side
// group ("(Initialization)/init").
NodeId canvasNode(const GraphIndex& canvas, const std::string& name) {
    NodeId id = canvas.find(name);
    for (Plumbing p : {Plumbing::Initialization, Plumbing::SaveRestore, Plumbing::Training, Plumbing::Summaries,
                       Plumbing::InputPipeline})
        if (id == kNoNode) id = canvas.find(sideGroupScope(p) + "/" + name);
    return id;
}

// Properties of canvas node `id`: in the model view, of the graph's own node of that name (the
// view's copy has its weights folded away), or of the copy for a node inlined from a function.
void showNodeProperties(PropertiesPanel* panel, const std::shared_ptr<const Model>& model, const ViewChoice& choice,
                        const GraphCanvas* canvas, NodeId id) {
    auto shown = canvas->graph();
    if (!shown || id < 0 || id >= shown->nodeCount()) return;
    if (canvas->modelView() && choice.metaGraph < model->metaGraphCount()) {
        std::string_view name = shown->name(id);
        if (!name.empty() && name.front() == '(' && name.find(")/") != std::string_view::npos) name = name.substr(name.find(")/") + 2);
        auto raw = model->graphIndex(choice.metaGraph);
        if (NodeId r = raw ? raw->find(name) : kNoNode; r != kNoNode) return panel->showNode(raw, r, &model->summary());
    }
    panel->showNode(shown, id, &model->summary());
}

// The Properties panel before anything is selected: what the model is and how to call it.
QString modelSummaryHtml(const Model& model, const ViewChoice& choice) {
    const ModelSummary& sum = model.summary();
    auto esc = [](const std::string& t) { return QString::fromStdString(t).toHtmlEscaped(); };
    QString h = QStringLiteral("<p><b>%1</b><br>%2").arg(QString::fromStdString(model.rootPath()).section(QLatin1Char('/'), -1).toHtmlEscaped(), QString::fromLatin1(modelFormatDisplayName(model.format())));
    if (!model.tensorflowVersion().empty()) h += QStringLiteral("<br>TensorFlow %1").arg(esc(model.tensorflowVersion()));
    h += QStringLiteral("<br>%1 variables, %2 parameters, %3 bytes</p>")
             .arg(sum.variables.size())
             .arg(sum.totalParams)
             .arg(QLocale().formattedDataSize(qint64(sum.totalVariableBytes)));
    if (size_t(choice.metaGraph) < sum.metaGraphs.size()) {
        const MetaGraphSummary& mg = sum.metaGraphs[size_t(choice.metaGraph)];
        h += QStringLiteral("<p>Meta graph <b>%1</b>, %2 nodes</p>").arg(esc(tagSetText(mg)).isEmpty() ? QStringLiteral("(no tags)") : esc(tagSetText(mg))).arg(mg.nodeCount);
        auto tensors = [&](const std::vector<TensorInfoSummary>& ts) {
            QString out;
            for (const auto& t : ts)
                out += QStringLiteral("<br>&nbsp;&nbsp;%1: %2 %3").arg(esc(t.key), esc(t.dtypeName), esc(formatShapeCli(t.shape)));
            return out;
        };
        for (const SignatureSummary& sig : mg.signatures) {
            h += QStringLiteral("<p>Signature <b>%1</b>%2").arg(esc(sig.key), sig.key == choice.signature ? QStringLiteral(" (shown)") : QString());
            h += QStringLiteral("<br>inputs:") + tensors(sig.inputs) + QStringLiteral("<br>outputs:") + tensors(sig.outputs) + QStringLiteral("</p>");
        }
    }
    return h;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("tfscope[*]"));
    setAcceptDrops(true);
    m_tabs = new QTabWidget(this);
    m_canvas = new GraphCanvas(m_tabs);
    m_tensor = new TensorViewer(m_tabs);
    m_asset = new QPlainTextEdit(m_tabs);
    m_asset->setReadOnly(true);
    m_tabs->addTab(m_canvas, tr("Graph"));
    m_tabs->addTab(m_tensor, tr("Tensor"));
    m_tabs->addTab(m_asset, tr("Asset"));
    m_compare = new CompareViewer(this);  // the Compare tab while comparing
    m_compare->hide();
    setCentralWidget(m_tabs);

    m_tree = new TreePanel(this);
    auto* treeDock = m_treeDock = new QDockWidget(tr("Model"), this);
    treeDock->setObjectName(QStringLiteral("ModelDock"));
    treeDock->setWidget(m_tree);
    addDockWidget(Qt::LeftDockWidgetArea, treeDock);
    m_properties = new PropertiesPanel(this);
    auto* propDock = m_propertiesDock = new QDockWidget(tr("Properties"), this);
    propDock->setObjectName(QStringLiteral("PropertiesDock"));
    propDock->setWidget(m_properties);
    addDockWidget(Qt::RightDockWidgetArea, propDock);
    resizeDocks({treeDock, propDock}, {400, 300}, Qt::Horizontal);
    m_runner = new RunnerPanel(this);
    m_runnerDock = new QDockWidget(tr("Run"), this);
    m_runnerDock->setObjectName(QStringLiteral("RunDock"));
    // In a scroll area: the panel's minimum width must not widen the dock (and squeeze the graph)
    // when it opens in the Properties dock's place.
    auto* runScroll = new QScrollArea(m_runnerDock);
    runScroll->setWidgetResizable(true);
    runScroll->setFrameShape(QFrame::NoFrame);
    runScroll->setWidget(m_runner);
    m_runnerDock->setWidget(runScroll);
    tabifyDockWidget(propDock, m_runnerDock);
    m_runnerDock->hide();

    m_statusLabel = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(200);
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    statusBar()->addWidget(m_statusLabel, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    m_progress->hide();
    m_cancel->hide();
    m_edit = new EditController(this, m_tree, m_tensor);
    m_runner->setEditSession(m_edit->session());
    m_restore = new RestoreCheckPanel(m_edit, this);
    m_restoreDock = new QDockWidget(tr("Restore check"), this);
    m_restoreDock->setObjectName(QStringLiteral("RestoreCheckDock"));
    m_restoreDock->setWidget(m_restore);
    addDockWidget(Qt::BottomDockWidgetArea, m_restoreDock);  // wide: key, problem and fix side by side
    m_restoreDock->hide();
    connect(m_edit, &EditController::unsavedEditsChanged, this, &QWidget::setWindowModified);
    createActions();

    connect(&m_loader, &QFutureWatcherBase::progressValueChanged, m_progress, &QProgressBar::setValue);
    connect(&m_loader, &QFutureWatcherBase::finished, this, &MainWindow::onLoaded);
    connect(m_cancel, &QToolButton::clicked, &m_loader, &QFutureWatcherBase::cancel);
    connect(&m_compareJob, &QFutureWatcherBase::progressValueChanged, m_progress, &QProgressBar::setValue);
    connect(&m_compareJob, &QFutureWatcherBase::finished, this, &MainWindow::onCompared);
    connect(m_cancel, &QToolButton::clicked, &m_compareJob, &QFutureWatcherBase::cancel);
    connect(m_tree, &TreePanel::stopCompareRequested, this, &MainWindow::stopComparing);
    connect(m_tree, &TreePanel::currentSourceChanged, this, &MainWindow::onTreeCurrent);
    connect(m_tree, &TreePanel::sourceActivated, this, &MainWindow::onTreeActivated);
    auto popup = [](QMenu* menu, const QPoint& pos) {
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(pos);
    };
    connect(m_canvas->view(), &GraphView::nodeContextMenu, this, [this, popup](int n, const QPoint& pos) { popup(nodeMenu(n), pos); });
    connect(m_canvas->view(), &GraphView::groupContextMenu, this, [this, popup](int g, const QPoint& pos) { popup(groupMenu(g), pos); });
    connect(m_tree, &TreePanel::contextMenuRequested, this, [this](const QModelIndex& source, const QPoint& pos) {
        QMenu* menu = treeMenu(source);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(pos);
    });
    connect(m_canvas, &GraphCanvas::nodeSelected, this, &MainWindow::onNodeSelected);
    connect(m_canvas, &GraphCanvas::weightActivated, this, &MainWindow::openWeight);
    connect(m_canvas, &GraphCanvas::collapsedCallActivated, this, &MainWindow::openCollapsedCall);
    connect(m_canvas, &GraphCanvas::groupSelected, this, &MainWindow::onGroupSelected);
    connect(m_properties, &PropertiesPanel::groupsLinkActivated, this, [this](const QString& ids) {
        std::vector<int> groups;
        for (const QString& id : ids.split(QLatin1Char(','), Qt::SkipEmptyParts)) groups.push_back(id.toInt());
        m_canvas->selectGroups(groups);
    });
    connect(m_canvas, &GraphCanvas::layoutFailed, this, [this](const QString& m) { m_statusLabel->setText(m); });
    connect(m_runner, &RunnerPanel::runFinished, this, [this] { highlightSignature(m_runner->metaGraph(), m_runner->signature()); });
    connect(m_runner, &RunnerPanel::tensorActivated, this, [this](const QString& name, const Tensor& t) {
        m_tensor->setTensor(name, t);
        m_tabs->setCurrentWidget(m_tensor);
    });
    connect(m_runner, &RunnerPanel::evaluated, this, [this](const QString& node, const QString& error, const QString& summary) {
        m_statusLabel->setText(error.isEmpty() ? tr("Evaluated %1: %2").arg(node, summary) : tr("Cannot evaluate %1: %2").arg(node, error));
    });
    // Properties shows the last value of the node's outputs (Evaluate, a kept run, a fetch).
    m_properties->setValuesHtml([this](const QString& node) { return nodeValuesHtml(m_runner->lastValues(node), m_runner->lastError(node)); });
    connect(m_runner, &RunnerPanel::valuesChanged, m_properties, &PropertiesPanel::refreshNode);
    connect(m_properties, &PropertiesPanel::nodeLinkActivated, this, &MainWindow::revealNodeByName);
    connect(m_properties, &PropertiesPanel::functionLinkActivated, this, &MainWindow::openFunction);
    connect(m_properties, &PropertiesPanel::variableLinkActivated, this,
            [this](int v) { m_tree->selectSource(m_tree->treeModel()->indexForVariable(v)); });
    fitToScreen();
}

MainWindow::~MainWindow() {
    m_loader.cancel();
    m_loader.waitForFinished();
    m_compareJob.cancel();
    m_compareJob.waitForFinished();
    m_viewBuilder.cancel();
    m_viewBuilder.waitForFinished();
}

void MainWindow::createActions() {
    auto act = [this](QMenu* menu, const QString& text, const QKeySequence& key, auto fn, QStringView icon = {}) {
        QAction* a = menu->addAction(text);
        a->setShortcut(key);
        if (!icon.isEmpty()) a->setIcon(tfscopeIcon(icon));
        connect(a, &QAction::triggered, this, fn);
        return a;
    };
    QMenu* file = menuBar()->addMenu(tr("&File"));
    auto* edit = new QMenu(tr("&Edit"), this);  // filled below; added after File
    QAction* open = act(
        file, tr("&Open File…"), QKeySequence::Open, [this] { openFileDialog(); }, u"open");
    act(file, tr("Open &Folder…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), [this] { openFolderDialog(); });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_versionMenu = file->addMenu(tr("Open &Version"));
    QAction* reloadAction = act(file, tr("&Reload"), QKeySequence(Qt::Key_F5), [this] { reload(); }, u"reload");
    addCompareActions(file);
    file->addSeparator();
    act(file, tr("Export Graph as &PNG…"), QKeySequence(), [this] { exportGraph(false); });
    act(file, tr("Export Graph as &SVG…"), QKeySequence(), [this] { exportGraph(true); });
    QAction* exportCheckpoint = createEditActions(file, edit);
    file->addSeparator();
    act(file, tr("&Quit"), QKeySequence::Quit, [this] { close(); });
    menuBar()->addMenu(edit);
    act(edit, tr("&Find…"), QKeySequence::Find, [this] { findDialog(); });
    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* fit = act(view, tr("&Fit Graph"), QKeySequence(Qt::CTRL | Qt::Key_0), [this] { m_canvas->view()->fitAll(); }, u"fit");
    QAction* zoomIn = act(view, tr("Zoom &In"), QKeySequence::ZoomIn, [this] { m_canvas->view()->scaleView(1.25); }, u"zoom-in");
    QAction* zoomOut = act(view, tr("Zoom &Out"), QKeySequence::ZoomOut, [this] { m_canvas->view()->scaleView(0.8); }, u"zoom-out");
    view->addSeparator();
    m_rawAction = view->addAction(tr("&Raw Graph (all nodes)"));
    m_rawAction->setCheckable(true);
    m_rawView = QSettings().value(QStringLiteral("canvas/rawView"), false).toBool();
    m_rawAction->setChecked(m_rawView);
    connect(m_rawAction, &QAction::toggled, this, [this](bool on) { setRawView(on); });
    m_viewChooserMenu = view->addMenu(tr("&Meta Graph and Signature"));
    m_viewChooser = new QComboBox(this);
    m_viewChooser->setToolTip(tr("Meta graph (tag set) and signature the canvas shows"));
    m_viewChooser->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_viewChooser, &QComboBox::activated, this, [this](int i) {
        const QStringList v = m_viewChooser->itemData(i).toStringList();
        if (v.size() != 2 || !m_model) return;
        m_choice.metaGraph = v[0].toInt();
        m_choice.signature = v[1].toStdString();
        showChosenGraph();
    });
    view->addSeparator();
    addPanelActions(view);
    QMenu* signature = menuBar()->addMenu(tr("&Signature"));
    QAction* run = act(signature, tr("&Run…"), QKeySequence(Qt::CTRL | Qt::Key_R), [this] { showRunner(); }, u"run");
    // Evaluate: the selected node's value with the runner's current inputs (views/runner/runner_evaluate.cpp).
    // The tree's current item when the tree has the focus, else the canvas's selected node.
    act(signature, tr("&Evaluate Selected Node"), QKeySequence(Qt::CTRL | Qt::Key_E), [this] {
        if (m_tree->view()->hasFocus()) {
            const QModelIndex current = m_tree->proxy()->mapToSource(m_tree->view()->currentIndex());
            const QString node = current.data(ModelTreeModel::NodeNameRole).toString();
            if (!node.isEmpty()) return evaluateNode(node);
        }
        const NodeId node = m_canvas->selectedNode();
        if (!m_canvas->graph() || node == kNoNode) return m_statusLabel->setText(tr("Select a node in the graph or the tree to evaluate."));
        evaluateNode(graphNodeName(node));
    });
    addHelpMenu();
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("MainToolBar"));
    bar->setIconSize(QSize(20, 20));
    bar->addActions({open, reloadAction});
    bar->addSeparator();
    bar->addActions({fit, zoomIn, zoomOut});
    bar->addSeparator();
    bar->addActions({run, exportCheckpoint});
    bar->addSeparator();
    bar->addWidget(m_viewChooser);
    bar->addAction(m_rawAction);
    view->addAction(bar->toggleViewAction());
    updateRecentMenu();
    updateVersionMenu();
}

void MainWindow::openPath(const QString& path) {
    if (!confirmDiscardEdits()) return;
    m_loader.cancel();
    m_loadingPath = path;
    m_statusLabel->setText(tr("Opening %1…").arg(path));
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    const std::string p = path.toStdString();
    m_loader.setFuture(runJob<JobOutcome<Model>>([p](Progress& progress) {
        return JobOutcome<Model>::from(ModelLoader::load(p, &progress));
    }));
}

void MainWindow::reload() {
    if (m_model) openPath(QString::fromStdString(m_model->rootPath()));
}

bool MainWindow::isBusy() const {
    return m_loader.isRunning() || m_viewPending || m_canvas->isBusy() || m_tensor->statsBusy() || m_runner->isBusy() ||
           m_compareJob.isRunning() || m_compare->busy() || m_restore->busy();
}

void MainWindow::onLoaded() {
    m_progress->hide();
    m_cancel->hide();
    auto f = m_loader.future();
    if (f.isCanceled() || f.resultCount() == 0) {
        m_statusLabel->setText(tr("Opening cancelled."));
        return;
    }
    JobOutcome<Model> o = f.result();
    if (!o.status.ok()) {
        QString message = QString::fromStdString(o.status.message());
        if (!message.contains(m_loadingPath)) message = m_loadingPath + QStringLiteral(": ") + message;
        m_statusLabel->setText(tr("Could not open %1").arg(m_loadingPath));
        emit loadFailed(message);
        if (m_errorDialogs) QMessageBox::critical(this, tr("Cannot open model"), message);
        return;
    }
    setModel(o.value);
}

void MainWindow::setModel(std::shared_ptr<const Model> model) {
    // A reload (F5) of the same model keeps the signature chosen in the Run panel.
    QString keepSignature;
    if (m_model && model && m_model->rootPath() == model->rootPath() && !m_runner->signature().isEmpty() && !m_runnerDock->isHidden())
        keepSignature = QString::number(m_runner->metaGraph()) + QLatin1Char('/') + m_runner->signature();
    if (!m_model || !model || m_model->rootPath() != model->rootPath()) m_openFunctions.clear();
    m_model = std::move(model);
    const QString root = QString::fromStdString(m_model->rootPath());
    if (m_model->format() == ModelFormat::ServingBaseDir) {
        m_servingBase = root;
        m_versions = m_model->versions();
    } else if (!m_servingBase.isEmpty() && QFileInfo(root).absolutePath() != QFileInfo(m_servingBase).absoluteFilePath()) {
        m_servingBase.clear();
        m_versions.clear();
    }
    updateVersionMenu();
    addRecent(root);
    setWindowTitle(QStringLiteral("%1[*] — tfscope").arg(QFileInfo(root).fileName()));
    stopComparing();
    m_edit->setModel(m_model);
    m_tree->treeModel()->setModel(m_model);
    m_restore->setModel(m_model);
    m_properties->clearPanel();
    m_runner->setModel(m_model);
    if (!keepSignature.isEmpty()) m_runner->selectSignature(keepSignature);
    m_functionTrail.clear();
    {
        auto choice = chooseView(m_model->summary(), m_wantTagSet.toStdString(), m_wantSignature.toStdString());
        m_wantTagSet.clear();
        m_wantSignature.clear();
        m_choice = choice.ok() ? choice.value() : chooseView(m_model->summary(), {}, {}).value();
        if (!choice.ok()) {
            emit loadFailed(QString::fromStdString(choice.status().message()));
            if (m_errorDialogs) QMessageBox::warning(this, tr("Meta graph or signature"), QString::fromStdString(choice.status().message()));
        }
    }
    fillViewChooser();
    showChosenGraph();
    m_properties->showText(modelSummaryHtml(*m_model, m_choice));
    m_tabs->setCurrentWidget(m_model->metaGraphCount() > 0 ? static_cast<QWidget*>(m_canvas) : m_tensor);
    QString status = tr("%1 — %2").arg(root, QString::fromLatin1(modelFormatDisplayName(m_model->format())));
    if (!m_model->warnings().empty()) status += tr(" — %1").arg(countText(qint64(m_model->warnings().size()), tr("%1 warning"), tr("%1 warnings")));
    m_statusLabel->setText(status);
    emit modelLoaded();
}

void MainWindow::onTreeCurrent(const QModelIndex& source) {
    if (!source.isValid() || !m_model) return;
    const auto kind = ModelTreeModel::Kind(source.data(ModelTreeModel::KindRole).toInt());
    const QString key = source.data(ModelTreeModel::CheckpointKeyRole).toString();
    const QString node = source.data(ModelTreeModel::NodeNameRole).toString();
    // Something about every item, never the previous item's text; a node's own view replaces it below.
    m_properties->showText(treeItemHtml(source));
    if (kind == ModelTreeModel::Kind::Signature && m_canvas->graph()) {
        const QString sig = source.data(ModelTreeModel::SignatureRole).toString();
        const int mg = sig.section(QLatin1Char('/'), 0, 0).toInt();
        const std::string sigKey = sig.section(QLatin1Char('/'), 1).toStdString();
        if (mg >= 0 && mg < m_model->metaGraphCount() && (mg != m_choice.metaGraph || sigKey != m_choice.signature)) {
            // The signature's meta graph and dataflow on the canvas.
            m_choice.metaGraph = mg;
            m_choice.signature = sigKey;
            showChosenGraph();
        }
        highlightSignature(mg, sig.section(QLatin1Char('/'), 1));
    }
    const int compared = m_diff ? source.data(ModelTreeModel::CompareIndexRole).toInt() : -1;
    if (compared >= 0) showComparison(compared);
    else if (kind == ModelTreeModel::Kind::Variable && !key.isEmpty()) showTensor(key);
    if (kind == ModelTreeModel::Kind::AddedVariable && m_edit->showAdded(source.data(ModelTreeModel::EditNameRole).toString()))
        m_tabs->setCurrentWidget(m_tensor);
    if (!node.isEmpty() && m_canvas->graph()) {
        NodeId id = canvasNode(*m_canvas->graph(), node.toStdString());
        if (id != kNoNode) {
            m_canvas->highlightNodes({id});
            m_canvas->revealNode(id);  // a variable: its node, while its values stay in view
            if (kind != ModelTreeModel::Kind::Variable) m_tabs->setCurrentWidget(m_canvas);
            showNodeProperties(m_properties, m_model, m_choice, m_canvas, id);
        }
    }
    if (kind == ModelTreeModel::Kind::Function) {
        m_functionTrail.clear();  // picked from the library, not called from the graph shown
        openFunction(source.data(ModelTreeModel::FunctionRole).toString());
    }
    const QString asset = source.data(ModelTreeModel::AssetPathRole).toString();
    if (!asset.isEmpty()) openAsset(asset);
}

namespace {
// The graph tensors a signature input or output stands for (a sparse one: its components).
void addTensorNames(const TensorInfoSummary& t, std::vector<std::string>& out) {
    for (const std::string* n : {&t.name, &t.valuesTensor, &t.indicesTensor, &t.denseShapeTensor})
        if (!n->empty()) out.push_back(*n);
    for (const TensorInfoSummary& c : t.components) addTensorNames(c, out);
}
}  // namespace

void MainWindow::highlightSignature(int metaGraph, const QString& key) {
    if (!m_model || !m_canvas->graph() || metaGraph < 0 || metaGraph >= int(m_model->summary().metaGraphs.size())) return;
    // Nodes are looked up in the signature's own meta graph; the raw view marks them on the canvas
    // (the model view already shows just the signature's dataflow).
    const auto graph = m_model->graphIndex(metaGraph);
    if (!graph) return;
    for (const SignatureSummary& s : m_model->summary().metaGraphs[size_t(metaGraph)].signatures) {
        if (s.key != key.toStdString()) continue;
        // What a run executes: the outputs' inputs back to the fed inputs. With the Run panel on this
        // signature, the inputs it feeds (an empty optional one is computed by the graph instead).
        const bool inRunner = m_runner->metaGraph() == metaGraph && m_runner->signature() == key && !m_runner->editors().empty();
        std::vector<std::string> fetches, feeds;
        for (const auto& o : s.outputs) addTensorNames(o, fetches);
        for (const auto& in : s.inputs) {
            if (inRunner) {
                const InputEditor* e = m_runner->editor(QString::fromStdString(in.key));
                if (e && e->isOmitted()) continue;
            }
            addTensorNames(in, feeds);
        }
        const std::vector<NodeId> nodes = runSubgraph(*graph, fetches, feeds);
        if (m_rawView && m_canvas->graph() == graph) m_canvas->highlightNodes(nodes);
        m_statusLabel->setText(tr("Signature %1 runs %2 for its inputs")
                                   .arg(key, countText(qint64(nodes.size()), tr("%1 node"), tr("%1 nodes"))));
    }
}

bool MainWindow::showRunner(const QString& signature) {
    const QModelIndex current = m_tree->proxy()->mapToSource(m_tree->view()->currentIndex());
    // An empty request keeps the signature chosen in the panel (F5 reloads keep it too).
    QString spec = signature.isEmpty() ? current.data(ModelTreeModel::SignatureRole).toString() : signature;
    if (spec.isEmpty() && !m_runner->signature().isEmpty()) spec = QString::number(m_runner->metaGraph()) + QLatin1Char('/') + m_runner->signature();
    if (!m_runner->selectSignature(spec)) return false;
    m_runnerDock->show();  // in the Properties dock's place: the docks keep their sizes
    m_runnerDock->raise();
    return true;
}

void MainWindow::onNodeSelected(int node) {
    if (!m_model || !m_canvas->graph()) return;
    showNodeProperties(m_properties, m_model, m_choice, m_canvas, node);
}

void MainWindow::showTensor(const QString& key) {
    if (m_edit->showVariable(key)) return m_tabs->setCurrentWidget(m_tensor);  // current values, edits applied
    auto ckpt = m_model ? m_model->checkpoint() : nullptr;
    if (!ckpt) return m_tensor->showError(key, tr("The model has no checkpoint."));
    auto t = ckpt->read(key.toStdString(), /*verifyCrc=*/false);
    if (!t.ok()) m_tensor->showError(key, QString::fromStdString(t.status().message()));
    else m_tensor->setTensor(key, std::move(t).value());
    m_tabs->setCurrentWidget(m_tensor);
}

void MainWindow::openWeight(const QString& name) {
    if (!m_model) return;
    const std::string n = name.toStdString();
    const auto& vars = m_model->summary().variables;
    for (size_t v = 0; v < vars.size(); ++v)
        if (vars[v].graphNode == n || vars[v].name == n) {
            const QModelIndex i = m_tree->treeModel()->indexForVariable(int(v));
            if (!i.isValid()) break;
            m_tree->selectSource(i);  // as if picked in the tree: its values
            m_tabs->setCurrentWidget(m_tensor);
            return;
        }
    // A constant (or a variable the summary does not list): its value from the node.
    const ModelView* view = m_canvas->modelView();
    if (!view) return;
    for (const auto& rows : view->folded)
        for (const FoldedWeight& w : rows) {
            if (w.name != n || !w.def) continue;
            auto value = w.def->attr().find("value");
            if (value == w.def->attr().end() || !value->second.has_tensor()) {
                m_tensor->showError(name, tr("'%1' is a %2 node; its value is not in the graph.").arg(name, QString::fromStdString(w.def->op())));
            } else if (auto t = exec::tensorFromProto(value->second.tensor()); t.ok()) {
                m_tensor->setTensor(name, std::move(t).value());
            } else {
                m_tensor->showError(name, QString::fromStdString(t.status().message()));
            }
            m_tabs->setCurrentWidget(m_tensor);
            return;
        }
}

void MainWindow::onGroupSelected(int group) {
    const GroupTree* tree = m_canvas->layout().tree.get();
    if (!tree || group <= GroupTree::kRoot || group >= tree->groupCount()) return;
    const Group& g = tree->group(group);
    QString html = tr("<p><b>%1</b></p><p>%2 in this %3</p>")
                       .arg(QString::fromStdString(g.path).toHtmlEscaped(), countText(g.totalNodes, tr("%1 node"), tr("%1 nodes")),
                            g.series ? tr("series") : tr("group"));
    const std::vector<int> same = identicalGroups(*tree, group, m_canvas->modelView());
    if (!same.empty()) {
        QStringList ids;
        for (int s : same) ids << QString::number(s);
        html += tr("<p>identical layers: %1").arg(same.size());
        if (same.size() > 1) html += QStringLiteral(" \u2014 <a href=\"groups:%1\">%2</a>").arg(ids.join(QLatin1Char(',')), tr("select them"));
        html += tr("</p><p style='color:#888'>Same op types, wiring and weight shapes; names aside.</p>");
    }
    m_properties->showText(html);
}

void MainWindow::openCollapsedCall(int node) {
    const ModelView* view = m_canvas->modelView();
    if (!view || node < 0 || size_t(node) >= view->collapsed.size() || view->collapsed[size_t(node)] == CollapsedCall::None) return;
    const std::string callee = view->callee[size_t(node)];
    if (view->collapsed[size_t(node)] == CollapsedCall::Recursive) return openFunction(QString::fromStdString(callee));
    m_openFunctions.push_back(callee);
    showChosenGraph();
}

void MainWindow::revealNodeByName(const QString& name) {
    if (!m_canvas->graph()) return;
    NodeId id = canvasNode(*m_canvas->graph(), name.toStdString());
    if (id == kNoNode) return;
    m_tabs->setCurrentWidget(m_canvas);
    m_canvas->revealNode(id);
    if (m_model) showNodeProperties(m_properties, m_model, m_choice, m_canvas, id);
}

void MainWindow::openFunction(const QString& name) {
    auto main = m_model && m_choice.metaGraph < m_model->metaGraphCount() ? m_model->graphIndex(m_choice.metaGraph) : nullptr;
    if (!main) return;
    m_tabs->setCurrentWidget(m_canvas);
    if (name.isEmpty()) {
        m_functionTrail.clear();
        showChosenGraph();
        m_properties->clearPanel();
        return;
    }
    // A function already on the trail is a step back; any other is called from the graph shown,
    // so it resolves there first (a function body keeps its library), then in the main graph.
    const qsizetype onTrail = m_functionTrail.indexOf(name);
    auto from = onTrail < 0 && m_canvas->graph() ? m_canvas->graph() : main;
    auto body = from->functionBody(name.toStdString());
    if (!body.ok() && from != main) body = main->functionBody(name.toStdString());
    if (!body.ok()) {
        m_statusLabel->setText(QString::fromStdString(body.status().message()));
        return;
    }
    if (onTrail >= 0) m_functionTrail.resize(onTrail + 1);
    else m_functionTrail.append(name);
    m_canvas->setGraph(body.value());
    m_tabs->setTabText(0, tr("Graph: %1").arg(name));
    m_properties->showText(functionTrailHtml());
}

QString MainWindow::functionTrailHtml() const {
    // Main graph › f › g, each earlier step a link back to it.
    QString html = tr("<p>Function <b>%1</b></p><p>").arg(m_functionTrail.last().toHtmlEscaped());
    html += QStringLiteral("<a href=\"func:\">%1</a>").arg(tr("Main graph"));
    for (qsizetype i = 0; i < m_functionTrail.size(); ++i) {
        const QString escaped = m_functionTrail[i].toHtmlEscaped();
        html += QStringLiteral(" \u203a ");
        if (i + 1 == m_functionTrail.size()) html += QStringLiteral("<b>%1</b>").arg(escaped);
        else html += QStringLiteral("<a href=\"func:%1\">%2</a>").arg(QString::fromLatin1(QUrl::toPercentEncoding(m_functionTrail[i])), escaped);
    }
    return html + QStringLiteral("</p>");
}

void MainWindow::openAsset(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        m_asset->setPlainText(tr("Cannot read %1: %2").arg(path, f.errorString()));
    } else {
        QByteArray bytes = f.read(1 << 20);
        m_asset->setPlainText(QString::fromUtf8(bytes) + (f.atEnd() ? QString() : tr("\n… (first 1 MiB shown)")));
    }
    m_tabs->setCurrentWidget(m_asset);
}

bool MainWindow::selectItem(const QString& item) {
    if (m_model) {
        const std::string name = item.toStdString();
        const auto& vars = m_model->summary().variables;
        for (size_t v = 0; v < vars.size(); ++v)
            if (vars[v].name == name || vars[v].checkpointKey == name) {
                QModelIndex i = m_tree->treeModel()->indexForVariable(int(v));
                if (!i.isValid()) break;
                m_tree->selectSource(i);
                return true;
            }
    }
    if (m_canvas->graph() && canvasNode(*m_canvas->graph(), item.toStdString()) != kNoNode) {
        revealNodeByName(item);
        return true;
    }
    QModelIndex i = m_tree->findByName(item);
    if (!i.isValid()) return false;
    m_tree->selectSource(i);
    return true;
}

bool MainWindow::confirmDiscardEdits() {
    if (!m_errorDialogs || !m_edit->hasUnsavedEdits()) return true;
    QMessageBox box(QMessageBox::Question, tr("Unsaved edits"),
                    tr("The variables of %1 have edits that are not saved as an edit script.")
                        .arg(m_model ? QFileInfo(QString::fromStdString(m_model->rootPath())).fileName() : QString()),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setInformativeText(tr("Save them as an edit script (tfscope export --script replays it)?"));
    box.button(QMessageBox::Save)->setText(tr("Save Edit Script…"));
    box.setDefaultButton(QMessageBox::Save);
    switch (box.exec()) {
    case QMessageBox::Save: return m_edit->saveScriptDialog();
    case QMessageBox::Discard: return true;
    default: return false;
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!confirmDiscardEdits()) return event->ignore();
    saveLayout();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.front().isLocalFile()) openPath(urls.front().toLocalFile());
}

// The canvas's meta graph, signature and view kind.

void MainWindow::requestView(const QString& tagSet, const QString& signature) {
    m_wantTagSet = tagSet;
    m_wantSignature = signature;
    if (!m_model) return;
    auto choice = chooseView(m_model->summary(), tagSet.toStdString(), signature.toStdString());
    m_wantTagSet.clear();
    m_wantSignature.clear();
    if (!choice.ok()) {
        m_statusLabel->setText(QString::fromStdString(choice.status().message()));
        return;
    }
    m_choice = choice.value();
    showChosenGraph();
}

void MainWindow::setRawView(bool raw, bool remember) {
    if (remember) QSettings().setValue(QStringLiteral("canvas/rawView"), raw);
    if (raw == m_rawView) return;
    m_rawView = raw;
    if (m_rawAction && m_rawAction->isChecked() != raw) {
        QSignalBlocker block(m_rawAction);
        m_rawAction->setChecked(raw);
    }
    if (m_model) showChosenGraph();
}

void MainWindow::fillViewChooser() {
    m_viewChooser->clear();
    m_viewChooserMenu->clear();
    if (!m_model) return;
    const auto& mgs = m_model->summary().metaGraphs;
    auto add = [this](int mg, const QString& text, const std::string& sig) {
        m_viewChooser->addItem(text, QStringList{QString::number(mg), QString::fromStdString(sig)});
        QAction* a = m_viewChooserMenu->addAction(text);
        connect(a, &QAction::triggered, this, [this, mg, sig] {
            m_choice.metaGraph = mg;
            m_choice.signature = sig;
            showChosenGraph();
        });
    };
    for (size_t mg = 0; mg < mgs.size(); ++mg) {
        const QString tags = QString::fromStdString(tagSetText(mgs[mg]));
        const QString label = tags.isEmpty() ? tr("meta graph %1").arg(mg) : tags;
        for (const auto& sig : mgs[mg].signatures) add(int(mg), QStringLiteral("%1 \u203a %2").arg(label, QString::fromStdString(sig.key)), sig.key);
        add(int(mg), tr("%1 \u203a whole graph").arg(label), std::string());
    }
    m_viewChooser->setEnabled(m_viewChooser->count() > 1);
}

void MainWindow::showChosenGraph() {
    m_functionTrail.clear();
    m_tabs->setTabText(0, tr("Graph"));
    if (!m_model || m_choice.metaGraph >= m_model->metaGraphCount()) {
        ++m_viewGeneration;
        m_viewPending = false;
        m_canvas->setGraph(nullptr);
        return;
    }
    for (int i = 0; i < m_viewChooser->count(); ++i) {
        const QStringList v = m_viewChooser->itemData(i).toStringList();
        if (v.size() == 2 && v[0].toInt() == m_choice.metaGraph && v[1].toStdString() == m_choice.signature)
            m_viewChooser->setCurrentIndex(i);
    }
    auto raw = m_model->graphIndex(m_choice.metaGraph);
    if (m_rawView || !raw) {
        ++m_viewGeneration;  // a model view still being built is not wanted any more
        m_viewPending = false;
        m_canvas->setGraph(raw);
        return;
    }
    ModelViewOptions options = modelViewOptions(m_model->summary(), m_choice);
    options.openFunctions = m_openFunctions;
    const quint64 generation = ++m_viewGeneration;
    if (raw->nodeCount() <= kAsyncViewNodes) {
        m_viewPending = false;
        auto view = buildModelView(*raw, options);
        if (!view.ok()) m_canvas->setGraph(raw);  // nothing to show in the model view: the raw graph
        else m_canvas->setGraph(view.value()->index, view.value());
        return;
    }
    // A big graph: built on the thread pool (about a second per 100k nodes), the window stays live;
    // the newest request wins.
    m_viewPending = true;
    m_viewBuilder.setFuture(runJob<JobOutcome<ModelView>>([raw, options = std::move(options)](Progress&) {
        return JobOutcome<ModelView>::from(buildModelView(*raw, options));
    }));
    auto* watcher = &m_viewBuilder;
    QObject::disconnect(watcher, &QFutureWatcherBase::finished, this, nullptr);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, raw, generation, watcher] {
        if (generation != m_viewGeneration || watcher->future().resultCount() == 0) return;
        const JobOutcome<ModelView> o = watcher->future().result();
        m_viewPending = false;
        if (!o.status.ok() || !o.value) m_canvas->setGraph(raw);
        else m_canvas->setGraph(o.value->index, o.value);
    });
}

QJsonObject MainWindow::viewJson() const {
    QJsonObject j = tfscope::viewJson(m_canvas->layout(), m_canvas->modelView());
    j[QStringLiteral("view")] = m_canvas->modelView() ? QStringLiteral("model") : QStringLiteral("raw");
    j[QStringLiteral("meta_graph")] = m_choice.metaGraph;
    QJsonArray tags;
    if (m_model && size_t(m_choice.metaGraph) < m_model->summary().metaGraphs.size())
        for (const auto& t : m_model->summary().metaGraphs[size_t(m_choice.metaGraph)].tags) tags.append(QString::fromStdString(t));
    j[QStringLiteral("tags")] = tags;
    j[QStringLiteral("signature")] = QString::fromStdString(m_choice.signature);
    return j;
}

}  // namespace tfscope
