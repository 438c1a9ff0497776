#include "plugin/option_check.hpp"

#include "config/did_you_mean.hpp"

namespace sluice::plugin {

namespace {

bool has_type(const sdk::ConfigNode& v, sdk::OptionType type) {
  switch (type) {
    case sdk::OptionType::string: return v.is_scalar();
    case sdk::OptionType::integer: return v.is_int();
    case sdk::OptionType::number: return v.is_number();
    case sdk::OptionType::boolean: return v.is_bool();
    case sdk::OptionType::list: return v.is_sequence();
    case sdk::OptionType::map: return v.is_map();
    case sdk::OptionType::any: return true;
  }
  return true;
}

}  // namespace

void check_options(const PluginDescription& plugin, const sdk::ConfigNode& config, const sdk::Mark& stage_mark) {
  if (!config.is_null() && !config.is_map()) config.fail("config must be a map of options");
  std::vector<std::string> names;
  for (const OptionDescription& o : plugin.options) names.push_back(o.name);
  if (config.is_map()) {
    for (const sdk::ConfigNode::Entry& e : config.entries()) {
      const OptionDescription* option = nullptr;
      for (const OptionDescription& o : plugin.options)
        if (o.name == e.key) option = &o;
      if (!option) {
        std::string hint = config::suggestion_hint(e.key, names);
        throw sdk::ConfigError(e.key_mark, "unknown option '" + e.key + "' for plugin " + plugin.name, hint);
      }
      if (!e.value.is_null() && !has_type(e.value, option->type))
        e.value.fail("option '" + e.key + "' of plugin " + plugin.name + " must be " +
                         option_type_name(option->type) + ", found " +
                         (e.value.is_scalar() ? "'" + e.value.raw_scalar() + "'" : e.value.type_name()),
                     option->help);
    }
  }
  for (const OptionDescription& o : plugin.options) {
    if (o.required && !config.find(o.name))
      throw sdk::ConfigError(config.is_map() ? config.mark() : stage_mark, "missing required option '" + o.name + "' for plugin " + plugin.name,
                             o.help);
  }
}

}  // namespace sluice::plugin
