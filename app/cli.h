#pragma once
// The command line: one `tfscope` binary, one file per subcommand (cli_<name>.cpp).
// Each file defines a registrar that adds its CLI11 subcommand and the function that runs it.
// Exit codes: 0 ok, 1 bad input (message names the file and the problem), 2 usage.

#include <functional>
#include <string>
#include <vector>

namespace CLI { class App; }

namespace tfscope::cli {

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 1;
constexpr int kExitUsage = 2;

struct Command {
    CLI::App* sub = nullptr;
    std::function<int()> run;
};

using Registrar = void (*)(CLI::App& app, std::vector<Command>& out);

// Implemented in cli_<name>.cpp; listed in main.cpp.
void registerShow(CLI::App& app, std::vector<Command>& out);
void registerCkpt(CLI::App& app, std::vector<Command>& out);
void registerVersions(CLI::App& app, std::vector<Command>& out);
void registerScan(CLI::App& app, std::vector<Command>& out);
void registerRun(CLI::App& app, std::vector<Command>& out);
void registerExport(CLI::App& app, std::vector<Command>& out);
void registerDiff(CLI::App& app, std::vector<Command>& out);
void registerLint(CLI::App& app, std::vector<Command>& out);

// Prints "tfscope: <message>" to stderr and returns kExitBadInput.
int fail(const std::string& message);

// "serve,gpu" -> {"serve", "gpu"}; empty items are dropped (tag sets, op denylists).
std::vector<std::string> splitCommaList(const std::string& s);

}  // namespace tfscope::cli
