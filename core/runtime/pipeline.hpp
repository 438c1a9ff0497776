// A pipeline assembled from its spec: every plugin loaded, every stage created and initialised.
#pragma once

#include "config/pipeline_spec.hpp"
#include "plugin/plugin_registry.hpp"
#include "runtime/hot_swap.hpp"
#include "runtime/run_state.hpp"
#include "runtime/stage_counters.hpp"
#include "runtime/stage_slot.hpp"

#include <sluice/sdk/stage.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::runtime {

struct AssembleOptions {
  bool check_only = false;  // `sluice check`: init stages, open nothing
  uint32_t threads = 0;     // worker threads; 0 = all cores
  uint32_t batch_size = 0;  // 0 = the pipeline's
  uint32_t max_in_flight = 0;
  bool prune_fields = true;  // false: no field pruning, whatever the pipeline says
};

// Where a pipeline is in its life. Swaps are accepted only while it runs.
enum class RunPhase { assembled, running, stopped };
const char* phase_name(RunPhase phase);

class Pipeline {
 public:
  // Loads every plugin (call on the main thread), checks each stage's config against the options
  // its plugin declares, creates and initialises each stage. Throws sdk::ConfigError with the
  // position of the offending value, for plugin problems too. Keeps a copy of `registry` (its
  // search path and loaded libraries) for hot swaps.
  Pipeline(config::PipelineSpec spec, plugin::PluginRegistry& registry, const AssembleOptions& options);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // The pipeline as loaded from its file; the running version of each stage is in
  // slot->current()->spec.
  const config::PipelineSpec& spec() const { return spec_; }
  StageSlot& source() { return *source_; }
  std::vector<std::unique_ptr<StageSlot>>& transforms() { return transforms_; }
  StageSlot& sink() { return *sink_; }
  StageSlot* dead_letter() { return dead_letter_.get(); }
  uint32_t threads() const { return threads_; }
  uint32_t batch_size() const { return batch_size_; }
  uint32_t max_in_flight() const { return max_in_flight_; }
  // What the stages after the transform at `index` read: the fields it may not skip.
  sdk::FieldSet wanted_after(std::size_t index) { return transforms_.at(index)->current()->wanted; }
  // The fields the running instance of `slot` leaves uncomputed because no stage after it reads
  // them (field pruning), sorted; empty for sources and sinks.
  static std::vector<std::string> skipped_fields(const StageSlot& slot);

  // Every slot in order: source, transforms, sink, dead letter.
  std::vector<StageSlot*> slots();
  // The slot named `name`, or null.
  StageSlot* find(std::string_view name);

  // Starts the stages, runs the graph until the input ends, a stop is requested or a stage
  // fails with on_error: fail, then stops the stages. Call once, from the main thread.
  void run(RunState& state);

  RunPhase phase() const;
  // When run() started the graph (steady clock); the epoch before.
  std::chrono::steady_clock::time_point started_at() const;

  // Replaces one stage's version, plugin or config while the pipeline runs (see hot_swap.hpp).
  // Thread-safe: swaps are serialised; waits up to request.timeout for a serial stage's next
  // batch boundary. Never throws; failures are counted, logged and returned with their reason.
  SwapResult swap_stage(const SwapRequest& request);

  // Receives one line per swap, reload and refusal (default: stderr). Set before run().
  void set_event_log(std::function<void(const std::string&)> log);
  void log_event(const std::string& line) const;

  // Swaps applied and refused over the whole pipeline.
  uint64_t swaps_done();
  uint64_t swaps_failed();

  // For the source's node, before it creates the batch numbered `next_sequence`: installs the
  // switch a swap posted, if any, so that its stages change versions together from that batch
  // on (see hot_swap.cpp). Cheap when there is none.
  void install_posted_switch(uint64_t next_sequence, RunState& state) noexcept {
    if (switch_posted_.load(std::memory_order_acquire)) install_switch(next_sequence, state);
  }

 private:
  // Loads the plugin, checks its kind and options, creates the stage (not initialised yet).
  std::shared_ptr<StageInstance> instantiate(const config::StageSpec& spec, sdk::StageKind kind,
                                             plugin::PluginRegistry& registry);
  // Calls init(), telling the stage that the stages after it read `wanted`.
  void initialise(StageInstance& instance, sdk::SinkRole role, bool check_only, const sdk::FieldSet& wanted);
  // A stage's declaration of what it reads, standing in for its running instance's.
  struct UseOverride {
    const StageSlot* slot;
    const sdk::FieldUse* use;
  };
  // What the stages after each transform read (field pruning), from the running instances'
  // declarations, or from `overrides` for the slots named there.
  std::vector<sdk::FieldSet> field_plan(const std::vector<UseOverride>& overrides = {});
  SwapResult try_swap(StageSlot& slot, const SwapRequest& request);
  // One stage's part in a swap that changes several at one batch.
  struct SwitchPart {
    StageSlot* slot;
    std::shared_ptr<StageInstance> next;
    bool move_state;
  };
  // Switches every part's stage to its new instance from one batch on (the next the source
  // creates); waits up to request.timeout for that batch, then for the serial parts' outcomes.
  // `parts` in pipeline order, the stage the request named last.
  SwapResult switch_together(const std::vector<SwitchPart>& parts, const SwapRequest& request, SwapResult r);
  // The source's node: installs the posted switch for the batches numbered `first` and later.
  void install_switch(uint64_t first, RunState& state) noexcept;
  struct PostedSwitch;
  // Takes the posted switch off the board (only `only`, when given); null when there is none, or
  // another.
  std::shared_ptr<PostedSwitch> take_posted_switch(const PostedSwitch* only = nullptr) noexcept;
  // Resolves every swap still pending once no batch will come (the end of the run).
  void resolve_pending_swaps();

  config::PipelineSpec spec_;
  uint32_t threads_;
  uint32_t batch_size_;
  uint32_t max_in_flight_;
  bool prune_fields_;
  std::unique_ptr<StageSlot> source_;
  std::vector<std::unique_ptr<StageSlot>> transforms_;
  std::unique_ptr<StageSlot> sink_;
  std::unique_ptr<StageSlot> dead_letter_;

  // Serialises swaps, and with them every use of registry_ (which is not thread-safe).
  std::mutex swap_mutex_;
  plugin::PluginRegistry registry_;
  RunState* run_state_ = nullptr;  // while run() runs

  // A switch posted by switch_together() for the source's node to install.
  struct PostedSwitch {
    std::vector<SwitchPart> parts;
    std::vector<std::shared_ptr<PendingSwap>> pending;  // per part: its serial swap, or null
    std::promise<uint64_t> installed;                   // the first batch, or kNever
  };
  static constexpr uint64_t kNever = UINT64_MAX;
  std::mutex switch_mutex_;  // guards posted_switch_
  std::shared_ptr<PostedSwitch> posted_switch_;
  std::atomic<bool> switch_posted_{false};

  mutable std::mutex phase_mutex_;  // guards phase_ and started_at_; held while installing a swap
  RunPhase phase_ = RunPhase::assembled;
  std::chrono::steady_clock::time_point started_at_{};

  std::function<void(const std::string&)> event_log_;
};

}  // namespace sluice::runtime
