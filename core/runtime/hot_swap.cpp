#include "runtime/hot_swap.hpp"

#include "plugin/option_check.hpp"
#include "runtime/pipeline.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <exception>
#include <future>
#include <utility>

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
    std::string with;
    for (const SwapResult::Reinitialised& e : r.reinitialised)
      with += fmt::format("{}'{}' now computes {}", with.empty() ? "" : ", ", e.stage, fmt::join(e.fields, ", "));
    if (!with.empty())
      with = fmt::format("; from batch {} on, with earlier stages re-initialised: {}", r.first_batch, with);
    log_event(fmt::format("swap ({}): stage '{}' {} {} -> {} {} (batches held {} us){}{}{}", request.origin,
                          slot->name(), r.previous_plugin, r.previous_version, r.plugin, r.version,
                          std::chrono::duration_cast<std::chrono::microseconds>(r.pause).count(), with,
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
  auto fail = [&r](SwapError error, std::string message) {  // nothing switched
    r.error = error;
    r.message = std::move(message);
    r.reinitialised.clear();
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
  bool implements = false;
  try {
    implements = next->create(kind);
  } catch (...) {
    return fail(SwapError::load_failed, current_exception_message());
  }
  if (!implements)
    return fail(SwapError::load_failed,
                fmt::format("plugin {} ({}) declares kind {} but its stage does not implement it", label(d),
                            d.file.string(), plugin::kind_name(kind)));
  // Field pruning: a transform is told what the running stages after it read.
  std::size_t index = transforms_.size();  // the slot's place among the transforms, if it is one
  for (std::size_t i = 0; i < transforms_.size(); ++i)
    if (transforms_[i].get() == &slot) index = i;
  try {
    next->init(slot.name(), spec_.directory(), batch_size_,
               slot.role() == SlotRole::dead_letter ? sdk::SinkRole::dead_letters : sdk::SinkRole::records, false,
               index < transforms_.size() ? field_plan()[index] : sdk::FieldSet::every());
  } catch (const sdk::ConfigError&) {
    return fail(SwapError::config_rejected, current_exception_message());
  } catch (...) {
    return fail(SwapError::init_failed, label(d) + " failed to initialise: " + current_exception_message());
  }
  // Field pruning: the stages before this one were told at their init() what the stages after
  // them read, and may skip computing anything else. Each that skips a field read after the
  // change gets a new instance of its running version and config, initialised with the wider
  // set, and switches with this stage at one batch (switch_together). From the stage nearest
  // this one back to the source: what a stage must compute depends only on the stages after it,
  // and a re-initialised stage may itself read more than before.
  std::vector<SwitchPart> parts;
  std::vector<UseOverride> overrides{{&slot, &next->field_use}};
  for (std::size_t i = std::min(index, transforms_.size()); i-- > 0;) {
    StageSlot& earlier = *transforms_[i];
    const sdk::FieldSet wanted = field_plan(overrides)[i];
    std::vector<std::string> skipped = skipped_fields(earlier);
    std::erase_if(skipped, [&](const std::string& f) { return !wanted.contains(f); });  // read after the swap
    if (skipped.empty()) continue;
    const std::shared_ptr<StageInstance> running = earlier.current();
    const std::string why = fmt::format("after this change the stages after '{}' would read {}, which that stage skips",
                                        earlier.name(), fmt::join(skipped, ", "));
    const char* them = skipped.size() > 1 ? "them" : "it";
    if (running->description().stateful())
      return fail(SwapError::not_swappable,
                  fmt::format("{}, and it holds state ({}), so it cannot be re-initialised to compute {}; restart "
                              "the pipeline to apply the change, or run it with `prune_fields: false` (or `sluice "
                              "run --no-prune`)",
                              why, label(running->description()), them));
    auto wider = std::make_shared<StageInstance>();
    wider->plugin = running->plugin;
    wider->spec = running->spec;
    try {
      wider->create(sdk::StageKind::transform);  // it did when it was first created
      wider->init(earlier.name(), spec_.directory(), batch_size_, sdk::SinkRole::records, false, wanted);
    } catch (...) {
      return fail(SwapError::init_failed,
                  fmt::format("{}, and re-initialising {} to compute {} failed: {}", why, label(running->description()),
                              them, current_exception_message()));
    }
    overrides.push_back({&earlier, &wider->field_use});
    parts.push_back({&earlier, std::move(wider), false});
    r.reinitialised.push_back({earlier.name(), std::move(skipped)});
  }
  std::reverse(parts.begin(), parts.end());
  std::reverse(r.reinitialised.begin(), r.reinitialised.end());
  for (SwitchPart& part : parts) {
    try {
      part.next->start();
    } catch (...) {
      return fail(SwapError::init_failed,
                  fmt::format("{} (re-initialised for stage '{}') failed to start: {}", label(part.next->description()),
                              part.slot->name(), current_exception_message()));
    }
  }
  try {
    next->start();
  } catch (...) {
    return fail(SwapError::init_failed, label(d) + " failed to start: " + current_exception_message());
  }
  if (!parts.empty()) {
    parts.push_back({&slot, std::move(next), move_state});
    r = switch_together(parts, request, std::move(r));
    if (r.ok()) {
      r.plugin = d.name;
      r.version = d.version;
    }
    return r;
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

SwapResult Pipeline::switch_together(const std::vector<SwitchPart>& parts, const SwapRequest& request, SwapResult r) {
  auto fail = [&r](SwapError error, std::string message) {
    r.error = error;
    r.message = std::move(message);
    return r;
  };
  auto unchanged = [&](SwapError error, std::string message) {  // no stage switched
    r.reinitialised.clear();
    return fail(error, std::move(message));
  };
  auto sw = std::make_shared<PostedSwitch>();
  sw->parts = parts;
  sw->pending.resize(parts.size());
  std::vector<std::future<SwapOutcome>> outcomes(parts.size());
  auto withdraw_pending = [&] {
    for (std::size_t i = 0; i < parts.size(); ++i)
      if (sw->pending[i]) parts[i].slot->withdraw_pending(sw->pending[i]);
  };
  std::future<uint64_t> installed = sw->installed.get_future();
  {
    std::lock_guard lock(phase_mutex_);
    if (phase_ != RunPhase::running) return unchanged(SwapError::not_running, "the pipeline has stopped");
    // Serial slots: a swap that waits, unarmed, until the source's node names its batch.
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const SwitchPart& part = parts[i];
      if (!part.slot->serial()) {
        part.slot->reserve_switch();  // so that installing it allocates nothing
        continue;
      }
      auto pending = std::make_shared<PendingSwap>();
      pending->next = part.next;
      pending->move_state = part.move_state;
      outcomes[i] = pending->outcome.get_future();
      if (!part.slot->install_pending(pending, StageSlot::kNotYet)) {
        withdraw_pending();
        return unchanged(SwapError::busy, "another swap of stage '" + part.slot->name() + "' is pending");
      }
      sw->pending[i] = std::move(pending);
    }
    std::lock_guard posted(switch_mutex_);
    posted_switch_ = sw;
    switch_posted_.store(true, std::memory_order_release);
  }
  if (installed.wait_for(request.timeout) != std::future_status::ready) {
    if (take_posted_switch(sw.get())) {  // still posted: withdrawn before the source took it
      withdraw_pending();
      return unchanged(SwapError::timed_out, fmt::format("the source created no batch within {} ms; nothing changed",
                                                         request.timeout.count()));
    }
  }
  r.first_batch = installed.get();
  if (r.first_batch == kNever) {
    withdraw_pending();
    return unchanged(SwapError::not_running, "the pipeline stopped before the source created another batch");
  }
  // Armed: batch first_batch exists and reaches every serial part, or the run ends and
  // resolves them. Each outcome comes with it; none is given up on now that some may apply.
  SwapOutcome last;
  std::vector<bool> applied(parts.size(), true);  // a concurrent part applies when installed
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!sw->pending[i]) continue;
    SwapOutcome outcome = outcomes[i].get();
    applied[i] = outcome.error == SwapError::none;
    if (i + 1 == parts.size()) last = std::move(outcome);
  }
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (!applied[i]) continue;  // the run ended before the batch reached it
    StageSlot& earlier = *parts[i].slot;
    earlier.counters.swaps_done.fetch_add(1, std::memory_order_relaxed);
    log_event(fmt::format("swap ({}): stage '{}' {} {} re-initialised for the change to stage '{}', from batch {} on",
                          request.origin, earlier.name(), parts[i].next->description().name,
                          parts[i].next->description().version, parts.back().slot->name(), r.first_batch));
  }
  r.pause = last.pause;
  if (last.error != SwapError::none) {
    // The earlier stages switched all the same: they compute more than needed, which is harmless.
    std::string kept;
    for (const SwapResult::Reinitialised& e : r.reinitialised)
      kept += fmt::format("; '{}' was re-initialised for it and now computes {}", e.stage, fmt::join(e.fields, ", "));
    return fail(last.error, last.message + kept);
  }
  r.message = last.message;
  return r;
}

std::shared_ptr<Pipeline::PostedSwitch> Pipeline::take_posted_switch(const PostedSwitch* only) noexcept {
  std::lock_guard lock(switch_mutex_);
  if (!posted_switch_ || (only != nullptr && posted_switch_.get() != only)) return nullptr;
  switch_posted_.store(false, std::memory_order_release);
  return std::exchange(posted_switch_, nullptr);
}

void Pipeline::install_switch(uint64_t first, RunState& state) noexcept {
  const std::shared_ptr<PostedSwitch> sw = take_posted_switch();
  if (!sw) return;
  for (std::size_t i = 0; i < sw->parts.size(); ++i) {
    if (sw->pending[i])
      sw->parts[i].slot->arm_pending(first);
    else
      sw->parts[i].slot->exchange_from(first, sw->parts[i].next);
  }
  state.note_swap_applied();
  sw->installed.set_value(first);
}

void Pipeline::resolve_pending_swaps() {
  if (const std::shared_ptr<PostedSwitch> sw = take_posted_switch()) sw->installed.set_value(kNever);
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
