#pragma once
// What is at a path, without exceptions: a missing path, a broken link or a permission error all
// answer false (or 0), which is what the format probes and loaders want.
//
//   if (isDir(dir) && isFile(dir / "saved_model.pb")) ...

#include <cstdint>
#include <filesystem>

namespace tfscope {

// A regular file (following links).
inline bool isFile(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec);
}

// A directory (following links).
inline bool isDir(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_directory(p, ec);
}

// Size of a regular file; 0 if it cannot be read.
inline uint64_t fileSizeOr0(const std::filesystem::path& p) {
    std::error_code ec;
    const auto s = std::filesystem::file_size(p, ec);
    return ec ? 0 : uint64_t(s);
}

}  // namespace tfscope
