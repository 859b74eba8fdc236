// MainWindow: what makes it a desktop window: geometry and dock layout kept across sessions, the
// first size fitted to the screen, the View menu's panel toggles, Help > About, and file dialogs
// that start in the last folder used with filters for model files.
#include <QAction>
#include <QApplication>
#include <QDesktopServices>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QTreeView>
#include <QUrl>

#include <algorithm>

#include "views/tree/tree_panel.h"
#include "views/window/main_window.h"

#ifndef TFSCOPE_PROJECT_VERSION
#define TFSCOPE_PROJECT_VERSION "unknown"
#endif

namespace tfscope {
namespace {
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kTreeHeaderKey = QStringLiteral("window/treeHeader");
const QString kLastFolderKey = QStringLiteral("window/lastFolder");
constexpr int kLayoutVersion = 1;  // bump when the docks change so an old saved state is ignored
const char kLicense[] = "not declared yet: the source tree has no LICENSE file";

// The documentation folder: installed (<prefix>/share/doc/tfscope) or the source tree's docs/
// (build/app/tfscope); "" when neither is there.
QString docsFolder() {
    const QString exe = QCoreApplication::applicationDirPath();
    for (const QString& c : QStringList{exe + QStringLiteral("/../share/doc/tfscope"), exe + QStringLiteral("/../../docs")})
        if (QFileInfo(c).isDir()) return QFileInfo(c).canonicalFilePath();
    return {};
}

QString lastFolder() { return QSettings().value(kLastFolderKey).toString(); }

void rememberFolderOf(const QString& path, bool isFolder) {
    QFileInfo info(path);
    QSettings().setValue(kLastFolderKey, isFolder ? info.absolutePath() : info.absoluteDir().absolutePath());
}
}  // namespace

void MainWindow::saveLayout() const {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState(kLayoutVersion));
    settings.setValue(kTreeHeaderKey, m_tree->view()->header()->saveState());
}

void MainWindow::fitToScreen() {
    const QScreen* screen = QApplication::primaryScreen();
    const QRect avail = screen ? screen->availableGeometry() : QRect(0, 0, 1400, 860);
    const QSize size(std::min(1400, avail.width() * 9 / 10), std::min(860, avail.height() * 9 / 10));
    setFirstSize(size);
    move(avail.center() - QPoint(size.width() / 2, size.height() / 2));
}

void MainWindow::setFirstSize(QSize size) {
    resize(size);
    // The docks' share of the width leaves the graph the larger part.
    resizeDocks({m_treeDock, m_propertiesDock}, {size.width() * 28 / 100, size.width() * 21 / 100}, Qt::Horizontal);
}

void MainWindow::restoreLayout() {
    QSettings settings;
    const QByteArray geometry = settings.value(kGeometryKey).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry)) fitToScreen();
    const QByteArray state = settings.value(kStateKey).toByteArray();
    if (!state.isEmpty()) restoreState(state, kLayoutVersion);
    const QByteArray header = settings.value(kTreeHeaderKey).toByteArray();
    if (!header.isEmpty()) m_tree->view()->header()->restoreState(header);
}

QString MainWindow::statusText() const { return m_statusLabel->text(); }

void MainWindow::addPanelActions(QMenu* view) {
    view->addSeparator();
    for (QDockWidget* dock : {m_treeDock, m_propertiesDock, m_runnerDock, m_restoreDock}) {
        QAction* a = dock->toggleViewAction();
        a->setText(tr("%1 Panel").arg(dock->windowTitle()));
        view->addAction(a);
    }
}

QString MainWindow::aboutText() {
    QString version = QCoreApplication::applicationVersion();
    if (version.isEmpty()) version = QStringLiteral(TFSCOPE_PROJECT_VERSION);
    QString text = tr("<h3>tfscope %1</h3>"
                      "<p>Browse, run and edit TensorFlow SavedModels, checkpoints and graphs, without TensorFlow.</p>"
                      "<p>Qt %2 (built with %3)<br>License: %4</p>")
                       .arg(version.toHtmlEscaped(), QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR), tr(kLicense));
    const QString docs = docsFolder();
    if (!docs.isEmpty()) text += tr("<p><a href=\"%1\">Documentation</a></p>").arg(QUrl::fromLocalFile(docs).toString());
    return text;
}

void MainWindow::addHelpMenu() {
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* docs = help->addAction(tr("&Documentation"));
    docs->setEnabled(!docsFolder().isEmpty());
    connect(docs, &QAction::triggered, this, [] { QDesktopServices::openUrl(QUrl::fromLocalFile(docsFolder())); });
    help->addSeparator();
    QAction* about = help->addAction(tr("&About tfscope"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, [this] { QMessageBox::about(this, tr("About tfscope"), aboutText()); });
    QAction* aboutQt = help->addAction(tr("About &Qt"));
    aboutQt->setMenuRole(QAction::AboutQtRole);
    connect(aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::openFileDialog() {
    const QString filters = tr(
        "Model files (saved_model.pb saved_model.pbtxt *.index *.meta *.pb *.pbtxt *.ckpt checkpoint);;"
        "SavedModel (saved_model.pb saved_model.pbtxt);;Checkpoint index (*.index);;"
        "MetaGraph (*.meta);;GraphDef (*.pb *.pbtxt);;All files (*)");
    const QString p = QFileDialog::getOpenFileName(this, tr("Open model file"), lastFolder(), filters);
    if (p.isEmpty()) return;
    rememberFolderOf(p, false);
    openPath(p);
}

void MainWindow::openFolderDialog() {
    const QString p = QFileDialog::getExistingDirectory(this, tr("Open SavedModel, TF Serving or checkpoint folder"), lastFolder());
    if (p.isEmpty()) return;
    rememberFolderOf(p, true);
    openPath(p);
}

}  // namespace tfscope
