#pragma once
// Points QSettings at a temporary folder for one test suite, so the suites neither read the
// developer's settings nor leave any behind.
//
//   void initTestCase() { QVERIFY(useTemporarySettings(m_settingsDir, "tst_foo")); }
#include <QCoreApplication>
#include <QSettings>
#include <QTemporaryDir>

inline bool useTemporarySettings(const QTemporaryDir& dir, const char* suite) {
    if (!dir.isValid()) return false;
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
    // Qt's own file dialog keeps its history in QSettings(UserScope, "QtProject") in the native
    // format: without this every suite shared ~/.config/QtProject.conf, read and rewritten by
    // suites running in parallel.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("tfscope-test"));
    QCoreApplication::setApplicationName(QString::fromLatin1(suite));
    return true;
}
