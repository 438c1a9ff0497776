// Plugin discovery and loading: finds plugin files on the search path, reads their manifests,
// picks the version a pipeline asks for, and loads it through Boost.DLL.
#pragma once

#include "plugin/plugin_description.hpp"

#include <sluice/sdk/plugin.hpp>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sluice::plugin {

// Thrown when a plugin cannot be found or loaded; the message names the file and the versions.
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A plugin library loaded into this process. Shared: every stage created from it holds a
// reference, so the library is unloaded only after its last stage is destroyed.
class LoadedPlugin : public std::enable_shared_from_this<LoadedPlugin> {
 public:
  LoadedPlugin(PluginDescription description, boost::dll::shared_library library, sdk::FactoryFn* factory);
  const PluginDescription& description() const { return description_; }
  // Creates a stage instance; the returned pointer keeps this library loaded.
  std::shared_ptr<sdk::Stage> create() const;

 private:
  PluginDescription description_;
  boost::dll::shared_library library_;
  sdk::FactoryFn* factory_;
};

// The search path for plugins, in priority order: --plugin-path, SLUICE_PLUGIN_PATH (':'-separated),
// then the plugin directory next to the binary (../lib/sluice/plugins).
std::vector<std::filesystem::path> default_search_path(const std::vector<std::filesystem::path>& from_cli,
                                                       const std::filesystem::path& executable);

// The plugin name a file name suggests: libnormalize.so.1.2.0 -> normalize (empty if none).
std::string plugin_name_from_file(const std::filesystem::path& file);

class PluginRegistry {
 public:
  explicit PluginRegistry(std::vector<std::filesystem::path> search_path);

  const std::vector<std::filesystem::path>& search_path() const { return search_path_; }
  // Every file on the search path that looks like a plugin (*.so, *.so.*), directories one
  // level deep included (a folder per version works).
  std::vector<std::filesystem::path> candidate_files() const;
  // Plugin names as the candidates' file names suggest them (for "did you mean").
  std::vector<std::string> candidate_names() const;

  // Reads every candidate's manifest in a child process of its own, so that a library that
  // fails to load, lacks a manifest or crashes in its static initialisers is reported, not fatal.
  std::vector<PluginDescription> scan_isolated() const;

  // Loads the highest usable version of `name` matching `requirement` (empty: any). Throws
  // PluginError naming the files and versions considered. Call on the main thread.
  std::shared_ptr<LoadedPlugin> load(const std::string& name, const std::string& requirement);

 private:
  std::vector<std::filesystem::path> search_path_;
  // By file path. Weak: a library no stage uses any more (swapped out) is unloaded, not pinned here.
  std::map<std::string, std::weak_ptr<LoadedPlugin>> loaded_;
};

// Loads `file` into `library` in this process and reads its manifest; never throws for a bad
// file (the description's problem says what is wrong).
PluginDescription read_plugin_in_process(const std::filesystem::path& file, boost::dll::shared_library& library);

// Reads the manifest of one file in a forked child; never throws for a bad file.
PluginDescription scan_file_isolated(const std::filesystem::path& file);

}  // namespace sluice::plugin
