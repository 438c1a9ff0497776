#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test (the README's second command).
#   scripts/test.sh                      Release build, all tests
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
