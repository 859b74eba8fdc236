#pragma once
// tfscope's own icons (resources/icons/*.svg through icons.qrc): toolbar and menu actions
// ("open", "reload", "fit", "zoom-in", "zoom-out", "run", "export") and tree item kinds
// ("variable", "signature", "function", "asset", "scope", "graph").
//
//   action->setIcon(tfscopeIcon(u"reload"));
//
// An unknown name gives a null QIcon. Thread: GUI only (icons are cached).

#include <QIcon>
#include <QStringView>

namespace tfscope {

QIcon tfscopeIcon(QStringView name);

}  // namespace tfscope
