#include "runtime/stage_call.hpp"

#include "runtime/hot_swap.hpp"

#include <chrono>
#include <exception>
#include <string>

namespace sluice::runtime {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t alive_count(const sdk::Batch& b) {
  const sdk::BatchCounts& c = b.counts();
  return b.size() - c.dead - c.filtered - c.absorbed;
}

std::string current_exception_message() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

// A stage threw on this batch: its alive records go to the dead letter, tagged stage_error.
void fail_batch(StageSlot& slot, sdk::Batch& batch, RunState& state, const std::string& message) {
  slot.counters.errors.fetch_add(1, std::memory_order_relaxed);
  batch.set_stage(slot.name());
  for (sdk::Record& r : batch.records())
    if (r.alive()) batch.dead_letter(r, "stage_error", message);
  if (slot.spec().on_error == config::OnError::fail)
    state.fail("stage '" + slot.name() + "' failed: " + message);
}

// Marks a batch inside a stage, for the in-flight gauge.
class InFlight {
 public:
  explicit InFlight(StageSlot& slot) : slot_(slot) { slot_.counters.in_flight.fetch_add(1, std::memory_order_relaxed); }
  ~InFlight() { slot_.counters.in_flight.fetch_sub(1, std::memory_order_relaxed); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  StageSlot& slot_;
};

uint64_t micros_since(Clock::time_point t) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t).count());
}

void account(StageSlot& slot, const sdk::BatchCounts& before, uint64_t alive_in, const sdk::Batch& batch,
             Clock::time_point started) {
  const sdk::BatchCounts& after = batch.counts();
  StageCounters& c = slot.counters;
  c.batches.fetch_add(1, std::memory_order_relaxed);
  c.records_in.fetch_add(alive_in, std::memory_order_relaxed);
  c.records_out.fetch_add(alive_count(batch), std::memory_order_relaxed);
  c.dead.fetch_add(after.dead - before.dead, std::memory_order_relaxed);
  c.filtered.fetch_add(after.filtered - before.filtered, std::memory_order_relaxed);
  c.absorbed.fetch_add(after.absorbed - before.absorbed, std::memory_order_relaxed);
  c.emitted.fetch_add(after.emitted - before.emitted, std::memory_order_relaxed);
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count();
  c.busy_ns.fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
  c.call_latency.record(static_cast<uint64_t>(ns / 1000));
}

}  // namespace

void call_transform(StageSlot& slot, sdk::Batch& batch, RunState& state) noexcept {
  // Serial slots only: a batch boundary.
  if (slot.swap_pending() && slot.pending_due(batch.sequence())) apply_pending_swap(slot, state);
  InFlight in_flight(slot);
  std::shared_ptr<StageInstance> instance =  // this batch's version
      slot.current_for(batch.sequence(), state.committed_below.load(std::memory_order_acquire));
  const sdk::BatchCounts before = batch.counts();
  const uint64_t alive_in = alive_count(batch);
  const Clock::time_point started = Clock::now();
  try {
    batch.set_stage(slot.name());
    instance->transform->process(batch);
  } catch (...) {
    try {
      fail_batch(slot, batch, state, current_exception_message());
    } catch (...) {
      state.fail("stage '" + slot.name() + "' failed and its batch could not be dead-lettered");
    }
  }
  account(slot, before, alive_in, batch, started);
  if (slot.tap.active()) slot.tap.offer(batch, false);
}

void call_prepare(StageSlot& slot, const sdk::Batch& batch) noexcept {
  std::shared_ptr<StageInstance> instance = slot.current();
  if (instance->preparing == nullptr) return;
  const Clock::time_point started = Clock::now();
  try {
    instance->preparing->prepare(batch);
  } catch (...) {
    // The stage's process() reads what prepare() did not: nothing is lost.
  }
  slot.counters.busy_ns.fetch_add(
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count()),
      std::memory_order_relaxed);
}

