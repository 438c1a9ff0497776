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
[[ -n "$sanitize" ]] && build_type=RelWithDebInfo

jobs="$(nproc)"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" -DSLUICE_SANITIZE="$sanitize" >/dev/null
if (($# > 0)); then
  cmake --build "$build_dir" -j "$jobs" --target "$@"
else
  cmake --build "$build_dir" -j "$jobs"
fi
