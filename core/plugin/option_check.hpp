// Checks a stage's `config:` against the options its plugin declares.
#pragma once

#include "plugin/plugin_description.hpp"

#include <sluice/sdk/config.hpp>

namespace sluice::plugin {

// Throws sdk::ConfigError (file:line:col) for an unknown option (with "did you mean"), a value of
// the wrong type, or a missing required option.
// stage_mark locates the stage for errors about a config that is absent.
void check_options(const PluginDescription& plugin, const sdk::ConfigNode& config, const sdk::Mark& stage_mark);

}  // namespace sluice::plugin
