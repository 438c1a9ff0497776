#!/usr/bin/env bash
# Configures and builds Sluice (Release) into build/, or build-<sanitizer>/ with --sanitize.
#   scripts/build.sh [--sanitize address|thread] [cmake target...]
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=""
if [[ "${1:-}" == "--sanitize" ]]; then
  sanitize="$2"
  shift 2
fi
build_dir="build${sanitize:+-$sanitize}"
build_type=Release
extra=()
if [[ -n "$sanitize" ]]; then
  # Sanitizer builds: light optimisation and line tables only, to keep compile times down.
  build_type=Sanitize
  extra=(-DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g1" -DSLUICE_BUILD_BENCH=OFF)
fi

# Cache-friendly: ccache keyed on paths relative to the checkout, so another clone of the
# same sources (CI's) reuses the objects.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-include_file_mtime,include_file_ctime}"

jobs="$(nproc)"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" -DSLUICE_SANITIZE="$sanitize" "${extra[@]}" >/dev/null
if (($# > 0)); then
  cmake --build "$build_dir" -j "$jobs" --target "$@"
else
  cmake --build "$build_dir" -j "$jobs"
fi
