#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the server need, if any is missing.
set -euo pipefail
packages=(cmake g++ make pkg-config libboost-dev libsoci-dev libpoco-dev libgtest-dev libgmock-dev
  libbenchmark-dev libsqlite3-dev libssl-dev openssl sqlite3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
