#!/usr/bin/env bash
# Installs what is missing, builds tfscope and opens it on the built-in demo model
# (or on the paths/arguments given).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/tfscope/ccache}" CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTFSCOPE_CCACHE=ON >/dev/null
cmake --build build --target tfscope
exec build/app/tfscope "$@"
