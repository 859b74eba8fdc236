// tfscope run: placeholder until its issue lands.
#include <CLI/CLI.hpp>

#include "app/cli.h"

namespace tfscope::cli {

void registerRun(CLI::App& app, std::vector<Command>& out) {
    auto* sub = app.add_subcommand("run", "Not implemented yet.");
    out.push_back({sub, [] { return fail("'run' is not implemented yet."); }});
}

}  // namespace tfscope::cli
