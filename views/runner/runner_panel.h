#pragma once
// RunnerPanel: runs one SignatureDef of the open model. A form generated from the signature (one
// InputEditor per input: literal, .npy file or tf.Example rows), Run in the background with a busy
// bar, Cancel and the elapsed time, then the outputs (double-click opens one in the tensor viewer,
// "Save outputs as .npy"). The last inputs are remembered per model path + signature (QSettings).
// Inputs the graph computes itself (TFMA's features and labels) are optional and listed after the
// required ones; left empty, they are not fed, as in `tfscope run`.
//
//   auto* runner = new RunnerPanel(dock);
//   runner->setModel(model);                       // drops the previous session
//   runner->setSignature(0, QStringLiteral("serving_default"));  // opens a Session off-thread
//
// The Session is opened (restore + init) the first time a signature of a meta graph is shown and
// kept until the model changes; it is shared with the run job, so closing the panel mid-run is safe
// (the destructor cancels and waits). All execution goes through model/exec (as `tfscope run`).
//
// A meta graph without signatures (a frozen GraphDef, a bare .meta beside its checkpoint, a
// SavedModel exported without them) is offered as "Feeds and fetches": one InputEditor per
// Placeholder, keyed by tensor name (a PlaceholderWithDefault pre-filled with its default and
// optional), and an editable fetch list (one tensor name a line, prefilled with exec::graphSinks);
// Run runs them as `tfscope run --fetches` (exec::runFetches).
//
// "Keep intermediate tensors" makes a Run keep every value the graph computes (exec::TensorKeeper)
// up to keptTensorsLimit() (run_memory.h); afterwards lastValues() has them, so the window shows a
// node's value in Properties and Evaluate opens it without running again (while the inputs are
// unchanged). What did not fit under the cap is counted in keptText().
//
// With an edit session (setEditSession), Run takes the current value edits: they are written into
// the session's variables before the run (model/exec/session_variables.h) and the panel says
// "Run with N edited variable(s)". "Run with original values" runs without them; the outputs
// table then shows both, side by side, while both runs had the same inputs.

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QTimer>
#include <QVariantMap>
#include <QWidget>

#include <map>
#include <memory>
#include <vector>

#include "model/tensor.h"
#include "views/util/job.h"

class QCheckBox;
class QComboBox;
class QPlainTextEdit;
class QLabel;
class QProgressBar;
class QPushButton;
class QToolButton;
class QTreeWidget;
class QVBoxLayout;

namespace tfscope {

class EditSession;
class Model;
class InputEditor;
namespace exec { class Session; }

// What the panel keeps of an opened session (shared with jobs).
struct RunnerSession;
using RunOutputs = std::map<std::string, Tensor>;
struct RunnerResult;

class RunnerPanel : public QWidget {
    Q_OBJECT
public:
    explicit RunnerPanel(QWidget* parent = nullptr);
    ~RunnerPanel() override;

    void setModel(std::shared_ptr<const Model> model);
    // Shows the form of `key` in meta graph `metaGraph` (opens the session first if needed).
    // Returns false if the model has no such signature.
    // `key` "" picks "Feeds and fetches" (only for a meta graph without signatures).
    bool setSignature(int metaGraph, const QString& key);
    bool isFetchMode() const { return m_fetchMode; }
    // SPEC is "metaGraph/key", "key" (first meta graph that has it) or "" (the first signature
    // other than __saved_model_init_op, preferring serving_default).
    bool selectSignature(const QString& spec);
    QString signature() const { return m_key; }
    int metaGraph() const { return m_metaGraph; }

    // Opening the session or running.
    bool isBusy() const { return m_opening || m_running; }
    bool isRunning() const { return m_running; }
    // The form is built (the session is open) and every input is valid.
    bool canRun() const;
    const std::vector<InputEditor*>& editors() const { return m_editors; }
    InputEditor* editor(const QString& key) const;
    // Shows or hides the optional inputs (those the graph computes); null when there are none.
    // They start hidden unless one of them has a remembered value.
    QToolButton* optionalToggle() const { return m_optionalToggle; }

    // Runs take the value edits of `edits` (not owned; null: none). Its model must be this one's.
    void setEditSession(EditSession* edits);
    // Value edits the next Run writes into the session (0 without an edit session).
    int editedCount() const;

