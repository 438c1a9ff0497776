#!/usr/bin/env bash
# Builds plugins out of the Sluice tree against an installed Sluice, as a third party would, and
# runs them with the installed host. Run by CTest (tests/sdk/CMakeLists.txt sets the environment):
#   out_of_tree_test.sh install             cmake --install the build into $WORK_DIR/prefix
#   out_of_tree_test.sh pii_mask            build sdk/examples/pii_mask, run its unit test and its
#                                           sample pipeline; compare the output with the expected files
#   out_of_tree_test.sh new_plugin KIND     `sluice new-plugin` a KIND project, build it, run its test,
#                                           list it with `sluice plugins`, run its pipeline
# Environment: SLUICE_SOURCE_DIR, SLUICE_BUILD_DIR, WORK_DIR, CMAKE_COMMAND, CTEST_COMMAND, GENERATOR,
# CXX_COMPILER, CXX_COMPILER_LAUNCHER (may be empty), CXX_FLAGS, LINKER_FLAGS; SDK_TEST_JOBS (default 2).
set -euo pipefail

: "${WORK_DIR:?}"
prefix="$WORK_DIR/prefix"
sluice="$prefix/bin/sluice"
jobs="${SDK_TEST_JOBS:-2}"
# Only the installed plugins and those named by --plugin-path: nothing from the environment.
unset SLUICE_PLUGIN_PATH

# A plugin must be able to unload after a hot swap: GNU unique symbols would pin it in memory.
expect_unloadable() {
  local lib
  for lib in "$@"; do
    if nm -D --defined-only "$lib" | grep -q ' u '; then
      fail "$lib has GNU unique symbols, so it could never unload: $(nm -DC --defined-only "$lib" | grep ' u ' | head -n 3)"
    fi
  done
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# configure_and_build SOURCE BUILD: the project at SOURCE, against the installed SDK, with the
# host's compiler and flags.
configure_and_build() {
  local args=(-S "$1" -B "$2" -G "$GENERATOR" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$CXX_COMPILER"
    -DCMAKE_CXX_FLAGS="$CXX_FLAGS" -DCMAKE_MODULE_LINKER_FLAGS="$LINKER_FLAGS"
    -DCMAKE_EXE_LINKER_FLAGS="$LINKER_FLAGS")
  [[ -n "$CXX_COMPILER_LAUNCHER" ]] && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$CXX_COMPILER_LAUNCHER")
  echo "== configure $1"
  "$CMAKE_COMMAND" "${args[@]}" >"$2.configure.log" 2>&1 || { cat "$2.configure.log"; fail "configuring $1"; }
  grep -A4 "CMake Warning" "$2.configure.log" >&2 || true  # SluiceSDK warns of a toolchain mismatch
  echo "== build $1"
  "$CMAKE_COMMAND" --build "$2" -j "$jobs"
}

expect_same() {  # expected actual
  diff -u "$1" "$2" || fail "$2 differs from $1"
}

install_prefix() {
  rm -rf "$WORK_DIR"
  mkdir -p "$WORK_DIR"
  # What the install copies: a no-op after a full build.
  "$CMAKE_COMMAND" --build "$SLUICE_BUILD_DIR" --target sluice all_plugins -j "$jobs" >"$WORK_DIR/build.log" 2>&1 ||
    { cat "$WORK_DIR/build.log"; fail "building sluice and the plugins"; }
  "$CMAKE_COMMAND" --install "$SLUICE_BUILD_DIR" --prefix "$prefix" >"$WORK_DIR/install.log"
  local package
  package="$(dirname "$(find "$prefix" -path '*/cmake/SluiceSDK/SluiceSDKConfig.cmake' | head -n 1)")"
  for f in "$sluice" "$prefix/include/sluice/sdk.hpp" "$package/SluiceSDKConfigVersion.cmake" \
    "$package/SluiceSDKTargets.cmake" "$package/SluicePlugin.cmake"; do
    [[ -f "$f" ]] || fail "cmake --install did not install $f"
  done
  ls "$prefix"/lib/sluice/plugins/libjson_parse.so.* >/dev/null || fail "no built-in plugins in $prefix/lib/sluice/plugins"
  expect_unloadable "$prefix"/lib/sluice/plugins/lib*.so.*
  "$sluice" --version

  # The package version is the SDK ABI version from abi.hpp; another major is not accepted.
  local abi probe="$WORK_DIR/version_probe"
  abi="$(sed -n 's/^#define SLUICE_SDK_ABI_MAJOR \([0-9]*\)$/\1/p' "$SLUICE_SOURCE_DIR/sdk/include/sluice/sdk/abi.hpp").$(
    sed -n 's/^#define SLUICE_SDK_ABI_MINOR \([0-9]*\)$/\1/p' "$SLUICE_SOURCE_DIR/sdk/include/sluice/sdk/abi.hpp")"
  mkdir -p "$probe"
  cat >"$probe/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(version_probe CXX)
find_package(SluiceSDK ${WANT} REQUIRED)
if(NOT TARGET sluice::sdk OR NOT COMMAND sluice_add_plugin)
  message(FATAL_ERROR "SluiceSDK provides no sluice::sdk or sluice_add_plugin()")
endif()
message(STATUS "SluiceSDK_VERSION=${SluiceSDK_VERSION}")
CMAKE
  "$CMAKE_COMMAND" -S "$probe" -B "$probe/ok" -DWANT="${abi%%.*}" -DCMAKE_PREFIX_PATH="$prefix" >"$probe/ok.log" 2>&1 ||
    { cat "$probe/ok.log"; fail "find_package(SluiceSDK ${abi%%.*}) failed"; }
  grep -q "SluiceSDK_VERSION=$abi\$" "$probe/ok.log" || { cat "$probe/ok.log"; fail "the package version is not $abi"; }
  if "$CMAKE_COMMAND" -S "$probe" -B "$probe/next" -DWANT="$((${abi%%.*} + 1))" -DCMAKE_PREFIX_PATH="$prefix" \
    >"$probe/next.log" 2>&1; then
    fail "find_package(SluiceSDK $((${abi%%.*} + 1))) accepted SDK $abi"
  fi
  echo "SluiceSDK $abi: find_package(SluiceSDK ${abi%%.*}) accepts it, $((${abi%%.*} + 1)) does not"
}

