// The first argument of `tfscope` on a machine without a display (SSH, a container, CI): a mistyped
// subcommand gets "unknown command" with a suggestion (exit 2), a missing path the loader's error
// (exit 1), the window without a display a message naming the subcommands and --screenshot (exit 2,
// never an abort), while --screenshot and --version work. Every run uses a cleaned environment
// (PATH and a scratch HOME only) in an empty scratch folder.
#include <QtTest>

#include "cli_process.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#ifdef TFSCOPE_WITH_GUI
#include <QImage>
#include <QSet>
#endif

using namespace Qt::StringLiterals;

using Run = CliRun;

class TestCliHeadless : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;  // the working folder (empty but for what a test makes) and HOME
    QString m_subcommands;  // "show, ckpt, ...", as `tfscope --help` lists them

    Run runTfscope(const QStringList& args, const QStringList& extraEnv = {}) {
        QProcessEnvironment env;
        env.insert(u"PATH"_s, u"/usr/bin:/bin"_s);
        env.insert(u"HOME"_s, m_dir.path());
        for (const char* keep : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})  // the sanitizer build's settings
            if (qEnvironmentVariableIsSet(keep)) env.insert(QString::fromLatin1(keep), qEnvironmentVariable(keep));
        for (const QString& kv : extraEnv) env.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
        QProcess p;
        p.setProcessEnvironment(env);
        p.setWorkingDirectory(m_dir.path());
        return ::runTfscope(args, 120000, &p);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const Run help = runTfscope({u"--help"_s});
        QCOMPARE(help.exitCode, 0);
        const QString text = QString::fromUtf8(help.out);
        const qsizetype start = text.indexOf(u"\nSubcommands:\n"_s);
        QVERIFY2(start >= 0, help.out.constData());
        QStringList names;
        for (const QString& line : text.mid(start + 14).split(u'\n')) {
            if (line.trimmed().isEmpty()) break;
            names << line.trimmed().section(u' ', 0, 0);
        }
        QVERIFY2(names.size() >= 6 && names.front() == u"show"_s, qPrintable(names.join(u' ')));
        m_subcommands = names.join(u", "_s);
    }

    void testUnknownCommand_data() {
        QTest::addColumn<QString>("word");
        QTest::addColumn<QString>("firstLine");
        QTest::addRow("transposed") << u"shwo"_s << u"tfscope: unknown command 'shwo'; did you mean 'show'?\n"_s;
        QTest::addRow("letter missing") << u"verions"_s << u"tfscope: unknown command 'verions'; did you mean 'versions'?\n"_s;
        QTest::addRow("two letters swapped") << u"exprot"_s << u"tfscope: unknown command 'exprot'; did you mean 'export'?\n"_s;
        QTest::addRow("one substituted") << u"chkpt"_s << u"tfscope: unknown command 'chkpt'; did you mean 'ckpt'?\n"_s;
        QTest::addRow("prefix") << u"ver"_s << u"tfscope: unknown command 'ver'; did you mean 'versions'?\n"_s;
        QTest::addRow("nothing close") << u"foo"_s << u"tfscope: unknown command 'foo'\n"_s;
        QTest::addRow("nothing close, long") << u"inspect"_s << u"tfscope: unknown command 'inspect'\n"_s;
    }
    void testUnknownCommand() {
        QFETCH(QString, word);
        QFETCH(QString, firstLine);
        const Run r = runTfscope({word, u"some/model"_s});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(QString::fromUtf8(r.err), firstLine + u"Subcommands: "_s + m_subcommands +
                                                u" (tfscope --help); or give a model file or folder to open it in the window.\n"_s);
        QVERIFY(r.out.isEmpty());
    }

    void testMissingPath_data() {
        QTest::addColumn<QString>("path");
        QTest::addRow("absolute") << u"/no/such/path"_s;
        QTest::addRow("relative with a slash") << u"models/half_plus_two"_s;
        QTest::addRow("file name with a dot") << u"frozen.pb"_s;
        QTest::addRow("before an option") << u"./nothing"_s;
    }
    void testMissingPath() {
        QFETCH(QString, path);
        const Run r = runTfscope({path, u"--select"_s, u"x"_s});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(QString::fromUtf8(r.err), u"tfscope: No such file or folder '"_s + path + u"'.\n"_s);
    }

    // An existing folder whose name is a plain word is a path for the window, not an unknown command.
    void testExistingWordIsAPath() {
        QVERIFY(QDir(m_dir.path()).mkpath(u"mymodel"_s));
        const Run r = runTfscope({u"mymodel"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(!r.err.contains("unknown command"), r.err.constData());
#ifdef TFSCOPE_WITH_GUI
        QVERIFY2(r.err.startsWith("tfscope: cannot open the window: no display"), r.err.constData());
#else
        QVERIFY2(r.err.startsWith("tfscope: built without the GUI"), r.err.constData());
#endif
    }

    void testVersion() {
        const Run r = runTfscope({u"--version"_s});
        QCOMPARE(r.exitCode, 0);
        const QRegularExpression re(u"^tfscope (\\d+\\.\\d+\\.\\d+)( \\(git [0-9a-z.-]+\\))?\\n$"_s);
        const auto m = re.match(QString::fromUtf8(r.out));
        QVERIFY2(m.hasMatch(), r.out.constData());
        QCOMPARE(m.captured(1), QStringLiteral(TFSCOPE_PROJECT_VERSION));
        // Built from a git checkout: the revision is there.
        if (QFileInfo::exists(QStringLiteral(TFSCOPE_SOURCE_DIR "/.git"))) QVERIFY2(!m.captured(2).isEmpty(), r.out.constData());
    }

    void testHelpForASubcommand() {
        const Run r = runTfscope({u"help"_s, u"versions"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("Usage: tfscope versions [OPTIONS] path"), r.out.constData());
    }

#ifdef TFSCOPE_WITH_GUI
    void testNoDisplay_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("env");
        QTest::addColumn<QString>("firstLine");
        const QString none = u"tfscope: cannot open the window: no display (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"_s;
        const QString demo = u"" TFSCOPE_SOURCE_DIR "/resources/demo"_s;
        QTest::addRow("no arguments") << QStringList{} << QStringList{} << none;
        QTest::addRow("a model") << QStringList{demo} << QStringList{} << none;
        QTest::addRow("xcb chosen") << QStringList{demo} << QStringList{u"QT_QPA_PLATFORM=xcb"_s}
            << u"tfscope: cannot open the window: no display (the Qt platform 'xcb' needs DISPLAY, which is not set).\n"_s;
        QTest::addRow("wayland or xcb") << QStringList{} << QStringList{u"QT_QPA_PLATFORM=wayland;xcb"_s}
            << u"tfscope: cannot open the window: no display (the Qt platform 'wayland;xcb' needs DISPLAY or WAYLAND_DISPLAY, which is not set).\n"_s;
        // DISPLAY names a server that is not there: Qt's platform plugin fails; no abort.
        QTest::addRow("unreachable display") << QStringList{} << QStringList{u"DISPLAY=:4242"_s}
            << u"tfscope: cannot open the window: Qt could not start its display connection (see above).\n"_s;
    }
    void testNoDisplay() {
        QFETCH(QStringList, args);
        QFETCH(QStringList, env);
        QFETCH(QString, firstLine);
        const Run r = runTfscope(args, env);
        QCOMPARE(r.exitCode, 2);
        const QString err = QString::fromUtf8(r.err);
        const QString hint = u"Use a subcommand ("_s + m_subcommands +
                             u"; tfscope --help), or render the window to an image with\n  tfscope [PATH] --screenshot FILE.png\n"_s;
        // Qt's own warnings (e.g. "qt.qpa.xcb: could not connect to display :4242") may come first.
        QVERIFY2(err.endsWith(firstLine + hint), qPrintable(err));
        if (env.isEmpty() || !env.front().startsWith(u"DISPLAY"_s)) QVERIFY2(err.startsWith(firstLine), qPrintable(err));
    }

    // --screenshot needs no display: with no PATH it renders the demo found beside the build's
    // binary (build/share/tfscope/demo, as <prefix>/share/tfscope/demo when installed).
    void testScreenshotWithoutDisplay() {
        const QString png = m_dir.filePath(u"demo.png"_s);
        const Run r = runTfscope({u"--screenshot"_s, png});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY2(image.width() >= 800 && image.height() >= 500, qPrintable(u"%1x%2"_s.arg(image.width()).arg(image.height())));
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 4)
            for (int x = 0; x < image.width(); x += 4) colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 50, qPrintable(u"only %1 colours"_s.arg(colours.size())));
    }
#else
    void testNoGui() {
        const Run r = runTfscope({});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(QString::fromUtf8(r.err), u"tfscope: built without the GUI; use a subcommand ("_s + m_subcommands + u"; tfscope --help).\n"_s);
    }
#endif
};

QTEST_GUILESS_MAIN(TestCliHeadless)
#include "tst_cli_headless.moc"
