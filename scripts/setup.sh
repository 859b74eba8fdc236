#!/usr/bin/env bash
# Installs everything tfscope needs on Debian 12. Idempotent; fast when all is present.
#   scripts/setup.sh            system packages (build + GUI tests)
#   scripts/setup.sh --oracle   also the Python venv with tensorflow-cpu + numpy (tests only)
#   scripts/setup.sh --bench    also a separate benchmark venv with ONNX Runtime + tf2onnx (bench/run_vs_peers.py)
set -euo pipefail

PKGS=(build-essential cmake ninja-build pkg-config ccache
      qt6-base-dev qt6-svg-dev libgl-dev
      libprotobuf-dev protobuf-compiler
      libeigen3-dev libleveldb-dev libsnappy-dev libgraphviz-dev
      nlohmann-json3-dev libcli11-dev
      xvfb xauth fonts-dejavu-core
      clang libclang-rt-14-dev clang-format
      dpkg-dev desktop-file-utils appstream shared-mime-info librsvg2-bin file binutils groff-base gzip
      libgrpc++-dev protobuf-compiler-grpc libcpp-httplib-dev)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--oracle" ]; then
  VENV="${TFSCOPE_VENV:-$HOME/.cache/tfscope/venv}"
  TF_VERSION=2.21.0
  # tf-keras is Keras 2 (the fixtures' SavedModel export; tests/oracle/run.sh sets TF_USE_LEGACY_KERAS=1).
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c \
      "import tensorflow as tf, tf_keras, numpy; assert tf.__version__ == '$TF_VERSION'" 2>/dev/null; then
    # An older venv (tensorflow-cpu 2.15.1 until 2026-12) is recreated from scratch.
    echo "setup: creating oracle venv in $VENV (tensorflow-cpu $TF_VERSION, tf-keras, numpy)"
    python3 -m venv --clear "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "tensorflow-cpu==$TF_VERSION" "tf-keras==$TF_VERSION"
  fi
  # TF Serving's own Python client for the `tfscope serve` tests, at the oracle's TF version. No deps:
  # it asks for the `tensorflow` package, which tensorflow-cpu already is (grpcio and protobuf too).
  if ! "$VENV/bin/python" -c "import tensorflow_serving.apis.prediction_service_pb2_grpc" 2>/dev/null; then
    echo "setup: adding tensorflow-serving-api to the oracle venv"
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps "tensorflow-serving-api==$TF_VERSION"
  fi
fi
if [ "${1:-}" = "--bench" ]; then
  # The peers of bench/run_vs_peers.py, in a venv of their own so the oracle venv stays as it is.
  BVENV="${TFSCOPE_BENCH_VENV:-$HOME/.cache/tfscope/bench-venv}"
  if [ ! -x "$BVENV/bin/python" ] || ! "$BVENV/bin/python" -c \
      "import tensorflow, tf_keras, onnxruntime, onnx, tf2onnx, numpy" 2>/dev/null; then
    echo "setup: creating bench venv in $BVENV (tensorflow-cpu, tf-keras, onnxruntime, onnx, tf2onnx)"
    python3 -m venv --clear "$BVENV"
    # These pins install together on Python 3.11 (tf2onnx 1.17 accepts protobuf 7 and numpy 2).
    "$BVENV/bin/pip" install -q --disable-pip-version-check "tensorflow-cpu==2.21.0" "tf-keras==2.21.0" \
      "onnxruntime==1.31.1" "onnx==1.23.2" "tf2onnx==1.17.0"
  fi
fi
echo "setup: ok"
