#pragma once
// MainWindow: tfscope's window: the model tree (left), the graph canvas and the tensor viewer
// (centre tabs), the properties panel (right). Opening runs ModelLoader off the GUI thread with a
// progress bar and Cancel; on error a dialog names the file and the problem and the previous
// model stays open. app/gui/gui_main.cpp creates it (and drives --screenshot).

#include <QFutureWatcher>
#include <QMainWindow>
#include <QStringList>

#include <memory>

#include "model/diff/model_diff.h"
#include "model/graph/graph_index.h"
#include "model/graph/model_view.h"
#include "model/graph/view_choice.h"
#include "model/loader/model.h"
#include "views/util/job.h"

class QComboBox;
class QDockWidget;
class QJsonObject;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
class QToolButton;
class QPlainTextEdit;

namespace tfscope {

class CompareViewer;
class EditController;
class GraphCanvas;
class PropertiesPanel;
class RestoreCheckPanel;
class RunnerPanel;
class TensorViewer;
class TreePanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Both ask first when edits are pending (Save edit script / Discard / Cancel) and do nothing on Cancel.
    void openPath(const QString& path);
    void reload();
    // With edits pending and dialogs on: asks to save the edit script, discard the edits, or cancel.
    // True when it is fine to drop the edits (saved, discarded, none pending, or dialogs off).
    bool confirmDiscardEdits();
    std::shared_ptr<const Model> model() const { return m_model; }
    // Loading, laying out or computing statistics.
    bool isBusy() const;
    // Error dialogs on (default) or only the loadFailed signal (tests, --screenshot).
    void setErrorDialogs(bool on);
    // Selects ITEM: a graph node name, a variable / checkpoint tensor, or a tree item name.
    bool selectItem(const QString& item);

    // The canvas's meta graph and signature (tag set "serve,gpu" or "" = the first meta graph;
    // signature "" = serving_default or the first), applied to the next model opened or, with a
    // model open, now. `raw` sets the raw graph view instead of the model view (remembered).
    void requestView(const QString& tagSet, const QString& signature);
    void setRawView(bool raw, bool remember = true);
    bool rawView() const { return m_rawView; }
    // Meta graph, signature and view kind shown, and what the canvas shows (docs/cli-json.md).
    QJsonObject viewJson() const;
    GraphCanvas* canvas() const { return m_canvas; }
    TreePanel* treePanel() const { return m_tree; }
    TensorViewer* tensorViewer() const { return m_tensor; }
    PropertiesPanel* properties() const { return m_properties; }
    EditController* editController() const { return m_edit; }
    RunnerPanel* runner() const { return m_runner; }
    // The status line's text.
    QString statusText() const;
    // Shows the Run dock for SIGNATURE ("key" or "metaGraph/key"; "" = the selected one, else the
    // one already chosen in the panel, else the first).
    bool showRunner(const QString& signature = {});
    QDockWidget* runnerDock() const { return m_runnerDock; }
    QDockWidget* treeDock() const { return m_treeDock; }
    QDockWidget* propertiesDock() const { return m_propertiesDock; }

    // main_window_compare.cpp: File > Compare With… : loads the model at PATH (anything tfscope
    // opens) and compares the open model (A) with it (B) by diffModels, in the background; the
    // tree then marks each variable and selecting one shows both tensors and their difference in
    // the Compare tab. compareFinished("") when the marks are shown, else with the error.
    void compareWith(const QString& path);
    void stopComparing();
    std::shared_ptr<const ModelDiff> comparison() const { return m_diff; }
    std::shared_ptr<const Model> comparedModel() const { return m_other; }
    CompareViewer* compareViewer() const { return m_compare; }
    RestoreCheckPanel* restoreCheck() const { return m_restore; }
    QDockWidget* restoreCheckDock() const { return m_restoreDock; }

