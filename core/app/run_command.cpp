#include "admin/admin_service.hpp"
#include "app/cli_options.hpp"
#include "app/commands.hpp"
#include "app/progress_line.hpp"
#include "app/signal_watcher.hpp"
#include "runtime/config_reload.hpp"
#include "runtime/pipeline.hpp"
#include "runtime/run_report.hpp"

#include <boost/json.hpp>
#include <tbb/global_control.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>

#include <unistd.h>

namespace sluice::app {
namespace po = boost::program_options;

namespace {

// Waits, when the command returns, until oneTBB's worker threads have exited, so that the
// process ends with no thread still running (exit handlers, and LeakSanitizer's check at exit,
// otherwise race with workers going idle).
class WorkerThreadsJoined {
 public:
  WorkerThreadsJoined() : handle_(tbb::attach{}) {}
  ~WorkerThreadsJoined() { tbb::finalize(handle_, std::nothrow); }
  WorkerThreadsJoined(const WorkerThreadsJoined&) = delete;
  WorkerThreadsJoined& operator=(const WorkerThreadsJoined&) = delete;

 private:
  tbb::task_scheduler_handle handle_;
};

}  // namespace

int run_command(const Invocation& inv) {
  WorkerThreadsJoined workers;  // first: its destructor runs after everything else here
  CommonOptions common;
  uint32_t threads = 0, batch_size = 0, max_in_flight = 0;
  std::string stats_json;
  bool quiet = false;
  std::string admin_address, admin_token_file;
  bool watch = false, no_prune = false;
  po::options_description options("run options");
  add_common_options(options, common);
  options.add_options()("threads,t", po::value(&threads), "worker threads (default: all cores)")(
      "batch-size", po::value(&batch_size), "records per batch (overrides the pipeline's batch_size)")(
      "max-in-flight", po::value(&max_in_flight), "batches in flight at most (overrides the pipeline's)")(
      "stats-json", po::value(&stats_json), "write the run report (balance, stages, latency) as JSON here")(
      "quiet,q", po::bool_switch(&quiet), "no progress line and no report on stderr")(
      "admin", po::value(&admin_address),
      "serve the admin API (status, swap, tap, metrics) on HOST:PORT, or PORT on 127.0.0.1; port 0 picks a free "
      "one and prints it")(
      "admin-token-file", po::value(&admin_token_file),
      "require 'Authorization: Bearer TOKEN' from the admin API's clients, TOKEN being this file's first line "
      "(default: $SLUICE_ADMIN_TOKEN; none: no token)")(
      "watch", po::bool_switch(&watch), "reload the pipeline file when it changes, as on SIGHUP")(
      "no-prune", po::bool_switch(&no_prune),
      "compute every field, even those no stage after it reads (as prune_fields: false)");
  if (auto rc = parse_command_line(inv, "usage: sluice run PIPELINE.yaml [options]", options, true, common))
    return *rc;

  // Before any thread exists, so that every thread inherits the blocked signals.
  runtime::RunState state;
  runtime::ConfigReloader reloader;  // SIGHUP: swap the stages whose config changed
  SignalWatcher signals([&state](int) { state.request_stop(); }, [&reloader] { reloader.request(); });

  std::unique_ptr<runtime::Pipeline> pipeline;
  try {
    plugin::PluginRegistry registry = make_registry(inv, common);
    pipeline = std::make_unique<runtime::Pipeline>(config::load_pipeline(common.pipeline), registry,
                                                   runtime::AssembleOptions{false, threads, batch_size, max_in_flight, !no_prune});
  } catch (const sdk::ConfigError& e) {
    std::cerr << e.format() << "\n";
    return kExitInvalid;
  } catch (const std::exception& e) {
    std::cerr << "sluice: " << e.what() << "\n";
    return kExitInvalid;
  }

  std::unique_ptr<admin::AdminService> admin;
  if (!admin_address.empty()) {
    try {
      admin = std::make_unique<admin::AdminService>(*pipeline, state, admin_address, admin_token_file);
    } catch (const std::exception& e) {
      std::cerr << "sluice: " << e.what() << "\n";
      return kExitUsage;
    }
  }
  reloader.start(*pipeline, common.pipeline, watch);

  auto started = std::chrono::steady_clock::now();
  try {
    ProgressLine progress(state, !quiet && isatty(STDERR_FILENO));
    pipeline->run(state);
  } catch (const std::exception& e) {
    state.fail(e.what());
  }
  reloader.stop();
  if (admin) admin->stop();
  runtime::RunSummary summary;
  summary.main_entered_unix_ns = inv.main_entered_unix_ns;
  summary.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  summary.interrupted = signals.received() != 0;

  if (!quiet) std::cerr << runtime::run_report_text(*pipeline, state, summary);
  if (!stats_json.empty()) {
    std::ofstream out(stats_json);
    out << boost::json::serialize(runtime::run_report_json(*pipeline, state, summary)) << "\n";
    if (!out) std::cerr << "sluice: cannot write " << stats_json << "\n";
  }
  if (state.failed()) {
    if (quiet) std::cerr << "sluice: " << state.error() << "\n";
    return kExitRunFailed;
  }
  if (!runtime::balance_holds(state)) {
    std::cerr << "sluice: the balance does not hold: records were lost or counted twice\n";
    return kExitRunFailed;
  }
  if (signals.received()) return 128 + signals.received();
  return kExitOk;
}

}  // namespace sluice::app
