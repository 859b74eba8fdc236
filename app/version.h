#pragma once
// What `tfscope --version` prints. Both strings are defined in a source file that the build
// writes (cmake/git_revision.cmake, rerun at every build, rewritten only when the revision changes).

namespace tfscope {

extern const char* const kVersion;      // the CMake project version, e.g. "0.1.0"
extern const char* const kGitRevision;  // `git describe --always --dirty`, or "" outside a git checkout

}  // namespace tfscope