    // Window geometry, dock layout and the tree's column widths, in QSettings ("window/…"):
    // saved on close, restored by restoreLayout() (the app calls it; --screenshot does not, so
    // screenshots do not depend on the user's layout). Before that, and when nothing is saved, the
    // window has its first size: 1400×860, or 90% of the screen's available area if smaller.
    void saveLayout() const;
    void restoreLayout();
    void fitToScreen();
    // The default layout at SIZE, whatever the screen (--screenshot renders at one size everywhere).
    void setFirstSize(QSize size);
    // Text of Help > About (version, Qt version, license).
    static QString aboutText();

signals:
    void modelLoaded();
    void loadFailed(const QString& message);
    void compareFinished(const QString& error);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    QAction* createEditActions(QMenu* file, QMenu* edit);  // returns Export Checkpoint… for the toolbar
    void onLoaded();
    void setModel(std::shared_ptr<const Model> model);
    void onTreeCurrent(const QModelIndex& source);
    void onNodeSelected(int node);
    void showTensor(const QString& key);
    // main_window_compare.cpp
    void addCompareActions(QMenu* file);
    void onCompared();
    void showComparison(int variableDiff);
    QString compareLabel(const Model& m, const Model& other) const;
    void revealNodeByName(const QString& name);

public:
    // A folded weight's row was clicked on the model view (GraphCanvas::weightActivated): a
    // variable is selected in the Model tree, which shows its values; a constant's value is shown.
    void openWeight(const QString& name);
    // A call the model view left collapsed (canvas node `node`): a large body is inlined in
    // place (the view is rebuilt with it open); a recursive one opens the function's graph.
    void openCollapsedCall(int node);
    // Properties of a canvas group: its path, node count and "identical layers: N" (groups of the
    // same structure, identical_groups.h) with a link selecting them on the canvas.
    void onGroupSelected(int group);

private:
    // main_window_context.cpp: the tree's context menu (caller owns it) and double click.
public:
    QMenu* treeMenu(const QModelIndex& source);
    // The graph canvas's context menus (caller owns them).
    QMenu* nodeMenu(NodeId node);
    QMenu* groupMenu(int group);
    // Evaluate: runs the graph up to node `name` of the shown meta graph with the Run panel's inputs
    // and opens the value in the tensor viewer (a variable's handle: its read). Errors go to the
    // status line and the node's Properties, naming the node.
    void evaluateNode(const QString& name);
    // The graph node name of canvas node `id` (a model-view side group's copy: the node's own name).
    QString graphNodeName(NodeId id) const;

private:
    void onTreeActivated(const QModelIndex& source);
    // Highlights the nodes a run of the signature executes for the inputs it is given.
    void highlightSignature(int metaGraph, const QString& key);
    void openAsset(const QString& path);
    // Shows library function `name` as the canvas graph ("" = back to the main graph) and the trail
    // of functions opened from call nodes (main graph › f › g) as links back.
    void openFunction(const QString& name);
    QString functionTrailHtml() const;
    void addRecent(const QString& path);
    void updateRecentMenu();
    void updateVersionMenu();
    void exportGraph(bool svg);
    // main_window_layout.cpp: View menu's panels, Help menu, file dialogs that remember the folder.
    void addPanelActions(QMenu* view);
    void addHelpMenu();
    void openFileDialog();
    void openFolderDialog();
    void findDialog();
    // Model view or raw graph of m_choice on the canvas; the chooser follows.
    void showChosenGraph();
    void fillViewChooser();

    TreePanel* m_tree;
    GraphCanvas* m_canvas;
    TensorViewer* m_tensor;
    QPlainTextEdit* m_asset;
    PropertiesPanel* m_properties;
    EditController* m_edit;
    RunnerPanel* m_runner;
    QDockWidget* m_runnerDock;
    QDockWidget* m_treeDock;
    QDockWidget* m_propertiesDock;
    QTabWidget* m_tabs;
    QProgressBar* m_progress;
    QToolButton* m_cancel;
    QLabel* m_statusLabel;
    QMenu* m_recentMenu;
    QMenu* m_versionMenu;

    std::shared_ptr<const Model> m_model;
    ViewChoice m_choice;
    QString m_wantTagSet;
    QString m_wantSignature;
    bool m_rawView = false;
    QComboBox* m_viewChooser = nullptr;
    QMenu* m_viewChooserMenu = nullptr;
    QAction* m_rawAction = nullptr;
    QString m_loadingPath;
    std::vector<std::string> m_openFunctions;  // large function bodies the user opened in the model view
    QStringList m_functionTrail;             // functions opened from the main graph down, shown last
    QString m_servingBase;                   // base folder whose versions the menu lists
    std::vector<ServingVersion> m_versions;
    QFutureWatcher<JobOutcome<Model>> m_loader;
    struct Compared {
        std::shared_ptr<const Model> other;
        ModelDiff diff;
    };
    QFutureWatcher<JobOutcome<Compared>> m_compareJob;
    QString m_comparePath;
    std::shared_ptr<const Model> m_other;
    std::shared_ptr<const ModelDiff> m_diff;
    CompareViewer* m_compare = nullptr;
    QAction* m_stopCompare = nullptr;
    RestoreCheckPanel* m_restore = nullptr;
    QDockWidget* m_restoreDock = nullptr;
    // The model view of a big graph (over kAsyncViewNodes nodes) is built on the thread pool.
    static constexpr int kAsyncViewNodes = 20000;
    QFutureWatcher<JobOutcome<ModelView>> m_viewBuilder;
    quint64 m_viewGeneration = 0;
    bool m_viewPending = false;  // until the built view is on the canvas
    bool m_errorDialogs = true;
};

}  // namespace tfscope
