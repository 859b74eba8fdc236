#pragma once
// Where a file dialog starts. Each kind of dialog ("export", "edit-script", "npy", ...) remembers the
// folder the user last chose with it (QSettings "dialogs/<kind>"); before the first choice it starts
// in the folder the last model was opened from, else where Qt's file dialog starts by itself.
//
//   const QString path = QFileDialog::getSaveFileName(w, title, dialogStart("export", "model.ckpt"));
//   if (!path.isEmpty()) rememberDialogChoice("export", path);

#include <QString>

namespace tfscope {

// The folder to start in, joined with fileName when one is given (a suggested name).
QString dialogStart(const QString& kind, const QString& fileName = {});
// Remembers the folder of a chosen file, or the chosen folder itself (isFolder).
void rememberDialogChoice(const QString& kind, const QString& chosen, bool isFolder = false);

}  // namespace tfscope
