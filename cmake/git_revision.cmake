# Script mode: writes OUT, the C++ source defining tfscope::kVersion (VERSION) and
# tfscope::kGitRevision (`git describe` of SOURCE_DIR, "" when SOURCE_DIR is not the top of a git
# checkout or git is missing). The tfscope_version target runs it at every build; OUT is rewritten
# only when its text changes, so a new commit recompiles this one file and relinks the binary.
#   cmake -DSOURCE_DIR=... -DVERSION=0.1.0 -DOUT=.../version.cpp -P cmake/git_revision.cmake
set(revision "")
find_package(Git QUIET)
if(GIT_FOUND)
  # --no-optional-locks: `describe --dirty` would otherwise refresh (lock and write) the index.
  execute_process(COMMAND ${GIT_EXECUTABLE} --no-optional-locks rev-parse --show-toplevel
                  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE top RESULT_VARIABLE rc
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0)
    file(REAL_PATH "${top}" top)
    file(REAL_PATH "${SOURCE_DIR}" src)
    if(top STREQUAL src)  # not a source tarball unpacked inside some other repository
      execute_process(COMMAND ${GIT_EXECUTABLE} --no-optional-locks describe --always --dirty --abbrev=12
                      WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE revision RESULT_VARIABLE rc
                      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      if(NOT rc EQUAL 0)
        set(revision "")
      endif()
    endif()
  endif()
endif()
set(text "// Written by cmake/git_revision.cmake at build time; do not edit.
#include \"app/version.h\"

const char* const tfscope::kVersion = \"${VERSION}\";
const char* const tfscope::kGitRevision = \"${revision}\";
")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
