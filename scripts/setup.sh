#!/usr/bin/env bash
# Installs what is missing (Debian packages, the ONNX Runtime used by the tests), builds pt2onnx
# and converts the bundled example model. Safe to run again: it skips what is already there.
#   scripts/setup.sh            build in ./build (Release)
#   BUILD_DIR=... CMAKE_ARGS=... scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

PACKAGES=(g++ cmake make ccache clang-format libtorch-dev libonnx-dev libprotobuf-dev
          protobuf-compiler libcli11-dev libspdlog-dev libgtest-dev libssl-dev python3-torch
          python3-torchvision python3-torchaudio python3-onnx python3-numpy)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (Debian's npm would then conflict with it).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d tests/tools/ort_run/node_modules/onnxruntime-node ]; then
  echo "== installing onnxruntime-node for the tests"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix tests/tools/ort_run --no-audit --no-fund --loglevel=error
fi

# ccache hits across clones (CI builds a fresh one) and with the precompiled header.
export CCACHE_BASEDIR="$PWD"
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"

echo "== building pt2onnx in $BUILD_DIR"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"

echo "== converting the bundled example"
"$BUILD_DIR/pt2onnx" examples/tiny_cnn.pt -o "$BUILD_DIR/tiny_cnn.onnx" \
    --shape image:1x3x32x32 --dynamic image:0=batch --dynamic output:0=batch
