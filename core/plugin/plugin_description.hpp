// What the host knows about a plugin file: a copy of its manifest, and why it is refused.
#pragma once

#include "plugin/semver.hpp"

#include <sluice/sdk/plugin.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sluice::plugin {

struct OptionDescription {
  std::string name;
  sdk::OptionType type = sdk::OptionType::any;
  std::string default_value;
  bool has_default = false;
  bool required = false;
  std::string help;
};

// Host-owned copy of a manifest, valid after the library is unloaded.
struct PluginDescription {
  std::filesystem::path file;
  std::string name;
  std::string version;
  Version semver;
  sdk::StageKind kind = sdk::StageKind::transform;
  sdk::Threading threading = sdk::Threading::reentrant;
  uint32_t flags = 0;
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  std::string toolchain;
  std::string description;
  std::vector<OptionDescription> options;
  // Non-empty when the host will not load this file; says what differs, naming both sides.
  std::string problem;

  bool usable() const { return problem.empty(); }
  bool stateful() const { return (flags & sdk::kStateful) != 0; }
};

const char* kind_name(sdk::StageKind kind);
const char* threading_name(sdk::Threading threading);
const char* option_type_name(sdk::OptionType type);

// Copies a manifest read from `file` and checks it against this host's SDK ABI and toolchain.
// Reads only the fields the manifest's struct_size says it has.
PluginDescription describe_manifest(const sdk::Manifest* manifest, const std::filesystem::path& file);

// Round-trip through JSON (the isolated scanner sends descriptions over a pipe).
boost::json::value to_json(const PluginDescription& d);
PluginDescription description_from_json(const boost::json::value& v);

}  // namespace sluice::plugin
