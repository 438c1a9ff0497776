// Command-line options shared by the subcommands, parsed with Boost.Program_options.
#pragma once

#include "app/commands.hpp"
#include "plugin/plugin_registry.hpp"

#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sluice::app {

struct CommonOptions {
  std::string pipeline;
  std::vector<std::string> plugin_paths;
};

// Adds --plugin-path (and the positional PIPELINE when wants_pipeline).
void add_common_options(boost::program_options::options_description& options, CommonOptions& common);

// Parses args; on --help prints usage and returns kExitOk, on error prints it and returns
// kExitUsage; returns std::nullopt to continue.
std::optional<int> parse_command_line(const Invocation& inv, const std::string& usage,
                                      const boost::program_options::options_description& options,
                                      bool wants_pipeline, CommonOptions& common);

plugin::PluginRegistry make_registry(const Invocation& inv, const CommonOptions& common);

}  // namespace sluice::app
