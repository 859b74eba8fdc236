// Screenshots of the main window, made the way a person checks the app headless: the built tfscope
// binary with `--screenshot` renders the demo model, InceptionV3 with the group around a selected
// node expanded, and a tensor view, to PNGs under the build folder (tests/screenshots/, kept for
// looking at). Each must be a whole window with real content, not a blank or a half-laid-out one.
#include <QDir>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QTest>

#include "offscreen_screen.h"
#include "shared_models.h"

namespace {

// Distinct colours in a grid of samples: the three windows have 280-480; a window with only its
// menus, toolbar and empty panes has far fewer.
int colourVariety(const QImage& img) {
    QSet<QRgb> colours;
    for (int y = 0; y < img.height(); y += 7)
        for (int x = 0; x < img.width(); x += 7) colours.insert(img.pixel(x, y));
    return int(colours.size());
}

}  // namespace

class TestScreenshots : public QObject {
    Q_OBJECT
private slots:
    void testWindowScreenshots_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<bool>("sharedModel");
        QTest::addRow("demo") << QStringList() << false;
        QTest::addRow("inceptionv3-expanded")
            << QStringList{QStringLiteral("--select"), QStringLiteral("module/InceptionV3/InceptionV3/Conv2d_1a_3x3/Conv2D"),
                           QStringLiteral(TFSCOPE_SHARED_MODELS "/tfnet_graph_meta/InceptionV3.meta")}
            << true;
        QTest::addRow("tensor-view") << QStringList{QStringLiteral("--select"), QStringLiteral("v2"), QStringLiteral(TFSCOPE_TEST_DATA "/tutorial")}
                                     << false;
    }

    void testWindowScreenshots() {
        QFETCH(QStringList, args);
        QFETCH(bool, sharedModel);
        if (sharedModel) TFSCOPE_REQUIRE_SHARED_MODELS();
        const QString dir = QDir::current().absoluteFilePath(QStringLiteral("screenshots"));
        QVERIFY(QDir().mkpath(dir));
        const QString png = dir + QLatin1Char('/') + QString::fromLatin1(QTest::currentDataTag()) + QStringLiteral(".png");
        QFile::remove(png);
        QProcess app;
        QTemporaryDir screenDir;  // a 1600×1000 screen: the window opens at its full first size, 1400×860
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), offscreenPlatform(screenDir, 1600, 1000));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), screenDir.path());  // its settings (recent files) not the user's
        app.setProcessEnvironment(env);
        app.start(QStringLiteral(TFSCOPE_BIN), QStringList{QStringLiteral("--screenshot"), png} + args);
        QVERIFY(app.waitForFinished(120000));
        QVERIFY2(app.exitStatus() == QProcess::NormalExit && app.exitCode() == 0, app.readAllStandardError().constData());
        const QImage img(png);
        QVERIFY2(!img.isNull(), qPrintable(png));
        QVERIFY(img.width() >= 1000 && img.height() >= 600);
        QVERIFY2(colourVariety(img) > 150, qPrintable(QStringLiteral("%1 has %2 colours").arg(png).arg(colourVariety(img))));
        qInfo("%s: %d colours", qPrintable(png), colourVariety(img));
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
