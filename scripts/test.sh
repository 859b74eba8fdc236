#!/usr/bin/env bash
# Installs what is missing (incl. the TensorFlow oracle venv), builds, and runs every test:
# the Qt Test suites (CTest), the TensorFlow oracle suite, then a clang build of the model library,
# the CLI and their suites run under AddressSanitizer + UndefinedBehaviorSanitizer, and a short,
# repeatable libFuzzer smoke run of the fuzz/ targets. .ci/run calls this.
#   --no-sanitize  skips the sanitizer and fuzz stages (a quicker local check).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --oracle
JOBS=$(nproc)
# One compiler cache for every clone of the repo on this machine (paths hashed relative to it).
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/tfscope/ccache}" CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"

echo "== build (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTFSCOPE_CCACHE=ON >/dev/null
cmake --build build -j "$JOBS"

echo "== C++ tests"
(cd build && ctest --output-on-failure -j "$JOBS")

echo "== TensorFlow oracle tests"
TFSCOPE_BIN="$PWD/build/app/tfscope" bash tests/oracle/run.sh

if [ "${1:-}" = "--no-sanitize" ]; then
  echo "== all tests passed"
  exit 0
fi

echo "== C++ tests under ASan + UBSan (clang; the model library, CLI and their tests, plus the libFuzzer targets)"
CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
  -DTFSCOPE_SANITIZE=ON -DTFSCOPE_FUZZ=ON -DTFSCOPE_GUI=OFF -DTFSCOPE_CCACHE=ON >/dev/null
cmake --build build-asan -j "$JOBS"
(cd build-asan && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j "$JOBS")

echo "== fuzz smoke (libFuzzer)"
bash fuzz/smoke.sh
echo "== all tests passed"
