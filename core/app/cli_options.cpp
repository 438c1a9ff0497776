#include "app/cli_options.hpp"

#include <iostream>

namespace sluice::app {
namespace po = boost::program_options;

void add_common_options(po::options_description& options, CommonOptions& common) {
  options.add_options()("help,h", "show this help")(
      "plugin-path,P", po::value(&common.plugin_paths)->composing(),
      "a directory to search for plugins, before SLUICE_PLUGIN_PATH and the built-in plugins (repeatable)");
}

std::optional<int> parse_command_line(const Invocation& inv, const std::string& usage,
                                      const po::options_description& options, bool wants_pipeline,
                                      CommonOptions& common) {
  po::options_description all = options;
  po::positional_options_description positional;
  if (wants_pipeline) {
    all.add_options()("pipeline", po::value(&common.pipeline), "pipeline file");
    positional.add("pipeline", 1);
  }
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(inv.args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "sluice: " << e.what() << "\n\n" << usage << "\n" << options;
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << usage << "\n" << options;
    return kExitOk;
  }
  if (wants_pipeline && common.pipeline.empty()) {
    std::cerr << "sluice: missing PIPELINE.yaml\n\n" << usage << "\n" << options;
    return kExitUsage;
  }
  return std::nullopt;
}

plugin::PluginRegistry make_registry(const Invocation& inv, const CommonOptions& common) {
  std::vector<std::filesystem::path> cli(common.plugin_paths.begin(), common.plugin_paths.end());
  return plugin::PluginRegistry(plugin::default_search_path(cli, inv.executable));
}

}  // namespace sluice::app
