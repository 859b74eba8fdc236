// tfscope show: placeholder until its issue lands.
#include <CLI/CLI.hpp>

#include "app/cli.h"

namespace tfscope::cli {

void registerShow(CLI::App& app, std::vector<Command>& out) {
    auto* sub = app.add_subcommand("show", "Not implemented yet.");
    out.push_back({sub, [] { return fail("'show' is not implemented yet."); }});
}

}  // namespace tfscope::cli
