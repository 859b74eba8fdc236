#include "views/window/icons.h"

#include <QFile>
#include <QHash>

// Q_INIT_RESOURCE must be used outside any namespace (an anonymous one too): the resource lives in
// a static library, so it is registered here, before the first icon is read.
static void initIconResource() { Q_INIT_RESOURCE(icons); }

namespace tfscope {

QIcon tfscopeIcon(QStringView name) {
    static QHash<QString, QIcon> cache;
    static const bool init = (initIconResource(), true);
    (void)init;
    const QString key = name.toString();
    auto it = cache.find(key);
    if (it != cache.end()) return *it;
    const QString path = QStringLiteral(":/icons/") + key + QStringLiteral(".svg");
    return *cache.insert(key, QFile::exists(path) ? QIcon(path) : QIcon());
}

}  // namespace tfscope
