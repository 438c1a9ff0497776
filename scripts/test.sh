#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test (the README's second command).
#   scripts/test.sh                      Release build, all tests; then the profile-guided build
#                                        (build-pgo/) against the reference test and the Release build
#   scripts/test.sh --sanitize address   AddressSanitizer + UndefinedBehaviorSanitizer, all tests
#   scripts/test.sh --sanitize thread    ThreadSanitizer, the concurrent tests (graph, runtime, run)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
sanitize=""
if [[ "${1:-}" == "--sanitize" ]]; then
  sanitize="$2"
fi
build_dir="build${sanitize:+-$sanitize}"
if [[ "$sanitize" == "thread" ]]; then
  # ThreadSanitizer covers the concurrent parts: build only what those tests run.
  scripts/build.sh --sanitize thread sluice all_plugins sluice_test_plugins concurrent_tests
else
  scripts/build.sh ${sanitize:+--sanitize "$sanitize"}
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp:${TSAN_OPTIONS:-}"

ctest_args=(--test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 900)
if [[ "$sanitize" == "thread" ]]; then
  ctest_args+=(-L concurrent)
fi
ctest "${ctest_args[@]}"

if [[ -z "$sanitize" ]]; then
  # The profile-guided build (scripts/build.sh --pgo: what the benchmarks measure, and the one
  # to deploy) must compute exactly what the Release build does: the reference test runs
  # against it, and both builds' outputs on generated events must be the same bytes.
  scripts/build.sh --pgo
  SLUICE_TEST_BINARY="$PWD/build-pgo/bin/sluice" "$build_dir/bin/reference_test"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  COUNT=50000 SEED=5 OUTPUT="$work/events.ndjson" "$build_dir/bin/sluice" run pipelines/generate.yaml -q
  for build in "$build_dir" build-pgo; do
    INPUT="$work/events.ndjson" METRICS_DB="$work/${build}.db" DEAD_LETTER="$work/${build}.ndjson" \
      "$build/bin/sluice" run pipelines/reference.yaml -q
    python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute("SELECT * FROM metrics ORDER BY 1, 2, 3, 4"): print(row)' \
      "$work/${build}.db" >"$work/${build}.metrics"
  done
  cmp "$work/$build_dir.metrics" "$work/build-pgo.metrics"
  cmp "$work/$build_dir.ndjson" "$work/build-pgo.ndjson"
  echo "test: the profile-guided build computes what the Release build does"
fi