    void run();
    // Runs with the values the model has on disk, for comparison with run().
    void runOriginal();
    void cancel();
    // Evaluate (views/runner/runner_evaluate.cpp): runs the graph up to node `node` with the current
    // inputs (the open signature's, or the placeholder editors' in "Feeds and fetches") in the
    // background and opens its first output with tensorActivated; evaluated() tells how it went.
    // With no form shown yet, the default signature (or "Feeds and fetches") is opened first. A
    // value kept by the last run with the same inputs opens at once, without running.
    void evaluate(const QString& node);
    // The last value of each output of `node` ("node:k" -> value) from an Evaluate, a kept run or
    // a fetch; empty if none. lastError(): why the last Evaluate of `node` failed ("" if it did not).
    std::vector<std::pair<std::string, Tensor>> lastValues(const QString& node) const;
    QString lastError(const QString& node) const;
    // "Kept 12 intermediate tensors (4 KiB)" after a run that kept them, with what did not fit.
    QString keptText() const;
    // Last run: outputs by key (empty after an error), and the error or status text shown.
    const RunOutputs& outputs() const { return m_outputs; }
    // Outputs of the last "Run with original values" (empty if none since the model was set).
    const RunOutputs& originalOutputs() const { return m_originalOutputs; }
    QString errorText() const { return m_error; }
    QString statusText() const;
    // Writes every output as DIR/<key>.npy; returns the error message or "".
    QString saveOutputs(const QString& dir) const;

    QPushButton* runButton() const { return m_run; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* runOriginalButton() const { return m_runOriginal; }
    // "Run with 1 edited variable: a" (hidden without edits).
    QLabel* editsLabel() const { return m_editsLabel; }
    QTreeWidget* outputList() const { return m_outputList; }
    QCheckBox* keepIntermediatesBox() const { return m_keep; }
    // The fetch list of "Feeds and fetches" (null otherwise).
    QPlainTextEdit* fetchEdit() const { return m_fetchEdit; }

signals:
    // The form for the current signature is ready (or failed: errorText()).
    void formReady();
    void runFinished();
    // The user opened output `name`.
    void tensorActivated(const QString& name, const Tensor& tensor);
    // An Evaluate finished: `error` is empty on success; `summary` is "shape dtype" of each output.
    void evaluated(const QString& node, const QString& error, const QString& summary);
    // lastValues() / lastError() changed.
    void valuesChanged();

private:
    std::shared_ptr<exec::Session> currentSession() const;  // null until a session is open
    void openSession();
    void onSessionOpened();
    void buildForm();
    void buildFetchForm();
    // The fetch list's tensor names, or why it is not valid.
    Result<std::vector<std::string>> fetches() const;
    void rememberValues(const std::vector<std::pair<std::string, Tensor>>& values);
    void runPendingEvaluate();
    void clearForm();
    void updateRunEnabled();
    void onRunFinished();
    void startRun(bool original);
    void updateEdits();
    void showOutputs();
    QVariantMap inputsState() const;
    void setError(const QString& message);
    void tick();
    void saveInputs() const;
    void restoreInputs();
    QString settingsKey() const;

    std::shared_ptr<const Model> m_model;
    std::shared_ptr<RunnerSession> m_session;  // for m_sessionGraph
    int m_sessionGraph = -1;
    int m_metaGraph = -1;
    QString m_key;

    QComboBox* m_signatureBox;
    QLabel* m_title;
    QWidget* m_form;
    QVBoxLayout* m_formLayout;
    std::vector<InputEditor*> m_editors;
    QToolButton* m_optionalToggle = nullptr;
    QPushButton* m_run;
    QPushButton* m_runOriginal;
    QLabel* m_editsLabel;
    EditSession* m_edits = nullptr;  // Not owned.
    QPushButton* m_cancel;
    QPushButton* m_save;
    QProgressBar* m_busy;
    QLabel* m_status;
    QLabel* m_errorLabel;
    QTreeWidget* m_outputList;
    QCheckBox* m_keep;
    QLabel* m_keptLabel;
    bool m_fetchMode = false;
    QWidget* m_fetchBox = nullptr;  // the fetch list and its message, in the form
    QPlainTextEdit* m_fetchEdit = nullptr;
    QLabel* m_fetchMessage = nullptr;
    // Last values by tensor name, the inputsState() of the run that kept them, errors by node.
    std::map<std::string, Tensor> m_values;
    QVariantMap m_keptInputs;
    bool m_keptValid = false;
    QString m_keptText;
    std::map<QString, QString> m_errors;
    QString m_pendingEvaluate;

    QFutureWatcher<JobOutcome<RunnerSession>> m_opener;
    QFutureWatcher<JobOutcome<RunnerResult>> m_runner;
    std::shared_ptr<RunnerSession> m_runningSession;
    QElapsedTimer m_clock;
    QTimer m_ticker;
    RunOutputs m_outputs;
    RunOutputs m_originalOutputs;
    QVariantMap m_outputsInputs, m_originalInputs;  // inputsState() of each run, to pair them
    bool m_runningOriginal = false;
    QString m_error;
    qint64 m_lastMs = -1;
    bool m_cancelRequested = false;
    bool m_running = false;  // from run() until onRunFinished (the watcher's state lags)
    bool m_opening = false;
    bool m_populating = false;
};

}  // namespace tfscope
