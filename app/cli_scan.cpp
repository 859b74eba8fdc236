// tfscope scan: placeholder until its issue lands.
#include <CLI/CLI.hpp>

#include "app/cli.h"

namespace tfscope::cli {

void registerScan(CLI::App& app, std::vector<Command>& out) {
    auto* sub = app.add_subcommand("scan", "Not implemented yet.");
    out.push_back({sub, [] { return fail("'scan' is not implemented yet."); }});
}

}  // namespace tfscope::cli
