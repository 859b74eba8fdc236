// RunnerPanel::evaluate: Evaluate on a graph node (the canvas's and the tree's context menus, the
// window's Signature > Evaluate Selected Node, Ctrl+E) runs the graph up to that node with the
// runner's current inputs and shows the value in the tensor viewer; a value kept by the last run
// (Keep intermediate tensors) with the same inputs opens without running.
#include <QFutureWatcher>
#include <QPlainTextEdit>

#include "model/exec/fetch_run.h"
#include "model/exec/session.h"
#include "views/runner/input_editor.h"
#include "views/runner/runner_panel.h"
#include "views/util/job.h"

namespace tfscope {

namespace {
using Evaluated = std::vector<std::pair<std::string, Tensor>>;

QString summaryOf(const Evaluated& values) {
    QStringList parts;
    for (const auto& [tensor, value] : values)
        parts << QStringLiteral("%1: %2 %3").arg(QString::fromStdString(tensor), QString::fromStdString(shapeToString(value.shape())), QString::fromUtf8(dtypeShortName(value.dtype())));
    return parts.join(QStringLiteral("; "));
}
}  // namespace

void RunnerPanel::runPendingEvaluate() {
    if (m_pendingEvaluate.isEmpty()) return;
    const QString node = m_pendingEvaluate;
    m_pendingEvaluate.clear();
    evaluate(node);
}

void RunnerPanel::evaluate(const QString& node) {
    auto session = currentSession();
    if (!session && m_model && (m_opening || m_metaGraph < 0)) {
        // Nothing chosen yet: the default signature (or Feeds and fetches), then this Evaluate.
        m_pendingEvaluate = node;
        if (!m_opening && !selectSignature({})) {
            m_pendingEvaluate.clear();
            emit evaluated(node, tr("The model has no graph to run."), {});
        }
        return;
    }
    if (!session || m_sessionGraph != m_metaGraph) {
        emit evaluated(node, errorText().isEmpty() ? tr("No session is open: open the Run panel on a meta graph first.") : errorText(), {});
        return;
    }
    std::map<std::string, Tensor> inputs;
    for (const InputEditor* e : m_editors) {
        if (e->isOmitted()) continue;
        if (!e->isValid()) {
            // Feeds and fetches: an empty placeholder is not fed (the run names it if the node needs it).
            if (m_fetchMode) continue;
            const QString message = tr("Input '%1': %2").arg(QString::fromStdString(e->key()), e->validationText());
            m_errors[node] = message;
            emit valuesChanged();
            emit evaluated(node, message, {});
            return;
        }
        inputs[e->key()] = e->value().value();
    }
    if (m_keptValid && m_keptInputs == inputsState()) {
        const Evaluated kept = lastValues(node);
        if (!kept.empty()) {
            emit tensorActivated(QString::fromStdString(kept.front().first), kept.front().second);
            emit evaluated(node, {}, summaryOf(kept) + tr(" (kept by the last run)"));
            return;
        }
    }
    const std::string key = m_fetchMode ? std::string() : m_key.toStdString(), name = node.toStdString();
    const exec::RunTicket ticket = session->runTicket();
    auto* watcher = new QFutureWatcher<JobOutcome<Evaluated>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, node, session] {
        watcher->deleteLater();
        if (session != currentSession()) return emit evaluated(node, tr("The model was closed."), {});
        auto f = watcher->future();
        if (f.isCanceled() || f.resultCount() == 0) return emit evaluated(node, tr("Cancelled."), {});
        const JobOutcome<Evaluated> o = f.result();
        if (!o.status.ok()) {
            const QString message = QString::fromStdString(o.status.message());
            m_errors[node] = message;
            emit valuesChanged();
            return emit evaluated(node, message, {});
        }
        m_errors.erase(node);
        rememberValues(*o.value);
        emit valuesChanged();
        if (!o.value->empty()) emit tensorActivated(QString::fromStdString(o.value->front().first), o.value->front().second);
        emit evaluated(node, {}, summaryOf(*o.value));
    });
    watcher->setFuture(runJob<JobOutcome<Evaluated>>([session, key, inputs, name, ticket](Progress&) {
        return JobOutcome<Evaluated>::from(exec::evaluateNode(*session, key, inputs, name, &ticket));
    }));
}

}  // namespace tfscope
