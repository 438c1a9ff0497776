// The generate stage: a seeded, deterministic source of synthetic NDJSON events shaped like
// the reference workload, for examples, tests and benchmarks.
#pragma once

#include "event_writer.hpp"

#include <sluice/sdk.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace sluice::plugins::generate {

// Writes event lines into batch.input() and adds them as raw records (values stay null for a
// parse stage). Blank lines it mixes in are not records but take line numbers. The same
// options give the same lines whatever the batch size. next() is called from one thread at a
// time; stop() may be called from another thread while next() waits for `rate`.
class Generate final : public sdk::Source {
 public:
  void init(const sdk::InitContext& ctx) override;
  void start() override;
  void stop() override;
  bool next(sdk::Batch& batch) override;
  // Bytes written so far; the total is an estimate from the average line (0 when endless).
  sdk::Progress progress() const override;

 private:
  struct PendingLine {
    std::size_t offset;
    std::size_t size;
    uint64_t line;
  };
  using Clock = std::chrono::steady_clock;

  // How many of `wanted` records are due at `rate_`, after waiting at most max_batch_delay_.
  uint64_t paced_count(uint64_t wanted);

  uint64_t count_ = 100000;  // 0 = endless
  uint64_t seed_ = 1;
  double rate_ = 0;  // records per second of wall-clock time; 0 = unpaced
  // With a rate: how long a batch waits for records not yet due before it leaves with fewer.
  Clock::duration max_batch_delay_ = std::chrono::milliseconds(5);
  uint32_t batch_size_ = 4096;
  EventMix mix_;

  std::optional<EventWriter> writer_;
  uint64_t produced_ = 0;
  uint64_t next_line_ = 1;
  uint64_t bytes_ = 0;
  std::vector<PendingLine> pending_;
  std::optional<Clock::time_point> pace_start_;
  std::atomic<bool> stopping_{false};
};

}  // namespace sluice::plugins::generate
