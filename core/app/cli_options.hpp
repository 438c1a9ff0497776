// Command-line options shared by the subcommands, parsed with Boost.Program_options.
#pragma once

#include "app/commands.hpp"
#include "plugin/plugin_registry.hpp"

#include <boost/program_options.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
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

// A positional argument: its name (for errors) and where its value goes.
struct Positional {
  const char* name;
  std::string* value;
};

// Parses args: `options`, then `positionals` in order. On --help prints usage, `help_text`
// (when given) and the options, and returns kExitOk; on error prints it and returns kExitUsage;
// returns std::nullopt to continue (positionals not given stay empty).
std::optional<int> parse_arguments(const Invocation& inv, const std::string& usage,
                                   const boost::program_options::options_description& options,
                                   std::initializer_list<Positional> positionals, std::string_view help_text = {});

// Prints "sluice: <problem>", the usage and the options to stderr; returns kExitUsage.
int usage_error(const std::string& problem, const std::string& usage,
                const boost::program_options::options_description& options);

// The options every admin API client takes (swap, tap, status, top): --help, --admin and
// --token-file.
struct AdminClientOptions {
  std::string address;
  std::string token_file;
};
void add_admin_client_options(boost::program_options::options_description& options, AdminClientOptions& admin);

plugin::PluginRegistry make_registry(const Invocation& inv, const CommonOptions& common);

}  // namespace sluice::app
