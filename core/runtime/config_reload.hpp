// Live config reload: on SIGHUP (or, with --watch, when the file changes) the pipeline file is
// read again and compared with what runs; stages whose plugin, version requirement or config
// changed are hot-swapped, one by one. A change that cannot be applied live (the source, a
// sink's plugin, stages added, removed or reordered, batch_size, max_in_flight, concurrency,
// on_error) refuses the whole reload: it is logged and the pipeline keeps running unchanged.
#pragma once

#include "config/pipeline_spec.hpp"
#include "runtime/hot_swap.hpp"

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::runtime {

class Pipeline;

struct ReloadPlan {
  std::vector<SwapRequest> swaps;     // one per changed stage, in pipeline order
  std::vector<std::string> refusals;  // changes that cannot be applied live
};

// Compares `next` with what `pipeline` runs now.
ReloadPlan plan_reload(Pipeline& pipeline, const config::PipelineSpec& next);

// True when two configs hold the same values (positions and map key order aside).
bool same_config(const sdk::ConfigNode& a, const sdk::ConfigNode& b);

// Runs reloads on a thread of its own, so that a slow swap never blocks signal handling.
class ConfigReloader {
 public:
  ConfigReloader() = default;
  ~ConfigReloader();
  ConfigReloader(const ConfigReloader&) = delete;
  ConfigReloader& operator=(const ConfigReloader&) = delete;

  // Starts the reload thread for `pipeline`, read again from `file`; with `watch`, the file's
  // modification time and size are also polled twice a second. `pipeline` must outlive stop().
  void start(Pipeline& pipeline, std::filesystem::path file, bool watch);
  // Asks for a reload (SIGHUP). Any thread; one asked before start() runs once started.
  void request();
  // Ends the thread after the reload in progress, if any. Idempotent.
  void stop();

 private:
  void loop();
  void reload();

  Pipeline* pipeline_ = nullptr;
  std::filesystem::path file_;
  bool watch_ = false;
  std::mutex mutex_;  // guards the two flags
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sluice::runtime
