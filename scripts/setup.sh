#!/usr/bin/env bash
# Installs what Sluice needs to build and test on Debian 12, with apt-get. Idempotent: it does
# nothing when every package is already there. Run as root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git python3
  libboost1.81-dev libboost-json1.81-dev libboost-program-options1.81-dev libboost-filesystem1.81-dev
  libyaml-cpp-dev libre2-dev libtbb-dev libfmt-dev catch2 libsqlite3-dev sqlite3
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(gnuplot-nox hyperfine linux-perf valgrind)
  # A Node.js installed another way (with its own npm) is fine; Debian's npm would conflict.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