pii_mask() {
  local src="$SLUICE_SOURCE_DIR/sdk/examples/pii_mask"
  local build="$WORK_DIR/pii_mask"
  local run="$WORK_DIR/pii_mask_run"
  rm -rf "$build" "$run" "$WORK_DIR/pii_mask_prefix"
  configure_and_build "$src" "$build"
  "$CTEST_COMMAND" --test-dir "$build" --output-on-failure

  echo "== run the sample pipeline with the installed host"
  mkdir -p "$run"
  INPUT="$src/sample/input.ndjson" OUTPUT="$run/masked.ndjson" DEAD_LETTER="$run/dead.ndjson" \
    "$sluice" run "$src/sample/pipeline.yaml" --plugin-path "$build/plugins" --quiet
  expect_same "$src/sample/expected.ndjson" "$run/masked.ndjson"
  expect_same "$src/sample/expected_dead.ndjson" "$run/dead.ndjson"

  echo "== install the plugin"
  "$CMAKE_COMMAND" --install "$build" --prefix "$WORK_DIR/pii_mask_prefix" >/dev/null
  [[ -f "$WORK_DIR/pii_mask_prefix/lib/sluice/plugins/libpii_mask.so.1.0.0" ]] ||
    fail "the plugin was not installed to lib/sluice/plugins"
  expect_unloadable "$WORK_DIR/pii_mask_prefix/lib/sluice/plugins/libpii_mask.so.1.0.0"
}

new_plugin() {
  local kind="$1"
  local name="demo_$kind"
  local dir="$WORK_DIR/$name"
  rm -rf "$dir"
  echo "== sluice new-plugin $name --kind $kind"
  "$sluice" new-plugin "$name" --kind "$kind" --dir "$dir"
  grep -q -- "-DCMAKE_PREFIX_PATH=$(cd "$prefix" && pwd -P)" <("$sluice" new-plugin "${name}_again" --kind "$kind" \
    --dir "$WORK_DIR/${name}_again") || fail "new-plugin does not name the installed prefix"
  rm -rf "$WORK_DIR/${name}_again"
  if [[ "$kind" == transform ]]; then
    local status=0
    "$sluice" new-plugin "$name" --kind "$kind" --dir "$dir" 2>"$WORK_DIR/refused.txt" || status=$?
    [[ $status == 1 ]] && grep -q "already exists and is not an empty folder" "$WORK_DIR/refused.txt" ||
      fail "new-plugin overwrote a non-empty folder (exit $status)"
    status=0
    "$sluice" new-plugin 2fast --kind "$kind" --dir "$WORK_DIR/bad" 2>"$WORK_DIR/refused.txt" || status=$?
    [[ $status == 1 ]] && grep -q "NAME must be a C identifier" "$WORK_DIR/refused.txt" && [[ ! -e "$WORK_DIR/bad" ]] ||
      fail "new-plugin accepted the name 2fast (exit $status)"
  fi

  configure_and_build "$dir" "$dir/build"
  "$CTEST_COMMAND" --test-dir "$dir/build" --output-on-failure

  echo "== sluice plugins --plugin-path $dir/build/plugins"
  "$sluice" plugins --plugin-path "$dir/build/plugins" | tee "$WORK_DIR/$name.plugins.txt"
  # Built against the installed SDK, the plugin carries the host's SDK ABI version.
  abi=$("$sluice" --version | sed -n 's/.*SDK ABI \([0-9]*\)\.\([0-9]*\)).*/\1\\.\2/p')
  grep -Eq "^$name +0\.1\.0 +$kind +$abi +$dir/build/plugins/lib$name\.so\.0\.1\.0\$" "$WORK_DIR/$name.plugins.txt" ||
    fail "sluice plugins does not list $name"

  echo "== run its pipeline.yaml"
  (cd "$dir" && "$sluice" run pipeline.yaml --plugin-path build/plugins --quiet)
  case "$kind" in
    transform)
      printf '%s\n' '{"id":1,"message":"HELLO"}' '{"id":2,"message":"SLUICE PLUGINS"}' '{"id":3}' >"$WORK_DIR/$name.expected"
      grep -q '"reason":"not_a_string"' "$dir/dead.ndjson" || fail "no not_a_string dead letter"
      ;;
    source)
      for n in 1 2 3 4 5; do printf '{"n":%d,"source":"%s"}\n' "$n" "$name"; done >"$WORK_DIR/$name.expected"
      ;;
    sink)
      printf '%s\n' '{"id":1,"message":"hello"}' '{"id":2,"message":"sluice plugins"}' >"$WORK_DIR/$name.expected"
      grep -q '"line":3,"stage":"parse","reason":"parse_error"' "$dir/dead.ndjson" || fail "no parse_error dead letter"
      ;;
  esac
  expect_same "$WORK_DIR/$name.expected" "$dir/out.ndjson"
}

case "${1:-}" in
  install) install_prefix ;;
  pii_mask) pii_mask ;;
  new_plugin) new_plugin "${2:?kind}" ;;
  *) fail "usage: $0 install | pii_mask | new_plugin KIND" ;;
esac
echo "ok"
