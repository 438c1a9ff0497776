#include "runtime/hot_swap.hpp"

#include "plugin/option_check.hpp"
#include "runtime/pipeline.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <exception>

namespace sluice::runtime {

namespace {

using Clock = std::chrono::steady_clock;

std::string current_exception_message() {
  try {
    throw;
  } catch (const sdk::ConfigError& e) {
    // Positions matter for configs read from a file (reload); a request's config has none.
    const sdk::Mark& m = e.mark();
    std::string s = m.line > 0 ? fmt::format("{}:{}:{}: {}", m.file, m.line, m.column, e.what()) : e.what();
    if (!e.hint().empty()) s += fmt::format(" ({})", e.hint());
    return s;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

std::string label(const plugin::PluginDescription& d) { return d.name + " " + d.version; }

}  // namespace

int http_status(SwapError error) {
  switch (error) {
    case SwapError::none: return 200;
    case SwapError::unknown_stage: return 404;
    case SwapError::not_swappable:
    case SwapError::busy: return 409;
    case SwapError::load_failed:
    case SwapError::config_rejected:
    case SwapError::init_failed:
    case SwapError::restore_failed: return 422;
    case SwapError::not_running: return 503;
    case SwapError::timed_out: return 504;
  }
  return 500;
}

const char* swap_error_name(SwapError error) {
  switch (error) {
    case SwapError::none: return "none";
    case SwapError::unknown_stage: return "unknown_stage";
    case SwapError::not_swappable: return "not_swappable";
    case SwapError::load_failed: return "load_failed";
    case SwapError::config_rejected: return "config_rejected";
    case SwapError::init_failed: return "init_failed";
    case SwapError::restore_failed: return "restore_failed";
    case SwapError::busy: return "busy";
    case SwapError::not_running: return "not_running";
    case SwapError::timed_out: return "timed_out";
  }
  return "?";
}

void apply_pending_swap(StageSlot& slot, RunState& state) noexcept {
  std::shared_ptr<PendingSwap> pending = slot.take_pending();
  if (!pending) return;
  const Clock::time_point started = Clock::now();
  SwapOutcome outcome;
  std::shared_ptr<StageInstance> old = slot.current();
  try {
    if (pending->move_state) pending->next->stage->restore(old->stage->snapshot());
  } catch (...) {
    outcome.error = SwapError::restore_failed;
    outcome.message = "the state hand-over failed: " + current_exception_message();
  }
  if (outcome.error == SwapError::none) {
    slot.exchange(pending->next);
    state.note_swap_applied();
    // No batch runs on the old instance any more: this node is the only way into the stage.
    if (std::string error = old->stop(); !error.empty())
      outcome.message = "the previous version failed to stop: " + error;
  }
  outcome.pause = Clock::now() - started;
  try {
    pending->outcome.set_value(std::move(outcome));
  } catch (...) {
    // Only a second set_value throws, and each pending swap is taken once.
  }
}

SwapResult Pipeline::swap_stage(const SwapRequest& request) {
  StageSlot* slot = find(request.stage);
  if (!slot) {
    SwapResult r;
    r.error = SwapError::unknown_stage;
    r.message = fmt::format("no stage named '{}'; stages:", request.stage);
    for (StageSlot* s : slots()) r.message += fmt::format(" {}", s->name());
    log_event("swap (" + request.origin + ") refused: " + r.message);
    return r;
  }
  std::lock_guard one_at_a_time(swap_mutex_);
  SwapResult r = try_swap(*slot, request);
  std::string wanted = fmt::format("{}{}{}", request.plugin.empty() ? r.previous_plugin : request.plugin,
                                   request.version_requirement.empty() ? "" : "@", request.version_requirement);
  if (r.ok()) {
    slot->counters.swaps_done.fetch_add(1, std::memory_order_relaxed);
    slot->set_last_swap_error({});
    log_event(fmt::format("swap ({}): stage '{}' {} {} -> {} {} (batches held {} us){}{}", request.origin, slot->name(),
                          r.previous_plugin, r.previous_version, r.plugin, r.version,
                          std::chrono::duration_cast<std::chrono::microseconds>(r.pause).count(),
                          r.message.empty() ? "" : "; ", r.message));
  } else {
    slot->counters.swaps_failed.fetch_add(1, std::memory_order_relaxed);
    slot->set_last_swap_error(r.message);
    log_event(fmt::format("swap ({}) failed: stage '{}' to {}: {}: {}; {} {} keeps running", request.origin,
                          slot->name(), wanted, swap_error_name(r.error), r.message, r.plugin, r.version));
  }
  return r;
}

SwapResult Pipeline::try_swap(StageSlot& slot, const SwapRequest& request) {
  std::shared_ptr<StageInstance> old = slot.current();
  SwapResult r;
  r.plugin = r.previous_plugin = old->description().name;
  r.version = r.previous_version = old->description().version;
  auto fail = [&r](SwapError error, std::string message) {
    r.error = error;
    r.message = std::move(message);
    return r;
  };

  if (RunPhase p = phase(); p != RunPhase::running)
    return fail(SwapError::not_running,
                p == RunPhase::stopped ? "the pipeline has stopped" : "the pipeline is not running yet");
  if (slot.role() == SlotRole::source)
    return fail(SwapError::not_swappable,
                "the source cannot be swapped while the pipeline runs: its read position would be lost");

  config::StageSpec spec = old->spec;
  if (!request.plugin.empty()) spec.plugin = request.plugin;
  spec.version_requirement = request.version_requirement;
  if (request.config) spec.config = *request.config;
  const bool is_sink = slot.role() == SlotRole::sink || slot.role() == SlotRole::dead_letter;
  if (is_sink && spec.plugin != old->spec.plugin)
    return fail(SwapError::not_swappable, "a sink's plugin cannot change while the pipeline runs (" + old->spec.plugin +
                                              " -> " + spec.plugin + "); its version and config can");

  // Load and check the new version: nothing below touches the running one.
  std::shared_ptr<plugin::LoadedPlugin> loaded;
  try {
    loaded = registry_.load(spec.plugin, spec.version_requirement);
  } catch (const std::exception& e) {
    return fail(SwapError::load_failed, e.what());
  }
  const plugin::PluginDescription& d = loaded->description();
  const sdk::StageKind kind = is_sink ? sdk::StageKind::sink : sdk::StageKind::transform;
  if (d.kind != kind)
    return fail(SwapError::load_failed, fmt::format("plugin {} is a {}, but stage '{}' is a {}", label(d),
                                                    plugin::kind_name(d.kind), slot.name(), plugin::kind_name(kind)));
  if (!slot.serial() && (d.threading == sdk::Threading::serial || d.stateful()))
    return fail(SwapError::not_swappable,
                fmt::format("plugin {} is {}, but stage '{}' runs {} batches at once; restart the pipeline to "
                            "change that",
                            label(d), d.stateful() ? "stateful" : "serial", slot.name(), slot.concurrency()));
  if (old->description().stateful() && !d.stateful())
    return fail(SwapError::not_swappable,
                fmt::format("stage '{}' holds state ({} is stateful) and {} is not: the state would be lost",
                            slot.name(), label(old->description()), label(d)));
  const bool move_state = old->description().stateful() && d.stateful();
  try {
    plugin::check_options(d, spec.config, spec.mark);
  } catch (...) {
    return fail(SwapError::config_rejected, current_exception_message());
  }

  auto next = std::make_shared<StageInstance>();
  next->plugin = loaded;
  next->spec = std::move(spec);
  try {
    next->stage = loaded->create();
  } catch (...) {
    return fail(SwapError::load_failed, current_exception_message());
  }
  if (is_sink)
    next->sink = dynamic_cast<sdk::Sink*>(next->stage.get());
  else {
    next->transform = dynamic_cast<sdk::Transform*>(next->stage.get());
    next->preparing = dynamic_cast<sdk::PreparingTransform*>(next->stage.get());
  }
  if (!next->sink && !next->transform)
    return fail(SwapError::load_failed,
                fmt::format("plugin {} ({}) declares kind {} but its stage does not implement it", label(d),
                            d.file.string(), plugin::kind_name(kind)));
  // Field pruning: a transform is told what the running stages after it read.
  std::size_t index = transforms_.size();  // the slot's place among the transforms, if it is one
  for (std::size_t i = 0; i < transforms_.size(); ++i)
    if (transforms_[i].get() == &slot) index = i;
  next->wanted = index < transforms_.size() ? field_plan()[index] : sdk::FieldSet::every();
  sdk::InitContext ctx{slot.name(),
                       next->spec.config,
                       spec_.directory(),
                       batch_size_,
                       slot.role() == SlotRole::dead_letter ? sdk::SinkRole::dead_letters : sdk::SinkRole::records,
                       false,
                       &next->wanted,
                       &next->field_use};
  try {
    next->stage->init(ctx);
  } catch (const sdk::ConfigError&) {
    return fail(SwapError::config_rejected, current_exception_message());
  } catch (...) {
    return fail(SwapError::init_failed, label(d) + " failed to initialise: " + current_exception_message());
  }
  // The stages before this one were told at their init() what the stages after them read, and
  // may skip computing anything else: a new version that reads more cannot be served by them.
  const std::vector<sdk::FieldSet> plan = field_plan(&slot, &next->field_use);
  for (std::size_t i = 0; i < transforms_.size() && i < index; ++i) {
    std::vector<std::string> skipped = skipped_fields(*transforms_[i]);
    std::erase_if(skipped, [&](const std::string& f) { return !plan[i].contains(f); });  // read after the swap
    if (skipped.empty()) continue;
    return fail(SwapError::not_swappable,
                fmt::format("after this change the stages after '{}' would read {}, which that stage skips: at "
                            "start nothing after it read {}; restart the pipeline to apply the change, or run it "
                            "with `prune_fields: false` (or `sluice run --no-prune`)",
                            transforms_[i]->name(), fmt::join(skipped, ", "), skipped.size() > 1 ? "them" : "it"));
  }
  try {
    next->start();
  } catch (...) {
    return fail(SwapError::init_failed, label(d) + " failed to start: " + current_exception_message());
  }

  if (!slot.serial()) {
    // Concurrent batches: the next batch to enter takes the new version.
    std::lock_guard lock(phase_mutex_);
    if (phase_ != RunPhase::running) return fail(SwapError::not_running, "the pipeline has stopped");
    const Clock::time_point started = Clock::now();
    slot.exchange(next);
    r.pause = Clock::now() - started;
    if (run_state_) run_state_->note_swap_applied();
    r.plugin = d.name;
    r.version = d.version;
    return r;
  }

  auto pending = std::make_shared<PendingSwap>();
  pending->next = std::move(next);
  pending->move_state = move_state;
  std::future<SwapOutcome> future = pending->outcome.get_future();
  {
    std::lock_guard lock(phase_mutex_);
    if (phase_ != RunPhase::running) return fail(SwapError::not_running, "the pipeline has stopped");
    if (!slot.install_pending(pending))
      return fail(SwapError::busy, "another swap of stage '" + slot.name() + "' is pending");
  }
  if (future.wait_for(request.timeout) != std::future_status::ready && slot.withdraw_pending(pending))
    return fail(SwapError::timed_out, fmt::format("no batch reached stage '{}' within {} ms; nothing changed",
                                                  slot.name(), request.timeout.count()));
  // Taken by the node (or the end of the run), which sets the outcome promptly.
  SwapOutcome outcome = future.get();
  r.pause = outcome.pause;
  if (outcome.error != SwapError::none) return fail(outcome.error, outcome.message);
  r.plugin = d.name;
  r.version = d.version;
  r.message = outcome.message;
  return r;
}

void Pipeline::resolve_pending_swaps() {
  for (StageSlot* slot : slots()) {
    if (std::shared_ptr<PendingSwap> pending = slot->take_pending()) {
      SwapOutcome outcome;
      outcome.error = SwapError::not_running;
      outcome.message = "the pipeline stopped before stage '" + slot->name() + "' reached a batch boundary";
      pending->outcome.set_value(std::move(outcome));
    }
  }
}

}  // namespace sluice::runtime
