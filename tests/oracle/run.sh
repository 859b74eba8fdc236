#!/usr/bin/env bash
# Runs the TensorFlow oracle suite (tests/oracle/test_*.py) with the venv made by
# scripts/setup.sh --oracle. Needs TFSCOPE_BIN (the built tfscope).
# Without an importable TensorFlow the suite is skipped loudly, except under CI (CI=true), where
# that is a failure: CI must never pass with zero oracle tests run.
set -euo pipefail
cd "$(dirname "$0")"
VENV="${TFSCOPE_VENV:-$HOME/.cache/tfscope/venv}"
PY="$VENV/bin/python"
if ! "$PY" -c "import tensorflow" 2>/dev/null; then
  if [ "${CI:-}" = "true" ]; then
    echo "oracle: FAILED: TensorFlow is not importable from $VENV (CI=true: the oracle suite must run;" \
      "make the venv with 'bash scripts/setup.sh --oracle' or point TFSCOPE_VENV at one)" >&2
    exit 1
  fi
  echo "oracle: SKIPPED LOUDLY: TensorFlow is not importable from $VENV (bash scripts/setup.sh --oracle makes it)" >&2
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
# The reference is TensorFlow's portable (Eigen) CPU kernels: TF switches oneDNN on only on some
# CPUs, and oneDNN changes both the values and which cases TF accepts.
export TF_ENABLE_ONEDNN_OPTS=0
# tf.keras is Keras 2 (the tf-keras package), as the fixtures were made.
export TF_USE_LEGACY_KERAS=1
"$PY" -m unittest -v "${tests[@]%.py}"
