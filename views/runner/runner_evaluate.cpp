// RunnerPanel::evaluate: Evaluate on a graph node (the window's Graph > Evaluate, Ctrl+E) runs the
// graph up to that node with the runner's current inputs and shows the value in the tensor viewer.
#include <QFutureWatcher>

#include "model/exec/fetch_run.h"
#include "model/exec/session.h"
#include "views/runner/input_editor.h"
#include "views/runner/runner_panel.h"
#include "views/util/job.h"

namespace tfscope {

namespace {
using Evaluated = std::vector<std::pair<std::string, Tensor>>;
}

void RunnerPanel::evaluate(const QString& node) {
    auto session = currentSession();
    if (!session) {
        emit evaluated(node, tr("No session is open: open the Run panel on a meta graph first."), {});
        return;
    }
    std::map<std::string, Tensor> inputs;
    for (const InputEditor* e : m_editors) {
        if (e->isOmitted()) continue;
        if (!e->isValid()) {
            emit evaluated(node, tr("Input '%1': %2").arg(QString::fromStdString(e->key()), e->validationText()), {});
            return;
        }
        inputs[e->key()] = e->value().value();
    }
    const std::string key = m_key.toStdString(), name = node.toStdString();
    const exec::RunTicket ticket = session->runTicket();
    auto* watcher = new QFutureWatcher<JobOutcome<Evaluated>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, node] {
        watcher->deleteLater();
        auto f = watcher->future();
        if (f.isCanceled() || f.resultCount() == 0) return emit evaluated(node, tr("Cancelled."), {});
        const JobOutcome<Evaluated> o = f.result();
        if (!o.status.ok()) return emit evaluated(node, QString::fromStdString(o.status.message()), {});
        QStringList parts;
        for (const auto& [tensor, value] : *o.value)
            parts << QStringLiteral("%1: %2 %3").arg(QString::fromStdString(tensor), QString::fromStdString(shapeToString(value.shape())),
                                                     QString::fromUtf8(dtypeShortName(value.dtype())));
        if (!o.value->empty()) emit tensorActivated(QString::fromStdString(o.value->front().first), o.value->front().second);
        emit evaluated(node, {}, parts.join(QStringLiteral("; ")));
    });
    watcher->setFuture(runJob<JobOutcome<Evaluated>>([session, key, inputs, name, ticket](Progress&) {
        return JobOutcome<Evaluated>::from(exec::evaluateNode(*session, key, inputs, name, &ticket));
    }));
}

}  // namespace tfscope
