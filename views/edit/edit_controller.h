#pragma once
// EditController: the window's variable editing: the Edit menu actions (undo/redo, select by
// scope/regex, trainable only, without optimizer slots, rename, value edits, .npy, delete, add,
// save edit script), File > Export (checkpoint / SavedModel, in the background with progress and
// Cancel), the tree's export checkboxes and the editable tensor table. All changes go through
// EditSession (one QUndoStack entry each); no file formats here.
//
//   m_edit = new EditController(this, m_tree, m_tensor);
//   m_edit->addEditActions(editMenu); m_edit->addExportActions(fileMenu);
//   m_edit->setModel(model);  ...  m_edit->showVariable(checkpointKey);
//
// Thread: GUI only.

#include <QKeySequence>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>

#include "model/edit/edit_op.h"
#include "model/export/exporter.h"
#include "model/status.h"

class QAction;
class QMenu;
class QProgressDialog;
class QWidget;

namespace tfscope {

class EditSession;
class ExportRunner;
struct EditItem;
class Model;
class TensorViewer;
class TreePanel;

class EditController : public QObject {
    Q_OBJECT
public:
    // Not owned; `window` is the parent of dialogs; all must outlive this.
    EditController(QWidget* window, TreePanel* tree, TensorViewer* viewer);
    ~EditController() override;

    EditSession* session() const { return m_session; }
    ExportRunner* exporter() const { return m_runner; }
    void addEditActions(QMenu* edit);
    // Returns Export Checkpoint… (for a toolbar).
    QAction* addExportActions(QMenu* file);
    // Message boxes for refusals and export results (default), or only the signals (tests).
    void setDialogs(bool on) { m_dialogs = on; }

    void setModel(std::shared_ptr<const Model> model);
    // Shows the current value of the variable stored under checkpoint key `key` (its current name,
    // edits applied). False when there is no edit session for the model.
    bool showVariable(const QString& key);
    // Shows the variable the edits added under the current name `name`; false if there is none.
    bool showAdded(const QString& name);
    // Current name of the variable in the tensor viewer, "" if none.
    QString currentVariable() const { return m_current; }

    // One undoable edit; a refusal is reported (dialog or message) and returned.
    Status apply(EditOp op);
    // Starts a background export of the selected variables; false if one is already running or
    // there is nothing to export. Result: exportFinished.
    bool startExport(ExportFormat format, const QString& out);
    Status saveScript(const QString& path);
    // Asks for a file and saves the edit script there; false when cancelled or refused.
    bool saveScriptDialog();
    // The Edit menu's dialogs, for context menus: rename the variable shown; export (file dialog).
    void renameCurrentDialog() { renameDialog(); }
    void exportSelectedDialog(ExportFormat format) { exportDialog(format); }
    // True when edits were made since the model was opened, the script was last saved or the
    // edits were last exported.
    bool hasUnsavedEdits() const;
    // The edits are exported (nothing is lost) but not saved as an edit script.
    bool exportedWithoutScript() const;
    // Edit > Redo's keys: Ctrl+Shift+Z and the platform's Redo keys, each once.
    static QList<QKeySequence> redoShortcuts();

signals:
    // Status-bar text: refusals, "Renamed …", export results.
    void message(const QString& text);
    void exportFinished(bool ok, const QString& message);
    // Edits pending (not saved as a script) or not any more.
    void unsavedEditsChanged(bool pending);

private:
    void onChanged();
    void onCellEdit(qint64 flat, double value);
    void onExportFinished(bool ok, const QString& text);
    void run(EditOp op) { (void)apply(std::move(op)); }  // the refusal is already reported
    void report(const Status& s);
    bool needCurrent();
    void selectDialog();
    void renameDialog();
    void renameRegexDialog();
    void valueDialog(EditKind kind);
    void fromNpyDialog();
    void castDialog();
    void addVariableDialog();
    void exportDialog(ExportFormat format);
    void updateActions();
    const EditItem* addedItem(int rank) const;  // the rank-th added variable, nullptr if none

    QWidget* m_window;        // Not owned.
    TreePanel* m_tree;        // Not owned.
    TensorViewer* m_viewer;   // Not owned.
    EditSession* m_session;
    ExportRunner* m_runner;
    QPointer<QProgressDialog> m_progress;
    std::shared_ptr<const Model> m_model;
    QString m_current;        // current name of the variable shown
    std::string m_currentKey; // its checkpoint key, "" for an added variable
    int m_currentAdded = -1;  // for an added variable: its rank among the added ones
    bool m_dialogs = true;
    int m_exportingIndex = -1;            // undo-stack index of the export running
    int m_exportedIndex = -1;             // undo-stack index at the last successful export
    std::vector<QAction*> m_needSet;      // enabled when the model has variables
    std::vector<QAction*> m_needCurrent;  // enabled when a variable is shown
};

}  // namespace tfscope
