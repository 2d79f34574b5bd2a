#!/usr/bin/env bash
# Installs what is missing, builds, and serves on SQLite with the bundled config/ and catalogue.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec build/permitflow serve --config config/permitflow.properties "$@"
