#!/usr/bin/env bash
# Installs what is missing, builds tfscope and opens it on the built-in demo model
# (or on the paths/arguments given).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/build-config.sh
cmake -S . -B build "${MAIN_BUILD[@]}" >/dev/null
cmake --build build --target tfscope
exec build/app/tfscope "$@"
