#include "runtime/pipeline.hpp"

#include "config/did_you_mean.hpp"
#include "graph/pipeline_graph.hpp"
#include "plugin/option_check.hpp"
#include "runtime/field_demand.hpp"

#include <tbb/info.h>

#include <exception>
#include <iostream>
#include <optional>

namespace sluice::runtime {

namespace {

const char* kind_name(sdk::StageKind kind) { return plugin::kind_name(kind); }

}  // namespace

const char* phase_name(RunPhase phase) {
  switch (phase) {
    case RunPhase::assembled: return "starting";
    case RunPhase::running: return "running";
    case RunPhase::stopped: return "stopped";
  }
  return "?";
}

Pipeline::Pipeline(config::PipelineSpec spec, plugin::PluginRegistry& registry, const AssembleOptions& options)
    : spec_(std::move(spec)), registry_(registry) {
  threads_ = options.threads ? options.threads : static_cast<uint32_t>(tbb::info::default_concurrency());
  batch_size_ = options.batch_size ? options.batch_size : spec_.batch_size;
  max_in_flight_ = options.max_in_flight ? options.max_in_flight
                   : spec_.max_in_flight ? spec_.max_in_flight
                                         : 2 * threads_ + 2;
  prune_fields_ = spec_.prune_fields && options.prune_fields;

  auto make_slot = [&](const config::StageSpec& s, SlotRole slot_role, sdk::StageKind kind) {
    std::shared_ptr<StageInstance> instance = instantiate(s, kind, registry);
    uint32_t concurrency = 1;
    if (kind == sdk::StageKind::transform && instance->description().threading == sdk::Threading::reentrant)
      concurrency = s.concurrency.value_or(threads_);
    else if (s.concurrency && *s.concurrency > 1)
      throw sdk::ConfigError(s.mark,
                             "stage '" + s.name + "' cannot run with concurrency " + std::to_string(*s.concurrency),
                             "plugin " + instance->description().name + " is " +
                                 (kind == sdk::StageKind::transform ? "serial" : std::string(kind_name(kind))) +
                                 ": it processes one batch at a time, in order");
    return std::make_unique<StageSlot>(s, slot_role, std::move(instance), concurrency);
  };

  // Loaded and created in file order, so that the first problem in the file is the one reported.
  source_ = make_slot(spec_.source, SlotRole::source, sdk::StageKind::source);
  for (const config::StageSpec& s : spec_.stages)
    transforms_.push_back(make_slot(s, SlotRole::transform, sdk::StageKind::transform));
  sink_ = make_slot(spec_.sink, SlotRole::sink, sdk::StageKind::sink);
  if (spec_.dead_letter) dead_letter_ = make_slot(*spec_.dead_letter, SlotRole::dead_letter, sdk::StageKind::sink);

  // Initialised from the sinks back to the source, so that each transform learns at init()
  // what the stages after it read (field pruning). A failed init() does not stop the walk: the
  // error reported is the one nearest the top of the file, as for the checks above.
  std::optional<sdk::ConfigError> error;
  auto init = [&](StageInstance& instance, sdk::SinkRole role, const sdk::FieldSet& wanted) {
    try {
      initialise(instance, role, options.check_only, wanted);
    } catch (const sdk::ConfigError& e) {
      error = e;
      instance.field_use = sdk::FieldUse();  // reads every field, as far as the stages before it know
    }
  };
  const sdk::FieldSet every = sdk::FieldSet::every();
  if (dead_letter_) init(*dead_letter_->current(), sdk::SinkRole::dead_letters, every);
  init(*sink_->current(), sdk::SinkRole::records, every);
  FieldDemand demand(prune_fields_, sink_->current()->field_use,
                     dead_letter_ ? &dead_letter_->current()->field_use : nullptr);
  for (std::size_t i = transforms_.size(); i-- > 0;) {
    StageInstance& t = *transforms_[i]->current();
    init(t, sdk::SinkRole::records, demand.wanted());
    demand.step_back(t.field_use);
  }
  init(*source_->current(), sdk::SinkRole::records, demand.wanted());
  if (error) throw *error;
}

std::vector<sdk::FieldSet> Pipeline::field_plan(const std::vector<UseOverride>& overrides) {
  std::vector<std::shared_ptr<StageInstance>> held;  // keeps each FieldUse used below alive
  auto use_of = [&](const StageSlot* slot) -> const sdk::FieldUse* {
    for (const UseOverride& o : overrides)
      if (o.slot == slot) return o.use;
    held.push_back(slot->current());
    return &held.back()->field_use;
  };
  held.reserve(transforms_.size() + 2);
  FieldDemand demand(prune_fields_, *use_of(sink_.get()), dead_letter_ ? use_of(dead_letter_.get()) : nullptr);
  std::vector<sdk::FieldSet> plan(transforms_.size());
  for (std::size_t i = transforms_.size(); i-- > 0;) {
    plan[i] = demand.wanted();
    demand.step_back(*use_of(transforms_[i].get()));
  }
  return plan;
}

std::vector<std::string> Pipeline::skipped_fields(const StageSlot& slot) {
  std::shared_ptr<StageInstance> instance = slot.current();
  std::vector<std::string> skipped;
  for (const std::string& f : instance->field_use.skippable().names())
    if (!instance->wanted.contains(f)) skipped.push_back(f);
  return skipped;
}

Pipeline::~Pipeline() {
  // Stages go before their libraries: each StageInstance holds its LoadedPlugin, so dropping
  // the slots destroys stage objects first and unloads libraries last.
  dead_letter_.reset();
  sink_.reset();
  transforms_.clear();
  source_.reset();
}

std::vector<StageSlot*> Pipeline::slots() {
  std::vector<StageSlot*> out{source_.get()};
  for (auto& t : transforms_) out.push_back(t.get());
  out.push_back(sink_.get());
  if (dead_letter_) out.push_back(dead_letter_.get());
  return out;
}

StageSlot* Pipeline::find(std::string_view name) {
  for (StageSlot* slot : slots())
    if (slot->name() == name) return slot;
  return nullptr;
}

std::shared_ptr<StageInstance> Pipeline::instantiate(const config::StageSpec& s, sdk::StageKind kind,
                                                     plugin::PluginRegistry& registry) {
  auto instance = std::make_shared<StageInstance>();
  instance->spec = s;
  try {
    instance->plugin = registry.load(s.plugin, s.version_requirement);
  } catch (const plugin::PluginError& e) {
    std::string close = config::closest_match(s.plugin, registry.candidate_names());
    throw sdk::ConfigError(s.plugin_mark, e.what(),
                           close.empty() || close == s.plugin ? "run `sluice plugins` to list what is installed"
                                                              : "did you mean '" + close + "'?");
  }
  const plugin::PluginDescription& d = instance->description();
  if (d.kind != kind)
    throw sdk::ConfigError(s.plugin_mark,
                           "plugin " + d.name + " is a " + kind_name(d.kind) + ", but this place needs a " +
                               kind_name(kind),
                           "sources go under source:, transforms under stages:, sinks under sink: / dead_letter:");
  plugin::check_options(d, s.config, s.mark);
  if (!instance->create(kind))
    throw sdk::ConfigError(s.plugin_mark, "plugin " + d.name + " (" + d.file.string() + ") declares kind " +
                                              kind_name(kind) + " but its stage does not implement it");
  return instance;
}

void Pipeline::initialise(StageInstance& instance, sdk::SinkRole role, bool check_only, const sdk::FieldSet& wanted) {
  const config::StageSpec& s = instance.spec;
  const plugin::PluginDescription& d = instance.description();
  try {
    instance.init(s.name, spec_.directory(), batch_size_, role, check_only, wanted);
  } catch (const sdk::ConfigError& e) {
    // The exception object (and its vtable) lives in the plugin, which unloads as soon as the
    // pipeline being assembled is dropped: rethrow a copy made here.
    throw sdk::ConfigError(e.mark(), e.what(), e.hint());
  } catch (const std::exception& e) {
    throw sdk::ConfigError(s.mark, "stage '" + s.name + "' (" + d.name + " " + d.version +
                                       ") failed to initialise: " + e.what());
  }
}

RunPhase Pipeline::phase() const {
  std::lock_guard lock(phase_mutex_);
  return phase_;
}

std::chrono::steady_clock::time_point Pipeline::started_at() const {
  std::lock_guard lock(phase_mutex_);
  return started_at_;
}

void Pipeline::set_event_log(std::function<void(const std::string&)> log) { event_log_ = std::move(log); }

void Pipeline::log_event(const std::string& line) const {
  if (event_log_)
    event_log_(line);
  else
    std::cerr << line + "\n" << std::flush;
}

uint64_t Pipeline::swaps_done() {
  uint64_t n = 0;
  for (StageSlot* slot : slots()) n += slot->counters.swaps_done.load(std::memory_order_relaxed);
  return n;
}

uint64_t Pipeline::swaps_failed() {
  uint64_t n = 0;
  for (StageSlot* slot : slots()) n += slot->counters.swaps_failed.load(std::memory_order_relaxed);
  return n;
}

void Pipeline::run(RunState& state) {
  std::vector<StageSlot*> started;
  try {
    for (StageSlot* slot : slots()) {
      slot->current()->start();
      started.push_back(slot);
    }
  } catch (const std::exception& e) {
    for (auto it = started.rbegin(); it != started.rend(); ++it) (*it)->current()->stop();
    std::lock_guard lock(phase_mutex_);
    phase_ = RunPhase::stopped;
    throw;
  }

  {
    std::lock_guard lock(phase_mutex_);
    phase_ = RunPhase::running;
    started_at_ = std::chrono::steady_clock::now();
    run_state_ = &state;
  }
  graph::run_pipeline_graph(*this, state);
  {
    std::lock_guard lock(phase_mutex_);
    phase_ = RunPhase::stopped;
    run_state_ = nullptr;
  }
  resolve_pending_swaps();
  for (StageSlot* slot : slots()) {
    slot->tap.wake();
    slot->drop_older();
  }

  // Sinks last: they flush what the stages before them emitted.
  std::string stop_error;
  for (StageSlot* slot : slots()) {
    std::string error = slot->current()->stop();
    if (!error.empty() && stop_error.empty()) stop_error = "stage '" + slot->name() + "' failed to stop: " + error;
  }
  if (!stop_error.empty()) state.fail(stop_error);
}

}  // namespace sluice::runtime
