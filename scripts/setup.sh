#!/usr/bin/env bash
# Installs everything tfscope needs on Debian 12. Idempotent; fast when all is present.
#   scripts/setup.sh            system packages (build + GUI tests)
#   scripts/setup.sh --oracle   also the Python venv with tensorflow-cpu + numpy (tests only)
set -euo pipefail

PKGS=(build-essential cmake ninja-build pkg-config ccache
      qt6-base-dev qt6-svg-dev libgl-dev
      libprotobuf-dev protobuf-compiler
      libeigen3-dev libleveldb-dev libsnappy-dev libgraphviz-dev
      nlohmann-json3-dev libcli11-dev
      xvfb xauth fonts-dejavu-core
      clang libclang-rt-14-dev clang-format
      dpkg-dev desktop-file-utils appstream shared-mime-info librsvg2-bin file binutils groff-base gzip)

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
fi
echo "setup: ok"
