// runGui: the window. `tfscope [PATH]` opens PATH (or the built-in demo model);
// `tfscope --screenshot FILE.png [--select ITEM] [PATH]` waits until loading and layout are done,
// renders the window to FILE.png and exits (works with QT_QPA_PLATFORM=offscreen). `--run SIGNATURE`
// shows the Run panel for it and runs it first when its (remembered or zero-filled) inputs are valid.
// `--view-json FILE.json` (with --screenshot) also writes what the canvas shows (docs/cli-json.md);
// `--tag_set T --signature_def K` choose the meta graph and signature, `--raw` the raw graph view.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScreen>
#include <QTimer>

#include <cstdio>

#include "views/runner/runner_panel.h"
#include "views/window/main_window.h"

namespace {

// The demo SavedModel, found relative to the executable: <prefix>/bin/tfscope uses
// <prefix>/share/tfscope/demo; in the build tree build/app/tfscope finds the copy the build puts
// in build/share/tfscope/demo (app/CMakeLists.txt).
QString demoModelPath() {
    return QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../share/tfscope/demo"));
}

// Polls until the window is idle, optionally selects an item (and waits again), then saves.
class ScreenshotDriver : public QObject {
public:
    ScreenshotDriver(tfscope::MainWindow* w, QString file, QString select, QString run, QString json)
        : m_window(w), m_file(std::move(file)), m_select(std::move(select)), m_run(std::move(run)), m_json(std::move(json)) {
        connect(&m_timer, &QTimer::timeout, this, [this] { tick(); });
        QObject::connect(w, &tfscope::MainWindow::loadFailed, this, [](const QString& m) {
            std::fprintf(stderr, "tfscope: %s\n", m.toUtf8().constData());
            QCoreApplication::exit(1);
        });
        m_clock.start();
        m_timer.start(50);
    }

private:
    void tick() {
        if (m_clock.elapsed() > 300000) {
            std::fprintf(stderr, "tfscope: timed out waiting for the window.\n");
            QCoreApplication::exit(1);
            return;
        }
        if (!m_window->model() || m_window->isBusy()) { m_idleTicks = 0; return; }
        if (++m_idleTicks < 3) return;  // let queued signals settle
        if (!m_select.isEmpty()) {
            if (!m_window->selectItem(m_select)) std::fprintf(stderr, "tfscope: no item '%s'.\n", m_select.toUtf8().constData());
            m_select.clear();
            m_idleTicks = 0;
            return;
        }
        if (!m_run.isEmpty()) {
            if (m_runStage++ == 0) {
                if (!m_window->showRunner(m_run)) std::fprintf(stderr, "tfscope: no signature '%s'.\n", m_run.toUtf8().constData());
            } else {
                if (m_window->runner()->canRun()) m_window->runner()->run();
                m_run.clear();
            }
            m_idleTicks = 0;
            return;
        }
        m_timer.stop();
        bool ok = m_window->grab().save(m_file, "PNG");
        if (!ok) std::fprintf(stderr, "tfscope: could not write '%s'.\n", m_file.toUtf8().constData());
        if (ok && !m_json.isEmpty()) ok = writeJson();
        QCoreApplication::exit(ok ? 0 : 1);
    }

    // Written to a temporary name, then renamed over FILE.
    bool writeJson() {
        const QString tmp = m_json + QStringLiteral(".tmp");
        QFile f(tmp);
        const QByteArray bytes = QJsonDocument(m_window->viewJson()).toJson(QJsonDocument::Indented);
        bool ok = f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
        f.close();
        if (ok) {
            QFile::remove(m_json);
            ok = QFile::rename(tmp, m_json);
        }
        if (!ok) {
            QFile::remove(tmp);
            std::fprintf(stderr, "tfscope: could not write '%s'.\n", m_json.toUtf8().constData());
        }
        return ok;
    }

    tfscope::MainWindow* m_window;
    QString m_file;
    QString m_select;
    QString m_run;
    QString m_json;
    int m_runStage = 0;
    QTimer m_timer;
    QElapsedTimer m_clock;
    int m_idleTicks = 0;
};

}  // namespace

int runGui(int argc, char** argv) {
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("tfscope"));
    QCoreApplication::setApplicationName(QStringLiteral("tfscope"));
#ifdef TFSCOPE_APP_ID
    QGuiApplication::setDesktopFileName(QStringLiteral(TFSCOPE_APP_ID));  // Wayland's app id: the installed .desktop
#endif
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Browse TensorFlow SavedModels, checkpoints and GraphDefs."));
    parser.addHelpOption();
    QCommandLineOption shot(QStringLiteral("screenshot"), QStringLiteral("Render the window to FILE.png and exit."), QStringLiteral("FILE"));
    QCommandLineOption select(QStringLiteral("select"), QStringLiteral("Select ITEM (node, variable, tree item) first."), QStringLiteral("ITEM"));
    parser.addOption(shot);
    QCommandLineOption run(QStringLiteral("run"), QStringLiteral("Show the Run panel for SIGNATURE and run it (with --screenshot)."), QStringLiteral("SIGNATURE"));
    parser.addOption(select);
    parser.addOption(run);
    QCommandLineOption viewJson(QStringLiteral("view-json"), QStringLiteral("With --screenshot: also write what the canvas shows to FILE.json."), QStringLiteral("FILE"));
    QCommandLineOption tagSet(QStringLiteral("tag_set"), QStringLiteral("Show the meta graph with these tags (comma-separated)."), QStringLiteral("TAGS"));
    QCommandLineOption signatureDef(QStringLiteral("signature_def"), QStringLiteral("Show this signature's dataflow."), QStringLiteral("KEY"));
    QCommandLineOption rawView(QStringLiteral("raw"), QStringLiteral("Show the raw graph (all nodes) instead of the model view."));
    parser.addOption(viewJson);
    parser.addOption(tagSet);
    parser.addOption(signatureDef);
    parser.addOption(rawView);
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Model folder or file (default: the demo model)."));
    parser.process(app);
    const QStringList args = parser.positionalArguments();
    const QString path = args.isEmpty() ? demoModelPath() : args.front();

    tfscope::MainWindow window;
    std::unique_ptr<ScreenshotDriver> driver;
    if (!parser.isSet(shot)) window.restoreLayout();  // a screenshot shows the default layout
    if (parser.isSet(shot)) {
        // Headless, the offscreen platform's unconfigured screen is a nominal 800x800: render at the
        // window's usual first size rather than at 90% of that. A real or configured screen is kept.
        const QScreen* screen = QGuiApplication::primaryScreen();
        if (QGuiApplication::platformName() == QLatin1String("offscreen") && screen &&
            screen->geometry() == QRect(0, 0, 800, 800))
            window.setFirstSize(QSize(1400, 860));
        window.setErrorDialogs(false);
        driver = std::make_unique<ScreenshotDriver>(&window, parser.value(shot), parser.value(select), parser.value(run),
                                                    parser.value(viewJson));
    }
    if (parser.isSet(viewJson) && !parser.isSet(shot)) {
        std::fprintf(stderr, "tfscope: --view-json needs --screenshot.\n");
        return 2;
    }
    // A screenshot shows the model view unless --raw asks otherwise; neither is remembered.
    if (parser.isSet(rawView) || parser.isSet(shot)) window.setRawView(parser.isSet(rawView), /*remember=*/false);
    if (parser.isSet(tagSet) || parser.isSet(signatureDef)) window.requestView(parser.value(tagSet), parser.value(signatureDef));
    window.show();
    window.openPath(path);
    return app.exec();
}
