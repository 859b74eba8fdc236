#pragma once
// Runs the built tfscope binary (TFSCOPE_BIN) for the CLI suites and collects what it did.
//
//   const CliRun r = runTfscope({u"show"_s, path, u"--json"_s});
//   QCOMPARE(r.exitCode, 0);
//
// exitCode is -1 when the process did not finish within timeoutMs (it is killed) and -2 when it
// crashed. PROCESS, when given, is started as configured (environment, working directory).
#include <QByteArray>
#include <QProcess>
#include <QStringList>

struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline CliRun runTfscope(const QStringList& args, int timeoutMs = 300000, QProcess* process = nullptr) {
    QProcess own;
    QProcess& p = process ? *process : own;
    p.start(QStringLiteral(TFSCOPE_BIN), args);
    CliRun r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}
