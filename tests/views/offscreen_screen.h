#pragma once
// A QT_QPA_PLATFORM value for a child process with one offscreen screen of the given size (the
// offscreen plugin's default is 800×600, where the window's first size is 720×540):
//
//   QTemporaryDir dir;
//   env.insert("QT_QPA_PLATFORM", offscreenPlatform(dir, 1600, 1000));
#include <QFile>
#include <QString>
#include <QTemporaryDir>

inline QString offscreenPlatform(const QTemporaryDir& dir, int width, int height) {
    const QString path = dir.filePath(QStringLiteral("offscreen-screen.json"));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(QStringLiteral(R"({"screens": [{"name": "test", "x": 0, "y": 0, "width": %1, "height": %2, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})")
                    .arg(width)
                    .arg(height)
                    .toUtf8());
    return QStringLiteral("offscreen:configfile=") + path;
}
