#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds with warnings as errors, and runs
# the unit tests, the end-to-end tests (ONNX Runtime vs LibTorch) and the format checks.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=${BUILD_DIR:-build}
CMAKE_ARGS="-DPT2ONNX_WERROR=ON ${CMAKE_ARGS:-}" scripts/setup.sh
cd "$BUILD_DIR"
ctest --output-on-failure -j"$(nproc)" "$@"
