#pragma once
// `tfscope run PATH --fetches 'a:0,b'`: feeds and fetches by tensor name (app/cli_run_fetches.cpp).

#include <cstdint>
#include <memory>
#include <string>

#include "model/exec/session.h"

namespace tfscope {
class Model;
}

namespace tfscope::cli {

// The model at `path` (anything ModelLoader opens) and its session for the meta graph `tagSet`
// ("serve,gpu"), with the run flags' memory limit and threads: how both kinds of `tfscope run` start.
struct OpenedRun {
    std::shared_ptr<const Model> model;
    std::unique_ptr<exec::Session> session;
};
Result<OpenedRun> openRunSession(const std::string& path, const std::string& tagSet, uint64_t memoryLimit, int threads);

struct FetchRunArgs {
    std::string path, tagSet;
    std::string signature;  // empty: the input flags' keys are tensor names
    std::string fetches;    // comma-separated tensor names
    std::string inputs, exprs, examples, outdir;
    bool overwrite = false;
    bool json = false;
    uint64_t memoryLimit = 0;
    int threads = 0;
};

int runWithFetches(const FetchRunArgs& args);

}  // namespace tfscope::cli
