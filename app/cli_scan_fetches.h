#pragma once
// `tfscope scan PATH --fetches 'a:0,b;c'`: what each fetch set needs (app/cli_scan_fetches.cpp).

#include <string>

namespace tfscope::cli {

struct ScanFetchArgs {
    std::string path, tagSet;
    std::string fetches;  // fetch sets separated by ';', tensors within a set by ','
    std::string feeds;    // comma-separated tensor names that are fed (they cut the graph)
    bool json = false;
};

int scanFetches(const ScanFetchArgs& args);

}  // namespace tfscope::cli
