# Sourced by scripts/run.sh and scripts/test.sh: one compiler cache and one configuration of build/,
# so the README's two commands share their objects.
# One compiler cache for every clone of the repo on this machine (paths hashed relative to it).
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/tfscope/ccache}" CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-3G}"
# Disk: CI machines can be nearly full. Builds keep line tables only (enough for backtraces and
# sanitizer reports; full -g made every statically linked test binary ~90 MB, 12 GB for the two
# builds of test.sh) and compress them at link time.
COMPACT_DEBUG=(-DCMAKE_EXE_LINKER_FLAGS=-Wl,--compress-debug-sections=zlib)
MAIN_BUILD=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
  "${COMPACT_DEBUG[@]}" -DTFSCOPE_CCACHE=ON -DTFSCOPE_WERROR=ON)
