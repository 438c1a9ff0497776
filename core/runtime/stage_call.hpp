// Calling a stage on a batch the way the runtime promises: the version current at entry,
// counters, timing, and exceptions turned into dead letters (never into the graph).
#pragma once

#include "runtime/pipeline.hpp"
#include "runtime/run_state.hpp"

#include <sluice/sdk/batch.hpp>

namespace sluice::runtime {

// Runs one transform on a batch. Never throws.
void call_transform(StageSlot& slot, sdk::Batch& batch, RunState& state) noexcept;

// Lets a serial transform that prepares batches (sdk::PreparingTransform) read `batch` ahead
// of its process(), concurrently with other batches; nothing for other transforms. Its time
// counts as the stage's busy time; a throw is ignored (process() then does all the work).
// Never throws.
void call_prepare(StageSlot& slot, const sdk::Batch& batch) noexcept;

// Fills a batch from the source; returns false when the input is exhausted. Never throws: a
// source failure fails the run.
bool call_source(StageSlot& slot, sdk::Batch& batch, RunState& state) noexcept;

// Writes a batch to the sink and its dead letters to the dead-letter sink, tallies the fates
// of its records, and records its latency. Never throws.
void call_sinks(StageSlot& sink, StageSlot* dead_letter, sdk::Batch& batch, RunState& state) noexcept;

}  // namespace sluice::runtime
