#pragma once
// Helpers for the libFuzzer targets: the readers open paths, so each input is written to files in
// a per-process scratch folder under /dev/shm (or TMPDIR) first.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace tfscope::fuzz {

inline const std::string& scratchDir() {
    static const std::string dir = [] {
        const char* base = std::getenv("TMPDIR");
        std::string root = (access("/dev/shm", W_OK) == 0) ? "/dev/shm" : (base ? base : "/tmp");
        std::string d = root + "/tfscope-fuzz-" + std::to_string(getpid());
        std::string cmd = "mkdir -p '" + d + "/variables'";
        if (std::system(cmd.c_str()) != 0) std::abort();
        return d;
    }();
    return dir;
}

inline void writeFile(const std::string& path, const uint8_t* data, size_t size) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (size && std::fwrite(data, 1, size, f) != size) std::abort();
    std::fclose(f);
}

}  // namespace tfscope::fuzz
