// The `sluice` commands other than run: help, exit codes, plugins, check, graph.
#include "sluice_process.hpp"

#include <catch2/catch.hpp>

using namespace sluice::testing;

namespace {
const std::string kTestPlugins = std::string(SLUICE_BINARY_DIR) + "/test-plugins/";

std::filesystem::path write_pipeline(const std::string& name, const std::string& yaml) {
  auto dir = scratch_dir(name);
  write_file(dir / "p.yaml", yaml);
  return dir / "p.yaml";
}

const char* kMinimal = R"(name: minimal
source:
  plugin: file_source
  config: {path: in.ndjson}
stages:
  - {name: parse, plugin: json_parse}
  - {name: stamp, plugin: stamp@^1}
sink:
  plugin: ndjson_sink
  config: {path: out.ndjson}
)";
}  // namespace

TEST_CASE("help and unknown commands use the documented exit codes", "[cli]") {
  auto help = run_sluice({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("exit codes:") != std::string::npos);
  CHECK(run_sluice({}).exit_code == 1);
  CHECK(run_sluice({"frobnicate"}).exit_code == 1);
  CHECK(run_sluice({"run", "--help"}).out.find("--stats-json") != std::string::npos);
  CHECK(run_sluice({"run", "--no-such-flag", "x.yaml"}).exit_code == 1);
  CHECK(run_sluice({"run"}).exit_code == 1);
}

TEST_CASE("the admin API clients explain their usage and refuse missing arguments", "[cli][admin]") {
  for (const char* command : {"swap", "tap", "status", "top"}) {
    INFO(command);
    auto help = run_sluice({command, "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find(std::string("usage: sluice ") + command + " --admin HOST:PORT") != std::string::npos);
    CHECK(help.out.find("--token-file") != std::string::npos);
    auto bare = run_sluice({command});
    CHECK(bare.exit_code == 1);
    CHECK(bare.err.find(std::string("sluice: ") + command + " needs --admin") != std::string::npos);
    CHECK(run_sluice({command, "--admin", "127.0.0.1:1", "--no-such-flag"}).exit_code == 1);
  }
  CHECK(run_sluice({"swap", "--help"}).out.find("VERSION is a version") != std::string::npos);
  auto swap = run_sluice({"swap", "--admin", "127.0.0.1:1", "stamp"});
  CHECK(swap.exit_code == 1);
  CHECK(swap.err.find("swap needs --admin, STAGE and VERSION") != std::string::npos);
}

TEST_CASE("plugins lists every built-in plugin with version, kind, ABI and path", "[cli]") {
  auto r = run_sluice({"plugins"});
  REQUIRE(r.exit_code == 0);
  for (const char* name : {"file_source", "generate", "json_parse", "normalize", "schema_validate", "regex_enrich",
                           "window_aggregate", "sqlite_sink", "ndjson_sink"})
    CHECK(r.out.find(std::string("\n") + name + " ") != std::string::npos);
  CHECK(r.out.find("transform  1.2") != std::string::npos);
  CHECK(r.out.find("lib/sluice/plugins/libjson_parse.so.") != std::string::npos);
}

TEST_CASE("plugins --describe prints a plugin's options", "[cli]") {
  auto r = run_sluice({"plugins", "--describe", "file_source"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("file_source 1.") != std::string::npos);
  CHECK(r.out.find("SDK ABI:   1.2") != std::string::npos);
  CHECK(r.out.find("path") != std::string::npos);
  CHECK(r.out.find("required") != std::string::npos);
  CHECK(run_sluice({"plugins", "--describe", "nope"}).exit_code == 2);
}

TEST_CASE("plugins reports broken and refused libraries and survives a crashing one", "[cli][abi]") {
  auto r = run_sluice({"plugins", "-P", kTestPlugins + "crash", "-P", kTestPlugins + "abi_major", "-P",
                       kTestPlugins + "no_manifest", "-P", kTestPlugins + "toolchain"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("crashed while loading (signal 11") != std::string::npos);
  CHECK(r.out.find("built for SDK ABI 2.0, this host has SDK ABI 1.2") != std::string::npos);
  CHECK(r.out.find("exports no 'sluice_manifest'") != std::string::npos);
  CHECK(r.out.find("toolchain 'gcc-1-libstdc++") != std::string::npos);
  CHECK(r.out.find("json_parse") != std::string::npos);  // the good ones are still listed
}

TEST_CASE("check accepts a valid pipeline and opens nothing", "[cli]") {
  auto p = write_pipeline("check_ok", kMinimal);
  auto r = run_sluice({"check", p.string(), "-P", kTestPlugins + "good"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(": ok") != std::string::npos);
  CHECK(r.out.find("stamp=stamp@1.1.0") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(p.parent_path() / "out.ndjson"));
}

TEST_CASE("check reports each config error class with file:line:col and exit code 2", "[cli]") {
  auto expect_error = [](const std::string& name, const std::string& yaml, const std::string& position,
                         const std::string& message) {
    auto p = write_pipeline(name, yaml);
    auto r = run_sluice({"check", p.string(), "-P", kTestPlugins + "good"});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(p.string() + ":" + position + ": error: ") != std::string::npos);
    CHECK(r.err.find(message) != std::string::npos);
  };
  std::string base = kMinimal;
  expect_error("unknown_plugin", "source: {plugin: file_sorce, config: {path: x}}\nsink: {plugin: ndjson_sink}\n",
               "1:18", "did you mean 'file_source'?");
  expect_error("unknown_option", "source: {plugin: file_source, config: {pathh: x}}\nsink: {plugin: ndjson_sink, config: {path: o}}\n",
               "1:40", "unknown option 'pathh' for plugin file_source (did you mean 'path'?)");
  expect_error("missing_option", "source: {plugin: file_source, config: {}}\nsink: {plugin: ndjson_sink, config: {path: o}}\n",
               "1:39", "missing required option 'path' for plugin file_source");
  expect_error("wrong_type", "source: {plugin: file_source, config: {path: x, batch_size: lots}}\nsink: {plugin: ndjson_sink, config: {path: o}}\n",
               "1:61", "option 'batch_size' of plugin file_source must be integer");
  expect_error("wrong_kind", "source: {plugin: json_parse}\nsink: {plugin: ndjson_sink, config: {path: o}}\n",
               "1:18", "plugin json_parse is a transform, but this place needs a source");
  expect_error("no_version", "source: {plugin: file_source, config: {path: x}}\nstages: [{plugin: stamp@^7}]\nsink: {plugin: ndjson_sink, config: {path: o}}\n",
               "2:19", "no usable plugin 'stamp' matching version ^7");
  expect_error("serial_concurrency", "source: {plugin: file_source, config: {path: x}}\nstages:\n  - {plugin: json_parse}\n  - {plugin: window_aggregate, concurrency: 4, config: {group_by: [a], metrics: [{name: count, op: count}]}}\nsink: {plugin: ndjson_sink, config: {path: o}}\n",
               "4:5", "cannot run with concurrency 4");
  expect_error("unset_env", "source: {plugin: file_source, config: {path: \"${SLUICE_TEST_UNSET_VAR}\"}}\nsink: {plugin: ndjson_sink, config: {path: o}}\n",
               "1:46", "environment variable SLUICE_TEST_UNSET_VAR is not set");
}

TEST_CASE("a plugin with a mismatched ABI is refused by run and check, naming file and versions", "[cli][abi]") {
  auto p = write_pipeline("abi_refused", kMinimal);
  auto r = run_sluice({"run", p.string(), "-P", kTestPlugins + "abi_major"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("libstamp.so.1.0.1: it was built for SDK ABI 2.0, this host has SDK ABI 1.2") != std::string::npos);
  auto t = run_sluice({"check", p.string(), "-P", kTestPlugins + "toolchain"});
  CHECK(t.exit_code == 2);
  CHECK(t.err.find("libstamp.so.1.0.3: it was built with toolchain") != std::string::npos);
}

TEST_CASE("graph prints DOT and Mermaid with plugins, versions, concurrency and buffers", "[cli]") {
  auto p = write_pipeline("graph", kMinimal);
  auto dot = run_sluice({"graph", p.string(), "-P", kTestPlugins + "good"});
  REQUIRE(dot.exit_code == 0);
  CHECK(dot.out.rfind("digraph \"minimal\" {", 0) == 0);
  CHECK(dot.out.find("stamp@1.1.0") != std::string::npos);
  CHECK(dot.out.find("json_parse@1.") != std::string::npos);
  CHECK(dot.out.find("concurrency") != std::string::npos);
  CHECK(dot.out.find("max_in_flight") != std::string::npos);
  auto mermaid = run_sluice({"graph", p.string(), "--format", "mermaid", "-P", kTestPlugins + "good"});
  REQUIRE(mermaid.exit_code == 0);
  CHECK(mermaid.out.rfind("flowchart LR", 0) == 0);
  CHECK(mermaid.out.find("sink -. release .-> limiter") != std::string::npos);
}
