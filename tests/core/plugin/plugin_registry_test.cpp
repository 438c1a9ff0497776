#include "plugin/plugin_registry.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

using sluice::plugin::PluginError;
using sluice::plugin::PluginRegistry;

namespace {
std::filesystem::path test_plugins(const char* set) {
  return std::filesystem::path(SLUICE_BINARY_DIR) / "test-plugins" / set;
}

// The PluginError message of loading `name` from the given plugin set.
std::string load_error(const char* set, const std::string& requirement = "") {
  PluginRegistry registry({test_plugins(set)});
  try {
    registry.load("stamp", requirement);
  } catch (const PluginError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("the highest version matching the requirement is loaded", "[plugin]") {
  PluginRegistry registry({test_plugins("good")});
  CHECK(registry.load("stamp", "")->description().version == "2.0.0");
  CHECK(registry.load("stamp", "^1")->description().version == "1.1.0");
  CHECK(registry.load("stamp", "~1.0")->description().version == "1.0.0");
  std::string e;
  try {
    registry.load("stamp", "^3");
  } catch (const PluginError& err) {
    e = err.what();
  }
  CHECK(e.find("no usable plugin 'stamp' matching version ^3") != std::string::npos);
  CHECK(e.find("1.0.0") != std::string::npos);
  CHECK(e.find("2.0.0") != std::string::npos);
}

TEST_CASE("a created stage keeps its library loaded", "[plugin]") {
  PluginRegistry registry({test_plugins("good")});
  std::shared_ptr<sluice::sdk::Stage> stage = registry.load("stamp", "=1.0.0")->create();
  REQUIRE(stage);
  CHECK(dynamic_cast<sluice::sdk::Transform*>(stage.get()) != nullptr);
}

TEST_CASE("plugins of another ABI major, a newer minor or another toolchain are refused, naming file and versions",
          "[plugin][abi]") {
  std::string major = load_error("abi_major");
  CHECK(major.find("libstamp.so.1.0.1") != std::string::npos);
  CHECK(major.find("built for SDK ABI 2.0, this host has SDK ABI 1.2") != std::string::npos);

  std::string minor = load_error("abi_minor");
  CHECK(minor.find("libstamp.so.1.0.2") != std::string::npos);
  CHECK(minor.find("SDK ABI 1.99, newer than this host's SDK ABI 1.2") != std::string::npos);

  std::string toolchain = load_error("toolchain");
  CHECK(toolchain.find("libstamp.so.1.0.3") != std::string::npos);
  CHECK(toolchain.find("toolchain 'gcc-1-libstdc++-cxx11abi0-boost-100000'") != std::string::npos);
  CHECK(toolchain.find(SLUICE_TOOLCHAIN_TAG) != std::string::npos);
}

TEST_CASE("two files providing the same name and version are refused as duplicates", "[plugin]") {
  std::string e = load_error("duplicate");
  CHECK(e.find("duplicate plugin stamp 1.0.4") != std::string::npos);
  CHECK(e.find("duplicate/a/libstamp.so.1.0.4") != std::string::npos);
  CHECK(e.find("duplicate/b/libstamp.so.1.0.4") != std::string::npos);
}

TEST_CASE("the isolated scan reports broken libraries and survives a crashing one", "[plugin]") {
  PluginRegistry registry({test_plugins("good"), test_plugins("no_manifest"), test_plugins("crash"),
                           test_plugins("abi_major"), test_plugins("duplicate")});
  auto found = registry.scan_isolated();
  int usable = 0;
  bool saw_crash = false, saw_no_manifest = false, saw_abi = false, saw_duplicate = false;
  for (const auto& d : found) {
    usable += d.usable();
    std::string file = d.file.string();
    if (file.find("crash") != std::string::npos)
      saw_crash = d.problem.find("crashed while loading (signal 11") != std::string::npos;
    if (file.find("nomanifest") != std::string::npos)
      saw_no_manifest = d.problem.find("exports no 'sluice_manifest'") != std::string::npos;
    if (file.find("abi_major") != std::string::npos) saw_abi = d.problem.find("SDK ABI 2.0") != std::string::npos;
    if (file.find("duplicate/b") != std::string::npos) saw_duplicate = d.problem.rfind("duplicate:", 0) == 0;
  }
  CHECK(usable == 4);  // three good versions and the first of the duplicates
  CHECK(saw_crash);
  CHECK(saw_no_manifest);
  CHECK(saw_abi);
  CHECK(saw_duplicate);
}

TEST_CASE("plugin names come from lib<name>.so.<version>", "[plugin]") {
  CHECK(sluice::plugin::plugin_name_from_file("/x/libregex_enrich.so.1.2.0") == "regex_enrich");
  CHECK(sluice::plugin::plugin_name_from_file("libfoo.so") == "foo");
  CHECK(sluice::plugin::plugin_name_from_file("README.md").empty());
}

TEST_CASE("a plugin file reached twice on the search path is a candidate once", "[plugin]") {
  namespace fs = std::filesystem;
  sluice::test_support::TempDir tmp("sluice_candidates");
  const fs::path dir = tmp.path() / "plugins";
  fs::create_directories(dir / "v2");
  tmp.write("plugins/libalpha.so.1.0.0", "");
  tmp.write("plugins/v2/libalpha.so.2.0.0", "");
  tmp.write("plugins/notes.txt", "");  // not a shared library
  // The same file by another name; the same folders by other paths.
  fs::create_symlink(dir / "libalpha.so.1.0.0", dir / "libalpha.so");
  fs::create_directory_symlink(dir / "v2", tmp.path() / "latest");
  fs::create_directory_symlink(dir, tmp.path() / "again");

  // The same folder three ways (as given, with a "..", through a link), and the subfolder twice.
  PluginRegistry registry({dir, dir / "v2" / "..", tmp.path() / "again", tmp.path() / "latest"});
  std::vector<std::string> names;
  for (const fs::path& p : registry.candidate_files()) names.push_back(p.lexically_relative(tmp.path()).string());
  // In name order: the link's name sorts before the file's, so the file is listed by it.
  CHECK(names == std::vector<std::string>{"plugins/libalpha.so", "plugins/v2/libalpha.so.2.0.0"});
}
