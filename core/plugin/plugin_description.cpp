#include "plugin/plugin_description.hpp"

#include <boost/json.hpp>

#include <cstddef>

namespace sluice::plugin {

const char* kind_name(sdk::StageKind kind) {
  switch (kind) {
    case sdk::StageKind::source: return "source";
    case sdk::StageKind::transform: return "transform";
    case sdk::StageKind::sink: return "sink";
  }
  return "unknown";
}

const char* threading_name(sdk::Threading threading) {
  return threading == sdk::Threading::serial ? "serial" : "reentrant";
}

const char* option_type_name(sdk::OptionType type) {
  switch (type) {
    case sdk::OptionType::string: return "string";
    case sdk::OptionType::integer: return "integer";
    case sdk::OptionType::number: return "number";
    case sdk::OptionType::boolean: return "boolean";
    case sdk::OptionType::list: return "list";
    case sdk::OptionType::map: return "map";
    case sdk::OptionType::any: return "any";
  }
  return "any";
}

PluginDescription describe_manifest(const sdk::Manifest* m, const std::filesystem::path& file) {
  PluginDescription d;
  d.file = file;
  constexpr std::size_t kMinimumSize = offsetof(sdk::Manifest, abi_minor) + sizeof(uint32_t);
  if (!m || m->struct_size < kMinimumSize) {
    d.problem = "its manifest is missing or truncated";
    return d;
  }
  d.abi_major = m->abi_major;
  d.abi_minor = m->abi_minor;
  std::string host_abi = std::to_string(SLUICE_SDK_ABI_MAJOR) + "." + std::to_string(SLUICE_SDK_ABI_MINOR);
  std::string plugin_abi = std::to_string(m->abi_major) + "." + std::to_string(m->abi_minor);
  if (m->abi_major != SLUICE_SDK_ABI_MAJOR) {
    d.problem = "it was built for SDK ABI " + plugin_abi + ", this host has SDK ABI " + host_abi +
                " (the major versions differ: rebuild the plugin against this SDK)";
    // Later fields may be laid out differently: read nothing more.
    return d;
  }
  if (m->struct_size < sizeof(sdk::Manifest) && m->abi_minor >= SLUICE_SDK_ABI_MINOR) {
    d.problem = "its manifest is smaller than SDK ABI " + plugin_abi + " defines";
    return d;
  }
  d.kind = m->kind;
  d.threading = m->threading;
  d.flags = m->flags;
  d.name = m->name ? m->name : "";
  d.version = m->version ? m->version : "";
  d.toolchain = m->toolchain ? m->toolchain : "";
  d.description = m->description ? m->description : "";
  for (uint32_t i = 0; m->options && i < m->option_count; ++i) {
    const sdk::OptionSpec& o = m->options[i];
    OptionDescription od;
    od.name = o.name ? o.name : "";
    od.type = o.type;
    od.has_default = o.default_value != nullptr;
    od.default_value = o.default_value ? o.default_value : "";
    od.required = o.required;
    od.help = o.help ? o.help : "";
    d.options.push_back(std::move(od));
  }
  if (m->abi_minor > SLUICE_SDK_ABI_MINOR) {
    d.problem = "it was built for SDK ABI " + plugin_abi + ", newer than this host's SDK ABI " + host_abi +
                " (upgrade the host, or rebuild the plugin against this SDK)";
  } else if (d.toolchain != SLUICE_TOOLCHAIN_TAG) {
    d.problem = "it was built with toolchain '" + d.toolchain + "', this host with '" SLUICE_TOOLCHAIN_TAG
                "' (C++ objects cross the plugin boundary: rebuild it with the host's toolchain)";
  } else if (d.name.empty()) {
    d.problem = "its manifest has no name";
  } else if (auto v = Version::parse(d.version)) {
    d.semver = *v;
  } else {
    d.problem = "its version '" + d.version + "' is not MAJOR.MINOR.PATCH";
  }
  if (d.problem.empty() && (d.kind < sdk::StageKind::source || d.kind > sdk::StageKind::sink))
    d.problem = "its manifest names an unknown stage kind";
  return d;
}

boost::json::value to_json(const PluginDescription& d) {
  boost::json::array options;
  for (const OptionDescription& o : d.options) {
    options.push_back(boost::json::object{{"name", o.name},
                                          {"type", static_cast<int>(o.type)},
                                          {"default", o.default_value},
                                          {"has_default", o.has_default},
                                          {"required", o.required},
                                          {"help", o.help}});
  }
  return boost::json::object{{"file", d.file.string()},
                             {"name", d.name},
                             {"version", d.version},
                             {"kind", static_cast<int>(d.kind)},
                             {"threading", static_cast<int>(d.threading)},
                             {"flags", d.flags},
                             {"abi_major", d.abi_major},
                             {"abi_minor", d.abi_minor},
                             {"toolchain", d.toolchain},
                             {"description", d.description},
                             {"options", std::move(options)},
                             {"problem", d.problem}};
}

PluginDescription description_from_json(const boost::json::value& v) {
  const boost::json::object& o = v.as_object();
  PluginDescription d;
  auto str = [&o](const char* key) { return std::string(o.at(key).as_string()); };
  d.file = str("file");
  d.name = str("name");
  d.version = str("version");
  d.kind = static_cast<sdk::StageKind>(o.at("kind").to_number<int>());
  d.threading = static_cast<sdk::Threading>(o.at("threading").to_number<int>());
  d.flags = o.at("flags").to_number<uint32_t>();
  d.abi_major = o.at("abi_major").to_number<uint32_t>();
  d.abi_minor = o.at("abi_minor").to_number<uint32_t>();
  d.toolchain = str("toolchain");
  d.description = str("description");
  d.problem = str("problem");
  for (const boost::json::value& ov : o.at("options").as_array()) {
    const boost::json::object& oo = ov.as_object();
    OptionDescription od;
    od.name = std::string(oo.at("name").as_string());
    od.type = static_cast<sdk::OptionType>(oo.at("type").to_number<int>());
    od.default_value = std::string(oo.at("default").as_string());
    od.has_default = oo.at("has_default").as_bool();
    od.required = oo.at("required").as_bool();
    od.help = std::string(oo.at("help").as_string());
    d.options.push_back(std::move(od));
  }
  if (auto sv = Version::parse(d.version)) d.semver = *sv;
  return d;
}

}  // namespace sluice::plugin
