// The positions of a pipeline (slots) and the loaded versions that fill them (instances).
// A slot's instance is replaced atomically by a hot swap; see hot_swap.hpp.
#pragma once

#include "config/pipeline_spec.hpp"
#include "plugin/plugin_registry.hpp"
#include "runtime/hot_swap.hpp"
#include "runtime/stage_counters.hpp"
#include "runtime/stage_tap.hpp"

#include <sluice/sdk/stage.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sluice::runtime {

// One loaded version of a stage: its plugin, the stage object the plugin created, and the spec
// (plugin, version requirement, config) it was built from. Batches hold a shared reference
// while they run on it, so a swapped-out instance lives until its last batch is done; then it
// is stopped and destroyed, and its library is released (the stage object holds it).
struct StageInstance {
  StageInstance() = default;
  StageInstance(const StageInstance&) = delete;
  StageInstance& operator=(const StageInstance&) = delete;
  // Stops the stage if it was started and not stopped yet (a swapped-out instance whose last
  // batch just finished); errors are swallowed: there is nobody left to report them to.
  ~StageInstance();

  std::shared_ptr<plugin::LoadedPlugin> plugin;
  std::shared_ptr<sdk::Stage> stage;
  sdk::Source* source = nullptr;
  sdk::Transform* transform = nullptr;
  sdk::PreparingTransform* preparing = nullptr;  // the transform, when it prepares batches
  sdk::Sink* sink = nullptr;
  config::StageSpec spec;
  // Field pruning: what the stages after this one read, as told to init(), and what the stage
  // declared there about what it reads. Fixed for the instance's life.
  sdk::FieldSet wanted;
  sdk::FieldUse field_use;

  const plugin::PluginDescription& description() const { return plugin->description(); }
  // Creates the stage object from `plugin` and sets the pointer of `kind` (source, transform
  // and preparing, or sink); false when the object does not implement that kind. Throws what
  // the plugin's factory throws.
  bool create(sdk::StageKind kind);
  // Calls stage->init() for the stage `name` with `spec.config`, telling it that the stages
  // after it read `wanted` and keeping what it declares in `field_use`. Throws what init()
  // throws.
  void init(const std::string& name, const std::filesystem::path& directory, uint32_t batch_size,
            sdk::SinkRole role, bool check_only, const sdk::FieldSet& wanted);
  // Calls stage->start(); throws what it throws. Control plane, one thread.
  void start();
  // Calls stage->stop() once, if started; returns its error message, empty when it succeeded.
  std::string stop() noexcept;

 private:
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
};

// The outcome of a swap applied by a serial stage's own node.
struct SwapOutcome {
  SwapError error = SwapError::none;
  std::string message;               // why it failed; on success, a warning or nothing
  std::chrono::nanoseconds pause{};  // how long the node held its next batch to apply it
};

// A swap waiting for a serial stage's next batch boundary. The node that applies it (or the
// end of the run) sets `outcome` exactly once.
struct PendingSwap {
  std::shared_ptr<StageInstance> next;
  bool move_state = false;  // snapshot() the old instance and restore() the new one
  std::promise<SwapOutcome> outcome;
};

enum class SlotRole { source, transform, sink, dead_letter };
const char* role_name(SlotRole role);

// A position in the pipeline. Its name, role, concurrency and error policy are fixed once the
// pipeline is assembled; its instance is replaced as a whole (hot swap).
class StageSlot {
 public:
  StageSlot(config::StageSpec spec, SlotRole role, std::shared_ptr<StageInstance> instance, uint32_t concurrency)
      : spec_(std::move(spec)), role_(role), concurrency_(concurrency), instance_(std::move(instance)) {}

  // The stage as first assembled; the running plugin, version and config are current()->spec.
  const config::StageSpec& spec() const { return spec_; }
  const std::string& name() const { return spec_.name; }
  SlotRole role() const { return role_; }
  uint32_t concurrency() const { return concurrency_; }
  // One batch at a time, in source order: sources, sinks, serial transforms, concurrency 1.
  bool serial() const { return concurrency_ == 1; }

  // The newest instance: the one a batch entering the stage now runs on, unless a swap that
  // switches at a given batch (see exchange_from) still keeps an older one for it. Any thread.
  std::shared_ptr<StageInstance> current() const {
    std::lock_guard lock(instance_mutex_);
    return instance_;
  }
  // The instance the batch numbered `sequence` runs on. `committed_below`: every batch before
  // that number has been committed by the sinks, so no batch needs a version that stopped
  // before it any more, and those are let go here. Any thread.
  std::shared_ptr<StageInstance> current_for(uint64_t sequence, uint64_t committed_below);
  // Installs a new instance; batches that already took the old one finish on it.
  std::shared_ptr<StageInstance> exchange(std::shared_ptr<StageInstance> next) {
    std::lock_guard lock(instance_mutex_);
    std::swap(instance_, next);
    return next;
  }
  // Installs a new instance for the batches numbered `first` and later; those before keep the
  // one installed now, wherever they are. Allocates nothing when reserve_switch() came first.
  void exchange_from(uint64_t first, std::shared_ptr<StageInstance> next) noexcept;
  // Makes room for one exchange_from().
  void reserve_switch();
  // Lets go of every older instance (the end of the run).
  void drop_older();

  // --- swaps of serial slots, applied by the slot's own node between two batches ---
  // Checked by the node once per batch.
  bool swap_pending() const noexcept { return pending_flag_.load(std::memory_order_acquire); }
  // Whether the pending swap applies before the batch numbered `sequence`: every pending swap
  // does, except one installed with a first batch still to come.
  bool pending_due(uint64_t sequence) const noexcept {
    return sequence >= pending_from_.load(std::memory_order_acquire);
  }
  // False when another swap is already pending. The swap applies before the first batch
  // numbered `first` or later; kNotYet holds it until arm_pending().
  static constexpr uint64_t kNotYet = UINT64_MAX;
  bool install_pending(std::shared_ptr<PendingSwap> swap, uint64_t first = 0);
  void arm_pending(uint64_t first) noexcept { pending_from_.store(first, std::memory_order_release); }
  // The pending swap, now owned by the caller (the node, or the end of the run); null if none.
  std::shared_ptr<PendingSwap> take_pending();
  // Removes `swap` if it is still pending (a caller that gave up waiting); false when a node
  // has already taken it, and will set its outcome.
  bool withdraw_pending(const std::shared_ptr<PendingSwap>& swap);

  // The reason of the last failed swap (empty if none). Any thread.
  std::string last_swap_error() const;
  void set_last_swap_error(std::string error);

  StageCounters counters;
  StageTap tap;

 private:
  config::StageSpec spec_;
  SlotRole role_;
  uint32_t concurrency_;
  // A plain mutex rather than std::atomic<std::shared_ptr>: it is taken once per batch, and
  // libstdc++ 12's atomic shared_ptr unlocks loads with relaxed order, which ThreadSanitizer
  // (rightly, by the memory model) reports against a concurrent exchange.
  mutable std::mutex instance_mutex_;
  std::shared_ptr<StageInstance> instance_;
  // Instances kept for the batches numbered below `until` (ascending), after swaps that switch
  // at a given batch.
  struct Older {
    uint64_t until;
    std::shared_ptr<StageInstance> instance;
  };
  std::vector<Older> older_;

  std::atomic<bool> pending_flag_{false};
  std::atomic<uint64_t> pending_from_{0};
  mutable std::mutex mutex_;  // guards pending_ and last_swap_error_
  std::shared_ptr<PendingSwap> pending_;
  std::string last_swap_error_;
};

}  // namespace sluice::runtime
