#!/usr/bin/env bash
# Configures and builds into build/ (Release, two jobs: MSM machines are heavy to compile).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" >/dev/null
cmake --build build -j"${JOBS:-2}"
