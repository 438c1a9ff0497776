#include "app/cli_options.hpp"

#include <iostream>

namespace sluice::app {
namespace po = boost::program_options;

void add_common_options(po::options_description& options, CommonOptions& common) {
  options.add_options()("help,h", "show this help")(
      "plugin-path,P", po::value(&common.plugin_paths)->composing(),
      "a directory to search for plugins, before SLUICE_PLUGIN_PATH and the built-in plugins (repeatable)");
}

std::optional<int> parse_arguments(const Invocation& inv, const std::string& usage,
                                   const po::options_description& options,
                                   std::initializer_list<Positional> positionals, std::string_view help_text) {
  po::options_description all = options;
  po::positional_options_description positional;
  for (const Positional& p : positionals) {
    all.add_options()(p.name, po::value(p.value));
    positional.add(p.name, 1);
  }
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(inv.args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(e.what(), usage, options);
  }
  if (vm.count("help")) {
    std::cout << usage << "\n";
    if (!help_text.empty()) std::cout << "\n" << help_text << "\n\n";
    std::cout << options;
    return kExitOk;
  }
  return std::nullopt;
}

int usage_error(const std::string& problem, const std::string& usage, const po::options_description& options) {
  std::cerr << "sluice: " << problem << "\n\n" << usage << "\n" << options;
  return kExitUsage;
}

std::optional<int> parse_command_line(const Invocation& inv, const std::string& usage,
                                      const po::options_description& options, bool wants_pipeline,
                                      CommonOptions& common) {
  std::optional<int> rc = wants_pipeline ? parse_arguments(inv, usage, options, {{"pipeline", &common.pipeline}})
                                         : parse_arguments(inv, usage, options, {});
  if (rc) return rc;
  if (wants_pipeline && common.pipeline.empty()) return usage_error("missing PIPELINE.yaml", usage, options);
  return std::nullopt;
}

void add_admin_client_options(po::options_description& options, AdminClientOptions& admin) {
  options.add_options()("help,h", "show this help")(
      "admin", po::value(&admin.address), "the pipeline's admin API, HOST:PORT (sluice run --admin)")(
      "token-file", po::value(&admin.token_file), "bearer token file (default: $SLUICE_ADMIN_TOKEN)");
}

plugin::PluginRegistry make_registry(const Invocation& inv, const CommonOptions& common) {
  std::vector<std::filesystem::path> cli(common.plugin_paths.begin(), common.plugin_paths.end());
  return plugin::PluginRegistry(plugin::default_search_path(cli, inv.executable));
}

}  // namespace sluice::app
