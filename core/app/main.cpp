// sluice: runs one pipeline per process. See `sluice --help`.
#include "app/commands.hpp"

#include <sluice/sdk/abi.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

constexpr const char* kUsage = R"(usage: sluice <command> [options]

commands:
  run PIPELINE.yaml       run a pipeline until its input ends (SIGINT/SIGTERM drain and stop)
  check PIPELINE.yaml     load every plugin and validate every stage config; runs no data
  graph PIPELINE.yaml     print the pipeline graph (Graphviz DOT, or --format mermaid)
  plugins                 list discovered plugins (--describe NAME for its options)
  swap STAGE VERSION      hot-swap a stage of a running pipeline (--admin HOST:PORT)
  status                  print a running pipeline's stages, versions and counters (--admin)
  tap STAGE               print a sample of the records leaving a stage, as NDJSON (--admin)
  top                     live per-stage rates, latency and versions (--admin; q quits)
  new-plugin NAME         write an out-of-tree plugin project (--kind transform|source|sink)

Run `sluice <command> --help` for the options of a command.

exit codes:
  0    success
  1    bad command line
  2    invalid pipeline: a config error (file:line:col), a missing or refused plugin
  3    the run failed: a stage with on_error: fail, or a source or sink error
       (swap, status, tap, top: the admin API refused the request or could not be reached)
  130  interrupted by SIGINT (143: SIGTERM); batches read were drained and the balance printed
)";

}  // namespace

int main(int argc, char** argv) {
  const auto entered = std::chrono::system_clock::now();
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? sluice::app::kExitUsage : sluice::app::kExitOk;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("sluice %s (plugin SDK ABI %d.%d)\n", SLUICE_VERSION, SLUICE_SDK_ABI_MAJOR, SLUICE_SDK_ABI_MINOR);
    return 0;
  }
  sluice::app::Invocation inv;
  inv.executable = "/proc/self/exe";
  inv.main_entered_unix_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(entered.time_since_epoch()).count();
  for (int i = 2; i < argc; ++i) inv.args.emplace_back(argv[i]);
  std::string command = argv[1];
  if (command == "run") return sluice::app::run_command(inv);
  if (command == "check") return sluice::app::check_command(inv);
  if (command == "graph") return sluice::app::graph_command(inv);
  if (command == "plugins") return sluice::app::plugins_command(inv);
  if (command == "swap") return sluice::app::swap_command(inv);
  if (command == "status") return sluice::app::status_command(inv);
  if (command == "tap") return sluice::app::tap_command(inv);
  if (command == "top") return sluice::app::top_command(inv);
  if (command == "new-plugin") return sluice::app::new_plugin_command(inv);
  std::fprintf(stderr, "sluice: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return sluice::app::kExitUsage;
}
