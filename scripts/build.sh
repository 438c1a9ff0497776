#!/usr/bin/env bash
# Configures and builds Sluice (Release) into build/, or build-<sanitizer>/ with --sanitize, or
# build-pgo/ with --pgo (profile-guided: what the benchmarks measure).
#   scripts/build.sh [--sanitize address|thread] [cmake target...]
#   scripts/build.sh --pgo [cmake target...]    (default targets: sluice all_plugins)
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=""
pgo=0
if [[ "${1:-}" == "--sanitize" ]]; then
  sanitize="$2"
  shift 2
elif [[ "${1:-}" == "--pgo" ]]; then
  pgo=1
  shift
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

if ((pgo)); then
  # Three steps in build-pgo/: an instrumented build; a training run of the project's own
  # workloads, which exercises every built-in plugin; the build optimized with its counts.
  build_dir=build-pgo
  targets=("$@")
  ((${#targets[@]} > 0)) || targets=(sluice all_plugins)
  configure() {
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_TESTS=OFF -DSLUICE_PGO="$1" >/dev/null
  }
  # When the last optimized build was of the same sources and training, its counts still hold:
  # only targets not built yet are built, with them.
  stamp="$(
    find CMakeLists.txt bench/CMakeLists.txt bench/micro core sdk plugins pipelines scripts/build.sh -type f -print0 |
      sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
  )"
  if [[ -f "$build_dir/pgo.stamp" && "$(cat "$build_dir/pgo.stamp")" == "$stamp" ]]; then
    echo "build: $build_dir is up to date with its sources" >&2
    cmake --build "$build_dir" -j "$jobs" --target "${targets[@]}"
    exit 0
  fi
  rm -f "$build_dir/pgo.stamp"
  configure generate
  cmake --build "$build_dir" -j "$jobs" --target sluice all_plugins "${targets[@]}"
  find "$build_dir" -name '*.gcda' -delete  # counts from this training only
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  bin="$build_dir/bin/sluice"
  echo "build: training on 200,000 generated events" >&2
  COUNT=200000 SEED=11 OUTPUT="$work/events.ndjson" "$bin" run pipelines/generate.yaml -q
  for threads in 1 2; do
    INPUT="$work/events.ndjson" METRICS_DB="$work/metrics-$threads.db" DEAD_LETTER="$work/dead-$threads.ndjson" \
      "$bin" run pipelines/reference.yaml -t "$threads" -q
  done
  configure use
  cmake --build "$build_dir" -j "$jobs" --target "${targets[@]}"
  echo "$stamp" >"$build_dir/pgo.stamp"
  exit 0
fi

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" -DSLUICE_SANITIZE="$sanitize" "${extra[@]}" >/dev/null
if (($# > 0)); then
  cmake --build "$build_dir" -j "$jobs" --target "$@"
else
  cmake --build "$build_dir" -j "$jobs"
fi
