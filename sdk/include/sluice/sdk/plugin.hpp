// The plugin manifest and the SLUICE_PLUGIN macro that exports it with the stage factory.
#pragma once

#include <sluice/sdk/abi.hpp>
#include <sluice/sdk/stage.hpp>

#include <boost/dll/alias.hpp>

#include <cstdint>
#include <span>

namespace sluice::sdk {
inline namespace v1 {

// The type of a declared config option, checked by the host before init().
enum class OptionType : uint32_t { string = 1, integer, number, boolean, list, map, any };

// One declared config option. All pointers are string literals owned by the plugin image.
struct OptionSpec {
  const char* name;
  OptionType type;
  const char* default_value;  // as written in YAML, or nullptr for none
  bool required;
  const char* help;
};

// Flags in Manifest::flags.
inline constexpr uint32_t kStateful = 1u << 0;  // keeps state across batches (swap uses snapshot/restore)

// What a plugin author writes, in SLUICE_PLUGIN(Stage, { ... }).
struct PluginInfo {
  const char* name;
  const char* version;  // semver: MAJOR.MINOR.PATCH
  StageKind kind;
  Threading threading = Threading::reentrant;
  const char* description = "";
  std::span<const OptionSpec> options = {};
  uint32_t flags = 0;
};

// The manifest the host reads before creating anything. A plain struct: fields are only
// ever appended, struct_size says how many the plugin knows. Lives in the plugin image.
struct Manifest {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  StageKind kind;
  Threading threading;
  uint32_t flags;
  const char* name;
  const char* version;
  const char* toolchain;
  const char* description;
  const OptionSpec* options;
  uint32_t option_count;
};

constexpr Manifest make_manifest(const PluginInfo& info) {
  return Manifest{sizeof(Manifest),
                  SLUICE_SDK_ABI_MAJOR,
                  SLUICE_SDK_ABI_MINOR,
                  info.kind,
                  info.threading,
                  info.flags,
                  info.name,
                  info.version,
                  SLUICE_TOOLCHAIN_TAG,
                  info.description,
                  info.options.data(),
                  static_cast<uint32_t>(info.options.size())};
}

// Exported symbol names. The manifest's name never changes; the factory's carries the ABI
// major so that a plugin of another major cannot be called by mistake.
inline constexpr const char* kManifestSymbol = "sluice_manifest";
inline constexpr const char* kFactorySymbol = "sluice_create_v1";

using ManifestFn = const Manifest*();
// Returns a new stage; the caller owns it and deletes it before unloading the library.
using FactoryFn = Stage*();

}  // namespace v1
}  // namespace sluice::sdk

// Exports a plugin: its manifest and a factory creating StageClass. Use once per library, at
// namespace scope in one source file:
//   SLUICE_PLUGIN(NormalizeStage, {.name = "normalize", .version = "1.0.0",
//                                  .kind = sluice::sdk::StageKind::transform, ...})
#define SLUICE_PLUGIN(StageClass, ...)                                                         \
  namespace sluice_plugin_entry {                                                              \
  static constexpr ::sluice::sdk::PluginInfo kInfo = __VA_ARGS__;                              \
  static constexpr ::sluice::sdk::Manifest kManifest = ::sluice::sdk::make_manifest(kInfo);    \
  const ::sluice::sdk::Manifest* manifest() { return &kManifest; }                             \
  ::sluice::sdk::Stage* create() { return new StageClass(); }                                  \
  }                                                                                            \
  BOOST_DLL_ALIAS(sluice_plugin_entry::manifest, sluice_manifest)                              \
  BOOST_DLL_ALIAS(sluice_plugin_entry::create, sluice_create_v1)
