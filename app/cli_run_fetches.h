#pragma once
// `tfscope run PATH --fetches 'a:0,b'`: feeds and fetches by tensor name (app/cli_run_fetches.cpp).

#include <cstdint>
#include <string>

namespace tfscope::cli {

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
