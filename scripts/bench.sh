#!/usr/bin/env bash
# Builds Release, installs the benchmark tools if missing, and runs the benchmarks: Sluice and the
# Node.js implementation side by side (throughput, CPU, memory), scaling with threads, batch
# latency at full and ~50% load, per-stage cost, start-up, then the microbenchmarks.
#   scripts/bench.sh            3 runs each on 1M records (2M for memory); a few minutes
#   scripts/bench.sh --quick    1 run each on 100k records, no microbenchmarks; under a minute
# The full mode measures the profile-guided build (scripts/build.sh --pgo, in build-pgo/: the
# build to deploy), --quick the plain Release build in build/; --pgo and --no-pgo choose.
# Other options go to bench/run_bench.py (--runs N, --skip-node, --skip-micro, ...).
# Results: bench/results/<date>-<host>.json and -scaling.png, -latency.png (see bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
pgo=""
args=()
for arg in "$@"; do
  case "$arg" in
    --pgo) pgo=1 ;;
    --no-pgo) pgo=0 ;;
    *)
      [[ "$arg" == "--quick" ]] && quick=1
      args+=("$arg")
      ;;
  esac
done
[[ -n "$pgo" ]] || pgo=$((!quick))

# The tools are looked for as commands, not packages: a Node.js from elsewhere (NodeSource
# bundles npm, and then Debian's npm package cannot be installed) serves as well.
missing=()
for tool in node npm gnuplot hyperfine perf valgrind; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
  if [[ $EUID -eq 0 ]]; then
    scripts/setup.sh --bench
  else
    echo "bench: ${missing[*]} missing; run scripts/setup.sh --bench as root (going on without them)" >&2
  fi
fi

if ((pgo)); then
  build_dir=build-pgo
  if ((quick)); then scripts/build.sh --pgo; else scripts/build.sh --pgo sluice all_plugins sluice_micro_bench; fi
else
  build_dir=build
  scripts/build.sh sluice all_plugins
  if ((!quick)); then
    # The microbenchmarks exist when build/ is configured with SLUICE_BUILD_BENCH=ON (the default).
    if cmake --build build --target help | grep '^sluice_micro_bench:' >/dev/null; then
      cmake --build build -j "$(nproc)" --target sluice_micro_bench
    else
      echo "bench: build/ is configured with SLUICE_BUILD_BENCH=OFF: no microbenchmarks" \
        "(cmake -S . -B build -DSLUICE_BUILD_BENCH=ON to build them)" >&2
    fi
  fi
fi

if [[ -f bench/node/package.json && ! -d bench/node/node_modules ]] && command -v npm >/dev/null; then
  echo "bench: installing the Node.js implementation's dependencies (npm ci; compiles better-sqlite3)" >&2
  (cd bench/node && npm ci --no-audit --no-fund)
fi

exec python3 bench/run_bench.py --build-dir "$build_dir" "${args[@]}"
