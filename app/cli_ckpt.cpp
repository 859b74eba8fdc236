// tfscope ckpt: placeholder until its issue lands.
#include <CLI/CLI.hpp>

#include "app/cli.h"

namespace tfscope::cli {

void registerCkpt(CLI::App& app, std::vector<Command>& out) {
    auto* sub = app.add_subcommand("ckpt", "Not implemented yet.");
    out.push_back({sub, [] { return fail("'ckpt' is not implemented yet."); }});
}

}  // namespace tfscope::cli
