// The display check before QApplication (app/gui/display.h).
#include "app/gui/display.h"

#include <QString>
#include <QtGlobal>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace tfscope::gui {

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// Qt's own `-platform NAME` (also spelt --platform) on the command line, which beats QT_QPA_PLATFORM.
std::string platformArgument(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "-platform") == 0 || std::strcmp(argv[i], "--platform") == 0) return argv[i + 1];
    return {};
}

std::string chosenPlatforms(int argc, char** argv) {
    std::string p = platformArgument(argc, argv);
    return p.empty() ? env("QT_QPA_PLATFORM") : p;
}

bool hasX11() { return !env("DISPLAY").empty(); }

// libwayland-client connects to WAYLAND_SOCKET, WAYLAND_DISPLAY, or "wayland-0" in XDG_RUNTIME_DIR.
bool hasWayland() {
    if (!env("WAYLAND_DISPLAY").empty() || !env("WAYLAND_SOCKET").empty()) return true;
    const std::string runtime = env("XDG_RUNTIME_DIR");
    std::error_code ec;
    return !runtime.empty() && std::filesystem::exists(runtime + "/wayland-0", ec);
}

std::string g_hint;
QtMessageHandler g_previous = nullptr;

void platformFailureHandler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (type == QtFatalMsg && message.contains(QLatin1String("platform plugin"))) {
        std::fprintf(stderr, "tfscope: cannot open the window: Qt could not start its display connection (see above).\n%s", g_hint.c_str());
        std::fflush(stderr);
        std::_Exit(2);
    }
    if (g_previous) {
        g_previous(type, context, message);
    } else {
        std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
    }
}

}  // namespace

bool needsNoScreen(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--screenshot" || a.starts_with("--screenshot=") || a == "-h" || a == "--help" || a == "--help-all") return true;
    }
    return false;
}

void useOffscreenUnlessChosen(int argc, char** argv) {
    if (chosenPlatforms(argc, argv).empty()) qputenv("QT_QPA_PLATFORM", "offscreen");
}

std::string whyNoDisplay(int argc, char** argv) {
    const std::string chosen = chosenPlatforms(argc, argv);
    if (chosen.empty()) {  // Qt's default: xcb, or wayland first in a Wayland session
        if (hasX11() || hasWayland()) return {};
        return "no display (neither DISPLAY nor WAYLAND_DISPLAY is set).";
    }
    // A ';'-separated list that Qt tries in order; "name:options" per entry.
    bool needsX11 = false, needsWayland = false;
    size_t start = 0;
    while (start <= chosen.size()) {
        size_t end = chosen.find(';', start);
        if (end == std::string::npos) end = chosen.size();
        const std::string entry = chosen.substr(start, end - start);
        const std::string name = entry.substr(0, entry.find(':'));
        if (name == "xcb") {
            if (hasX11()) return {};
            needsX11 = true;
        } else if (name.starts_with("wayland")) {
            if (hasWayland()) return {};
            needsWayland = true;
        } else if (!name.empty()) {
            return {};  // offscreen, minimal, vnc, eglfs, linuxfb...: no display server needed
        }
        start = end + 1;
    }
    const std::string needed = needsX11 && needsWayland ? "DISPLAY or WAYLAND_DISPLAY" : needsX11 ? "DISPLAY" : "WAYLAND_DISPLAY";
    return "no display (the Qt platform '" + chosen + "' needs " + needed + ", which is not set).";
}

void exitWhenPlatformFails(const std::string& hint) {
    g_hint = hint;
    g_previous = qInstallMessageHandler(platformFailureHandler);
}

}  // namespace tfscope::gui
