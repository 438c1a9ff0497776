// A pipeline assembled from its spec: every plugin loaded, every stage created and initialised.
#pragma once

#include "config/pipeline_spec.hpp"
#include "plugin/plugin_registry.hpp"
#include "runtime/run_state.hpp"
#include "runtime/stage_counters.hpp"

#include <sluice/sdk/stage.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace sluice::runtime {

// One loaded version of a stage. Batches hold a reference while they run on it, so a swapped-out
// instance (and its library) lives until its last batch is done.
struct StageInstance {
  std::shared_ptr<plugin::LoadedPlugin> plugin;
  std::shared_ptr<sdk::Stage> stage;
  sdk::Source* source = nullptr;
  sdk::Transform* transform = nullptr;
  sdk::Sink* sink = nullptr;
  const plugin::PluginDescription& description() const { return plugin->description(); }
};

// A position in the pipeline. Its instance is replaced atomically (hot swap); everything else
// is fixed once the pipeline is assembled.
class StageSlot {
 public:
  StageSlot(config::StageSpec spec, std::shared_ptr<StageInstance> instance, uint32_t concurrency)
      : spec_(std::move(spec)), concurrency_(concurrency), instance_(std::move(instance)) {}

  const config::StageSpec& spec() const { return spec_; }
  const std::string& name() const { return spec_.name; }
  uint32_t concurrency() const { return concurrency_; }
  bool serial() const { return concurrency_ == 1 && current()->description().threading == sdk::Threading::serial; }
  std::shared_ptr<StageInstance> current() const { return instance_.load(std::memory_order_acquire); }
  // Installs a new instance; batches that already took the old one finish on it.
  std::shared_ptr<StageInstance> exchange(std::shared_ptr<StageInstance> next) {
    return instance_.exchange(std::move(next), std::memory_order_acq_rel);
  }
  StageCounters counters;

 private:
  config::StageSpec spec_;
  uint32_t concurrency_;
  std::atomic<std::shared_ptr<StageInstance>> instance_;
};

struct AssembleOptions {
  bool check_only = false;  // `sluice check`: init stages, open nothing
  uint32_t threads = 0;     // worker threads; 0 = all cores
  uint32_t batch_size = 0;  // 0 = the pipeline's
  uint32_t max_in_flight = 0;
};

class Pipeline {
 public:
  // Loads every plugin (call on the main thread), checks each stage's config against the options
  // its plugin declares, creates and initialises each stage. Throws sdk::ConfigError with the
  // position of the offending value, for plugin problems too.
  Pipeline(config::PipelineSpec spec, plugin::PluginRegistry& registry, const AssembleOptions& options);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  const config::PipelineSpec& spec() const { return spec_; }
  StageSlot& source() { return *source_; }
  std::vector<std::unique_ptr<StageSlot>>& transforms() { return transforms_; }
  StageSlot& sink() { return *sink_; }
  StageSlot* dead_letter() { return dead_letter_.get(); }
  uint32_t threads() const { return threads_; }
  uint32_t batch_size() const { return batch_size_; }
  uint32_t max_in_flight() const { return max_in_flight_; }

  // Every slot in order: source, transforms, sink, dead letter.
  std::vector<StageSlot*> slots();

  // Starts the stages, runs the graph until the input ends, a stop is requested or a stage
  // fails with on_error: fail, then stops the stages. Call once, from the main thread.
  void run(RunState& state);

 private:
  std::shared_ptr<StageInstance> instantiate(const config::StageSpec& spec, sdk::StageKind kind,
                                             plugin::PluginRegistry& registry, sdk::SinkRole role, bool check_only);

  config::PipelineSpec spec_;
  uint32_t threads_;
  uint32_t batch_size_;
  uint32_t max_in_flight_;
  std::unique_ptr<StageSlot> source_;
  std::vector<std::unique_ptr<StageSlot>> transforms_;
  std::unique_ptr<StageSlot> sink_;
  std::unique_ptr<StageSlot> dead_letter_;
};

}  // namespace sluice::runtime