bool call_source(StageSlot& slot, sdk::Batch& batch, RunState& state) noexcept {
  std::shared_ptr<StageInstance> instance = slot.current();
  const Clock::time_point started = Clock::now();
  bool more = false;
  try {
    batch.set_stage(slot.name());
    more = instance->source->next(batch);
    sdk::Progress p = instance->source->progress();
    state.bytes_done.store(p.done_bytes, std::memory_order_relaxed);
    state.bytes_total.store(p.total_bytes, std::memory_order_relaxed);
  } catch (...) {
    slot.counters.errors.fetch_add(1, std::memory_order_relaxed);
    state.fail("source '" + slot.name() + "' failed: " + current_exception_message());
    more = false;
  }
  StageCounters& c = slot.counters;
  c.batches.fetch_add(1, std::memory_order_relaxed);
  c.records_out.fetch_add(alive_count(batch), std::memory_order_relaxed);
  c.dead.fetch_add(batch.counts().dead, std::memory_order_relaxed);
  c.filtered.fetch_add(batch.counts().filtered, std::memory_order_relaxed);
  c.busy_ns.fetch_add(
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count()),
      std::memory_order_relaxed);
  c.call_latency.record(micros_since(started));
  state.records_in.fetch_add(batch.size(), std::memory_order_relaxed);
  if (slot.tap.active()) slot.tap.offer(batch, false);
  return more;
}

void call_sinks(StageSlot& sink, StageSlot* dead_letter, sdk::Batch& batch, RunState& state) noexcept {
  // Both sinks run in one serial node: a batch boundary for each.
  if (sink.swap_pending() && sink.pending_due(batch.sequence())) apply_pending_swap(sink, state);
  if (dead_letter && dead_letter->swap_pending() && dead_letter->pending_due(batch.sequence()))
    apply_pending_swap(*dead_letter, state);
  {
    InFlight in_flight(sink);
    std::shared_ptr<StageInstance> instance = sink.current();
    const sdk::BatchCounts before = batch.counts();
    const uint64_t alive_in = alive_count(batch);
    const Clock::time_point started = Clock::now();
    try {
      batch.set_stage(sink.name());
      instance->sink->write(batch);
    } catch (...) {
      try {
        fail_batch(sink, batch, state, current_exception_message());
      } catch (...) {
        state.fail("sink '" + sink.name() + "' failed");
      }
    }
    account(sink, before, alive_in, batch, started);
    if (sink.tap.active()) sink.tap.offer(batch, false);
  }

  // Tally fates: input records (line > 0) for the balance, emitted rows separately.
  uint64_t delivered = 0, dead = 0, filtered = 0, absorbed = 0, rows = 0;
  for (const sdk::Record& r : batch.records()) {
    if (r.line == 0) {
      rows += r.alive();
      continue;
    }
    switch (r.fate) {
      case sdk::Fate::alive: ++delivered; break;
      case sdk::Fate::dead: ++dead; break;
      case sdk::Fate::filtered: ++filtered; break;
      case sdk::Fate::absorbed: ++absorbed; break;
    }
  }
  if (batch.counts().dead > 0) {
    std::map<std::string_view, uint64_t> reasons;
    for (const sdk::Record& r : batch.records())
      if (r.fate == sdk::Fate::dead && r.dead) ++reasons[r.dead->reason];
    for (const auto& [reason, n] : reasons) state.count_dead_reason(reason, n);

    if (dead_letter) {
      InFlight in_flight(*dead_letter);
      std::shared_ptr<StageInstance> instance = dead_letter->current();
      const Clock::time_point started = Clock::now();
      try {
        instance->sink->write(batch);
      } catch (...) {
        // Nowhere left to put these records: stop rather than lose more.
        dead_letter->counters.errors.fetch_add(1, std::memory_order_relaxed);
        state.fail("dead-letter sink '" + dead_letter->name() + "' failed: " + current_exception_message());
      }
      StageCounters& c = dead_letter->counters;
      c.batches.fetch_add(1, std::memory_order_relaxed);
      c.records_in.fetch_add(batch.counts().dead, std::memory_order_relaxed);
      c.busy_ns.fetch_add(
          static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count()),
          std::memory_order_relaxed);
      c.call_latency.record(micros_since(started));
      if (dead_letter->tap.active()) dead_letter->tap.offer(batch, true);
    }
  }
  state.delivered.fetch_add(delivered, std::memory_order_relaxed);
  state.dead.fetch_add(dead, std::memory_order_relaxed);
  state.filtered.fetch_add(filtered, std::memory_order_relaxed);
  state.absorbed.fetch_add(absorbed, std::memory_order_relaxed);
  state.rows_out.fetch_add(rows, std::memory_order_relaxed);
  const uint64_t micros = micros_since(batch.created());
  state.batch_latency.record(micros);
  if (state.overlapped_swap(batch.created())) state.batch_latency_during_swaps.record(micros);
}

}  // namespace sluice::runtime
