#include "app/cli_options.hpp"
#include "app/commands.hpp"

#include <fmt/format.h>

#include <iostream>

namespace sluice::app {
namespace po = boost::program_options;
using plugin::kind_name;
using plugin::option_type_name;
using plugin::threading_name;

int plugins_command(const Invocation& inv) {
  CommonOptions common;
  std::string describe;
  po::options_description options("plugins options");
  add_common_options(options, common);
  options.add_options()("describe,d", po::value(&describe), "print one plugin's options, version, ABI and path");
  if (auto rc = parse_command_line(inv, "usage: sluice plugins [--describe NAME] [options]", options, false, common))
    return *rc;
  plugin::PluginRegistry registry = make_registry(inv, common);
  std::vector<plugin::PluginDescription> found = registry.scan_isolated();

  if (!describe.empty()) {
    bool any = false;
    for (const plugin::PluginDescription& d : found) {
      if (d.name != describe) continue;
      any = true;
      std::cout << fmt::format("{} {} ({}, {}{})\n", d.name, d.version, kind_name(d.kind), threading_name(d.threading),
                               d.stateful() ? ", stateful" : "");
      if (!d.description.empty()) std::cout << "  " << d.description << "\n";
      std::cout << fmt::format("  file:      {}\n  SDK ABI:   {}.{}\n  toolchain: {}\n", d.file.string(), d.abi_major,
                               d.abi_minor, d.toolchain);
      if (!d.usable()) std::cout << "  REFUSED:   " << d.problem << "\n";
      std::cout << "  options:\n";
      if (d.options.empty()) std::cout << "    (none)\n";
      for (const plugin::OptionDescription& o : d.options) {
        std::cout << fmt::format("    {:<20} {:<8} {}{}\n", o.name, option_type_name(o.type),
                                 o.required ? "required" : (o.has_default ? "default " + o.default_value : "optional"),
                                 "");
        if (!o.help.empty()) std::cout << "        " << o.help << "\n";
      }
    }
    if (!any) {
      std::cerr << "sluice: no plugin named '" << describe << "' on the plugin path\n";
      return kExitInvalid;
    }
    return kExitOk;
  }

  std::cout << fmt::format("{:<18} {:<9} {:<10} {:<5} {}\n", "NAME", "VERSION", "KIND", "ABI", "PATH");
  int refused = 0;
  for (const plugin::PluginDescription& d : found) {
    if (d.usable()) {
      std::cout << fmt::format("{:<18} {:<9} {:<10} {:<5} {}\n", d.name, d.version, kind_name(d.kind),
                               fmt::format("{}.{}", d.abi_major, d.abi_minor), d.file.string());
    } else {
      ++refused;
    }
  }
  for (const plugin::PluginDescription& d : found)
    if (!d.usable()) std::cout << "refused " << d.file.string() << ": " << d.problem << "\n";
  if (found.empty()) {
    std::cout << "no plugins found; searched:";
    for (const auto& p : registry.search_path()) std::cout << " " << p.string();
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace sluice::app
