// tfscope versions: placeholder until its issue lands.
#include <CLI/CLI.hpp>

#include "app/cli.h"

namespace tfscope::cli {

void registerVersions(CLI::App& app, std::vector<Command>& out) {
    auto* sub = app.add_subcommand("versions", "Not implemented yet.");
    out.push_back({sub, [] { return fail("'versions' is not implemented yet."); }});
}

}  // namespace tfscope::cli
