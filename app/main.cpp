// tfscope: `tfscope SUBCOMMAND ...` runs the command line; `tfscope [PATH] [--screenshot FILE]` opens
// the window (app/gui/gui_main.cpp). The first argument decides which: a subcommand, an existing model
// path (or an option) for the window; a word that is neither gets "unknown command" (exit 2) and a
// missing path the loader's error (exit 1), before any window machinery starts. Without a display
// the window is not attempted (app/gui/display.h).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <new>
#include <string>
#include <iostream>
#include <sstream>
#include <string_view>

#include "app/cli.h"
#include "app/version.h"
#include "model/loader/format_detect.h"

#ifdef TFSCOPE_WITH_GUI
#include "app/gui/display.h"
int runGui(int argc, char** argv);  // app/gui/gui_main.cpp
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

using tfscope::cli::kExitUsage;

const tfscope::cli::Registrar kRegistrars[] = {
    tfscope::cli::registerShow, tfscope::cli::registerCkpt, tfscope::cli::registerVersions,
    tfscope::cli::registerScan, tfscope::cli::registerRun,  tfscope::cli::registerExport,
    tfscope::cli::registerDiff, tfscope::cli::registerLint,
};

const char kWindowUsage[] =
    "Without a subcommand, tfscope opens the window:\n"
    "  tfscope [PATH] [--screenshot FILE.png [--select ITEM] [--run SIGNATURE]]\n"
    "PATH is a model folder or file (default: the demo model); --screenshot renders the window to\n"
    "FILE.png and exits (no display needed).\n"
    "Exit codes: 0 ok, 1 bad input (the message names the file and the problem), 2 usage.\n";

std::string versionLine() {
    std::string line = std::string("tfscope ") + tfscope::kVersion;
    if (*tfscope::kGitRevision) line += std::string(" (git ") + tfscope::kGitRevision + ")";
    return line;
}

struct Cli {
    CLI::App app{"tfscope: inspect, run and edit TensorFlow checkpoints and SavedModels without TensorFlow.",
                 "tfscope"};
    std::vector<tfscope::cli::Command> commands;

    Cli() {
        app.require_subcommand(1);
        app.set_version_flag("--version", versionLine(), "Print the version (and git revision) and exit");
        for (auto registrar : kRegistrars) registrar(app, commands);
        app.footer(kWindowUsage);  // after the subcommands, which would inherit it
    }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& c : commands) out.push_back(c.sub->get_name());
        return out;
    }
    bool has(std::string_view name) const {
        for (const auto& c : commands)
            if (c.sub->get_name() == name) return true;
        return false;
    }
    int run(int argc, char** argv) {
        try {
            app.parse(argc, argv);
        } catch (const CLI::ParseError& e) {
            int code = app.exit(e);
            return code == 0 ? 0 : kExitUsage;
        }
        // The exception boundary of every subcommand: out of memory or any other exception is a
        // message and exit code 1, not an abort.
        for (auto& c : commands) {
            if (!c.sub || !c.sub->parsed()) continue;
            try {
                return c.run();
            } catch (const std::bad_alloc&) {
                return tfscope::cli::fail(
                    "out of memory: the command needed more memory than is available (see --memory_limit where the "
                    "command has it).");
            } catch (const std::exception& e) {
                return tfscope::cli::fail(std::string("unexpected error: ") + e.what());
            }
        }
        return kExitUsage;
    }
};

// Edit distance with adjacent transpositions ("shwo" is one step from "show").
size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i)
        for (size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

// The subcommand a mistyped word most likely meant: the one it starts (two letters or more, when
// only one matches), else the nearest within one edit per three letters (at most two); "" if none.
std::string suggestCommand(std::string_view word, const std::vector<std::string>& names) {
    std::string prefixed;
    int prefixMatches = 0;
    for (const std::string& n : names)
        if (word.size() >= 2 && n.size() > word.size() && n.compare(0, word.size(), word) == 0) {
            prefixed = n;
            ++prefixMatches;
        }
    if (prefixMatches == 1) return prefixed;
    std::string best;
    size_t bestDistance = SIZE_MAX;
    for (const std::string& n : names) {
        const size_t limit = std::clamp<size_t>(n.size() / 3, 1, 2);
        const size_t dist = editDistance(word, n);
        if (dist <= limit && dist < bestDistance) {
            best = n;
            bestDistance = dist;
        }
    }
    return best;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

// A missing first argument that a user meant as a file rather than a command.
bool looksLikePath(std::string_view arg) {
    return arg.find('/') != std::string_view::npos || arg.find('.') != std::string_view::npos || arg.front() == '~';
}

}  // namespace

int main(int argc, char** argv) {
    Cli cli;
    const std::string first = argc >= 2 ? argv[1] : "";
    if (first == "help") {  // `tfscope help` and `tfscope help SUBCOMMAND`
        char helpFlag[] = "--help";
        std::vector<char*> args{argv[0]};
        if (argc >= 3 && cli.has(argv[2])) args.push_back(argv[2]);
        args.push_back(helpFlag);
        return cli.run(static_cast<int>(args.size()), args.data());
    }
    if (cli.has(first) || first == "--help" || first == "-h" || first == "--version") return cli.run(argc, argv);

    if (!first.empty() && first.front() != '-') {
        auto detected = tfscope::detectFormat(first);
        if (!detected.ok() && detected.status().code() == tfscope::Status::Code::NotFound) {
            if (looksLikePath(first)) return tfscope::cli::fail(detected.status().message());
            const std::string suggestion = suggestCommand(first, cli.names());
            std::cerr << "tfscope: unknown command '" << first << "'";
            if (!suggestion.empty()) std::cerr << "; did you mean '" << suggestion << "'?";
            std::cerr << "\nSubcommands: " << joined(cli.names())
                      << " (tfscope --help); or give a model file or folder to open it in the window.\n";
            return kExitUsage;
        }
    }

#ifdef TFSCOPE_WITH_GUI
    const std::string hint = "Use a subcommand (" + joined(cli.names()) +
                             "; tfscope --help), or render the window to an image with\n"
                             "  tfscope [PATH] --screenshot FILE.png\n";
    if (tfscope::gui::needsNoScreen(argc, argv)) {
        tfscope::gui::useOffscreenUnlessChosen(argc, argv);
    } else if (const std::string why = tfscope::gui::whyNoDisplay(argc, argv); !why.empty()) {
        std::cerr << "tfscope: cannot open the window: " << why << "\n" << hint;
        return kExitUsage;
    }
    tfscope::gui::exitWhenPlatformFails(hint);
    return runGui(argc, argv);
#else
    std::cerr << "tfscope: built without the GUI; use a subcommand (" << joined(cli.names()) << "; tfscope --help).\n";
    return kExitUsage;
#endif
}
