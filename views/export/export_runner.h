#pragma once
// ExportRunner: runs exportEdits (model/export/exporter.h) on the Qt thread pool with progress and
// cancel (docs/architecture.md#background-jobs). The EditSet is a snapshot, so the GUI may keep
// editing while it runs. The exporter refuses an output that is, or lies inside, the opened model.
//
//   runner->start(session->snapshot(), ExportFormat::Checkpoint, QStringLiteral("/out/model.ckpt"));
//   connect(runner, &ExportRunner::finished, this, [](bool ok, const QString& message) { ... });
//
// Thread: GUI only (the job itself runs elsewhere). The destructor cancels and waits.

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>

#include "model/edit/edit_set.h"
#include "model/export/exporter.h"
#include "views/util/job.h"

namespace tfscope {

class ExportRunner : public QObject {
    Q_OBJECT
public:
    explicit ExportRunner(QObject* parent = nullptr);
    ~ExportRunner() override;

    // Starts an export; false (and nothing started) when one is running or `set` is null.
    bool start(std::shared_ptr<const EditSet> set, ExportFormat format, const QString& out, bool writeStateFile = false);
    bool isRunning() const { return m_watcher.isRunning(); }
    void cancel() { m_watcher.cancel(); }
    // The report of the last successful export.
    const ExportReport& lastReport() const { return m_report; }

signals:
    void progress(int permille);
    // ok: message is a summary ("Exported 2 tensors to '/out/model.ckpt'."); else the error, or
    // "Export cancelled.".
    void finished(bool ok, const QString& message);

private:
    void onFinished();

    QFutureWatcher<JobOutcome<ExportReport>> m_watcher;
    ExportReport m_report;
};

}  // namespace tfscope
