#include "runtime/pipeline.hpp"

#include "config/did_you_mean.hpp"
#include "graph/pipeline_graph.hpp"
#include "plugin/option_check.hpp"

#include <tbb/info.h>

#include <exception>
#include <iostream>

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

  auto make_slot = [&](const config::StageSpec& s, SlotRole slot_role, sdk::StageKind kind, sdk::SinkRole role) {
    std::shared_ptr<StageInstance> instance = instantiate(s, kind, registry, role, options.check_only);
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

  source_ = make_slot(spec_.source, SlotRole::source, sdk::StageKind::source, sdk::SinkRole::records);
  for (const config::StageSpec& s : spec_.stages)
    transforms_.push_back(make_slot(s, SlotRole::transform, sdk::StageKind::transform, sdk::SinkRole::records));
  sink_ = make_slot(spec_.sink, SlotRole::sink, sdk::StageKind::sink, sdk::SinkRole::records);
  if (spec_.dead_letter)
    dead_letter_ =
        make_slot(*spec_.dead_letter, SlotRole::dead_letter, sdk::StageKind::sink, sdk::SinkRole::dead_letters);
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
                                                     plugin::PluginRegistry& registry, sdk::SinkRole role,
                                                     bool check_only) {
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
  instance->stage = instance->plugin->create();
  switch (kind) {
    case sdk::StageKind::source: instance->source = dynamic_cast<sdk::Source*>(instance->stage.get()); break;
    case sdk::StageKind::transform:
      instance->transform = dynamic_cast<sdk::Transform*>(instance->stage.get());
      instance->preparing = dynamic_cast<sdk::PreparingTransform*>(instance->stage.get());
      break;
    case sdk::StageKind::sink: instance->sink = dynamic_cast<sdk::Sink*>(instance->stage.get()); break;
  }
  if (!instance->source && !instance->transform && !instance->sink)
    throw sdk::ConfigError(s.plugin_mark, "plugin " + d.name + " (" + d.file.string() + ") declares kind " +
                                              kind_name(kind) + " but its stage does not implement it");
  sdk::InitContext ctx{s.name, s.config, spec_.directory(), batch_size_, role, check_only};
  try {
    instance->stage->init(ctx);
  } catch (const sdk::ConfigError& e) {
    // The exception object (and its vtable) lives in the plugin, which unloads as soon as
    // `instance` goes out of scope: rethrow a copy made here.
    throw sdk::ConfigError(e.mark(), e.what(), e.hint());
  } catch (const std::exception& e) {
    throw sdk::ConfigError(s.mark, "stage '" + s.name + "' (" + d.name + " " + d.version +
                                       ") failed to initialise: " + e.what());
  }
  return instance;
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
  for (StageSlot* slot : slots()) slot->tap.wake();

  // Sinks last: they flush what the stages before them emitted.
  std::string stop_error;
  for (StageSlot* slot : slots()) {
    std::string error = slot->current()->stop();
    if (!error.empty() && stop_error.empty()) stop_error = "stage '" + slot->name() + "' failed to stop: " + error;
  }
  if (!stop_error.empty()) state.fail(stop_error);
}

}  // namespace sluice::runtime
