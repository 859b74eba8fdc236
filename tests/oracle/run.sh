#!/usr/bin/env bash
# Runs the TensorFlow oracle suite (tests/oracle/test_*.py) with the venv made by
# scripts/setup.sh --oracle. Needs TFSCOPE_BIN (the built tfscope).
set -euo pipefail
cd "$(dirname "$0")"
VENV="${TFSCOPE_VENV:-$HOME/.cache/tfscope/venv}"
PY="$VENV/bin/python"
if ! "$PY" -c "import tensorflow" 2>/dev/null; then
  echo "oracle: SKIPPED LOUDLY: TensorFlow is not importable from $VENV" >&2
  exit 0
fi
shopt -s nullglob
# Optional arguments pick test modules (e.g. `run.sh test_readers`); default: all test_*.py.
if (($# > 0)); then tests=("$@"); else tests=(test_*.py); fi
if ((${#tests[@]} == 0)); then echo "oracle: no tests yet"; exit 0; fi
if [ -z "${TFSCOPE_BIN:-}" ]; then
  echo "oracle: TFSCOPE_BIN is not set: every case that needs the tfscope binary will be SKIPPED" >&2
fi
export TF_CPP_MIN_LOG_LEVEL=2
"$PY" -m unittest -v "${tests[@]%.py}"
