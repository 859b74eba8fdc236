// tfscope export: placeholder until its issue lands.
#include <CLI/CLI.hpp>

#include "app/cli.h"

namespace tfscope::cli {

void registerExport(CLI::App& app, std::vector<Command>& out) {
    auto* sub = app.add_subcommand("export", "Not implemented yet.");
    out.push_back({sub, [] { return fail("'export' is not implemented yet."); }});
}

}  // namespace tfscope::cli
