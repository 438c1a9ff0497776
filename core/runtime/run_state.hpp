// The shared state of one run: stop and failure flags, totals, the batch-latency histogram.
#pragma once

#include "runtime/stage_counters.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace sluice::runtime {

// Written by the graph's nodes, read by the progress line, the report and (later) the admin
// API; every member may be used from any thread.
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

 private:
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> failed_{false};
  mutable std::mutex mutex_;
  std::string error_;
  std::map<std::string, uint64_t> dead_by_reason_;
};

}  // namespace sluice::runtime
