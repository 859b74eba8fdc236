#include "views/util/dialog_folder.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace tfscope {

namespace {
// The window keeps the folder of the last opened model under this key (main_window_layout.cpp).
const QString kLastModelFolderKey = QStringLiteral("window/lastFolder");

QString key(const QString& kind) { return QStringLiteral("dialogs/") + kind; }
}  // namespace

QString dialogStart(const QString& kind, const QString& fileName) {
    QSettings settings;
    QString folder;
    for (const QString& k : {key(kind), kLastModelFolderKey}) {
        const QString f = settings.value(k).toString();
        if (!f.isEmpty() && QFileInfo(f).isDir()) {
            folder = f;
            break;
        }
    }
    // Nothing remembered: Qt's own start (its last visited folder, else the working directory).
    if (folder.isEmpty()) return fileName;
    return fileName.isEmpty() ? folder : QDir(folder).filePath(fileName);
}

void rememberDialogChoice(const QString& kind, const QString& chosen, bool isFolder) {
    if (chosen.isEmpty()) return;
    const QFileInfo info(chosen);
    QSettings().setValue(key(kind), isFolder ? info.absoluteFilePath() : info.absolutePath());
}

}  // namespace tfscope
