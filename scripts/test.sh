#!/usr/bin/env bash
# Installs what is missing (incl. the TensorFlow oracle venv), builds, and runs every test:
# the Qt Test suites (CTest), the TensorFlow oracle suite, then a clang build of the model library,
# the CLI and their suites run under AddressSanitizer + UndefinedBehaviorSanitizer, and a short,
# repeatable libFuzzer smoke run of the fuzz/ targets. .ci/run calls this.
#   --no-sanitize  skips the sanitizer and fuzz stages (a quicker local check).
# A failing stage does not stop the others (only the stages that need a failed build are skipped);
# the end prints every stage's result, and the exit status is non-zero if any stage failed.
set -uo pipefail
cd "$(dirname "$0")/.."
JOBS=$(nproc)
source scripts/build-config.sh
free_disk() { df -Pk . | awk 'NR==2 {printf "%.1f GiB", $4/1048576}'; }

summary=()
failed=0
# stage NAME COMMAND...: runs the command in a subshell that stops at its first error (set -e) and
# records the result in $last ("ok"/"FAILED"); the script goes on either way. (Not called as an
# `if` condition: bash ignores set -e inside anything run as a condition.)
stage() {
  local name=$1
  shift
  echo "== $name (free disk: $(free_disk))"
  (set -e; "$@")
  if (($? == 0)); then last=ok; else last=FAILED; failed=1; echo "== $name FAILED (free disk: $(free_disk))"; fi
  summary+=("$name $last")
}
skipped() {
  echo "== $1: SKIPPED ($2)"
  summary+=("$1 skipped")
}
finish() {
  local line
  line=$(printf '%s, ' "${summary[@]}")
  echo "== summary: ${line%, }"
  if ((failed)); then
    echo "== some stages FAILED" >&2
    exit 1
  fi
  echo "== all tests passed"
  exit 0
}

setup() { bash scripts/setup.sh --oracle; }
build() {
  cmake -S . -B build "${MAIN_BUILD[@]}" >/dev/null
  cmake --build build -j "$JOBS"
}
ctests() { cd build && ctest --output-on-failure -j "$JOBS"; }
oracle() { TFSCOPE_BIN="$PWD/build/app/tfscope" bash tests/oracle/run.sh; }
asan_build() {
  CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-gline-tables-only -O1" "${COMPACT_DEBUG[@]}" \
    -DTFSCOPE_BENCH=OFF -DTFSCOPE_SANITIZE=ON -DTFSCOPE_WERROR=ON -DTFSCOPE_FUZZ=ON -DTFSCOPE_GUI=OFF -DTFSCOPE_CCACHE=ON >/dev/null
  cmake --build build-asan -j "$JOBS"
}
asan_tests() {
  cd build-asan
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure -j "$JOBS"
}
fuzz() { bash fuzz/smoke.sh; }
format() { bash scripts/check-format.sh; }

stage setup setup
stage format format
stage build build
if [ "$last" = ok ]; then
  stage ctest ctests
  stage oracle oracle
else
  skipped ctest "the build failed"
  skipped oracle "the build failed"
fi

if [ "${1:-}" = "--no-sanitize" ]; then
  finish
fi

echo "(the next stages are C++ tests under ASan + UBSan: clang; the model library, CLI and their tests, plus the libFuzzer targets)"
stage asan-build asan_build
if [ "$last" = ok ]; then
  stage asan asan_tests
  stage fuzz fuzz
else
  skipped asan "the sanitizer build failed"
  skipped fuzz "the sanitizer build failed"
fi
finish
