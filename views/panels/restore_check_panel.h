#pragma once
// RestoreCheckPanel: the "Restore check" dock: would a checkpoint restore into a model's graph, as
// TensorFlow restores it (checkRestore, model/lint/restore_check.h, what `tfscope lint` prints)?
// Three checks: the open model's own variables into its own graph (on open), a chosen checkpoint
// into the open model (File > Check Restore of Checkpoint…), and the open model's variables into
// a chosen model's graph (File > Check Restore Into Model…). Each finding lists its key, the
// problem and the suggested rename; what renames cannot fix (shape or dtype mismatches, variables
// with no candidate) is said so. When the checked checkpoint is the open model's own variables,
// "Apply suggested renames" pushes the renames as one undoable step of rename edits (the same
// edits Edit > Rename makes), ready for File > Export. Checks run off the GUI thread.

#include <QFutureWatcher>
#include <QWidget>

#include <functional>
#include <memory>

#include "model/lint/restore_check.h"
#include "views/util/job.h"

class QLabel;
class QPushButton;
class QTreeWidget;

namespace tfscope {

class EditController;
class Model;

// One restore check: the report and which files it is about.
struct RestoreCheckRun {
    RestoreCheck check;
    QString modelPath;                   // the graph restored into
    QString checkpointPath;              // the checkpoint restored
    bool checkpointIsOpenModel = false;  // the renames apply to the open model's variables
};

class RestoreCheckPanel : public QWidget {
    Q_OBJECT
public:
    enum Column { ColKey,
                  ColProblem,
                  ColFix,
                  ColumnCount };

    // `edit` (not owned, outlives this) receives the renames.
    explicit RestoreCheckPanel(EditController* edit, QWidget* parent = nullptr);
    ~RestoreCheckPanel() override;

    // Clears the report and checks the model's own variables into its own graph (when it has both).
    void setModel(std::shared_ptr<const Model> model);
    // The checkpoint at `path` (anything tfscope opens) restored into the open model's graph.
    void checkCheckpoint(const QString& path);
    // The open model's variables restored into the graph of the model at `path`.
    void checkInto(const QString& path);
    // File dialogs for the two checks.
    void checkCheckpointDialog();
    void checkIntoDialog();
    bool busy() const { return m_watcher.isRunning(); }
    // The newest report (nullptr before one, or after an error: errorText()).
    const RestoreCheckRun* report() const { return m_report.get(); }
    QString errorText() const { return m_error; }
    bool canApply() const;
    // Pushes the suggested renames as one undo step; returns how many edits were applied.
    int applySuggestedRenames();
    QTreeWidget* findings() const { return m_findings; }
    QString summaryText() const;
    QPushButton* applyButton() const { return m_apply; }

signals:
    // A check finished (report() or errorText()).
    void checked();

private:
    void start(const QString& what, std::function<Result<RestoreCheckRun>(Progress&)> fn);
    void onFinished();
    void fill();

    EditController* m_edit;  // Not owned.
    std::shared_ptr<const Model> m_model;
    QLabel* m_title;
    QTreeWidget* m_findings;
    QLabel* m_summary;
    QPushButton* m_apply;
    std::shared_ptr<const RestoreCheckRun> m_report;
    QString m_error;
    bool m_applied = false;
    QFutureWatcher<JobOutcome<RestoreCheckRun>> m_watcher;
};

}  // namespace tfscope
