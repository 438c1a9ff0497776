// Hot swap: replacing the version (or the plugin, or the config) of one stage while the
// pipeline runs, losing and repeating no record.
//
// - The new instance is loaded, checked, created, initialised and started off the data path,
//   by the caller's thread; any failure there leaves the running version untouched.
// - A slot that runs batches concurrently (a reentrant transform) takes the new instance at
//   once: each batch runs on the version current when it entered the stage, batches in flight
//   finish on the old one, and the old one is stopped and its library released when the last
//   of them lets it go.
// - A serial slot (serial or stateful transforms, sinks, concurrency 1) gets a pending swap
//   that its own node applies between two batches: snapshot() the old stage, restore() the
//   new one (stateful plugins), then exchange. If the hand-over throws, the old version keeps
//   running. The caller waits for that outcome, up to a timeout.
// - Field pruning: when the new instance reads a field that an earlier stage skips (nothing
//   read it when that stage was initialised), each such stage gets a new instance of the same
//   version and config, initialised to compute it, and they all switch at one batch: the source's
//   node picks the number of the next batch it creates, every batch from that one on runs on all
//   the new instances, and every batch before it on all the old ones (a concurrent slot keeps its
//   old instance until the sinks have committed the last of those). So no record reaches the new
//   stage without the field. A stateful stage is not re-initialised: such a swap is refused.
#pragma once

#include <sluice/sdk/config.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sluice::runtime {

class StageSlot;
class RunState;

enum class SwapError {
  none,
  unknown_stage,    // no stage of that name
  not_swappable,    // the stage cannot take this change while running (source, threading, state)
  load_failed,      // no such plugin or version, refused ABI or manifest, wrong kind
  config_rejected,  // the config does not fit the plugin's declared options
  init_failed,      // create(), init() or start() threw
  restore_failed,   // snapshot() or restore() threw; the old version keeps running
  busy,             // another swap of this stage is pending
  not_running,      // the pipeline has not started, or has stopped
  timed_out,        // no batch boundary was reached in time; nothing changed
};

// The HTTP status the admin API answers for an error.
int http_status(SwapError error);
const char* swap_error_name(SwapError error);

struct SwapRequest {
  std::string stage;
  std::string plugin;                     // empty: the stage's current plugin
  std::string version_requirement;        // "1.3.0", "^1.2", ...; empty: the highest available
  std::optional<sdk::ConfigNode> config;  // absent: the stage's current config
  // How long to wait for a serial stage's next batch boundary.
  std::chrono::milliseconds timeout{10000};
  std::string origin = "admin";  // who asked, for the log line: admin, reload, ...
};

struct SwapResult {
  SwapError error = SwapError::none;
  std::string message;  // the reason, on failure
  // The version running after the call: the new one on success, the old one on failure.
  std::string plugin, version;
  std::string previous_plugin, previous_version;
  // How long the stage's batches were held while the swap was applied (serial slots).
  std::chrono::nanoseconds pause{};
  // Earlier stages re-initialised with it because it reads fields they skipped (field
  // pruning), in pipeline order, and the first batch that ran on all the new instances (every
  // batch before it ran on all the old ones).
  struct Reinitialised {
    std::string stage;
    std::vector<std::string> fields;  // the fields it computes now
  };
  std::vector<Reinitialised> reinitialised;
  uint64_t first_batch = 0;

  bool ok() const { return error == SwapError::none; }
};

// Applies the pending swap of a serial slot. Called by the slot's own node before a batch,
// when slot.swap_pending(); never throws.
void apply_pending_swap(StageSlot& slot, RunState& state) noexcept;

}  // namespace sluice::runtime
