// tfscope: `tfscope SUBCOMMAND ...` runs the command line; anything else opens the window.
#include <CLI/CLI.hpp>

#include <cstring>
#include <iostream>
#include <sstream>

#include "app/cli.h"

#ifdef TFSCOPE_WITH_GUI
int runGui(int argc, char** argv);  // app/gui_main.cpp
#endif

namespace tfscope::cli {
int fail(const std::string& message) {
    std::cerr << "tfscope: " << message << "\n";
    return kExitBadInput;
}

std::vector<std::string> splitCommaList(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}
}  // namespace tfscope::cli

namespace {

const tfscope::cli::Registrar kRegistrars[] = {
    tfscope::cli::registerShow, tfscope::cli::registerCkpt, tfscope::cli::registerVersions,
    tfscope::cli::registerScan, tfscope::cli::registerRun,  tfscope::cli::registerExport,
    tfscope::cli::registerServe,
};

int runCli(int argc, char** argv) {
    CLI::App app{"tfscope: inspect, run and edit TensorFlow checkpoints and SavedModels without TensorFlow.",
                 "tfscope"};
    app.require_subcommand(1);
    std::vector<tfscope::cli::Command> commands;
    for (auto registrar : kRegistrars) registrar(app, commands);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : tfscope::cli::kExitUsage;
    }
    for (auto& c : commands)
        if (c.sub && c.sub->parsed()) return c.run();
    return tfscope::cli::kExitUsage;
}

bool isCliInvocation(int argc, char** argv) {
    if (argc < 2) return false;
    const char* a = argv[1];
    static const char* kNames[] = {"show", "ckpt", "versions", "scan", "run", "export", "serve", "help", "--help", "-h"};
    for (const char* n : kNames)
        if (std::strcmp(a, n) == 0) return true;
    return false;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef TFSCOPE_WITH_GUI
    if (!isCliInvocation(argc, argv)) return runGui(argc, argv);
#else
    if (!isCliInvocation(argc, argv)) {
        std::cerr << "tfscope: built without the GUI; use a subcommand (tfscope --help).\n";
        return tfscope::cli::kExitUsage;
    }
#endif
    if (argc >= 2 && std::strcmp(argv[1], "help") == 0) {
        char helpFlag[] = "--help";
        char* args[] = {argv[0], helpFlag};
        return runCli(2, args);
    }
    return runCli(argc, argv);
}
