#include "views/export/export_runner.h"

#include <QDir>

namespace tfscope {

ExportRunner::ExportRunner(QObject* parent) : QObject(parent) {
    connect(&m_watcher, &QFutureWatcherBase::progressValueChanged, this, &ExportRunner::progress);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &ExportRunner::onFinished);
}

ExportRunner::~ExportRunner() {
    m_watcher.cancel();
    m_watcher.waitForFinished();
}

bool ExportRunner::start(std::shared_ptr<const EditSet> set, ExportFormat format, const QString& out, bool writeStateFile) {
    if (!set || m_watcher.isRunning()) return false;
    const std::string path = QDir::cleanPath(QDir::fromNativeSeparators(out)).toStdString();
    m_watcher.setFuture(runJob<JobOutcome<ExportReport>>([set, format, path, writeStateFile](Progress& p) {
        ExportOptions o;
        o.format = format;
        o.out = path;
        o.writeStateFile = writeStateFile;
        o.progress = &p;
        return JobOutcome<ExportReport>::from(exportEdits(*set, o));
    }));
    return true;
}

void ExportRunner::onFinished() {
    auto f = m_watcher.future();
    if (f.isCanceled() || f.resultCount() == 0) {
        emit finished(false, tr("Export cancelled."));
        return;
    }
    JobOutcome<ExportReport> o = f.result();
    if (!o.status.ok()) {
        emit finished(false, QString::fromStdString(o.status.message()));
        return;
    }
    m_report = *o.value;
    emit finished(true, tr("Exported %1 tensors to '%2'.").arg(m_report.tensors).arg(QString::fromStdString(m_report.out)));
}

}  // namespace tfscope
