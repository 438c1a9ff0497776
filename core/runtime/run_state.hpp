// The shared state of one run: stop and failure flags, totals, the batch-latency histogram.
#pragma once

#include "runtime/stage_counters.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <string>

namespace sluice::runtime {

// Written by the graph's nodes, read by the progress line, the report and the admin API;
// every member may be used from any thread.
class RunState {
 public:
  // Asks the source to stop reading; batches already read drain normally. Thread-safe.
  void request_stop() noexcept { stop_requested_.store(true, std::memory_order_release); }
  bool stop_requested() const noexcept { return stop_requested_.load(std::memory_order_acquire); }

  // Records the first failure and requests a stop.
  void fail(const std::string& message) {
    {
      std::lock_guard lock(mutex_);
      if (error_.empty()) error_ = message;
    }
    failed_.store(true, std::memory_order_release);
    request_stop();
  }
  bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
  std::string error() const {
    std::lock_guard lock(mutex_);
    return error_;
  }

  void count_dead_reason(std::string_view reason, uint64_t n) {
    std::lock_guard lock(mutex_);
    dead_by_reason_[std::string(reason)] += n;
  }
  std::map<std::string, uint64_t> dead_by_reason() const {
    std::lock_guard lock(mutex_);
    return dead_by_reason_;
  }

  // Input records the source produced (blank lines are not records).
  std::atomic<uint64_t> records_in{0};
  std::atomic<uint64_t> bytes_done{0};
  std::atomic<uint64_t> bytes_total{0};
  std::atomic<uint64_t> batches_in_flight{0};
  // Fates of input records as the sinks saw them, and the rows stages emitted that reached the sink.
  std::atomic<uint64_t> delivered{0};  // alive input records written by the sink
  std::atomic<uint64_t> dead{0};
  std::atomic<uint64_t> filtered{0};
  std::atomic<uint64_t> absorbed{0};
  std::atomic<uint64_t> rows_out{0};
  LatencyHistogram batch_latency;  // batch created at the source -> committed by the sinks
  // When the sinks finished the first batch: system clock, nanoseconds since the Unix epoch
  // (comparable with a timestamp another process took before starting this one); 0 before.
  std::atomic<int64_t> first_batch_unix_ns{0};

  // Every batch numbered below this has been committed by the sinks (they take batches in
  // order): no stage will see any of them again.
  std::atomic<uint64_t> committed_below{0};

  // Called by the sinks (serially) after each batch.
  void note_batch_committed() noexcept {
    if (first_batch_unix_ns.load(std::memory_order_relaxed) != 0) return;
    first_batch_unix_ns.store(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count(),
                              std::memory_order_relaxed);
  }
  // The same, for the batches alive while a swap was applied (created before it, committed
  // after it): what a swap adds to latency shows here.
  LatencyHistogram batch_latency_during_swaps;

  // Marks the moment a swap took effect. Any thread.
  void note_swap_applied() noexcept {
    last_swap_ns_.store(std::chrono::steady_clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  }
  // True for a batch created before the last swap took effect.
  bool overlapped_swap(std::chrono::steady_clock::time_point created) const noexcept {
    return created.time_since_epoch().count() <= last_swap_ns_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> failed_{false};
  std::atomic<std::chrono::steady_clock::rep> last_swap_ns_{std::numeric_limits<std::chrono::steady_clock::rep>::min()};
  mutable std::mutex mutex_;
  std::string error_;
  std::map<std::string, uint64_t> dead_by_reason_;
};

}  // namespace sluice::runtime
