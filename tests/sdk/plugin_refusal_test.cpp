// The host's refusals of plugins built wrong, seen through the real `sluice` binary: each is
// refused with its own message naming the file and both sides, and the host carries on. Adds
// to tests/core/plugin/plugin_registry_test.cpp (the registry) and tests/integration/cli_test.cpp
// (ABI major and toolchain through run/check, the plugins listing) what they leave out.
#include <catch2/catch.hpp>

#include "sluice_process.hpp"

using namespace sluice::testing;

namespace {

const std::string kTestPlugins = std::string(SLUICE_BINARY_DIR) + "/test-plugins/";

// A pipeline whose only transform is `plugin`, reading in.ndjson in its own scratch folder.
std::filesystem::path write_pipeline(const std::string& name, const std::string& plugin) {
  auto dir = scratch_dir(name);
  write_file(dir / "in.ndjson", "{\"id\":1}\n{\"id\":2}\n");
  write_file(dir / "p.yaml",
             "source: {plugin: file_source, config: {path: in.ndjson}}\n"
             "stages:\n  - {name: parse, plugin: json_parse}\n  - {name: t, plugin: " +
                 plugin + "}\nsink: {plugin: ndjson_sink, config: {path: out.ndjson}}\n");
  return dir / "p.yaml";
}

ProcessResult run_in(const std::filesystem::path& pipeline, const std::vector<std::string>& plugin_dirs,
                     const std::string& command = "run") {
  std::vector<std::string> args = {command, pipeline.string(), "--quiet"};
  if (command != "run") args.pop_back();
  for (const std::string& d : plugin_dirs) {
    args.push_back("--plugin-path");
    args.push_back(kTestPlugins + d);
  }
  ProcessOptions options;
  options.cwd = pipeline.parent_path();
  return run_sluice(args, options);
}

}  // namespace

TEST_CASE("run and check refuse a plugin built for a newer SDK ABI minor", "[sdk][abi]") {
  auto p = write_pipeline("refuse_minor", "stamp");
  for (const char* command : {"run", "check"}) {
    auto r = run_in(p, {"abi_minor"}, command);
    INFO(command << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("libstamp.so.1.0.2: it was built for SDK ABI 1.99, newer than this host's SDK ABI 1.2") !=
          std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(p.parent_path() / "out.ndjson"));
}

TEST_CASE("run refuses a library without a manifest that a pipeline names", "[sdk][abi]") {
  auto r = run_in(write_pipeline("refuse_no_manifest", "nomanifest"), {"no_manifest"});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no usable plugin 'nomanifest'") != std::string::npos);
  CHECK(r.err.find("libnomanifest.so.1.0.0: it exports no 'sluice_manifest'") != std::string::npos);
}

TEST_CASE("run refuses two files providing the same plugin name and version", "[sdk][abi]") {
  auto r = run_in(write_pipeline("refuse_duplicate", "stamp"), {"duplicate"});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("duplicate plugin stamp 1.0.4: provided by both") != std::string::npos);
  CHECK(r.err.find("duplicate/a/libstamp.so.1.0.4") != std::string::npos);
  CHECK(r.err.find("duplicate/b/libstamp.so.1.0.4") != std::string::npos);
}

TEST_CASE("plugins lists every kind of refusal with its message and still lists the good plugins", "[sdk][abi]") {
  auto r = run_sluice({"plugins", "-P", kTestPlugins + "abi_minor", "-P", kTestPlugins + "duplicate", "-P",
                       kTestPlugins + "crash", "-P", kTestPlugins + "no_manifest", "-P", kTestPlugins + "abi_major",
                       "-P", kTestPlugins + "toolchain"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("built for SDK ABI 1.99, newer than this host's SDK ABI 1.2") != std::string::npos);
  CHECK(r.out.find("built for SDK ABI 2.0, this host has SDK ABI 1.2") != std::string::npos);
  CHECK(r.out.find("built with toolchain 'gcc-1-libstdc++") != std::string::npos);
  CHECK(r.out.find("duplicate: stamp 1.0.4 is also provided by") != std::string::npos);
  CHECK(r.out.find("exports no 'sluice_manifest'") != std::string::npos);
  CHECK(r.out.find("crashed while loading (signal 11") != std::string::npos);
  CHECK(r.out.find("json_parse") != std::string::npos);
}

TEST_CASE("broken and refused libraries on the plugin path do not disturb a run that does not name them",
          "[sdk][abi]") {
  auto p = write_pipeline("refused_bystanders", "stamp@=1.1.0");
  auto r = run_in(p, {"crash", "no_manifest", "abi_major", "abi_minor", "toolchain", "good"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(read_file(p.parent_path() / "out.ndjson") ==
        "{\"id\":1,\"stamped_by\":\"1.1.0\"}\n{\"id\":2,\"stamped_by\":\"1.1.0\"}\n");
}
