#pragma once
// Whether Qt can open a window here, decided before QApplication exists: when Qt's platform plugin
// cannot connect to a display it aborts the process (SIGABRT), which a command-line user on SSH, in a
// container or in CI must never see. main.cpp asks these before it calls runGui().

#include <string>

namespace tfscope::gui {

// --screenshot and --help need no screen: they run on the offscreen platform.
bool needsNoScreen(int argc, char** argv);

// Sets QT_QPA_PLATFORM=offscreen unless the user chose a platform (QT_QPA_PLATFORM or -platform).
void useOffscreenUnlessChosen(int argc, char** argv);

// "" when the chosen (or default) Qt platform has something to connect to; otherwise why not, e.g.
// "no display (neither DISPLAY nor WAYLAND_DISPLAY is set)". Platforms that need no display server
// (offscreen, minimal, vnc, eglfs, linuxfb...) always pass.
std::string whyNoDisplay(int argc, char** argv);

// For what the environment check cannot see (DISPLAY names a server that is not running, the
// platform plugin is missing): turns Qt's fatal "no Qt platform plugin could be initialized" into
// "tfscope: cannot open the window" + hint on stderr and exit code 2 instead of an abort.
void exitWhenPlatformFails(const std::string& hint);

}  // namespace tfscope::gui
